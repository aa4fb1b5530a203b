// Tests for the Vibe Kanban simulator, one group per item of the reference's §7 "Fake-server
// contract" (shared/reference/vibe-kanban-api.md), plus the serde error texts, seed/state and the
// in-process operations. Expected bodies are the real server's (vibe-samples.jsonl and runs of
// scripts/real-vibe.sh).

#include "hvs/sim/vibe_simulator.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>

namespace {

namespace http = boost::beast::http;
namespace json = boost::json;
using hvs::sim::request;
using hvs::sim::response;
using hvs::sim::vibe_options;
using hvs::sim::vibe_simulator;
using namespace std::chrono;

constexpr std::string_view json_type = "application/json";
constexpr std::string_view text_type = "text/plain; charset=utf-8";
constexpr std::string_view unknown_id = "20bf940e-ef41-424c-b397-8a13f0065558";

// 2026-11-24T18:57:11.626Z, one millisecond later on every call.
struct stepping_clock {
    std::shared_ptr<sys_time<milliseconds>> now =
        std::make_shared<sys_time<milliseconds>>(sys_days{2026y / 11 / 24} + 18h + 57min + 11s + 626ms);
    std::chrono::milliseconds step{1};
    system_clock::time_point operator()() const {
        auto t = *now;
        *now += step;
        return t;
    }
};

vibe_options options(bool check_filesystem = false) {
    vibe_options o;
    o.clock = stepping_clock{};
    o.id_seed = 42;
    o.check_filesystem = check_filesystem;
    return o;
}

request make(http::verb method, std::string target, std::optional<std::string> body = std::nullopt,
             std::optional<std::string> content_type = std::string("application/json")) {
    request req{method, target, 11};
    if (body) {
        if (content_type) req.set(http::field::content_type, *content_type);
        req.body() = *body;
        req.prepare_payload();
    }
    return req;
}

std::string header(const response& res, http::field f) {
    auto it = res.find(f);
    return it == res.end() ? std::string("<none>") : std::string(it->value());
}

json::value body_json(const response& res) {
    boost::system::error_code ec;
    auto v = json::parse(res.body(), ec);
    EXPECT_FALSE(ec) << res.body();
    return v;
}

json::value data_of(const response& res) { return body_json(res).as_object().at("data"); }

void expect_text(const response& res, unsigned code, std::string_view text) {
    EXPECT_EQ(res.result_int(), code);
    EXPECT_EQ(header(res, http::field::content_type), text_type);
    EXPECT_EQ(res.body(), text);
}

void expect_empty(const response& res, unsigned code) {
    EXPECT_EQ(res.result_int(), code);
    EXPECT_EQ(header(res, http::field::content_type), "<none>");
    EXPECT_EQ(res.body(), "");
    EXPECT_EQ(header(res, http::field::content_length), "0");
}

std::vector<std::string> keys_of(const json::object& o) {
    std::vector<std::string> keys;
    for (const auto& kv : o) keys.emplace_back(kv.key());
    return keys;
}

// A simulator with one project (P1) and helpers to create through the API.
struct fixture {
    vibe_simulator sim{options()};
    std::string project = create_project("P1", "/srv/repos/p1");

    std::string create_project(std::string_view name, std::string_view path) {
        auto res = sim.handle(make(http::verb::post, "/api/projects",
                                   json::serialize(json::object{{"name", name}, {"git_repo_path", path},
                                                                {"use_existing_repo", false}})));
        EXPECT_EQ(res.result_int(), 200) << res.body();
        return std::string(data_of(res).at("id").as_string());
    }
    std::string create_task(std::string_view title, std::string_view extra = "") {
        auto res = sim.handle(make(http::verb::post, "/api/tasks",
                                   "{\"project_id\":\"" + project + "\",\"title\":\"" + std::string(title) + "\"" +
                                       std::string(extra) + "}"));
        EXPECT_EQ(res.result_int(), 200) << res.body();
        return std::string(data_of(res).at("id").as_string());
    }
    response put_task(const std::string& id, std::string body) {
        return sim.handle(make(http::verb::put, "/api/tasks/" + id, std::move(body)));
    }
};

// --- 1. Base: envelope, content type, compact JSON -------------------------------------------

TEST(VibeContract1Base, EnvelopeHasFourKeysInOrderAndNoCharset) {
    vibe_simulator sim{options()};
    auto res = sim.handle(make(http::verb::get, "/api/projects"));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(header(res, http::field::content_type), json_type);
    EXPECT_EQ(res.body(), R"({"success":true,"data":[],"error_data":null,"message":null})");
    EXPECT_EQ(header(res, http::field::content_length), "59");
    EXPECT_EQ(header(res, http::field::date), "Tue, 24 Nov 2026 18:57:11 GMT");
}

TEST(VibeContract1Base, StringsAreRawUtf8WithControlCharactersEscaped) {
    fixture f;
    auto res = f.sim.handle(make(http::verb::post, "/api/tasks",
                                 "{\"project_id\":\"" + f.project +
                                     R"(","title":"\u00e9\ud83d\ude80\u0000\u0001\n\t\"\\\/<>&\u2028","description":"x"})"));
    ASSERT_EQ(res.result_int(), 200);
    EXPECT_NE(res.body().find("\"title\":\"\xC3\xA9\xF0\x9F\x9A\x80\\u0000\\u0001\\n\\t\\\"\\\\/<>&\xE2\x80\xA8\""),
              std::string::npos)
        << res.body();
}

// --- 2. Health --------------------------------------------------------------------------------

TEST(VibeContract2Health, ReturnsOk) {
    vibe_simulator sim{options()};
    auto res = sim.handle(make(http::verb::get, "/api/health"));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(header(res, http::field::content_type), json_type);
    EXPECT_EQ(res.body(), R"({"success":true,"data":"OK","error_data":null,"message":null})");
}

TEST(VibeContract2Health, HeadKeepsHeadersWithoutBody) {
    vibe_simulator sim{options()};
    auto res = sim.handle(make(http::verb::head, "/api/health"));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(header(res, http::field::content_type), json_type);
    EXPECT_EQ(header(res, http::field::content_length), "61");
    EXPECT_EQ(res.body(), "");
}

// --- 3. Project list ----------------------------------------------------------------------------

TEST(VibeContract3ProjectList, NewestFirstWithNineFieldsInOrder) {
    fixture f;
    f.create_project("P2", "/srv/repos/p2");
    auto res = f.sim.handle(make(http::verb::get, "/api/projects?name=ignored&limit=1"));
    ASSERT_EQ(res.result_int(), 200);
    const auto data = data_of(res);
    const auto& list = data.as_array();
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].at("name"), "P2");
    EXPECT_EQ(list[1].at("name"), "P1");
    EXPECT_EQ(keys_of(list[1].as_object()),
              (std::vector<std::string>{"id", "name", "git_repo_path", "setup_script", "dev_script", "cleanup_script",
                                        "copy_files", "created_at", "updated_at"}));
    EXPECT_TRUE(list[1].at("setup_script").is_null());
}

