// The Letta simulator against shared/reference/letta-rest-api.md: one test per item of §10
// "Minimal fake-server contract" (Contract01..Contract32), then seeding, in-process methods and
// robustness. Requests go straight to handle().

#include "hvs/sim/letta_simulator.hpp"
#include "hvs/sim/http_util.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <set>

namespace hvs::sim::letta_simulator_test {
namespace {

namespace json = boost::json;
namespace http = boost::beast::http;

constexpr std::int64_t t0 = 1'762'280'551'123'456;  // 2025-11-04T18:22:31.123456Z in microseconds
constexpr std::string_view json_type = "application/json";

// "<prefix>-<lower-case uuid4>".
bool is_id(std::string_view id) {
    const auto dash = id.find('-');
    if (dash == std::string_view::npos || dash == 0 || id.size() != dash + 37) return false;
    for (char c : id.substr(0, dash)) {
        if (c < 'a' || c > 'z') return false;
    }
    const auto uuid = id.substr(dash + 1);
    for (std::size_t i = 0; i < uuid.size(); ++i) {
        const bool sep = i == 8 || i == 13 || i == 18 || i == 23;
        const bool hex = (uuid[i] >= '0' && uuid[i] <= '9') || (uuid[i] >= 'a' && uuid[i] <= 'f');
        if (sep ? uuid[i] != '-' : !hex) return false;
    }
    return uuid[14] == '4' && std::string_view("89ab").find(uuid[19]) != std::string_view::npos;
}

// "YYYY-MM-DDTHH:MM:SS[.ffffff]Z".
bool is_iso(std::string_view t) {
    const std::string_view shape = "0000-00-00T00:00:00";
    if (t.size() != shape.size() + 1 && t.size() != shape.size() + 8) return false;
    for (std::size_t i = 0; i < t.size() - 1; ++i) {
        const char want = i < shape.size() ? shape[i] : (i == shape.size() ? '.' : '0');
        if (want == '0' ? (t[i] < '0' || t[i] > '9') : t[i] != want) return false;
    }
    return t.back() == 'Z';
}

struct headers {
    std::string user_agent = "hvs-test/0.1";
    std::vector<std::pair<std::string, std::string>> extra;
};

request make_request(http::verb verb, std::string target, std::string body, std::string content_type,
                     const headers& h) {
    request req{verb, target, 11};
    req.set(http::field::host, "letta.test:8283");
    if (!h.user_agent.empty()) req.set(http::field::user_agent, h.user_agent);
    for (const auto& [k, v] : h.extra) req.set(k, v);
    if (!body.empty()) {
        if (!content_type.empty()) req.set(http::field::content_type, content_type);
        req.body() = std::move(body);
    }
    req.prepare_payload();
    return req;
}

json::value json_of(const response& res) {
    boost::system::error_code ec;
    auto v = json::parse(res.body(), ec);
    EXPECT_FALSE(ec) << "not JSON: " << res.body();
    return ec ? json::value() : v;
}

std::string str(const json::value& v) { return v.is_string() ? std::string(v.get_string()) : std::string(); }

std::vector<std::string> names_of(const json::value& list, std::string_view key = "name") {
    std::vector<std::string> out;
    if (!list.is_array()) return out;
    for (const auto& v : list.get_array()) out.push_back(str(v.at(key)));
    return out;
}

std::string multipart(std::string_view filename, std::string_view content, std::string_view part_type = "text/markdown") {
    std::string body = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + std::string(filename) + "\"\r\n";
    if (!part_type.empty()) body += "Content-Type: " + std::string(part_type) + "\r\n";
    return body + "\r\n" + std::string(content) + "\r\n--XyZ--\r\n";
}

class LettaSim : public ::testing::Test {
protected:
    LettaSim() { reset(); }

    void reset(letta_options o = {}) {
        o.clock = [this] { return std::chrono::system_clock::time_point(std::chrono::microseconds(now_)); };
        sim_ = std::make_unique<letta_simulator>(std::move(o));
    }

    response send(http::verb verb, std::string target, std::string body = {},
                  std::string content_type = "application/json", const headers& h = {}) {
        return sim_->handle(make_request(verb, std::move(target), std::move(body), std::move(content_type), h));
    }
    response get(std::string target, const headers& h = {}) { return send(http::verb::get, std::move(target), {}, {}, h); }
    response post(std::string target, std::string body) { return send(http::verb::post, std::move(target), std::move(body)); }
    response patch(std::string target, std::string body = {}, const headers& h = {}) {
        return send(http::verb::patch, std::move(target), std::move(body), "application/json", h);
    }
    response del(std::string target) { return send(http::verb::delete_, std::move(target)); }

    std::string create_agent(std::string_view name, std::string extra = {}) {
        auto res = post("/v1/agents/", R"({"name":")" + std::string(name) + R"(","model":"anthropic/claude-sonnet-4-5")" +
                                           (extra.empty() ? "" : "," + extra) + "}");
        EXPECT_EQ(res.result(), status::ok) << res.body();
        return str(json_of(res).at("id"));
    }
    std::string create_folder(std::string_view name, std::string_view collection = "folders") {
        auto res = post("/v1/" + std::string(collection) + "/", R"({"name":")" + std::string(name) + R"("})");
        EXPECT_EQ(res.result(), status::ok) << res.body();
        return str(json_of(res).at("id"));
    }
    std::string create_block(std::string_view label, std::string_view value) {
        auto res = post("/v1/blocks/", R"({"label":")" + std::string(label) + R"(","value":")" + std::string(value) + R"("})");
        EXPECT_EQ(res.result(), status::ok) << res.body();
        return str(json_of(res).at("id"));
    }
    response upload(const std::string& folder, std::string_view filename, std::string_view content,
                    std::string_view query = {}, std::string_view part_type = "text/markdown") {
        return send(http::verb::post, "/v1/folders/" + folder + "/upload" + std::string(query),
                    multipart(filename, content, part_type), "multipart/form-data; boundary=XyZ");
    }
    std::vector<std::string> tool_names(const std::string& agent) { return sim_->agent_tool_names(agent); }
    static bool has(const std::vector<std::string>& v, std::string_view s) { return std::find(v.begin(), v.end(), s) != v.end(); }

