// Seeded random mutations of realistic upstream bodies fed to every pure decoder of the three
// upstreams (huly::decode_*, vibe::decode_*, letta::decode_*): byte flips, truncation, random
// bytes, JSON values swapped for other types, deep nesting, huge strings and numbers, duplicate
// keys. Whatever comes in, a decoder returns a value or an error whose message is non-empty and
// names the upstream — it never crashes, throws or overflows the stack. Fixed seeds: a failure
// reproduces.

#include "hvs/huly/client.hpp"
#include "hvs/letta/client.hpp"
#include "hvs/vibe/client.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace hvs {
namespace {

namespace json = boost::json;

// ---- realistic bodies (shapes from shared/reference: huly-rest-api.md, vibe-samples.jsonl,
// letta-rest-api.md) ----

const std::vector<std::string> huly_bodies = {
    R"({"projects":[{"identifier":"HVSYN","name":"Huly Vibe Sync","description":"Sync service.\nPath: /opt/stacks/huly-vibe-sync","issueCount":42,"private":false,"archived":false},{"identifier":"WEB","name":"Web","description":"","issueCount":0,"private":true,"archived":true}],"count":2})",
    R"({"project":"HVSYN","issues":[{"identifier":"HVSYN-12","title":"Fix the watermark","description":"It moves **after** a failed read.\n\n- one\n- two","status":"In Progress","priority":"High","component":null,"milestone":"v2","assignee":null,"createdOn":1762171200000,"modifiedOn":1762174800123,"number":12,"project":"HVSYN"},{"identifier":"HVSYN-3","title":"Ünïcödé 🚀","description":"","status":"Backlog","priority":"NoPriority","component":"api","milestone":null,"assignee":null,"createdOn":1762000000000,"modifiedOn":1762000000000,"number":3,"project":"HVSYN"}],"count":2,"filtered":true})",
    R"({"project":"EMPTY","issues":[],"count":0,"filtered":false})",
    R"({"project":"EMPTY","issues":[],"count":0,"syncMeta":{"modifiedSince":"2026-03-01T00:00:00Z","createdSince":null,"latestModified":null,"serverTime":"2026-03-02T10:11:12.345Z"}})",
    R"({"identifier":"HVSYN-1","updated":true,"appliedUpdates":{"title":"T"},"errors":[{"field":"status","error":"Status 'In Review' not found","available":["Backlog","Done"]}]})",
    R"({"error":"Invalid status","availableStatuses":["Backlog","Todo","In Progress","Done","Canceled"]})",
};

const std::string vibe_project =
    R"({"id":"34384430-cd73-4bb4-98fe-2f9e3389917d","name":"P1","git_repo_path":"/srv/repos/p1","setup_script":null,"dev_script":"npm run dev","cleanup_script":null,"copy_files":".env","created_at":"2026-11-24T18:57:11.626Z","updated_at":"2026-11-24T18:57:11.626Z"})";
const std::string vibe_task =
    R"({"id":"94042b8b-84ea-49a0-9957-917cb9756e3d","project_id":"c4a750a5-d280-4f36-9aff-f14ddfc664c3","title":"🚀 Ünïcödé 日本語 \u0000nul?","description":"Seen on iOS.\n\n---\nHuly Issue: WEB-1","status":"inprogress","parent_task_attempt":null,"created_at":"2026-11-24T18:57:50.612Z","updated_at":"2026-11-24T18:57:50.612Z","has_in_progress_attempt":false,"has_merged_attempt":false,"last_attempt_failed":false,"profile":""})";
const std::vector<std::string> vibe_bodies = {
    R"({"success":true,"data":[)" + vibe_project + "," + vibe_project + R"(],"error_data":null,"message":null})",
    R"({"success":true,"data":[)" + vibe_task + R"(,{"id":"623a9edc-e1ad-4f40-b717-f9cdeb412bdb","project_id":"c4a750a5-d280-4f36-9aff-f14ddfc664c3","title":"dupe","description":null,"status":"todo","parent_task_attempt":null,"created_at":"2026-11-24T18:57:50.609Z","updated_at":"2026-11-24T18:57:50.609Z"}],"error_data":null,"message":null})",
    R"({"success":true,"data":)" + vibe_task + R"(,"error_data":null,"message":null})",
    R"({"success":true,"data":)" + vibe_project + R"(,"error_data":null,"message":null})",
    R"({"success":false,"data":null,"error_data":null,"message":"A project with this git repository path already exists"})",
    R"({"success":true,"data":[],"error_data":null,"message":null})",
};

const std::string letta_agent =
    R"({"id":"agent-123e4567-e89b-42d3-8456-426614174000","name":"Huly - Web","agent_type":"letta_v1_agent","tags":["huly-pm","project:WEB"],"tools":[{"id":"tool-6b1c1d1e-0000-4000-8000-000000000001","name":"huly_query","tool_type":"custom","description":null},{"id":"tool-6b1c1d1e-0000-4000-8000-000000000002","name":"send_message","tool_type":"letta_core"}],"memory":{"blocks":[{"id":"block-1","label":"persona","value":"PM","limit":60000}]},"created_at":"2025-11-03T10:00:00.123456Z"})";
const std::vector<std::string> letta_bodies = {
    letta_agent,
    "[" + letta_agent + R"(,{"id":"agent-223e4567-e89b-42d3-8456-426614174000","name":"Huly-PM-Control","tags":[],"tools":[],"created_at":null}])",
    R"([{"id":"tool-6b1c1d1e-0000-4000-8000-000000000001","name":"huly_query","tool_type":"custom"}])",
    R"({"id":"block-8c4e0f55-0000-4000-8000-000000000003","label":"board_metrics","value":"{\"total_issues\":2}","limit":60000,"description":null})",
    R"("source-5d2f9a10-0000-4000-8000-000000000004")",
    R"({"id":"source-5d2f9a10-0000-4000-8000-000000000004","name":"Huly-WEB","embedding_config":{"embedding_model":"letta-free","embedding_dim":1024},"metadata":null})",
    R"([{"id":"source-5d2f9a10-0000-4000-8000-000000000004","name":"Huly-WEB"},{"id":"source-6d2f9a10-0000-4000-8000-000000000005","name":"Huly-WEB-root"}])",
    R"({"id":"file-7e3a0b21-0000-4000-8000-000000000006","source_id":"source-5d2f9a10-0000-4000-8000-000000000004","file_name":"Huly-WEB/WEB-README.md","original_file_name":"WEB-README.md","processing_status":"completed"})",
    R"([{"id":"file-7e3a0b21-0000-4000-8000-000000000006","file_name":"Huly-WEB/WEB-README.md","processing_status":"embedding"},{"id":"file-8e3a0b21-0000-4000-8000-000000000007","original_file_name":"src_main.cpp","processing_status":null}])",
};