// --- 4. Project create ----------------------------------------------------------------------------

TEST(VibeContract4ProjectCreate, SuccessStoresScriptsAndStampsEqualTimes) {
    vibe_simulator sim{options()};
    auto res = sim.handle(make(http::verb::post, "/api/projects",
                               R"({"name":"extra","git_repo_path":"/srv/repos/p7","use_existing_repo":false,"bogus":1,)"
                               R"("setup_script":"echo hi","dev_script":"npm run dev","copy_files":".env","id":"x"})"));
    ASSERT_EQ(res.result_int(), 200);
    EXPECT_EQ(header(res, http::field::content_type), json_type);
    const auto d = data_of(res).as_object();
    EXPECT_EQ(d.at("id").as_string().size(), 36u);
    EXPECT_EQ(d.at("id").as_string()[14], '4');
    EXPECT_EQ(d.at("setup_script"), "echo hi");
    EXPECT_EQ(d.at("dev_script"), "npm run dev");
    EXPECT_TRUE(d.at("cleanup_script").is_null());
    EXPECT_EQ(d.at("copy_files"), ".env");
    EXPECT_EQ(d.at("created_at"), "2026-11-24T18:57:11.626Z");
    EXPECT_EQ(d.at("created_at"), d.at("updated_at"));
}

TEST(VibeContract4ProjectCreate, DuplicatePathIsASoftErrorButTrailingSlashIsNew) {
    fixture f;
    auto dup = f.sim.handle(make(http::verb::post, "/api/projects",
                                 R"({"name":"dup","git_repo_path":"/srv/repos/p1","use_existing_repo":false})"));
    EXPECT_EQ(dup.result_int(), 200);
    EXPECT_EQ(dup.body(), R"({"success":false,"data":null,"error_data":null,"message":)"
                          R"("A project with this git repository path already exists"})");
    f.create_project("P1", "/srv/repos/p1/");  // same name, path with a slash: allowed
    f.create_project("", "/srv/repos/p6");     // empty name: allowed
}

TEST(VibeContract4ProjectCreate, FrameworkRejectionsArePlainText) {
    vibe_simulator sim{options()};
    auto post = [&](std::string body, std::optional<std::string> type = std::string("application/json")) {
        return sim.handle(make(http::verb::post, "/api/projects", std::move(body), std::move(type)));
    };
    expect_text(post(R"({"name": "no flag", "git_repo_path": "/srv/repos/p7"})"), 422,
                "Failed to deserialize the JSON body into the target type: missing field `use_existing_repo` at line 1 column 53");
    expect_text(post(R"({"git_repo_path": "/srv/repos/p7", "use_existing_repo": true})"), 422,
                "Failed to deserialize the JSON body into the target type: missing field `name` at line 1 column 61");
    expect_text(post(R"({"name": 5, "git_repo_path": "/srv/repos/p7", "use_existing_repo": true})"), 422,
                "Failed to deserialize the JSON body into the target type: name: invalid type: integer `5`, expected a "
                "string at line 1 column 10");
    expect_text(post(R"({"name": "x", "git_repo_path": "/srv/repos/p7", "use_existing_repo": "yes"})"), 422,
                "Failed to deserialize the JSON body into the target type: use_existing_repo: invalid type: string \"yes\", "
                "expected a boolean at line 1 column 74");
    expect_text(post(R"({"name": "x",)"), 400,
                "Failed to parse the request body as JSON: EOF while parsing a value at line 1 column 13");
    expect_text(post(""), 400, "Failed to parse the request body as JSON: EOF while parsing a value at line 1 column 0");
    expect_text(post("[]"), 422,
                "Failed to deserialize the JSON body into the target type: invalid length 0, expected struct "
                "CreateProject with 7 elements at line 1 column 2");
    expect_text(post(R"({"name":"x"})", std::nullopt), 415, "Expected request with `Content-Type: application/json`");
    expect_text(post(R"({"name":"x"})", "text/plain"), 415, "Expected request with `Content-Type: application/json`");
    EXPECT_EQ(sim.state().at("projects").as_array().size(), 0u);
}

TEST(VibeContract4ProjectCreate, ExistingRepoIsCheckedOnDisk) {
    namespace fs = std::filesystem;
    const fs::path root = fs::temp_directory_path() / ("vibe-sim-test-" + std::to_string(std::random_device{}()));
    fs::create_directories(root / "repo" / ".git");
    fs::create_directories(root / "plain");
    std::ofstream(root / "file") << "x";
    vibe_simulator sim{options(true)};
    auto post = [&](const fs::path& path, bool existing) {
        return sim.handle(make(http::verb::post, "/api/projects",
                               json::serialize(json::object{{"name", "n"}, {"git_repo_path", path.string()},
                                                            {"use_existing_repo", existing}})));
    };
    auto message = [](const response& res) { return std::string(body_json(res).at("message").as_string()); };
    EXPECT_EQ(message(post(root / "missing", true)), "The specified path does not exist");
    EXPECT_EQ(message(post("", true)), "The specified path does not exist");
    EXPECT_EQ(message(post(root / "file", true)), "The specified path is not a directory");
    EXPECT_EQ(message(post(root / "plain", true)), "The specified directory is not a git repository");
    EXPECT_EQ(post(root / "repo", true).result_int(), 200);
    EXPECT_TRUE(body_json(post(root / "repo", true)).at("message") ==
                "A project with this git repository path already exists");  // duplicate check comes first
    EXPECT_TRUE(body_json(post(root / "missing-new", false)).at("success").as_bool());  // "creates" nothing
    EXPECT_FALSE(fs::exists(root / "missing-new"));
    fs::remove_all(root);
}