    std::int64_t now_ = t0;
    std::unique_ptr<letta_simulator> sim_;
};

const std::string missing_agent = "agent-00000000-0000-4000-8000-000000000000";
const std::string missing_tool = "tool-00000000-0000-4000-8000-000000000000";
const std::string missing_block = "block-00000000-0000-4000-8000-000000000000";
const std::string missing_folder = "source-00000000-0000-4000-8000-000000000000";
const std::string missing_file = "file-00000000-0000-4000-8000-000000000000";

// ---------------------------------------------------------------------------------------------
// Transport and auth

TEST_F(LettaSim, Contract01_CollectionRootsRedirectWithoutSlash) {
    auto res = get("/v1/agents?name=x&limit=5");
    EXPECT_EQ(res.result(), status::temporary_redirect);
    EXPECT_EQ(res[http::field::location], "http://letta.test:8283/v1/agents/?name=x&limit=5");
    EXPECT_TRUE(res.body().empty());
    EXPECT_EQ(send(http::verb::post, "/v1/folders", R"({"name":"a"})").result(), status::temporary_redirect);
    EXPECT_EQ(get("/v1/health").result(), status::temporary_redirect);

    const auto id = create_agent("a");
    res = get("/v1/agents/" + id + "/");
    EXPECT_EQ(res.result(), status::temporary_redirect);
    EXPECT_EQ(res[http::field::location], "http://letta.test:8283/v1/agents/" + id);

    for (auto path : {"/v1/agents/", "/v1/blocks/", "/v1/tools/", "/v1/folders/", "/v1/sources/", "/latest/agents/"}) {
        res = get(path);
        EXPECT_EQ(res.result(), status::ok) << path;
        EXPECT_EQ(res[http::field::content_type], json_type);
        EXPECT_TRUE(json_of(res).is_array());
    }
    res = get("/v1/nothing/");
    EXPECT_EQ(res.result(), status::not_found);
    EXPECT_EQ(json_of(res), json::parse(R"({"detail":"Not Found"})"));
    res = del("/v1/agents/");
    EXPECT_EQ(res.result(), status::method_not_allowed);
    EXPECT_EQ(json_of(res), json::parse(R"({"detail":"Method Not Allowed"})"));

    EXPECT_EQ(sim_->route_of(make_request(http::verb::patch, "/v1/agents/" + id + "/tools/attach/" + missing_tool, {}, {}, {})),
              "PATCH /v1/agents/{agent_id}/tools/attach/{tool_id}");
    EXPECT_EQ(sim_->route_of(make_request(http::verb::get, "/latest/folders/?name=x", {}, {}, {})), "GET /v1/folders/");
    EXPECT_EQ(sim_->route_of(make_request(http::verb::get, "/v1/agents", {}, {}, {})), "unmatched");
}

TEST_F(LettaSim, Contract02_PasswordByBearerOrBareHeader) {
    letta_options o;
    o.password = "s3cret";
    reset(o);
    auto res = get("/v1/agents/");
    EXPECT_EQ(res.result(), status::unauthorized);
    EXPECT_EQ(res[http::field::content_type], json_type);
    EXPECT_EQ(json_of(res), json::parse(R"({"detail":"Unauthorized"})"));
    EXPECT_EQ(get("/v1/agents/", {.extra = {{"Authorization", "Bearer wrong"}}}).result(), status::unauthorized);
    EXPECT_EQ(get("/v1/agents/", {.extra = {{"X-BARE-PASSWORD", "s3cret"}}}).result(), status::unauthorized);
    EXPECT_EQ(get("/v1/agents/", {.extra = {{"Authorization", "Bearer s3cret"}}}).result(), status::ok);
    EXPECT_EQ(get("/v1/agents/", {.extra = {{"X-BARE-PASSWORD", "password s3cret"}}}).result(), status::ok);
    EXPECT_EQ(get("/v1/health/").result(), status::ok);
    EXPECT_EQ(get("/v1/health").result(), status::temporary_redirect);
    EXPECT_EQ(get("/v1/nothing").result(), status::unauthorized);
}

TEST_F(LettaSim, Contract03_Health) {
    auto res = get("/v1/health/");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(res[http::field::content_type], json_type);
    EXPECT_EQ(json_of(res), json::parse(R"({"version":"0.13.0","status":"ok"})"));
    res = send(http::verb::head, "/v1/health/");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_TRUE(res.body().empty());
    EXPECT_EQ(res[http::field::content_length], "34");
}

TEST_F(LettaSim, Contract04_ErrorsAreDetailStrings) {
    auto res = get("/v1/agents/" + missing_agent);
    EXPECT_EQ(res.result(), status::not_found);
    EXPECT_EQ(res[http::field::content_type], json_type);
    EXPECT_EQ(json_of(res), json::parse(R"({"detail":"Agent with ID )" + missing_agent + R"( not found"})"));
    res = get("/v1/blocks/" + missing_block);
    EXPECT_EQ(json_of(res), json::parse(R"({"detail":"Block with id ')" + missing_block + R"(' not found"})"));
    res = get("/v1/tools/" + missing_tool);
    EXPECT_EQ(res.result(), status::not_found);
    EXPECT_TRUE(json_of(res).at("detail").is_string());
}

TEST_F(LettaSim, Contract05_MalformedPathIdsAre422) {
    auto res = get("/v1/agents/foo");
    EXPECT_EQ(res.result(), status::unprocessable_entity);
    EXPECT_EQ(res[http::field::content_type], json_type);
    auto body = json_of(res);
    EXPECT_EQ(body.at("trace_id"), "");
    const std::string detail = str(body.at("detail"));
    EXPECT_NE(detail.find("'type': 'string_too_short'"), std::string::npos) << detail;
    EXPECT_NE(detail.find("'loc': ('path', 'agent_id')"), std::string::npos) << detail;
    EXPECT_NE(detail.find("'input': 'foo'"), std::string::npos) << detail;
    EXPECT_EQ(body.at("examples"), json::parse(R"(["agent-123e4567-e89b-42d3-8456-426614174000"])"));

    res = get("/v1/agents/agent-ABCDEF00-0000-4000-8000-000000000000");
    EXPECT_EQ(res.result(), status::unprocessable_entity);
    EXPECT_NE(str(json_of(res).at("detail")).find("string_pattern_mismatch"), std::string::npos);
    // A folder id is a source- id; a v1 uuid (version nibble 1) is rejected too.
    EXPECT_EQ(get("/v1/folders/folder-00000000-0000-4000-8000-000000000000").result(), status::unprocessable_entity);
    EXPECT_EQ(get("/v1/tools/tool-00000000-0000-1000-8000-000000000000").result(), status::unprocessable_entity);
    EXPECT_EQ(del("/v1/folders/" + missing_folder + "/not-a-file").result(), status::unprocessable_entity);

    const auto agent = create_agent("ids", R"("memory_blocks":[{"label":"persona","value":"p"}])");
    const auto folder = create_folder("ids-folder");
    auto file = json_of(upload(folder, "README.md", "hello"));
    for (const auto& id : {agent, folder, str(file.at("id")), *sim_->tool_id("open_files"),
                           str(json_of(get("/v1/agents/" + agent)).at("blocks").at(0).at("id"))}) {
        EXPECT_TRUE(is_id(id)) << id;
    }
    EXPECT_EQ(folder.rfind("source-", 0), 0u);
}

TEST_F(LettaSim, Contract06_MissingUserAgentIs500WhereTheServerSniffs) {
    const auto agent = create_agent("ua");
    const headers none{.user_agent = "", .extra = {}};
    auto res = get("/v1/agents/", none);
    EXPECT_EQ(res.result(), status::internal_server_error);
    EXPECT_EQ(json_of(res), json::parse(R"({"detail":"An internal server error occurred"})"));
    EXPECT_EQ(get("/v1/agents/" + agent, none).result(), status::internal_server_error);
    EXPECT_EQ(get("/v1/agents/?include_relationships=tools", none).result(), status::ok);

    // Tool attach fails after committing the change.
    const auto tool = sim_->add_tool("huly_query");
    EXPECT_EQ(patch("/v1/agents/" + agent + "/tools/attach/" + tool, {}, none).result(), status::internal_server_error);
    EXPECT_TRUE(has(tool_names(agent), "huly_query"));

    // A 1.x SDK gets agents without relationships and `null` from attach/detach.
    const headers sdk1{.user_agent = "hvs-test/0.1", .extra = {{"X-Stainless-Package-Version", "1.3.3"}}};
    auto listed = json_of(get("/v1/agents/", sdk1));
    EXPECT_TRUE(listed.at(0).at("tools").get_array().empty());
    EXPECT_TRUE(listed.at(0).at("memory").at("blocks").get_array().empty());
    res = patch("/v1/agents/" + agent + "/tools/detach/" + tool, {}, {.user_agent = "letta-client/1.3.3", .extra = {}});
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(res.body(), "null");

    letta_options lenient;
    lenient.strict_user_agent = false;
    reset(lenient);
    EXPECT_EQ(get("/v1/agents/", none).result(), status::ok);
}

// ---------------------------------------------------------------------------------------------
// Agents

TEST_F(LettaSim, Contract07_ListAgentsFiltersOrderAndCursors) {
    const auto a = create_agent("Huly - Alpha", R"("tags":["huly-vibe-sync","project:ALPHA"])");
    const auto b = create_agent("Huly - Beta", R"("tags":["huly-vibe-sync","project:BETA"])");
    const auto c = create_agent("Huly - Alpha", R"("tags":["project:ALPHA"])");

    auto res = get("/v1/agents/?name=Huly%20-%20Alpha");
    EXPECT_EQ(res.result(), status::ok);
    auto list = json_of(res);
    ASSERT_EQ(list.get_array().size(), 2u);
    EXPECT_EQ(list.at(0).at("id"), json::value(c));  // newest first
    EXPECT_EQ(list.at(1).at("id"), json::value(a));
    EXPECT_TRUE(json_of(get("/v1/agents/?name=huly%20-%20alpha")).get_array().empty());

    EXPECT_EQ(json_of(get("/v1/agents/?tags=huly-vibe-sync&tags=project:ALPHA")).get_array().size(), 3u);
    list = json_of(get("/v1/agents/?tags=huly-vibe-sync&tags=project:ALPHA&match_all_tags=true"));
    ASSERT_EQ(list.get_array().size(), 1u);
    EXPECT_EQ(list.at(0).at("id"), json::value(a));
    EXPECT_TRUE(json_of(get("/v1/agents/?tags=huly-vibe-sync,project:ALPHA")).get_array().empty());

    list = json_of(get("/v1/agents/?order=asc&after=" + a));
    EXPECT_EQ(names_of(list, "id"), (std::vector<std::string>{b, c}));
    list = json_of(get("/v1/agents/?before=" + a));
    EXPECT_EQ(names_of(list, "id"), (std::vector<std::string>{c, b}));
    EXPECT_EQ(json_of(get("/v1/agents/?after=" + missing_agent)).get_array().size(), 3u);
    EXPECT_EQ(get("/v1/agents/?order=up").result(), status::unprocessable_entity);
    EXPECT_EQ(get("/v1/agents/?limit=ten").result(), status::unprocessable_entity);

    for (int i = 0; i < 50; ++i) create_agent("bulk-" + std::to_string(i));
    EXPECT_EQ(json_of(get("/v1/agents/")).get_array().size(), 50u);
    EXPECT_EQ(json_of(get("/v1/agents/?limit=0")).get_array().size(), 53u);
    EXPECT_EQ(json_of(get("/v1/agents/?limit=1000")).get_array().size(), 53u);

    const auto full = json_of(get("/v1/agents/?name=Huly%20-%20Beta")).at(0).get_object();
    for (auto key : {"tools", "tags", "memory", "blocks", "sources", "llm_config", "embedding_config", "created_at"}) {
        EXPECT_TRUE(full.contains(key)) << key;
    }
    EXPECT_FALSE(full.at("tools").get_array().empty());
}

TEST_F(LettaSim, Contract08_CreateAgent) {
    auto res = post("/v1/agents/", R"({"name":"Huly - Demo","agent_type":"letta_v1_agent","model":"anthropic/sonnet-4-5",
        "embedding":"letta/letta-free","enable_sleeptime":true,"sleeptime_agent_frequency":5,"unknown_field":1,
        "tags":["huly-vibe-sync","project:DEMO","huly-vibe-sync"],
        "memory_blocks":[{"label":"persona","value":"first"},{"label":"persona","value":"second"},{"label":"human","value":"h"}]})");
    EXPECT_EQ(res.result(), status::ok) << res.body();
    EXPECT_EQ(res[http::field::content_type], json_type);
    const auto agent = json_of(res);
    const std::string id = str(agent.at("id"));
    EXPECT_EQ(agent.at("name"), "Huly - Demo");
    EXPECT_EQ(agent.at("agent_type"), "letta_v1_agent");
    EXPECT_EQ(agent.at("tags"), json::parse(R"(["huly-vibe-sync","project:DEMO"])"));
    EXPECT_EQ(names_of(agent.at("blocks"), "label"), (std::vector<std::string>{"persona", "human"}));
    EXPECT_EQ(agent.at("blocks").at(0).at("value"), "first");
    EXPECT_EQ(json_of(get("/v1/blocks/?label=persona")).get_array().size(), 2u);  // the other one is orphaned
    EXPECT_EQ(names_of(agent.at("tools")), (std::vector<std::string>{"conversation_search", "memory_insert", "memory_replace"}));
    EXPECT_EQ(agent.at("llm_config").at("handle"), "anthropic/sonnet-4-5");
    EXPECT_EQ(agent.at("embedding_config").at("handle"), "letta/letta-free");