// ---- decoders: each returns the error of the first thing that failed, or nothing ----

using decode_fn = std::function<std::optional<error>(std::string_view body)>;

template <class R>
std::optional<error> failure_of(const R& r) {
    if (r) return std::nullopt;
    return r.error();
}

std::optional<error> vibe_list(std::string_view body, std::string_view what, bool tasks) {
    auto data = vibe::decode_envelope("application/json", body, what);
    if (!data) return data.error();
    auto one = [tasks](const json::value& v) {
        return tasks ? failure_of(vibe::decode_task(v)) : failure_of(vibe::decode_project(v));
    };
    if (!data->is_array()) return one(*data);
    for (const auto& item : data->as_array()) {
        if (auto e = one(item)) return e;
    }
    return std::nullopt;
}

struct decoder {
    std::string name;
    std::string upstream;  // the name every error must carry
    decode_fn decode;
};

std::vector<decoder> decoders_of(const std::string& upstream) {
    std::vector<decoder> out;
    if (upstream == "huly") {
        out.push_back({"huly::decode_projects", "huly", [](std::string_view b) { return failure_of(huly::decode_projects(b)); }});
        out.push_back({"huly::decode_issues", "huly", [](std::string_view b) { return failure_of(huly::decode_issues(b, 1000)); }});
        out.push_back({"huly::decode_patch_answer", "huly", [](std::string_view b) { return failure_of(huly::decode_patch_answer(b)); }});
        out.push_back({"huly::refused_status_catalogue", "huly", [](std::string_view b) -> std::optional<error> {
                           error refusal = make_error(error_kind::http_4xx, "huly answered 400 to PUT /api/issues/X-1");
                           refusal.http_status = 400;
                           refusal.body = std::string(b);
                           (void)huly::refused_status_catalogue(refusal);  // no error to return: it must not crash
                           return std::nullopt;
                       }});
    } else if (upstream == "vibe") {
        out.push_back({"vibe tasks", "vibe", [](std::string_view b) { return vibe_list(b, "vibe GET /api/tasks", true); }});
        out.push_back({"vibe projects", "vibe", [](std::string_view b) { return vibe_list(b, "vibe GET /api/projects", false); }});
        out.push_back({"vibe::decode_envelope (html)", "vibe", [](std::string_view b) {
                           return failure_of(vibe::decode_envelope("text/html; charset=utf-8", b, "vibe GET /api/tasks"));
                       }});
    } else {
        out.push_back({"letta::decode_agent", "letta", [](std::string_view b) { return failure_of(letta::decode_agent(b)); }});
        out.push_back({"letta::decode_agents", "letta", [](std::string_view b) { return failure_of(letta::decode_agents(b)); }});
        out.push_back({"letta::decode_tools", "letta", [](std::string_view b) { return failure_of(letta::decode_tools(b)); }});
        out.push_back({"letta::decode_block", "letta", [](std::string_view b) { return failure_of(letta::decode_block(b)); }});
        out.push_back({"letta::decode_blocks", "letta", [](std::string_view b) { return failure_of(letta::decode_blocks(b)); }});
        out.push_back({"letta::decode_folder", "letta", [](std::string_view b) { return failure_of(letta::decode_folder(b)); }});
        out.push_back({"letta::decode_folders", "letta", [](std::string_view b) { return failure_of(letta::decode_folders(b)); }});
        out.push_back({"letta::decode_file", "letta", [](std::string_view b) { return failure_of(letta::decode_file(b)); }});
        out.push_back({"letta::decode_files", "letta", [](std::string_view b) { return failure_of(letta::decode_files(b)); }});
    }
    return out;
}