// --- 5. Project get -----------------------------------------------------------------------------

TEST(VibeContract5ProjectGet, ByIdInAnyUuidForm) {
    fixture f;
    std::string upper = f.project;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string simple = f.project;
    std::erase(simple, '-');
    for (const std::string& form : {f.project, upper, simple, "{" + f.project + "}", "urn:uuid:" + f.project}) {
        auto res = f.sim.handle(make(http::verb::get, "/api/projects/" + form));
        ASSERT_EQ(res.result_int(), 200) << form;
        EXPECT_EQ(data_of(res).at("id"), f.project.c_str());
    }
}

TEST(VibeContract5ProjectGet, UnknownIs404EmptyAndMalformedIs400Text) {
    fixture f;
    expect_empty(f.sim.handle(make(http::verb::get, "/api/projects/" + std::string(unknown_id))), 404);
    expect_text(f.sim.handle(make(http::verb::get, "/api/projects/not-a-uuid")), 400,
                "Invalid URL: Cannot parse `id` with value `not-a-uuid`: UUID parsing failed: invalid character: "
                "expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `n` at 1");
    expect_text(f.sim.handle(make(http::verb::delete_, "/api/projects/bad")), 400,
                "Invalid URL: Cannot parse `id` with value `bad`: UUID parsing failed: invalid length: expected "
                "length 32 for simple format, found 3");
    expect_text(f.sim.handle(make(http::verb::get, "/api/tasks/%FF")), 400, "Invalid URL: Invalid UTF-8 in `task_id`");
}

TEST(VibeContract5ProjectUpdate, ScriptsAreClearedButNameAndPathKept) {
    fixture f;
    const std::string id = f.create_project("UP", "/srv/repos/pu");
    auto res = f.sim.handle(make(http::verb::put, "/api/projects/" + id,
                                 R"({"setup_script":"S","dev_script":"D","copy_files":"C"})"));
    ASSERT_EQ(res.result_int(), 200);
    res = f.sim.handle(make(http::verb::put, "/api/projects/" + id, R"({"name":"UP renamed","git_repo_path":null})"));
    const auto d = data_of(res).as_object();
    EXPECT_EQ(d.at("name"), "UP renamed");
    EXPECT_EQ(d.at("git_repo_path"), "/srv/repos/pu");
    EXPECT_TRUE(d.at("setup_script").is_null());
    EXPECT_TRUE(d.at("copy_files").is_null());
    auto dup = f.sim.handle(make(http::verb::put, "/api/projects/" + id, R"({"git_repo_path":"/srv/repos/p1"})"));
    EXPECT_EQ(body_json(dup).at("message"), "A project with this git repository path already exists");
    auto moved = f.sim.handle(make(http::verb::put, "/api/projects/" + id, R"({"git_repo_path":"/does/not/exist"})"));
    EXPECT_EQ(data_of(moved).at("git_repo_path"), "/does/not/exist");
    EXPECT_EQ(data_of(moved).at("updated_at"), data_of(moved).at("created_at"));
}

// --- 6. Task list ------------------------------------------------------------------------------

TEST(VibeContract6TaskList, NewestFirstWithAttemptFields) {
    fixture f;
    f.create_task("first");
    f.create_task("second");
    auto res = f.sim.handle(make(http::verb::get, "/api/tasks?project_id=" + f.project + "&since=2020-01-01&limit=1"));
    ASSERT_EQ(res.result_int(), 200);
    const auto data = data_of(res);
    const auto& list = data.as_array();
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].at("title"), "second");
    EXPECT_EQ(keys_of(list[0].as_object()),
              (std::vector<std::string>{"id", "project_id", "title", "description", "status", "parent_task_attempt",
                                        "created_at", "updated_at", "has_in_progress_attempt", "has_merged_attempt",
                                        "last_attempt_failed", "profile"}));
    EXPECT_EQ(list[0].at("profile"), "");
    EXPECT_EQ(list[0].at("has_merged_attempt"), false);
}

TEST(VibeContract6TaskList, BadProjectIdIs400TextUnknownIsEmpty) {
    fixture f;
    expect_text(f.sim.handle(make(http::verb::get, "/api/tasks")), 400,
                "Failed to deserialize query string: missing field `project_id`");
    expect_text(f.sim.handle(make(http::verb::get, "/api/tasks?project_id=abc")), 400,
                "Failed to deserialize query string: project_id: UUID parsing failed: invalid length: expected length "
                "32 for simple format, found 3");
    expect_text(f.sim.handle(make(http::verb::get, "/api/tasks?project_id=")), 400,
                "Failed to deserialize query string: project_id: UUID parsing failed: invalid length: expected length "
                "32 for simple format, found 0");
    expect_text(f.sim.handle(make(http::verb::get, "/api/tasks?project_id=" + f.project + "&project_id=" + f.project)),
                400, "Failed to deserialize query string: duplicate field `project_id`");
    auto unknown = f.sim.handle(make(http::verb::get, "/api/tasks?project_id=" + std::string(unknown_id)));
    EXPECT_EQ(unknown.body(), R"({"success":true,"data":[],"error_data":null,"message":null})");
    auto braced = f.sim.handle(make(http::verb::get, "/api/tasks?project_id=%7B" + f.project + "%7D"));
    EXPECT_EQ(braced.result_int(), 200);
}

// --- 7. Task create ----------------------------------------------------------------------------