    // Sleeptime twin and its group.
    const auto& group = agent.at("multi_agent_group");
    ASSERT_TRUE(group.is_object());
    EXPECT_EQ(group.at("manager_type"), "sleeptime");
    EXPECT_EQ(group.at("manager_agent_id"), json::value(id));
    EXPECT_EQ(group.at("sleeptime_agent_frequency"), 5);
    EXPECT_EQ(agent.at("managed_group"), group);
    const std::string twin = str(group.at("agent_ids").at(0));
    auto twin_state = json_of(get("/v1/agents/" + twin));
    EXPECT_EQ(twin_state.at("name"), "Huly - Demo-sleeptime");
    EXPECT_EQ(twin_state.at("agent_type"), "sleeptime_agent");
    EXPECT_TRUE(twin_state.at("tags").get_array().empty());

    // Duplicate names are allowed.
    EXPECT_EQ(post("/v1/agents/", R"({"name":"Huly - Demo","model":"a/b"})").result(), status::ok);
    EXPECT_EQ(json_of(get("/v1/agents/?name=Huly%20-%20Demo")).get_array().size(), 2u);

    res = post("/v1/agents/", R"({"name":"x","model":"a/b","tool_ids":[")" + missing_tool + R"("]})");
    EXPECT_EQ(res.result(), status::bad_request);
    EXPECT_EQ(json_of(res).at("detail"), json::value("Tools not found by id: {'" + missing_tool + "'}"));
    res = post("/v1/agents/", R"({"name":"x"})");
    EXPECT_EQ(res.result(), status::bad_request);
    EXPECT_EQ(json_of(res), json::parse(R"({"detail":"INVALID_ARGUMENT: Must specify either model or llm_config in request"})"));
    res = post("/v1/agents/", R"({"name":"Huly: bad/name","model":"a/b"})");
    EXPECT_EQ(res.result(), status::internal_server_error);
    EXPECT_EQ(str(json_of(res).at("detail")).rfind("Export failed: Agent name 'Huly: bad/name' contains invalid characters.", 0), 0u);
    EXPECT_EQ(post("/v1/agents/", R"({"name":"Zoë's agent-1","model":"a/b"})").result(), status::ok);
    EXPECT_EQ(post("/v1/agents/", R"({"name":"x","model":"no-slash"})").result(), status::unprocessable_entity);

    // Default agent type gets the classic base tools; include_base_tools=false none.
    auto classic = json_of(post("/v1/agents/", R"({"name":"classic","model":"a/b"})"));
    EXPECT_TRUE(has(names_of(classic.at("tools")), "send_message"));
    auto bare = json_of(post("/v1/agents/", R"({"name":"bare","model":"a/b","include_base_tools":false})"));
    EXPECT_TRUE(bare.at("tools").get_array().empty());

    letta_options no_default;
    no_default.default_embedding.clear();
    reset(no_default);
    res = post("/v1/agents/", R"({"name":"x","model":"a/b"})");
    EXPECT_EQ(json_of(res), json::parse(R"({"detail":"INVALID_ARGUMENT: Must specify either embedding or embedding_config in request"})"));
}

TEST_F(LettaSim, Contract09_RetrieveAgent) {
    const auto id = create_agent("one", R"("tags":["t"])");
    auto res = get("/v1/agents/" + id);
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(res[http::field::content_type], json_type);
    auto a = json_of(res);
    EXPECT_EQ(a.at("id"), json::value(id));
    EXPECT_EQ(a.at("tags"), json::parse(R"(["t"])"));
    EXPECT_EQ(a.at("memory").at("blocks"), a.at("blocks"));
    res = get("/v1/agents/" + missing_agent);
    EXPECT_EQ(res.result(), status::not_found);
    EXPECT_EQ(json_of(res).at("detail"), json::value("Agent with ID " + missing_agent + " not found"));
}

// 0.16.8 letta/orm/agent.py to_pydantic_async: explicit include_relationships (or include) load only
// what they name; "memory" or "agent.blocks" loads the core-memory blocks.
TEST_F(LettaSim, Contract09b_RetrieveAgentLoadsBlocksOnlyWhenAskedFor) {
    const auto id = create_agent("memory", R"("memory_blocks":[{"label":"scratchpad","value":"notes"}])");
    auto blocks_of = [&](const std::string& query) { return json_of(get("/v1/agents/" + id + query)).at("blocks"); };
    EXPECT_TRUE(blocks_of("?include_relationships=tools").get_array().empty());
    for (const char* query : {"?include_relationships=tools&include_relationships=memory", "?include=agent.blocks"}) {
        auto blocks = blocks_of(query);
        ASSERT_EQ(blocks.get_array().size(), 1u) << query;
        EXPECT_EQ(blocks.at(0).at("label"), "scratchpad");
        EXPECT_EQ(blocks.at(0).at("value"), "notes");
    }
}

TEST_F(LettaSim, Contract10_DeleteAgentAndItsSleeptimeTwin) {
    const auto id = create_agent("doomed", R"("enable_sleeptime":true)");
    ASSERT_EQ(sim_->agents().size(), 2u);
    auto res = del("/v1/agents/" + id);
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(json_of(res), json::parse(R"({"message":"Agent id=)" + id + R"( successfully deleted"})"));
    EXPECT_TRUE(sim_->agents().empty());
    EXPECT_EQ(del("/v1/agents/" + id).result(), status::not_found);
}

// ---------------------------------------------------------------------------------------------
// Agent tools

TEST_F(LettaSim, Contract11_AgentToolsDefaultLimitTen) {
    const auto agent = create_agent("tools", R"("include_base_tools":false)");
    std::vector<std::string> ids;
    for (int i = 0; i < 12; ++i) {
        ids.push_back(sim_->add_tool("tool_" + std::to_string(i)));
        now_ += 1'000'000;
        EXPECT_EQ(patch("/v1/agents/" + agent + "/tools/attach/" + ids.back()).result(), status::ok);
    }
    auto res = get("/v1/agents/" + agent + "/tools");
    EXPECT_EQ(res.result(), status::ok);
    auto list = json_of(res);
    ASSERT_EQ(list.get_array().size(), 10u);
    EXPECT_EQ(list.at(0).at("name"), "tool_11");  // created_at desc
    EXPECT_EQ(json_of(get("/v1/agents/" + agent + "/tools?limit=1000")).get_array().size(), 12u);
    EXPECT_EQ(json_of(get("/v1/agents/" + agent + "/tools?limit=1000&order=asc")).at(0).at("name"), "tool_0");
    // The cursor compares ID strings, not creation order.
    const auto after = json_of(get("/v1/agents/" + agent + "/tools?limit=1000&after=" + ids[5]));
    for (const auto& t : after.get_array()) EXPECT_GT(str(t.at("id")), ids[5]);
    res = get("/v1/agents/" + missing_agent + "/tools");
    EXPECT_EQ(res.result(), status::not_found);
    EXPECT_EQ(json_of(res), json::parse(R"({"detail":"Agent not found"})"));
}

TEST_F(LettaSim, Contract12_AttachToolIsIdempotent) {
    const auto agent = create_agent("attach", R"("include_base_tools":false)");
    const auto tool = sim_->add_tool("huly_query", "Query Huly");
    auto res = patch("/v1/agents/" + agent + "/tools/attach/" + tool);
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(res[http::field::content_type], json_type);
    EXPECT_EQ(names_of(json_of(res).at("tools")), (std::vector<std::string>{"huly_query"}));
    res = patch("/v1/agents/" + agent + "/tools/attach/" + tool);
    EXPECT_EQ(names_of(json_of(res).at("tools")), (std::vector<std::string>{"huly_query"}));
    res = patch("/v1/agents/" + agent + "/tools/attach/" + missing_tool);
    EXPECT_EQ(res.result(), status::not_found);
    EXPECT_EQ(str(json_of(res).at("detail")),
              "Tool with id=" + missing_tool + " not found in organization=org-00000000-0000-4000-8000-000000000000");
    res = patch("/v1/agents/" + missing_agent + "/tools/attach/" + tool);
    EXPECT_EQ(json_of(res), json::parse(R"({"detail":"Agent not found"})"));
}

TEST_F(LettaSim, Contract13_DetachToolIsLenient) {
    const auto agent = create_agent("detach", R"("include_base_tools":false)");
    const auto tool = sim_->add_tool("huly_query");
    EXPECT_EQ(patch("/v1/agents/" + agent + "/tools/detach/" + tool).result(), status::ok);
    EXPECT_EQ(patch("/v1/agents/" + agent + "/tools/detach/" + missing_tool).result(), status::ok);
    patch("/v1/agents/" + agent + "/tools/attach/" + tool);
    auto res = patch("/v1/agents/" + agent + "/tools/detach/" + tool);
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_TRUE(json_of(res).at("tools").get_array().empty());
    EXPECT_EQ(patch("/v1/agents/" + missing_agent + "/tools/detach/" + tool).result(), status::not_found);
}

// 0.16.8 schemas/agent.py UpdateAgent.tool_ids; services/agent_manager.py update_agent_async
// replaces the agent's tools_agents rows with exactly those ids; a body without tool_ids keeps them.
TEST_F(LettaSim, Contract13b_ModifyAgentToolIdsReplacesTheWholeToolSet) {
    const auto agent = create_agent("exact");
    const auto kept = sim_->add_tool("huly_query"), dropped = sim_->add_tool("stray_tool");
    patch("/v1/agents/" + agent + "/tools/attach/" + dropped);
    auto base = tool_names(agent);
    ASSERT_TRUE(has(base, "conversation_search"));
    std::string conversation_search;
    const auto state = json_of(get("/v1/agents/" + agent));
    for (const auto& t : state.at("tools").get_array()) {
        if (t.at("name") == "conversation_search") conversation_search = str(t.at("id"));
    }
    auto res = patch("/v1/agents/" + agent, R"({"tool_ids":[")" + kept + R"(",")" + conversation_search + R"("]})");
    EXPECT_EQ(res.result(), status::ok) << res.body();
    auto names = tool_names(agent);
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"conversation_search", "huly_query"}));
    EXPECT_EQ(patch("/v1/agents/" + agent, R"({"tags":["t"]})").result(), status::ok);
    EXPECT_EQ(tool_names(agent).size(), 2u);
}