// ---- mutations ----

class mutator {
public:
    explicit mutator(std::uint64_t seed) : rng_(seed) {}

    std::string mutate(const std::string& seed) {
        std::string body = seed;
        const int steps = 1 + pick(3);
        for (int i = 0; i < steps; ++i) {
            switch (pick(10)) {
            case 0: flip_byte(body); break;
            case 1: truncate(body); break;
            case 2: insert_random_bytes(body); break;
            case 3:
            case 4: body = swap_a_value(body); break;
            case 5: body = nest_a_value(body); break;
            case 6: body = huge_value(body); break;
            case 7: body = duplicate_a_key(body); break;
            case 8: body = drop_a_member(body); break;
            default: flip_byte(body); break;
            }
        }
        return body;
    }

private:
    int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
    std::size_t pick_index(std::size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

    void flip_byte(std::string& s) {
        if (s.empty()) return;
        auto i = pick_index(s.size());
        s[i] = static_cast<char>(s[i] ^ (pick(2) ? (1 << pick(8)) : pick(256)));
    }
    void truncate(std::string& s) { s.resize(pick_index(s.size() + 1)); }
    void insert_random_bytes(std::string& s) {
        std::string junk;
        for (int n = 1 + pick(16); n > 0; --n) {
            static constexpr char interesting[] = "{}[]\",:\\\0\x7f\xff\xc3\xa9 0-e.tnf";
            junk += pick(2) ? static_cast<char>(pick(256)) : interesting[pick(sizeof interesting - 1)];
        }
        s.insert(pick_index(s.size() + 1), junk);
    }

    // Every value inside a document, for JSON-aware mutations.
    static void collect(json::value& v, std::vector<json::value*>& out) {
        out.push_back(&v);
        if (v.is_object()) {
            for (auto& [k, child] : v.as_object()) collect(child, out);
        } else if (v.is_array()) {
            for (auto& child : v.as_array()) collect(child, out);
        }
    }
    // Applies `edit` to one random value of the document; the text unchanged when it is not JSON.
    std::string edit_a_value(const std::string& body, const std::function<void(json::value&)>& edit) {
        boost::system::error_code ec;
        json::value doc = json::parse(body, ec);
        if (ec) return body;
        std::vector<json::value*> values;
        collect(doc, values);
        edit(*values[pick_index(values.size())]);
        return json::serialize(doc);
    }
    json::value any_value() {
        switch (pick(10)) {
        case 0: return nullptr;
        case 1: return pick(2) == 1;
        case 2: return static_cast<std::int64_t>(rng_());
        case 3: return std::numeric_limits<std::uint64_t>::max();
        case 4: return -1.5e308;
        case 5: return "";
        case 6: return "todo";
        case 7: return json::array{1, "x", nullptr};
        case 8: return json::object{{"id", 1}};
        default: return json::string(std::string(pick(40), 'a' + pick(26)));
        }
    }
    std::string swap_a_value(const std::string& body) {
        return edit_a_value(body, [&](json::value& v) { v = any_value(); });
    }
    std::string drop_a_member(const std::string& body) {
        return edit_a_value(body, [&](json::value& v) {
            if (v.is_object() && !v.as_object().empty()) {
                auto& o = v.as_object();
                auto it = o.begin();
                std::advance(it, static_cast<std::ptrdiff_t>(pick_index(o.size())));
                o.erase(it);
            }
        });
    }
    // A value replaced by `depth` nested arrays or objects (written as text: a boost::json::value
    // this deep would need as deep a recursion to build and free).
    std::string nest_a_value(const std::string& body) {
        const int depth = pick(4) == 0 ? 20000 : 1 + pick(40);
        const bool objects = pick(2) == 0;
        const std::string marker = "\"@nest@" + std::to_string(rng_()) + "\"";
        std::string text = edit_a_value(body, [&](json::value& v) { v = json::string(marker.substr(1, marker.size() - 2)); });
        auto at = text.find(marker);
        if (at == std::string::npos) return text;
        std::string open, close;
        for (int i = 0; i < depth; ++i) {
            open += objects ? "{\"a\":" : "[";
            close += objects ? "}" : "]";
        }
        return text.substr(0, at) + open + "1" + close + text.substr(at + marker.size());
    }
    std::string huge_value(const std::string& body) {
        const int which = pick(4);
        const std::string marker = "\"@huge@" + std::to_string(rng_()) + "\"";
        std::string text = edit_a_value(body, [&](json::value& v) {
            if (which == 0) v = json::string(std::string(pick(8) == 0 ? 1u << 20 : 4096u, 'x'));
            else if (which == 1) v = static_cast<std::int64_t>(INT64_MIN);
            else if (which == 2) v = 1e308;
            else v = json::string(marker.substr(1, marker.size() - 2));
        });
        auto at = text.find(marker);
        if (at == std::string::npos) return text;
        // Numbers JSON allows and no machine type holds.
        const std::string number = pick(2) ? "1" + std::string(400, '0') : "-0.0000000001e-99999";
        return text.substr(0, at) + number + text.substr(at + marker.size());
    }
    std::string duplicate_a_key(const std::string& body) {
        auto at = body.find("\":");
        if (at == std::string::npos) return body;
        auto start = body.rfind('"', at - 1);
        if (start == std::string::npos) return body;
        std::string key = body.substr(start, at - start + 2);  // "key":
        return body.substr(0, start) + key + json::serialize(any_value()) + "," + body.substr(start);
    }

    std::mt19937_64 rng_;
};

struct tally {
    std::size_t decoded = 0;
    std::size_t failed = 0;
    std::vector<std::string> problems;  // the first few, with the input that caused them
};

void check(const decoder& d, const std::string& body, tally& t) {
    std::optional<error> e;
    try {
        e = d.decode(body);
    } catch (const std::exception& ex) {
        t.problems.push_back(d.name + " threw " + ex.what() + " on: " + body.substr(0, 300));
        return;
    }
    if (!e) {
        ++t.decoded;
        return;
    }
    ++t.failed;
    const bool named = e->message.find(d.upstream) != std::string::npos;
    const bool kind_ok = e->kind == error_kind::parse || e->kind == error_kind::refused;
    if ((e->message.empty() || !named || !kind_ok) && t.problems.size() < 5) {
        t.problems.push_back(d.name + " failed with '" + e->describe() + "' (empty, unnamed or of another kind) on: " +
                             body.substr(0, 300));
    }
}

class DecoderFuzz : public ::testing::TestWithParam<std::string> {};

TEST_P(DecoderFuzz, MutatedBodiesDecodeOrFailWithANamedErrorNeverCrash) {
    const std::string upstream = GetParam();
    const auto& seeds = upstream == "huly" ? huly_bodies : upstream == "vibe" ? vibe_bodies : letta_bodies;
    const auto decoders = decoders_of(upstream);
    mutator m(upstream == "huly" ? 0x4875'6c79 : upstream == "vibe" ? 0x5669'6265 : 0x4c65'7474);
    tally t;
    for (const auto& seed : seeds) {
        for (const auto& d : decoders) check(d, seed, t);  // the unmutated bodies too
    }
    constexpr int iterations = 3000;
    for (int i = 0; i < iterations; ++i) {
        const std::string body = m.mutate(seeds[static_cast<std::size_t>(i) % seeds.size()]);
        for (const auto& d : decoders) check(d, body, t);
    }
    EXPECT_TRUE(t.problems.empty()) << [&] {
        std::string all;
        for (const auto& p : t.problems) all += p + "\n";
        return all;
    }();
    // The mutations reach both outcomes: the fuzzer is not only feeding garbage or only valid bodies.
    EXPECT_GT(t.decoded, 100u);
    EXPECT_GT(t.failed, 100u);
}

INSTANTIATE_TEST_SUITE_P(Upstreams, DecoderFuzz, ::testing::Values("huly", "vibe", "letta"),
                         [](const auto& p) { return p.param; });

// Far deeper than any stack allows if parsing recursed without a limit.
TEST(DecoderFuzzDeep, HundredThousandOpenBracketsFailCleanlyInEveryDecoder) {
    const std::string brackets(100'000, '[');
    const std::string braces = [] {
        std::string s;
        for (int i = 0; i < 100'000; ++i) s += "{\"a\":";
        return s;
    }();
    const std::string balanced = std::string(100'000, '[') + std::string(100'000, ']');
    const std::string inside = R"({"projects":)" + balanced + "}";
    for (const std::string upstream : {"huly", "vibe", "letta"}) {
        for (const auto& d : decoders_of(upstream)) {
            for (const auto* body : {&brackets, &braces, &balanced, &inside}) {
                tally t;
                check(d, *body, t);
                EXPECT_TRUE(t.problems.empty()) << t.problems.front();
            }
        }
    }
}

}  // namespace
}  // namespace hvs