TEST(VibeContract7TaskCreate, StatusIsAlwaysTodoAndEightFields) {
    fixture f;
    auto res = f.sim.handle(make(http::verb::post, "/api/tasks",
                                 "{\"project_id\":\"" + f.project +
                                     R"(","title":"Full","description":"desc","status":"done","id":"x"})"));
    ASSERT_EQ(res.result_int(), 200);
    const auto d = data_of(res).as_object();
    EXPECT_EQ(keys_of(d), (std::vector<std::string>{"id", "project_id", "title", "description", "status",
                                                    "parent_task_attempt", "created_at", "updated_at"}));
    EXPECT_EQ(d.at("status"), "todo");
    EXPECT_EQ(d.at("description"), "desc");
    EXPECT_TRUE(d.at("parent_task_attempt").is_null());
    EXPECT_EQ(d.at("project_id"), f.project.c_str());
    const std::string bogus = f.create_task("bad status", R"(,"status":"bogus","description":null)");
    EXPECT_EQ(f.sim.task(bogus)->at("status"), "todo");
    EXPECT_TRUE(f.sim.task(bogus)->at("description").is_null());
    const std::string empty = f.create_task("", R"(,"description":"")");
    EXPECT_EQ(f.sim.task(empty)->at("description"), "");
}

TEST(VibeContract7TaskCreate, UnknownProjectIs500Json) {
    fixture f;
    auto res = f.sim.handle(make(http::verb::post, "/api/tasks",
                                 R"({"project_id": "0b570db4-a5d1-4dba-914a-ba5f32245a8c", "title": "orphan"})"));
    EXPECT_EQ(res.result_int(), 500);
    EXPECT_EQ(header(res, http::field::content_type), json_type);
    EXPECT_EQ(res.body(), R"({"success":false,"data":null,"error_data":null,"message":"DatabaseError: error )"
                          R"(returned from database: (code: 787) FOREIGN KEY constraint failed"})");
}

TEST(VibeContract7TaskCreate, ImageIdsFailAfterTheInsert) {
    fixture f;
    auto res = f.sim.handle(make(http::verb::post, "/api/tasks",
                                 "{\"project_id\":\"" + f.project +
                                     R"(","title":"with images","image_ids":["362d251c-714f-46de-aa85-4a0000000000"]})"));
    EXPECT_EQ(res.result_int(), 500);
    EXPECT_EQ(f.sim.tasks_of(f.project).size(), 1u);
    auto parent = f.sim.handle(make(http::verb::post, "/api/tasks",
                                    "{\"project_id\":\"" + f.project +
                                        R"(","title":"p","parent_task_attempt":"76b7e3b7-bd99-4b0c-9c4a-111111111111"})"));
    EXPECT_EQ(parent.result_int(), 500);
    EXPECT_EQ(f.sim.tasks_of(f.project).size(), 1u);
    f.create_task("imgs empty", R"(,"image_ids":[])");
}

TEST(VibeContract7TaskCreate, TextIsStoredByteExact) {
    fixture f;
    const std::string id = f.create_task(R"(\ud83d\ude80 \u00dcn\u00efc\u00f6d\u00e9 \u0000nul? line1\nline2\r\n\t)");
    const auto stored = f.sim.task(id)->at("title").as_string();
    EXPECT_EQ(std::string(stored), std::string("\xF0\x9F\x9A\x80 \xC3\x9Cn\xC3\xAF" "c\xC3\xB6" "d\xC3\xA9 ") +
                                       std::string(1, '\0') + "nul? line1\nline2\r\n\t");
}

TEST(VibeContract7TaskCreate, BodyLimitIsTwoMebibytes) {
    fixture f;
    const std::string head = "{\"project_id\":\"" + f.project + "\",\"title\":\"";
    std::string body = head + std::string(2097152 - head.size() - 2, 'z') + "\"}";
    ASSERT_EQ(body.size(), 2097152u);
    EXPECT_EQ(f.sim.handle(make(http::verb::post, "/api/tasks", body)).result_int(), 200);
    body.insert(head.size(), "z");
    expect_text(f.sim.handle(make(http::verb::post, "/api/tasks", body)), 413,
                "Failed to buffer the request body: length limit exceeded");
    expect_text(f.sim.handle(make(http::verb::post, "/api/tasks", body, std::nullopt)), 415,
                "Expected request with `Content-Type: application/json`");
}

TEST(VibeContract7TaskCreate, SerdeErrorsMatchTheServer) {
    fixture f;
    auto post = [&](std::string body) { return f.sim.handle(make(http::verb::post, "/api/tasks", std::move(body))); };
    const std::string p = "\"" + f.project + "\"";
    const std::string data = "Failed to deserialize the JSON body into the target type: ";
    const std::string syntax = "Failed to parse the request body as JSON: ";
    expect_text(post("{\"project_id\": " + p + "}"), 422, data + "missing field `title` at line 1 column 54");
    expect_text(post(R"({"title": "x"})"), 422, data + "missing field `project_id` at line 1 column 14");
    expect_text(post(R"({"project_id": "abc", "title": "x"})"), 422,
                data + "project_id: UUID parsing failed: invalid length: expected length 32 for simple format, found 3 "
                       "at line 1 column 20");
    expect_text(post("{\"project_id\": " + p + ", \"title\": 42}"), 422,
                data + "title: invalid type: integer `42`, expected a string at line 1 column 66");
    expect_text(post("{\"project_id\": " + p + ", \"title\": null}"), 422,
                data + "title: invalid type: null, expected a string at line 1 column 68");
    expect_text(post("{\"project_id\": " + p + ", \"title\": \"x\""), 400,
                syntax + "EOF while parsing an object at line 1 column 67");
    expect_text(post("[1,2]"), 422, data + "[0]: invalid type: integer `1`, expected a UUID string at line 1 column 2");
    expect_text(post("null"), 422, data + "invalid type: null, expected struct CreateTask at line 1 column 4");
    expect_text(post("{\"project_id\":" + p + ",\"title\":\"a\",\"title\":\"b\"}"), 422,
                data + "duplicate field `title` at line 1 column 72");
    expect_text(post("\xEF\xBB\xBF{}"), 400, syntax + "expected value at line 1 column 1");
    expect_text(post("{\"project_id\": " + p + ", \"title\": \"\xFF\xFE\"}"), 400,
                syntax + "title: invalid unicode code point at line 1 column 68");
    expect_text(post("{\"project_id\":" + p + ",\"title\":\"\\ud83d lone surrogate\"}"), 400,
                syntax + "title: unexpected end of hex escape at line 1 column 69");
    expect_text(post("{\"project_id\":" + p + ",\"title\":1e23}"), 422,
                data + "title: invalid type: floating point `1e23`, expected a string at line 1 column 65");
    expect_text(post("{\"project_id\":" + p + ",\"title\":\"x\",\"zz\":[1,]}"), 400,
                syntax + "zz: expected value at line 1 column 74");
    expect_text(post("{\"project_id\":" + p + ",\"title\":\"x\",\"image_ids\":[\"" + std::string(unknown_id) + "\" \"b\"]}"),
                400, syntax + "image_ids: expected `,` or `]` at line 1 column 118");
    EXPECT_EQ(post("{\"project_id\":" + p + ",\"title\":\"trailing\"} xx").result_int(), 200);
    EXPECT_EQ(post("{\"project_id\":" + p + ",\"title\":\"\\ud83d\\ude80\"}").result_int(), 200);
    EXPECT_EQ(f.sim.handle(make(http::verb::post, "/api/tasks", "{\"project_id\":" + p + ",\"title\":\"v\"}",
                                "application/vnd.api+json; charset=utf-8"))
                  .result_int(),
              200);
}