TEST_F(LettaSim, Contract14_ToolsListAndRetrieve) {
    const auto id = sim_->add_tool("huly_query", "Query Huly");
    sim_->add_tool("huly_query_extra");
    auto list = json_of(get("/v1/tools/?name=huly_query"));
    ASSERT_EQ(list.get_array().size(), 1u);
    EXPECT_EQ(list.at(0).at("id"), json::value(id));
    EXPECT_EQ(list.at(0).at("tool_type"), "custom");
    EXPECT_TRUE(list.at(0).get_object().contains("metadata_"));
    EXPECT_EQ(json_of(get("/v1/tools/")).get_array().size(), 13u);
    EXPECT_EQ(json_of(get("/v1/tools/")).at(0).at("name"), "huly_query_extra");  // desc
    EXPECT_EQ(json_of(get("/v1/tools/?limit=2")).get_array().size(), 2u);
    EXPECT_EQ(get("/v1/tools/?tool_types=bogus").result(), status::bad_request);
    EXPECT_EQ(json_of(get("/v1/tools/?tool_types=letta_files_core")).get_array().size(), 3u);
    auto res = get("/v1/tools/" + id);
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(json_of(res).at("description"), "Query Huly");
    EXPECT_EQ(get("/v1/tools/" + missing_tool).result(), status::not_found);
    // POST upserts by name.
    res = post("/v1/tools/", R"({"source_code":"def huly_query(q: str):\n    return q\n","description":"v2"})");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(json_of(res).at("id"), json::value(id));
    EXPECT_EQ(json_of(get("/v1/tools/" + id)).at("description"), "v2");
}

// ---------------------------------------------------------------------------------------------
// Blocks

TEST_F(LettaSim, Contract15_CreateBlock) {
    auto res = post("/v1/blocks/", R"({"label":"project","value":"{\"name\":\"x\"}","description":"d","metadata":{"k":1}})");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(res[http::field::content_type], json_type);
    auto b = json_of(res);
    EXPECT_TRUE(is_id(str(b.at("id"))));
    EXPECT_EQ(b.at("label"), "project");
    EXPECT_EQ(b.at("limit"), 20000);
    EXPECT_EQ(b.at("metadata"), json::parse(R"({"k":1})"));
    EXPECT_FALSE(b.get_object().contains("created_at"));
    EXPECT_EQ(post("/v1/blocks/", R"({"label":"project","value":"again"})").result(), status::ok);

    res = post("/v1/blocks/", R"({"label":"x","value":"toolong","limit":3})");
    EXPECT_EQ(res.result(), status::unprocessable_entity);
    EXPECT_EQ(json_of(res).at("trace_id"), "");
    res = post("/v1/blocks/", R"({"label":"x","value":")" + std::string(20001, 'a') + R"("})");
    EXPECT_EQ(res.result(), status::bad_request);
    EXPECT_EQ(json_of(res).at("detail"),
              "INVALID_ARGUMENT: Value length (20001 characters) exceeds block limit (20000 characters)");
    res = post("/v1/blocks/", R"({"value":"no label"})");
    EXPECT_EQ(res.result(), status::unprocessable_entity);
    EXPECT_NE(str(json_of(res).at("detail")).find("'loc': ('body', 'label'), 'msg': 'Field required'"), std::string::npos);
}

TEST_F(LettaSim, Contract16_RetrieveAndModifyBlock) {
    const auto id = create_block("human", "old");
    auto res = get("/v1/blocks/" + id);
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(json_of(res).at("value"), "old");
    res = patch("/v1/blocks/" + id, R"({"value":"new"})");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(json_of(res).at("value"), "new");
    EXPECT_EQ(json_of(get("/v1/blocks/" + id)).at("value"), "new");
    res = patch("/v1/blocks/" + id, R"({"value":")" + std::string(20001, 'b') + R"("})");
    EXPECT_EQ(res.result(), status::bad_request);
    EXPECT_EQ(patch("/v1/blocks/" + id, R"({"value":"abcdef","limit":2})").result(), status::unprocessable_entity);
    EXPECT_EQ(patch("/v1/blocks/" + missing_block, R"({"value":"x"})").result(), status::not_found);
    EXPECT_EQ(get("/v1/blocks/" + missing_block).result(), status::not_found);
}

TEST_F(LettaSim, Contract17_AgentBlockByLabel) {
    const auto agent = create_agent("mem", R"("memory_blocks":[{"label":"persona","value":"p"}])");
    auto res = get("/v1/agents/" + agent + "/core-memory/blocks/persona");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(json_of(res).at("value"), "p");
    res = get("/v1/agents/" + agent + "/core-memory/blocks/board_metrics");
    EXPECT_EQ(res.result(), status::not_found);
    EXPECT_EQ(json_of(res).at("detail"), json::value("No block with label 'board_metrics' found for agent '" + agent + "'"));
}