// --- 8. Task get -------------------------------------------------------------------------------

TEST(VibeContract8TaskGet, ByIdUnknownAndMalformed) {
    fixture f;
    const std::string id = f.create_task("Minimal");
    auto res = f.sim.handle(make(http::verb::get, "/api/tasks/" + id));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(data_of(res).at("title"), "Minimal");
    expect_empty(f.sim.handle(make(http::verb::get, "/api/tasks/aa23f20e-589d-4af7-84ba-a96477a99d90")), 404);
    expect_text(f.sim.handle(make(http::verb::get, "/api/tasks/xyz")), 400,
                "Invalid URL: Cannot parse `task_id` with value `xyz`: UUID parsing failed: invalid character: "
                "expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `x` at 1");
}

// --- 9. Task partial update ------------------------------------------------------------------

TEST(VibeContract9TaskUpdate, PartialAndNullKeeps) {
    fixture f;
    const std::string id = f.create_task("Full", R"(,"description":"desc")");
    const auto before = *f.sim.task(id);
    EXPECT_EQ(data_of(f.put_task(id, R"({"status":"inprogress"})")).at("description"), "desc");
    EXPECT_EQ(data_of(f.put_task(id, R"({"description":"new desc"})")).at("status"), "inprogress");
    EXPECT_EQ(data_of(f.put_task(id, R"({"title":"New title"})")).at("description"), "new desc");
    auto kept = data_of(f.put_task(id, R"({"description":null,"status":null,"title":null,"project_id":"x"})"));
    EXPECT_EQ(kept.at("title"), "New title");
    EXPECT_EQ(kept.at("description"), "new desc");
    EXPECT_EQ(kept.at("status"), "inprogress");
    EXPECT_EQ(data_of(f.put_task(id, R"({"description":""})")).at("description"), "");
    for (const char* s : {"todo", "inprogress", "inreview", "done", "cancelled"}) {
        EXPECT_EQ(data_of(f.put_task(id, std::string(R"({"status":")") + s + "\"}")).at("status"), s);
    }
    const auto after = *f.sim.task(id);
    EXPECT_EQ(after.at("updated_at"), before.at("updated_at"));
    EXPECT_EQ(after.at("created_at"), before.at("created_at"));
}

TEST(VibeContract9TaskUpdate, Rejections) {
    fixture f;
    const std::string id = f.create_task("t");
    expect_text(f.put_task(id, R"({"status": "in_progress"})"), 422,
                "Failed to deserialize the JSON body into the target type: status: unknown variant `in_progress`, "
                "expected one of `todo`, `inprogress`, `inreview`, `done`, `cancelled` at line 1 column 24");
    expect_text(f.put_task(id, R"({"status": 1})"), 400,
                "Failed to parse the request body as JSON: status: expected value at line 1 column 12");
    expect_text(f.put_task(id, "{bad"), 400, "Failed to parse the request body as JSON: key must be a string at line 1 column 2");
    expect_text(f.sim.handle(make(http::verb::put, "/api/tasks/" + id, R"({"title":"x"})", std::nullopt)), 415,
                "Expected request with `Content-Type: application/json`");
    expect_empty(f.put_task("02ede021-b23e-48d1-a01a-4755b6194725", "{bad"), 404);  // 404 before the body
    auto fk = f.put_task(id, R"({"parent_task_attempt":"c833a0b9-6626-4875-b257-9b065d9460f9","title":"no"})");
    EXPECT_EQ(fk.result_int(), 500);
    EXPECT_EQ(f.sim.task(id)->at("title"), "t");
    auto images = f.put_task(id, R"({"title":"applied","image_ids":["684d880e-002e-4c57-b321-b519848e0da0"]})");
    EXPECT_EQ(images.result_int(), 500);
    EXPECT_EQ(f.sim.task(id)->at("title"), "applied");  // written before the image FK failed
}

// --- 10. Delete --------------------------------------------------------------------------------

TEST(VibeContract10Delete, TaskThenRepeatIs404) {
    fixture f;
    const std::string id = f.create_task("t");
    auto res = f.sim.handle(make(http::verb::delete_, "/api/tasks/" + id));
    EXPECT_EQ(res.body(), R"({"success":true,"data":null,"error_data":null,"message":null})");
    expect_empty(f.sim.handle(make(http::verb::delete_, "/api/tasks/" + id)), 404);
    expect_empty(f.sim.handle(make(http::verb::get, "/api/tasks/" + id)), 404);
}

TEST(VibeContract10Delete, ProjectCascadesToItsTasks) {
    fixture f;
    const std::string task = f.create_task("in p1");
    EXPECT_EQ(f.sim.handle(make(http::verb::delete_, "/api/projects/" + f.project)).result_int(), 200);
    expect_empty(f.sim.handle(make(http::verb::get, "/api/tasks/" + task)), 404);
    expect_empty(f.sim.handle(make(http::verb::delete_, "/api/projects/" + f.project)), 404);
    auto list = f.sim.handle(make(http::verb::get, "/api/tasks?project_id=" + f.project));
    EXPECT_EQ(data_of(list).as_array().size(), 0u);
    f.create_project("recreate", "/srv/repos/p1");  // the path is free again
}

// --- 11. Timestamps ----------------------------------------------------------------------------