TEST_F(LettaSim, Contract18_ModifyMissingLabelOverwritesLastBlock) {
    const auto agent = create_agent("bug", R"("memory_blocks":[{"label":"persona","value":"p"},{"label":"human","value":"h"}])");
    auto res = patch("/v1/agents/" + agent + "/core-memory/blocks/persona", R"({"value":"p2"})");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(json_of(res).at("label"), "persona");
    EXPECT_EQ(json_of(res).at("value"), "p2");
    // Faithful 0.13: an unknown label silently rewrites the last block.
    res = patch("/v1/agents/" + agent + "/core-memory/blocks/board_metrics", R"({"value":"metrics"})");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(json_of(res).at("label"), "human");
    EXPECT_EQ(json_of(get("/v1/agents/" + agent + "/core-memory/blocks/human")).at("value"), "metrics");
    EXPECT_EQ(get("/v1/agents/" + agent + "/core-memory/blocks/board_metrics").result(), status::not_found);

    letta_options strict;
    strict.modify_missing_label_overwrites_last_block = false;
    reset(strict);
    const auto fixed = create_agent("fixed", R"("memory_blocks":[{"label":"human","value":"h"}])");
    res = patch("/v1/agents/" + fixed + "/core-memory/blocks/board_metrics", R"({"value":"metrics"})");
    EXPECT_EQ(res.result(), status::not_found);
    EXPECT_EQ(json_of(get("/v1/agents/" + fixed + "/core-memory/blocks/human")).at("value"), "h");
}

TEST_F(LettaSim, Contract19_AttachBlock) {
    const auto agent = create_agent("attach-block", R"("memory_blocks":[{"label":"persona","value":"p"}])");
    const auto scratch = create_block("scratchpad", "{}");
    auto res = patch("/v1/agents/" + agent + "/core-memory/blocks/attach/" + scratch);
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(names_of(json_of(res).at("blocks"), "label"), (std::vector<std::string>{"persona", "scratchpad"}));
    res = patch("/v1/agents/" + agent + "/core-memory/blocks/attach/" + scratch);
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(json_of(res).at("blocks").get_array().size(), 2u);
    const auto other_persona = create_block("persona", "other");
    res = patch("/v1/agents/" + agent + "/core-memory/blocks/attach/" + other_persona);
    EXPECT_EQ(res.result(), status::conflict);
    EXPECT_EQ(str(json_of(res).at("detail")).rfind("A unique constraint was violated for Agent.", 0), 0u);
    EXPECT_EQ(patch("/v1/agents/" + agent + "/core-memory/blocks/attach/" + missing_block).result(), status::not_found);
    EXPECT_EQ(patch("/v1/agents/" + missing_agent + "/core-memory/blocks/attach/" + scratch).result(), status::not_found);
}

TEST_F(LettaSim, Contract20_DetachBlockNotAttachedIs404) {
    const auto agent = create_agent("detach-block");
    const auto block = create_block("scratchpad", "{}");
    patch("/v1/agents/" + agent + "/core-memory/blocks/attach/" + block);
    auto res = patch("/v1/agents/" + agent + "/core-memory/blocks/detach/" + block);
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_TRUE(json_of(res).at("blocks").get_array().empty());
    res = patch("/v1/agents/" + agent + "/core-memory/blocks/detach/" + block);
    EXPECT_EQ(res.result(), status::not_found);
    EXPECT_EQ(str(json_of(res).at("detail")), "No block with id '" + block + "' found for agent '" + agent +
                                                  "' with actor id: 'user-00000000-0000-4000-8000-000000000000'");
}

TEST_F(LettaSim, Contract21_AgentBlocksOrderedByIdDesc) {
    const auto agent = create_agent("blocks", R"("memory_blocks":[{"label":"a","value":"1"},{"label":"b","value":"2"},{"label":"c","value":"3"}])");
    auto res = get("/v1/agents/" + agent + "/core-memory/blocks");
    EXPECT_EQ(res.result(), status::ok);
    auto ids = names_of(json_of(res), "id");
    ASSERT_EQ(ids.size(), 3u);
    EXPECT_TRUE(std::is_sorted(ids.rbegin(), ids.rend()));
    EXPECT_EQ(json_of(get("/v1/agents/" + agent + "/core-memory/blocks?limit=2")).get_array().size(), 2u);
}

// ---------------------------------------------------------------------------------------------
// Folders / sources

TEST_F(LettaSim, Contract22_FoldersAndSourcesShareOneStore) {
    const auto folder = create_folder("Huly-X");
    const auto source = create_folder("X-README", "sources");
    EXPECT_EQ(source.rfind("source-", 0), 0u);
    EXPECT_EQ(names_of(json_of(get("/v1/sources/"))), (std::vector<std::string>{"Huly-X", "X-README"}));
    EXPECT_EQ(names_of(json_of(get("/v1/folders/"))), (std::vector<std::string>{"Huly-X", "X-README"}));
    EXPECT_EQ(json_of(get("/v1/sources/" + folder)).at("name"), "Huly-X");
    EXPECT_EQ(json_of(get("/v1/folders/" + source)).at("name"), "X-README");
}

TEST_F(LettaSim, Contract23_CreateFolder) {
    auto res = post("/v1/folders/", R"({"name":"Huly-X-root","description":"root","metadata":{"filesystem_path":"/opt/x"}})");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(res[http::field::content_type], json_type);
    auto f = json_of(res);
    EXPECT_EQ(f.at("name"), "Huly-X-root");
    EXPECT_EQ(f.at("embedding_config").at("handle"), "letta/letta-free");
    EXPECT_EQ(f.at("metadata").at("filesystem_path"), "/opt/x");
    EXPECT_EQ(f.at("vector_db_provider"), "native");

    res = post("/v1/sources/", R"({"name":"Huly-X-root","embedding":"openai/text-embedding-3-small"})");
    EXPECT_EQ(res.result(), status::conflict);
    EXPECT_EQ(str(json_of(res).at("detail")).rfind(
                  "A unique constraint was violated for Source. Check your input for duplicates: ", 0),
              0u);
    res = post("/v1/folders/", R"({"name":"other","bogus":true})");
    EXPECT_EQ(res.result(), status::unprocessable_entity);
    EXPECT_NE(str(json_of(res).at("detail")).find("extra_forbidden"), std::string::npos);
    res = post("/v1/folders/", R"({"name":"openai","embedding":"openai/text-embedding-3-small","embedding_chunk_size":512})");
    EXPECT_EQ(json_of(res).at("embedding_config").at("embedding_chunk_size"), 512);
    EXPECT_EQ(json_of(res).at("embedding_config").at("embedding_dim"), 1536);

    letta_options no_default;
    no_default.default_embedding.clear();
    reset(no_default);
    res = post("/v1/folders/", R"({"name":"x"})");
    EXPECT_EQ(res.result(), status::bad_request);
    EXPECT_EQ(json_of(res).at("detail"), "INVALID_ARGUMENT: Must specify either embedding or embedding_config in request");
}

TEST_F(LettaSim, Contract24_ListAndLookupFolders) {
    create_folder("Huly-ALPHA-root");
    const auto alpha = create_folder("Huly-ALPHA");
    create_folder("Huly-BETA");
    auto list = json_of(get("/v1/folders/?name=alpha"));
    EXPECT_EQ(names_of(list), (std::vector<std::string>{"Huly-ALPHA-root", "Huly-ALPHA"}));  // asc, substring
    // lower(name) LIKE '%huly_b%': the unescaped '_' is a one-character wildcard.
    EXPECT_EQ(names_of(json_of(get("/v1/folders/?name=huly_b"))), (std::vector<std::string>{"Huly-BETA"}));
    auto res = get("/v1/folders/name/Huly-ALPHA");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(json_of(res), json::value(alpha));
    res = get("/v1/sources/name/huly-alpha");
    EXPECT_EQ(res.result(), status::not_found);
    EXPECT_EQ(json_of(res).at("detail"), "Source with name=huly-alpha not found.");
    res = get("/v1/folders/?after=" + missing_folder);
    EXPECT_EQ(res.result(), status::not_found);
    EXPECT_EQ(names_of(json_of(get("/v1/folders/?after=" + alpha))), (std::vector<std::string>{"Huly-BETA"}));

    for (int i = 0; i < 60; ++i) create_folder("bulk-" + std::to_string(i));
    EXPECT_EQ(json_of(get("/v1/folders/")).get_array().size(), 50u);
    EXPECT_EQ(json_of(get("/v1/folders/?limit=200")).get_array().size(), 63u);
    list = json_of(get("/v1/sources/?limit=200&name=bulk"));  // parameters are ignored
    ASSERT_EQ(list.get_array().size(), 50u);
    EXPECT_EQ(list.at(0).at("name"), "Huly-ALPHA-root");
}

TEST_F(LettaSim, Contract25_DeleteFolder) {
    const auto folder = create_folder("Huly-X-root");
    const auto agent = create_agent("pm", R"("include_base_tools":false)");
    upload(folder, "README.md", "# X");
    patch("/v1/agents/" + agent + "/folders/attach/" + folder);
    auto res = del("/v1/folders/" + folder);
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(res[http::field::content_type], json_type);
    EXPECT_EQ(res.body(), "null");
    EXPECT_TRUE(json_of(get("/v1/agents/" + agent)).at("sources").get_array().empty());
    EXPECT_TRUE(has(tool_names(agent), "open_files"));  // file tools stay
    EXPECT_TRUE(sim_->files_of(folder).empty());
    EXPECT_EQ(del("/v1/folders/" + folder).result(), status::not_found);
    EXPECT_EQ(del("/v1/sources/" + folder).result(), status::not_found);
    EXPECT_EQ(post("/v1/folders/", R"({"name":"Huly-X-root"})").result(), status::ok);  // name reusable
}

TEST_F(LettaSim, Contract26_ListFilesStripsFolderPrefix) {
    const auto folder = create_folder("proj-docs");
    upload(folder, "README.md", "# readme");
    now_ += 1'000'000;
    upload(folder, "notes.txt", "n", {}, "text/plain");
    auto res = get("/v1/folders/" + folder + "/files");
    EXPECT_EQ(res.result(), status::ok);
    auto list = json_of(res);
    ASSERT_EQ(list.get_array().size(), 2u);
    EXPECT_EQ(list.at(0).at("file_name"), "notes.txt");  // desc
    EXPECT_EQ(list.at(1).at("file_name"), "README.md");
    EXPECT_EQ(list.at(1).at("original_file_name"), "README.md");
    EXPECT_EQ(list.at(1).at("processing_status"), "completed");
    EXPECT_TRUE(list.at(1).at("content").is_null());
    EXPECT_EQ(json_of(get("/v1/sources/" + folder + "/files")).at(0).at("file_name"), "README.md");  // asc
    EXPECT_EQ(json_of(get("/v1/folders/" + folder + "/files?include_content=true&order=asc")).at(0).at("content"), "# readme");
    res = get("/v1/folders/" + missing_folder + "/files");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(res.body(), "[]");
}

TEST_F(LettaSim, Contract27_UploadDuplicateHandling) {
    const auto folder = create_folder("proj-docs");
    auto res = upload(folder, "README.md", "v1", "?duplicate_handling=replace");
    EXPECT_EQ(res.result(), status::ok) << res.body();
    EXPECT_EQ(res[http::field::content_type], json_type);
    auto first = json_of(res);
    EXPECT_EQ(first.at("file_name"), "proj-docs/README.md");
    EXPECT_EQ(first.at("original_file_name"), "README.md");
    EXPECT_EQ(first.at("processing_status"), "parsing");
    EXPECT_EQ(first.at("file_type"), "text/markdown");
    EXPECT_EQ(first.at("file_size"), 2);
    EXPECT_EQ(first.at("source_id"), json::value(folder));

    res = upload(folder, "README.md", "v2", "?duplicate_handling=replace");
    auto second = json_of(res);
    EXPECT_NE(second.at("id"), first.at("id"));
    EXPECT_EQ(second.at("file_name"), "README.md");
    ASSERT_EQ(sim_->files_of(folder).size(), 1u);

    res = upload(folder, "README.md", "v3", "?duplicate_handling=skip");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(res["X-Upload-Result"], "skipped");
    EXPECT_EQ(json_of(res).at("id"), second.at("id"));

    res = upload(folder, "README.md", "v4", "?duplicate_handling=error");
    EXPECT_EQ(res.result(), status::bad_request);
    EXPECT_EQ(json_of(res).at("detail"), "INVALID_ARGUMENT: File 'README.md' already exists in folder 'proj-docs'");

    res = upload(folder, "README.md", "v5");  // default: suffix
    EXPECT_EQ(json_of(res).at("file_name"), "proj-docs/README_(1).md");
    EXPECT_EQ(json_of(res).at("original_file_name"), "README.md");
    res = upload(folder, "README.md", "v6", "?duplicate_handling=suffix");
    EXPECT_EQ(json_of(res).at("file_name"), "proj-docs/README_(2).md");

    res = upload(folder, "logo.png", "png", {}, "image/png");
    EXPECT_EQ(res.result(), status::unsupported_media_type);
    EXPECT_EQ(str(json_of(res).at("detail")).rfind("Unsupported file type: image/png", 0), 0u);
    EXPECT_EQ(upload(folder, "Makefile", "all:", {}, "application/octet-stream").result(), status::unsupported_media_type);
    EXPECT_EQ(upload(folder, "main.cpp", "int main(){}", {}, "application/octet-stream").result(), status::ok);
    EXPECT_EQ(upload(missing_folder, "logo.png", "png", {}, "image/png").result(), status::unsupported_media_type);
    res = upload(missing_folder, "README.md", "x");
    EXPECT_EQ(res.result(), status::not_found);
    EXPECT_EQ(json_of(res).at("detail"), json::value("Folder with id=" + missing_folder + " not found."));
    EXPECT_EQ(upload(folder, "README.md", "x", "?duplicate_handling=overwrite").result(), status::unprocessable_entity);
    res = upload(folder, "docs/HVS-README.md", "x", "?name=HVS-README.md");
    EXPECT_EQ(json_of(res).at("original_file_name"), "HVS-README.md");
    res = send(http::verb::post, "/v1/folders/" + folder + "/upload", R"({"file":"x"})");
    EXPECT_EQ(res.result(), status::unprocessable_entity);
}

TEST_F(LettaSim, Contract28_DeleteFile) {
    const auto folder = create_folder("proj-docs");
    const auto file = str(json_of(upload(folder, "README.md", "x")).at("id"));
    auto res = del("/v1/folders/" + folder + "/" + file);
    EXPECT_EQ(res.result(), status::no_content);
    EXPECT_TRUE(res.body().empty());
    EXPECT_TRUE(sim_->files_of(folder).empty());
    res = del("/v1/sources/" + folder + "/" + file);
    EXPECT_EQ(res.result(), status::not_found);
    EXPECT_TRUE(json_of(res).at("detail").is_string());
}

TEST_F(LettaSim, Contract29_AttachFolderAddsFileTools) {
    const auto agent = create_agent("pm", R"("include_base_tools":false)");
    const auto folder = create_folder("Huly-X");
    auto res = patch("/v1/agents/" + agent + "/folders/attach/" + folder);
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(res[http::field::content_type], json_type);
    auto a = json_of(res);
    EXPECT_EQ(names_of(a.at("sources"), "id"), (std::vector<std::string>{folder}));
    EXPECT_EQ(names_of(a.at("tools")), (std::vector<std::string>{"open_files", "grep_files", "semantic_search_files"}));
    res = patch("/v1/agents/" + agent + "/sources/attach/" + folder);
    EXPECT_EQ(json_of(res).at("sources").get_array().size(), 1u);
    EXPECT_EQ(json_of(res).at("tools").get_array().size(), 3u);
    res = patch("/v1/agents/" + agent + "/folders/attach/" + missing_folder);
    EXPECT_EQ(res.result(), status::not_found);
    EXPECT_EQ(json_of(res).at("detail"), json::value("Items not found in sources: {'" + missing_folder + "'}"));
    EXPECT_EQ(patch("/v1/agents/" + missing_agent + "/folders/attach/" + folder).result(), status::not_found);
}

TEST_F(LettaSim, Contract30_DetachLastFolderRemovesFileTools) {
    const auto agent = create_agent("pm", R"("include_base_tools":false)");
    const auto one = create_folder("one"), two = create_folder("two");
    EXPECT_EQ(patch("/v1/agents/" + agent + "/folders/detach/" + one).result(), status::ok);  // not attached
    patch("/v1/agents/" + agent + "/folders/attach/" + one);
    patch("/v1/agents/" + agent + "/sources/attach/" + two);
    patch("/v1/agents/" + agent + "/folders/detach/" + one);
    EXPECT_EQ(tool_names(agent).size(), 3u);
    auto res = patch("/v1/agents/" + agent + "/sources/detach/" + two);
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_TRUE(json_of(res).at("tools").get_array().empty());
    EXPECT_TRUE(json_of(res).at("sources").get_array().empty());
    res = patch("/v1/agents/" + missing_agent + "/folders/detach/" + one);
    EXPECT_EQ(json_of(res), json::parse(R"({"detail":"Agent not found"})"));
}

TEST_F(LettaSim, Contract31_AgentFolders) {
    const auto agent = create_agent("pm");
    const auto one = create_folder("one");
    now_ += 1'000'000;
    const auto two = create_folder("two");
    patch("/v1/agents/" + agent + "/folders/attach/" + one);
    patch("/v1/agents/" + agent + "/folders/attach/" + two);
    auto res = get("/v1/agents/" + agent + "/folders");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(names_of(json_of(res)), (std::vector<std::string>{"two", "one"}));  // desc
    EXPECT_EQ(names_of(json_of(get("/v1/agents/" + agent + "/sources?order=asc"))), (std::vector<std::string>{"one", "two"}));
    EXPECT_EQ(names_of(json_of(get("/v1/agents/" + agent)).at("sources")), (std::vector<std::string>{"one", "two"}));
    EXPECT_EQ(json_of(get("/v1/folders/" + one + "/agents")), json::parse("[\"" + agent + "\"]"));
    EXPECT_EQ(get("/v1/agents/" + missing_agent + "/folders").result(), status::not_found);
}