TEST(VibeContract11Timestamps, FractionOmittedWhenMillisecondsAreZero) {
    vibe_options o = options();
    stepping_clock clock;
    *clock.now = sys_days{2026y / 11 / 24} + 18h + 59min + 15s;
    clock.step = 1s;
    o.clock = clock;
    vibe_simulator sim{o};
    const std::string id = sim.add_project("P", "/p");
    sim.add_task(id, "t", std::nullopt, "done");
    const auto task = sim.tasks_of(id).at(0);
    EXPECT_EQ(task.at("created_at"), "2026-11-24T18:59:16Z");
    EXPECT_EQ(task.at("updated_at"), "2026-11-24T18:59:16Z");
    auto res = sim.handle(make(http::verb::get, "/api/projects/" + id));
    EXPECT_EQ(data_of(res).at("created_at"), "2026-11-24T18:59:15Z");
}

TEST(VibeContract11Timestamps, OnlyAnAgentMovesUpdatedAt) {
    fixture f;
    const std::string id = f.create_task("t");
    const auto created = f.sim.task(id)->at("created_at");
    EXPECT_TRUE(f.sim.move_task(id, "inreview"));
    EXPECT_EQ(f.sim.task(id)->at("updated_at"), created);
    EXPECT_TRUE(f.sim.agent_move_task(id, "done"));
    EXPECT_EQ(f.sim.task(id)->at("updated_at"), "2026-11-24T18:57:11Z");  // whole seconds, no fraction
    EXPECT_EQ(f.sim.task(id)->at("status"), "done");
}

// --- 12. Routing fallback -----------------------------------------------------------------------

TEST(VibeContract12Routing, UnknownGetIsTheSpaPage) {
    vibe_simulator sim{options()};
    for (const char* target : {"/api/nonexistent", "/api/projects/", "/api/tasks/?project_id=x", "/api/events/", "/",
                               "/api/projects/20bf940e-ef41-424c-b397-8a13f0065558/tasks", "/API/health"}) {
        auto res = sim.handle(make(http::verb::get, target));
        EXPECT_EQ(res.result_int(), 200) << target;
        EXPECT_EQ(header(res, http::field::content_type), "text/html") << target;
        EXPECT_EQ(res.body().size(), 1204u) << target;
        EXPECT_TRUE(res.body().starts_with("<!DOCTYPE html>")) << target;
    }
    auto head = sim.handle(make(http::verb::head, "/api/nonexistent"));
    EXPECT_EQ(header(head, http::field::content_length), "1204");
    EXPECT_EQ(head.body(), "");
}

TEST(VibeContract12Routing, WrongMethodIs405WithAllow) {
    fixture f;
    const std::string task = f.create_task("t");
    auto check = [&](http::verb m, std::string target, unsigned code, std::string_view allow) {
        auto res = f.sim.handle(make(m, target, std::string("{}")));
        EXPECT_EQ(res.result_int(), code) << target;
        EXPECT_EQ(header(res, http::field::allow), allow) << target;
    };
    check(http::verb::post, "/api/nonexistent", 405, "GET,HEAD");
    check(http::verb::post, "/api/health", 405, "GET,HEAD");
    check(http::verb::delete_, "/api/projects", 405, "GET,HEAD,POST");
    check(http::verb::options, "/api/tasks", 405, "GET,HEAD,POST");
    check(http::verb::patch, "/api/tasks/" + task, 405, "GET,HEAD,PUT,DELETE");
    check(http::verb::get, "/api/tasks/create-and-start", 405, "POST");
    // The loader middleware answers first; the allow header is still added.
    check(http::verb::post, "/api/projects/" + std::string(unknown_id), 404, "GET,HEAD,PUT,DELETE");
    check(http::verb::patch, "/api/projects/abc", 400, "GET,HEAD,PUT,DELETE");
    expect_empty(f.sim.handle(make(http::verb::post, "/api/health")), 405);
}

// --- 13. Optional: the "database is locked" fault ------------------------------------------------

TEST(VibeContract13Faults, LockedWritesAnswer500WithoutApplying) {
    fixture f;
    f.sim.lock_next_writes(1);
    auto res = f.sim.handle(make(http::verb::post, "/api/tasks", "{\"project_id\":\"" + f.project + "\",\"title\":\"x\"}"));
    EXPECT_EQ(res.result_int(), 500);
    EXPECT_EQ(res.body(), R"({"success":false,"data":null,"error_data":null,"message":"DatabaseError: error )"
                          R"(returned from database: (code: 5) database is locked"})");
    EXPECT_TRUE(f.sim.tasks_of(f.project).empty());
    f.create_task("next one works");
}

// --- Route templates, robustness, seed/state, in-process operations -------------------------

TEST(VibeSimulator, RouteTemplates) {
    vibe_simulator sim{options()};
    EXPECT_EQ(sim.route_of(make(http::verb::get, "/api/health")), "GET /api/health");
    EXPECT_EQ(sim.route_of(make(http::verb::get, "/api/tasks?project_id=x")), "GET /api/tasks");
    EXPECT_EQ(sim.route_of(make(http::verb::put, "/api/tasks/abc")), "PUT /api/tasks/{id}");
    EXPECT_EQ(sim.route_of(make(http::verb::delete_, "/api/projects/abc")), "DELETE /api/projects/{id}");
    EXPECT_EQ(sim.route_of(make(http::verb::post, "/api/tasks/create-and-start")), "POST /api/tasks/create-and-start");
    EXPECT_EQ(sim.route_of(make(http::verb::get, "/api/nonexistent")), "unmatched");
    EXPECT_EQ(sim.route_of(make(http::verb::patch, "/api/tasks/abc")), "unmatched");
    EXPECT_EQ(sim.name(), "vibe");
}

TEST(VibeSimulator, NeverThrowsOnGarbage) {
    fixture f;
    const std::string task = f.create_task("t");
    std::mt19937 rng(7);
    const std::string alphabet = "{}[]\":,\\ \n\t0123456789-+.eEtrufalsn\x01\xff\xc3\xa9uU";
    for (int i = 0; i < 3000; ++i) {
        std::string body;
        const int n = static_cast<int>(rng() % 40);
        for (int k = 0; k < n; ++k) body.push_back(alphabet[rng() % alphabet.size()]);
        if (i % 3 == 0) body = "{\"title\":" + body;
        for (auto* target : {"/api/tasks", "/api/projects"}) {
            auto res = f.sim.handle(make(http::verb::post, target, body));
            EXPECT_TRUE(res.result_int() == 200 || res.result_int() == 400 || res.result_int() == 422 ||
                        res.result_int() == 500) << body;
        }
        auto res = f.put_task(task, body);
        EXPECT_NE(res.result_int(), 0);
    }
    for (auto* target : {"", "*", "http://x/api/health", "/%", "/api/tasks/%", "/api/tasks?%FF=%FF&project_id=%zz",
                         "/api/tasks/\xff", "//", "/api/projects/{}"}) {
        EXPECT_NO_THROW(f.sim.handle(make(http::verb::get, target)));
    }
    std::string deep = "{\"zz\":" + std::string(100000, '[') + std::string(100000, ']') + ",\"title\":\"deep\"}";
    EXPECT_EQ(data_of(f.put_task(task, deep)).at("title"), "deep");
}

TEST(VibeSimulator, SeedAndStateRoundTrip) {
    vibe_simulator sim{options()};
    sim.seed(json::parse(R"({"projects":[
        {"name":"Seeded","git_repo_path":"/srv/s","setup_script":"S",
         "tasks":[{"title":"a","description":"d","status":"inreview"},
                  {"id":"34384430-CD73-4BB4-98FE-2F9E3389917D","title":"b","created_at":"2026-01-02T03:04:05.600Z"}]},
        {"id":"7bffcc5a-0e3d-4a27-a98e-8bc09689d815","name":"Two","git_repo_path":"/srv/t"}]})"));
    const auto state = sim.state();
    const auto& projects = state.at("projects").as_array();
    ASSERT_EQ(projects.size(), 2u);
    EXPECT_EQ(projects[0].at("setup_script"), "S");
    EXPECT_EQ(projects[1].at("id"), "7bffcc5a-0e3d-4a27-a98e-8bc09689d815");
    const auto& tasks = projects[0].at("tasks").as_array();
    ASSERT_EQ(tasks.size(), 2u);
    EXPECT_EQ(tasks[0].at("status"), "inreview");
    EXPECT_EQ(tasks[1].at("id"), "34384430-cd73-4bb4-98fe-2f9e3389917d");
    EXPECT_EQ(tasks[1].at("created_at"), "2026-01-02T03:04:05.600Z");
    EXPECT_TRUE(sim.task("34384430cd734bb498fe2f9e3389917d").has_value());

    vibe_simulator copy{options()};
    copy.seed(state);
    EXPECT_EQ(json::serialize(copy.state()), json::serialize(state));

    EXPECT_THROW(sim.seed(json::parse(R"({"projects":[{"name":"x"}]})")), std::invalid_argument);
    EXPECT_THROW(sim.seed(json::parse(R"({"projects":[{"name":"x","git_repo_path":"/a","tasks":[{"title":"t","status":"doing"}]}]})")),
                 std::invalid_argument);
    EXPECT_THROW(sim.seed(json::parse(R"({"projects":[{"name":"x","git_repo_path":"/a"},{"name":"y","git_repo_path":"/a"}]})")),
                 std::invalid_argument);
    EXPECT_EQ(json::serialize(sim.state()), json::serialize(state));  // unchanged after a rejected seed
}

TEST(VibeSimulator, InProcessOperations) {
    vibe_simulator sim{options()};
    const std::string project = sim.add_project("UI", "/srv/ui");
    EXPECT_THROW(sim.add_project("again", "/srv/ui"), std::invalid_argument);
    EXPECT_THROW(sim.add_task(unknown_id, "t", std::nullopt), std::invalid_argument);
    EXPECT_THROW(sim.add_task(project, "t", std::nullopt, "doing"), std::invalid_argument);
    const std::string id = sim.add_task(project, "hand-made", "d", "inprogress");
    EXPECT_EQ(sim.task(id)->at("status"), "inprogress");
    EXPECT_TRUE(sim.edit_task(id, "renamed", std::nullopt));
    EXPECT_EQ(sim.task(id)->at("title"), "renamed");
    EXPECT_EQ(sim.task(id)->at("description"), "d");
    EXPECT_TRUE(sim.edit_task(id, std::nullopt, ""));
    EXPECT_EQ(sim.task(id)->at("description"), "");
    EXPECT_TRUE(sim.move_task(id, "cancelled"));
    EXPECT_THROW(sim.move_task(id, "Done"), std::invalid_argument);
    EXPECT_FALSE(sim.move_task(unknown_id, "done"));
    EXPECT_FALSE(sim.edit_task(unknown_id, "x", std::nullopt));
    auto res = sim.handle(make(http::verb::get, "/api/tasks/" + id));
    EXPECT_EQ(data_of(res).at("status"), "cancelled");
    EXPECT_EQ(sim.tasks_of(project).size(), 1u);
    EXPECT_TRUE(sim.tasks_of(unknown_id).empty());
    EXPECT_TRUE(sim.delete_task(id));
    EXPECT_FALSE(sim.delete_task(id));
    EXPECT_FALSE(sim.task(id).has_value());
}

TEST(VibeSimulator, IdsAreDeterministicPerSeed) {
    vibe_simulator a{options()}, b{options()};
    EXPECT_EQ(a.add_project("x", "/x"), b.add_project("x", "/x"));
    vibe_options other = options();
    other.id_seed = 43;
    vibe_simulator c{other};
    EXPECT_NE(a.add_project("y", "/y"), c.add_project("y", "/y"));
}

// --- generations (shared/reference/upstreams-2026.md, Vibe section; upstream BloopAI/vibe-kanban)

vibe_options generation_options(hvs::sim::vibe_generation generation, bool check_filesystem = false) {
    vibe_options o = options(check_filesystem);
    o.generation = generation;
    return o;
}

std::string multi_repo_body(std::string_view name, std::string_view path) {
    return json::serialize(json::object{
        {"name", name},
        {"repositories", json::array{json::object{{"display_name", name}, {"git_repo_path", path}}}}});
}