TEST_F(LettaSim, Contract32_TimestampsAndNoRateLimit) {
    now_ = t0 + 1'000'000;
    const auto agent = json_of(post("/v1/agents/", R"({"name":"t","model":"a/b","tags":["b","a"]})"));
    EXPECT_EQ(agent.at("created_at"), "2025-11-04T18:22:32.123456Z");
    EXPECT_TRUE(is_iso(str(json_of(post("/v1/folders/", R"({"name":"f"})")).at("created_at"))));
    EXPECT_FALSE(is_iso("2025-11-04 18:22:31Z"));
    now_ = 1'762'280'551'000'000;  // the clock goes back: stamps still increase
    EXPECT_EQ(json_of(post("/v1/folders/", R"({"name":"g"})")).at("created_at"), "2025-11-04T18:22:32.123458Z");
    now_ = 1'762'290'000'000'000;  // a whole second prints without a fraction, as pydantic does
    EXPECT_EQ(json_of(post("/v1/folders/", R"({"name":"h"})")).at("created_at"), "2025-11-04T21:00:00Z");
    EXPECT_EQ(agent.at("tags").get_array().size(), 2u);
    for (int i = 0; i < 200; ++i) {
        auto res = get("/v1/agents/");
        ASSERT_EQ(res.result(), status::ok);
        ASSERT_EQ(res.find(http::field::retry_after), res.end());
    }
}

// ---------------------------------------------------------------------------------------------
// Seeding, state and in-process methods

TEST_F(LettaSim, SeedBuildsControlAgentToolsAndFolders) {
    sim_->seed(json::parse(R"({
        "tools":[{"name":"huly_query","description":"Query Huly"},{"name":"list_tasks"}],
        "folders":[{"name":"Huly-X-root","files":[{"name":"README.md","content":"# X"}]}],
        "agents":[{"name":"Huly-PM-Control","tags":["control"],"tools":["huly_query","list_tasks"],
                   "blocks":[{"label":"persona","value":"CONTROL"}],"folders":["Huly-X-root"]}]})"));
    const auto control = json_of(get("/v1/agents/?name=Huly-PM-Control")).at(0);
    const std::string id = str(control.at("id"));
    EXPECT_EQ(tool_names(id), (std::vector<std::string>{"huly_query", "list_tasks", "open_files", "grep_files",
                                                        "semantic_search_files"}));
    EXPECT_EQ(json_of(get("/v1/agents/" + id + "/core-memory/blocks/persona")).at("value"), "CONTROL");
    EXPECT_EQ(json_of(get("/v1/tools/?name=huly_query")).at(0).at("description"), "Query Huly");
    const auto folder = str(json_of(get("/v1/folders/name/Huly-X-root")));
    ASSERT_EQ(sim_->files_of(folder).size(), 1u);
    EXPECT_EQ(sim_->files_of(folder)[0].at("file_name"), "README.md");

    const auto st = sim_->state();
    EXPECT_EQ(st.at("agents").at(0).at("name"), "Huly-PM-Control");
    EXPECT_EQ(st.at("agents").at(0).at("blocks").at(0).at("value"), "CONTROL");
    EXPECT_EQ(st.at("agents").at(0).at("folders").at(0), json::value(folder));
    EXPECT_EQ(st.at("folders").at(0).at("files").at(0).at("original_file_name"), "README.md");
    EXPECT_EQ(st.at("tools").get_array().size(), 13u);

    // A bad document throws and leaves the state alone.
    EXPECT_THROW(sim_->seed(json::parse(R"({"agents":[{"name":"x","tools":["nope"]}]})")), std::invalid_argument);
    EXPECT_THROW(sim_->seed(json::parse(R"([])")), std::invalid_argument);
    EXPECT_EQ(sim_->agents().size(), 1u);
    sim_->seed(json::object());
    EXPECT_TRUE(sim_->agents().empty());
    EXPECT_TRUE(sim_->tool_id("open_files").has_value());
}

TEST_F(LettaSim, InProcessMethods) {
    const auto id = sim_->add_tool("huly_entity", "Entities");
    EXPECT_EQ(sim_->tool_id("huly_entity"), id);
    EXPECT_EQ(sim_->add_tool("huly_entity", "Entities v2"), id);
    EXPECT_FALSE(sim_->tool_id("nope").has_value());
    for (auto name : {"conversation_search", "memory_insert", "memory_replace", "open_files", "grep_files",
                      "semantic_search_files", "send_message"}) {
        EXPECT_TRUE(sim_->tool_id(name).has_value()) << name;
    }
    const auto agent = create_agent("pm");
    ASSERT_TRUE(sim_->agent(agent).has_value());
    EXPECT_EQ(sim_->agent(agent)->at("name"), "pm");
    EXPECT_FALSE(sim_->agent(missing_agent).has_value());
    EXPECT_TRUE(sim_->agent_tool_names(missing_agent).empty());
    EXPECT_EQ(sim_->folders().size(), 0u);
}

TEST_F(LettaSim, PhantomFolderIsListedButNotDeletable) {
    const auto folder = create_folder("Huly-X-root");
    const auto agent = create_agent("pm");
    upload(folder, "README.md", "x");
    patch("/v1/agents/" + agent + "/folders/attach/" + folder);
    EXPECT_TRUE(sim_->delete_folder_directly(folder));
    EXPECT_FALSE(sim_->delete_folder_directly(folder));
    EXPECT_EQ(names_of(json_of(get("/v1/folders/?limit=200"))), (std::vector<std::string>{"Huly-X-root"}));
    EXPECT_EQ(json_of(get("/v1/sources/")).get_array().size(), 1u);
    EXPECT_EQ(del("/v1/folders/" + folder).result(), status::not_found);
    EXPECT_EQ(get("/v1/folders/" + folder).result(), status::not_found);
    EXPECT_EQ(post("/v1/folders/", R"({"name":"Huly-X-root"})").result(), status::conflict);
    EXPECT_TRUE(sim_->files_of(folder).empty());
    EXPECT_TRUE(json_of(get("/v1/agents/" + agent)).at("sources").get_array().empty());
    EXPECT_EQ(sim_->folders().size(), 1u);
    EXPECT_EQ(sim_->state().at("folders").at(0).at("phantom"), true);
}

TEST_F(LettaSim, SameSeedGivesSameIds) {
    letta_options o;
    o.id_seed = 42;
    reset(o);
    const auto a = create_agent("same");
    reset(o);
    EXPECT_EQ(create_agent("same"), a);
    o.id_seed = 43;
    reset(o);
    EXPECT_NE(create_agent("same"), a);
}

// ---------------------------------------------------------------------------------------------
// Robustness

TEST_F(LettaSim, MalformedBodiesAre422OrTheServersAnswer) {
    auto res = post("/v1/agents/", "{not json");
    EXPECT_EQ(res.result(), status::unprocessable_entity);
    EXPECT_NE(str(json_of(res).at("detail")).find("json_invalid"), std::string::npos);
    res = post("/v1/agents/", "[1,2]");
    EXPECT_EQ(res.result(), status::unprocessable_entity);
    EXPECT_NE(str(json_of(res).at("detail")).find("model_attributes_type"), std::string::npos);
    res = send(http::verb::post, "/v1/agents/", {}, {});
    EXPECT_EQ(res.result(), status::unprocessable_entity);
    EXPECT_NE(str(json_of(res).at("detail")).find("'loc': ('body',), 'msg': 'Field required', 'input': None"), std::string::npos);
    res = post("/v1/agents/", "{\"name\":\"\xff\"}");
    EXPECT_EQ(res.result(), status::bad_request);
    res = post("/v1/agents/", R"({"name":42,"model":"a/b","tags":"x"})");
    EXPECT_EQ(res.result(), status::unprocessable_entity);
    const auto detail = str(json_of(res).at("detail"));
    EXPECT_NE(detail.find("'loc': ('body', 'name'), 'msg': 'Input should be a valid string', 'input': 42"), std::string::npos) << detail;
    EXPECT_NE(detail.find("'loc': ('body', 'tags'), 'msg': 'Input should be a valid list'"), std::string::npos) << detail;
    res = send(http::verb::post, "/v1/blocks/", "label=x", "text/plain");
    EXPECT_EQ(res.result(), status::unprocessable_entity);
    EXPECT_EQ(post("/v1/blocks/", R"({"label":"x","value":"y","limit":"7"})").result(), status::ok);  // lax int
    EXPECT_EQ(post("/v1/blocks/", R"({"label":"x","value":"y","limit":1.5})").result(), status::unprocessable_entity);
    EXPECT_EQ(get("/v1/agents/?limit=99999999999999999999999").result(), status::ok);
    EXPECT_EQ(get("/v1/agents/?limit=-1").result(), status::internal_server_error);
    EXPECT_EQ(get("/v1/agents/?name=%FF%FE").result(), status::ok);
    EXPECT_EQ(get("/v1/agents/%FF").result(), status::unprocessable_entity);
    EXPECT_TRUE(json_of(get("/v1/agents/%FF")).is_object());
    EXPECT_EQ(get("/v1//agents/").result(), status::not_found);
}