// 22ff27d8fd crates/db/src/models/project.rs: Project {id, name, dev_script, remote_project_id,
// created_at, updated_at}; CreateProject {name, repositories: Vec<CreateProjectRepo>}.
TEST(VibeSimulatorMultiRepo, CreatesFromRepositoriesAndListsProjectsWithoutAPath) {
    vibe_simulator sim{generation_options(hvs::sim::vibe_generation::multi_repo)};
    auto created = sim.handle(make(http::verb::post, "/api/projects", multi_repo_body("P1", "/srv/repos/p1")));
    ASSERT_EQ(created.result_int(), 200) << created.body();
    const auto project = data_of(created).as_object();
    EXPECT_EQ(keys_of(project),
              (std::vector<std::string>{"id", "name", "dev_script", "remote_project_id", "created_at", "updated_at"}));
    auto listed = sim.handle(make(http::verb::get, "/api/projects"));
    ASSERT_EQ(data_of(listed).as_array().size(), 1u);
    EXPECT_FALSE(data_of(listed).as_array()[0].as_object().contains("git_repo_path"));
}

// 22ff27d8fd routes/projects.rs get_project_repositories: [Repo {id, path, name, display_name, …}],
// `name` from the path's last component (models/repo.rs find_or_create).
TEST(VibeSimulatorMultiRepo, ListsAProjectsRepositoryWithItsPath) {
    vibe_simulator sim{generation_options(hvs::sim::vibe_generation::multi_repo)};
    auto created = sim.handle(make(http::verb::post, "/api/projects", multi_repo_body("P1", "/srv/repos/p1")));
    const std::string id(data_of(created).at("id").as_string());
    auto repos = sim.handle(make(http::verb::get, "/api/projects/" + id + "/repositories"));
    ASSERT_EQ(repos.result_int(), 200) << repos.body();
    const json::value data = data_of(repos);  // named: a temporary would die before the reads
    const auto& list = data.as_array();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].at("path").as_string(), "/srv/repos/p1");
    EXPECT_EQ(list[0].at("name").as_string(), "p1");
    EXPECT_EQ(list[0].at("display_name").as_string(), "P1");
}

// The 0.0.71 body lacks `repositories`: axum's Json rejection (422 text/plain, serde's missing field).
TEST(VibeSimulatorMultiRepo, RefusesTheSingleRepoCreateBody) {
    vibe_simulator sim{generation_options(hvs::sim::vibe_generation::multi_repo)};
    auto res = sim.handle(make(http::verb::post, "/api/projects",
                               R"({"name":"P1","git_repo_path":"/srv/repos/p1","use_existing_repo":true})"));
    EXPECT_EQ(res.result_int(), 422);
    EXPECT_NE(res.body().find("missing field `repositories`"), std::string::npos) << res.body();
}

// services/project.rs create_project validates every repository path (no use_existing_repo).
TEST(VibeSimulatorMultiRepo, ValidatesRepositoryPaths) {
    vibe_simulator sim{generation_options(hvs::sim::vibe_generation::multi_repo, true)};
    auto res = sim.handle(make(http::verb::post, "/api/projects", multi_repo_body("P1", "/nonexistent/hvs/p1")));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(body_json(res).at("success").as_bool(), false);
    EXPECT_EQ(body_json(res).at("message").as_string(), "The specified path does not exist");
}

// Tasks keep the 0.0.71 local routes on 0.0.140 - 0.1.14 (routes/tasks.rs unchanged by 22ff27d8fd).
TEST(VibeSimulatorMultiRepo, TaskRoutesAreUnchanged) {
    vibe_simulator sim{generation_options(hvs::sim::vibe_generation::multi_repo)};
    auto created = sim.handle(make(http::verb::post, "/api/projects", multi_repo_body("P1", "/srv/repos/p1")));
    const std::string id(data_of(created).at("id").as_string());
    auto task = sim.handle(make(http::verb::post, "/api/tasks", R"({"project_id":")" + id + R"(","title":"T"})"));
    ASSERT_EQ(task.result_int(), 200) << task.body();
    auto listed = sim.handle(make(http::verb::get, "/api/tasks?project_id=" + id));
    EXPECT_EQ(data_of(listed).as_array().size(), 1u);
}

TEST(VibeSimulatorSingleRepo, HasNoRepositoriesRouteAndAnswersThePage) {
    fixture f;
    auto res = f.sim.handle(make(http::verb::get, "/api/projects/" + f.project + "/repositories"));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(header(res, http::field::content_type).substr(0, 9), "text/html");
}

// 139b18158d "remove local projects related code": routes/mod.rs keeps /api/health, the
// `/{*path}` frontend route answers every other GET with the web page.
TEST(VibeSimulatorV0115, ProjectsAnswerTheWebPageWhileHealthStaysOk) {
    vibe_simulator sim{generation_options(hvs::sim::vibe_generation::v0_1_15)};
    auto projects = sim.handle(make(http::verb::get, "/api/projects"));
    EXPECT_EQ(projects.result_int(), 200);
    EXPECT_EQ(header(projects, http::field::content_type).substr(0, 9), "text/html");
    auto tasks = sim.handle(make(http::verb::get, "/api/tasks?project_id=" + std::string(unknown_id)));
    EXPECT_EQ(header(tasks, http::field::content_type).substr(0, 9), "text/html");
    auto create = sim.handle(make(http::verb::post, "/api/projects", multi_repo_body("P1", "/srv/repos/p1")));
    EXPECT_EQ(create.result_int(), 405);
    auto health = sim.handle(make(http::verb::get, "/api/health"));
    EXPECT_EQ(health.result_int(), 200);
    EXPECT_EQ(header(health, http::field::content_type), json_type);
}

TEST(VibeSimulatorGenerations, NamesParseAsTheSimulateFlagTakesThem) {
    EXPECT_EQ(hvs::sim::parse_vibe_generation("0.0.71"), hvs::sim::vibe_generation::v0_0_71);
    EXPECT_EQ(hvs::sim::parse_vibe_generation("multi-repo"), hvs::sim::vibe_generation::multi_repo);
    EXPECT_EQ(hvs::sim::parse_vibe_generation("0.1.15"), hvs::sim::vibe_generation::v0_1_15);
    EXPECT_FALSE(hvs::sim::parse_vibe_generation("0.1.14"));
}

}  // namespace