TEST_F(LettaSim, MalformedMultipartIsRejected) {
    const auto folder = create_folder("docs");
    auto res = send(http::verb::post, "/v1/folders/" + folder + "/upload", "garbage", "multipart/form-data; boundary=XyZ");
    EXPECT_EQ(res.result(), status::bad_request);
    EXPECT_EQ(json_of(res), json::parse(R"({"detail":"There was an error parsing the body"})"));
    res = send(http::verb::post, "/v1/folders/" + folder + "/upload", multipart("a.md", "x"), "multipart/form-data");
    EXPECT_EQ(res.result(), status::bad_request);
    const std::string field_only = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nplain\r\n--XyZ--\r\n";
    res = send(http::verb::post, "/v1/folders/" + folder + "/upload", field_only, "multipart/form-data; boundary=\"XyZ\"");
    EXPECT_EQ(res.result(), status::unprocessable_entity);
    res = upload(folder, ".env", "SECRET=1", {}, "text/plain");
    EXPECT_EQ(res.result(), status::bad_request);
    res = upload(folder, "we\\\"ird.md", "x");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(json_of(res).at("original_file_name"), "we\"ird.md");
}

TEST_F(LettaSim, RandomRequestsNeverThrow) {
    std::mt19937_64 rng(7);
    const auto agent = create_agent("fuzz");
    const std::vector<std::string> paths = {"/v1/agents/", "/v1/agents/" + agent, "/v1/agents/" + agent + "/tools",
                                            "/v1/blocks/", "/v1/folders/", "/v1/tools/", "/v1/agents/" + agent + "/core-memory/blocks/x",
                                            "/v1/folders/" + missing_folder + "/upload", "/v1/agents/" + agent + "/folders/attach/x"};
    const std::vector<http::verb> verbs = {http::verb::get, http::verb::post, http::verb::patch, http::verb::delete_,
                                           http::verb::put};
    const std::vector<std::string> bodies = {"", "{}", "null", "[]", "{\"name\":[1,{\"a\":null}],\"value\":1e400}",
                                             "{\"label\":\"l\",\"value\":\"v\",\"limit\":-5}", "\"str\"",
                                             "{\"memory_blocks\":[1,{\"label\":2}],\"model\":\"a/b\"}", "{\"name\":\"ok\",\"model\":\"a/b\",\"tool_ids\":5}"};
    for (int i = 0; i < 500; ++i) {
        std::string target = paths[rng() % paths.size()];
        if (rng() % 3 == 0) target += "?limit=" + std::to_string(static_cast<std::int64_t>(rng())) + "&after=%00&order=asc";
        auto res = send(verbs[rng() % verbs.size()], target, bodies[rng() % bodies.size()]);
        ASSERT_NE(res.result_int(), 0);
        if (!res.body().empty()) {
            boost::system::error_code ec;
            json::parse(res.body(), ec);
            EXPECT_FALSE(ec) << target << " → " << res.body();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Profiles (upstreams-2026.md, Letta section) and injected faults

TEST_F(LettaSim, Profile0168ListsHaveNoLimitCap) {
    // letta-ai/letta 0.16.8 routers/v1/agents.py list_agents: limit Query(50) without le=.
    for (int i = 0; i < 230; ++i) create_agent("unrelated-" + std::to_string(i));
    EXPECT_EQ(json_of(get("/v1/agents/?limit=1000")).get_array().size(), 230u);
    EXPECT_EQ(json_of(get("/v1/agents/?limit=0")).get_array().size(), 230u);
    EXPECT_EQ(get("/v1/folders/name/missing").result(), status::not_found);  // the route answers
    EXPECT_EQ(json_of(get("/v1/folders/name/missing")).at("detail"), "Source with name=missing not found.");
}

TEST_F(LettaSim, ProfileHostedRefusesLimitsAbove200) {
    letta_options o;
    o.profile = letta_profile::hosted;
    reset(std::move(o));
    for (int i = 0; i < 230; ++i) create_agent("unrelated-" + std::to_string(i));
    const auto agent = create_agent("Huly - Alpha");
    const std::vector<std::string> targets{"/v1/agents/?limit=1000", "/v1/agents/?limit=201", "/v1/folders/?limit=1000",
                                           "/v1/tools/?limit=1000", "/v1/agents/" + agent + "/tools?limit=10000",
                                           "/v1/agents/" + agent + "/folders?limit=1000"};
    for (const auto& target : targets) {
        auto res = get(target);
        EXPECT_EQ(res.result(), status::unprocessable_entity) << target;
        const auto detail = str(json_of(res).at("detail"));
        EXPECT_NE(detail.find("'type': 'less_than_equal', 'loc': ('query', 'limit')"), std::string::npos) << detail;
        EXPECT_NE(detail.find("'ctx': {'le': 200}"), std::string::npos) << detail;
    }
    EXPECT_EQ(json_of(get("/v1/agents/?limit=200")).get_array().size(), 200u);
    // The `after` cursor pages as in 0.16.8 (created_at order, the cursor's own row excluded).
    std::vector<std::string> seen;
    std::string after;
    for (;;) {
        auto page = json_of(get("/v1/agents/?limit=100&order=asc" + (after.empty() ? "" : "&after=" + after)));
        for (const auto& a : page.get_array()) seen.push_back(str(a.at("id")));
        if (page.get_array().size() < 100) break;
        after = seen.back();
    }
    EXPECT_EQ(seen.size(), 231u);
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 231u);
    EXPECT_EQ(seen.back(), agent);
}

TEST_F(LettaSim, ProfileHostedHasNoFolderByNameRoute) {
    // Deprecated in 0.16.8 folders.py (get_folder_by_name, deprecated=True), absent from SDK 1.12.1.
    letta_options o;
    o.profile = letta_profile::hosted;
    reset(std::move(o));
    create_folder("Huly-ALPHA-root");
    create_folder("Huly-ALPHA");
    auto res = get("/v1/folders/name/Huly-ALPHA");
    EXPECT_EQ(res.result(), status::not_found);
    EXPECT_EQ(json_of(res).at("detail"), "Not Found");
    EXPECT_EQ(get("/v1/sources/name/Huly-ALPHA").result(), status::not_found);
    // The replacement: ?name= is a case-insensitive substring filter (0.16.8 list_folders → LIKE).
    EXPECT_EQ(names_of(json_of(get("/v1/folders/?name=huly-alpha"))),
              (std::vector<std::string>{"Huly-ALPHA-root", "Huly-ALPHA"}));
}

TEST_F(LettaSim, AgentQuotaAnswers402OnCreate) {
    letta_options o;
    o.agent_quota = 2;
    reset(std::move(o));
    create_agent("one");
    create_agent("two");
    auto res = post("/v1/agents/", R"({"name":"three","model":"anthropic/claude-sonnet-4-5"})");
    EXPECT_EQ(res.result(), status::payment_required);
    EXPECT_NE(str(json_of(res).at("detail")).find("agent limit"), std::string::npos) << res.body();
    EXPECT_EQ(sim_->agents().size(), 2u);
    EXPECT_EQ(json_of(get("/v1/agents/")).get_array().size(), 2u);  // reads are unaffected
}

TEST_F(LettaSim, BlockAttachLockIs409WithRetryAfter) {
    // 0.16.8 letta/server/rest_api/app.py: DatabaseLockTimeoutError → 409, Retry-After: 1.
    letta_options o;
    o.block_attach_locks = 2;
    reset(std::move(o));
    const auto agent = create_agent("Huly - Alpha");
    const auto block = create_block("notes", "n");
    for (int i = 0; i < 2; ++i) {
        auto res = patch("/v1/agents/" + agent + "/core-memory/blocks/attach/" + block);
        EXPECT_EQ(res.result(), status::conflict);
        EXPECT_EQ(res[http::field::retry_after], "1");
        EXPECT_EQ(json_of(res).at("detail"), "The resource is currently locked by another operation. Please retry shortly.");
    }
    EXPECT_EQ(json_of(get("/v1/agents/" + agent + "/core-memory/blocks/notes")).is_object(), true);
    EXPECT_EQ(get("/v1/agents/" + agent + "/core-memory/blocks/notes").result(), status::not_found);  // not attached
    auto res = patch("/v1/agents/" + agent + "/core-memory/blocks/attach/" + block);
    EXPECT_EQ(res.result(), status::ok) << res.body();
    EXPECT_EQ(get("/v1/agents/" + agent + "/core-memory/blocks/notes").result(), status::ok);
}

}  // namespace
}  // namespace hvs::sim::letta_simulator_test
