// Bodies an upstream should never send — not JSON, wrong types, missing fields, HTML where JSON
// belongs, more than the client accepts — from each of the three upstreams, in whole cycles: the
// call fails with an error naming the upstream and the problem, the project fails rather than
// being read as empty, nothing is deleted or duplicated, and once the upstream answers properly
// again the next cycle converges.

#include "integration/faults/fault_fixture.hpp"

#include <boost/json.hpp>

#include <set>

namespace hvs::test {
namespace {

namespace json = boost::json;

// Over the client's 32 MiB body limit; valid JSON, so only the size is wrong.
const std::string& oversized_body() {
    static const std::string body = "{\"pad\":\"" + std::string(33u * 1024 * 1024, 'x') + "\"}";
    return body;
}

scripted_simulator::rewrite_fn html_page() {
    return [](const sim::request& req, sim::response) {
        sim::response res{boost::beast::http::status::ok, req.version()};
        res.set(boost::beast::http::field::content_type, "text/html; charset=utf-8");
        res.body() = "<!doctype html><html><body>502 Bad Gateway</body></html>";
        res.prepare_payload();
        return res;
    };
}

// Applies `edit` to every object of the array at `key` ("" = the document itself is the array).
scripted_simulator::rewrite_fn each_item(std::string key, std::function<void(json::object&)> edit) {
    return edit_json([key = std::move(key), edit = std::move(edit)](json::value& doc) {
        json::value& list = key.empty() ? doc : doc.as_object().at(key);
        for (auto& item : list.as_array()) edit(item.as_object());
    });
}

struct bad_body {
    std::string label;
    upstream where;
    std::string route;
    std::function<scripted_simulator::rewrite_fn()> rewrite;
    std::vector<std::string> expected;  // in the error, besides the upstream's name
    bool applied = true;                // the upstream applied the request before answering badly
};

void PrintTo(const bad_body& c, std::ostream* os) { *os << c.label; }

class BadBodies : public FaultTest, public ::testing::WithParamInterface<bad_body> {
protected:
    BadBodies() { use_letta_ = true; }

    std::size_t agents_named(const std::string& name) {
        std::size_t n = 0;
        for (const auto& a : letta_.agents()) n += a.at("name").as_string() == name;
        return n;
    }

    // Every error text a cycle produced, one per line.
    static std::string errors_of(const service::cycle_outcome& outcome) {
        std::string out = outcome.error + "\n" + outcome.letta_error + "\n";
        for (const auto& p : outcome.projects) out += p.error + "\n";
        for (const auto& [project, agent] : outcome.agents) out += agent.error + "\n";
        return out;
    }
};

TEST_P(BadBodies, FailWithAnErrorNamingTheUpstreamAndTheProblemAndLoseNothing) {
    const auto& c = GetParam();
    capture_logs();
    ASSERT_TRUE(cycle().ok);
    huly_.edit_issue("WEB-1", "title", json::value("Checkout bug on iOS 18"));
    huly_.add_issue("WEB", "Refund flow", "", "Todo");
    huly_.add_project("DOCS", "Docs", "");  // a new Vibe project and a new PM agent to create
    huly_.add_issue("DOCS", "Write the runbook", "", "In Progress");
    std::set<std::string> task_ids;
    for (const auto& [project, tasks] : vibe_tasks_by_project()) {
        for (const auto& t : tasks) task_ids.emplace(t.at("id").as_string());
    }
    const auto huly_before = huly_.state();

    auto& upstream_sim = script(c.where);
    upstream_sim.script(c.route, 100000, c.rewrite(), c.applied);
    auto outcome = cycle();
    ASSERT_GT(upstream_sim.rewritten(), 0u) << c.route << " was never called";

    // The failure says who and what, in the cycle's outcome (and so in its history) and in the log.
    const std::string errors = errors_of(outcome);
    const std::string logs = logs_.str();
    for (const std::string& text : {errors, logs}) {
        bool said = false;
        std::istringstream lines(text);
        for (std::string line; std::getline(lines, line);) {
            bool all = line.find(name_of(c.where)) != std::string::npos;
            for (const auto& part : c.expected) all = all && line.find(part) != std::string::npos;
            said |= all;
        }
        EXPECT_TRUE(said) << "no line names " << name_of(c.where) << " and the problem in:\n" << text;
    }
    if (c.where == upstream::letta) {
        EXPECT_TRUE(!outcome.letta_error.empty() || !outcome.agents["DOCS"].ok) << errors;
    } else {
        EXPECT_FALSE(outcome.ok) << "a project read as garbage must fail, not count as synced";
    }

    // Nothing deleted, nothing duplicated, Huly untouched.
    std::set<std::string> task_ids_after;
    for (const auto& [project, tasks] : vibe_tasks_by_project()) {
        for (const auto& t : tasks) task_ids_after.emplace(t.at("id").as_string());
    }
    for (const auto& id : task_ids) EXPECT_TRUE(task_ids_after.contains(id)) << "task " << id << " was deleted";
    EXPECT_EQ(huly_.state(), huly_before);

    upstream_sim.clear();
    auto converged = cycle();
    EXPECT_TRUE(converged.ok) << errors_of(converged);
    expect_one_task_per_issue();
    EXPECT_EQ(agents_named("Huly - Web"), 1u);
    EXPECT_EQ(agents_named("Huly - Ops"), 1u);
    EXPECT_EQ(agents_named("Huly - Docs"), 1u);
    EXPECT_EQ(agents_named("Huly-PM-Control"), 1u);
}

std::vector<bad_body> cases() {
    using f = std::function<scripted_simulator::rewrite_fn()>;
    auto body = [](std::string text) { return f([text] { return with_body(text); }); };
    auto oversized = f([] { return with_body(oversized_body()); });
    auto html = f([] { return html_page(); });
    auto items = [](std::string key, std::function<void(json::object&)> edit) {
        return f([key, edit] { return each_item(key, edit); });
    };
    auto doc = [](std::function<void(json::value&)> edit) { return f([edit] { return edit_json(edit); }); };
    const std::string huly_projects = "GET /api/projects";
    const std::string huly_issues = "GET /api/projects/{id}/issues";
    const std::string vibe_projects = "GET /api/projects";
    const std::string vibe_tasks = "GET /api/tasks";
    const std::string vibe_create = "POST /api/tasks";
    const std::string letta_agents = "GET /v1/agents/";
    const std::string letta_create = "POST /v1/agents/";
    return {
        // Huly
        {"HulyProjectsNotJson", upstream::huly, huly_projects, body(R"({"projects":[{"identifier":"WEB","na)"),
         {"GET /api/projects", "not JSON"}},
        {"HulyProjectsHtml", upstream::huly, huly_projects, html, {"not JSON"}},
        {"HulyProjectsIssueCountWrongType", upstream::huly, huly_projects,
         items("projects", [](json::object& p) { p["issueCount"] = "many"; }), {"'issueCount' is not an integer"}},
        {"HulyProjectsFieldMissing", upstream::huly, huly_projects,
         doc([](json::value& d) { d.as_object().erase("projects"); }), {"'projects' is missing"}},
        {"HulyIssuesNotJson", upstream::huly, huly_issues, body("{\"issues\":[{\"identifier\":"), {"not JSON"}},
        {"HulyIssuesTitleWrongType", upstream::huly, huly_issues,
         items("issues", [](json::object& i) { i["title"] = 42; }), {"'title' is not a string"}},
        {"HulyIssuesModifiedOnMissing", upstream::huly, huly_issues,
         items("issues", [](json::object& i) { i.erase("modifiedOn"); }), {"'modifiedOn' is missing"}},
        {"HulyIssuesNotAnArray", upstream::huly, huly_issues,
         doc([](json::value& d) { d.as_object()["issues"] = json::object{}; }), {"expected a JSON array"}},
        {"HulyIssuesOversized", upstream::huly, huly_issues, oversized, {"response body exceeds"}},
        // Vibe
        {"VibeProjectsNotJson", upstream::vibe, vibe_projects, body(R"({"success":true,"data":[{)"),
         {"GET /api/projects", "not JSON"}},
        {"VibeProjectsEnvelopeWithoutData", upstream::vibe, vibe_projects,
         doc([](json::value& d) { d.as_object().erase("data"); }), {"'data' is missing"}},
        {"VibeTasksStatusWrongType", upstream::vibe, vibe_tasks,
         items("data", [](json::object& t) { t["status"] = 7; }), {"'status' is not a string"}},
        {"VibeTasksUnknownStatus", upstream::vibe, vibe_tasks,
         items("data", [](json::object& t) { t["status"] = "archived"; }), {"unknown status 'archived'"}},
        {"VibeTasksIdMissing", upstream::vibe, vibe_tasks, items("data", [](json::object& t) { t.erase("id"); }),
         {"'id' is missing"}},
        {"VibeTasksSpaPage", upstream::vibe, vibe_tasks, html, {"expected JSON, got 'text/html"}},
        {"VibeTasksOversized", upstream::vibe, vibe_tasks, oversized, {"response body exceeds"}},
        // The create was applied; only its answer is garbage.
        {"VibeCreateAnswerNotJson", upstream::vibe, vibe_create, body("{\"success\":tr"),
         {"POST /api/tasks", "not JSON"}},
        // A proxy's garbage: the create never reached Vibe.
        {"VibeCreateNotAppliedAnswerNotJson", upstream::vibe, vibe_create, body("{\"success\":tr"),
         {"POST /api/tasks", "not JSON"}, false},
        // Letta
        {"LettaAgentsNotJson", upstream::letta, letta_agents, body("[{\"id\":\"agent-"), {"not JSON"}},
        {"LettaAgentsNameWrongType", upstream::letta, letta_agents,
         items("", [](json::object& a) { a["name"] = 5; }), {"'name' is not a string"}},
        {"LettaAgentsNotAnArray", upstream::letta, letta_agents, body(R"({"agents":[]})"), {"expected a JSON array"}},
        {"LettaAgentsOversized", upstream::letta, letta_agents, oversized, {"response body exceeds"}},
        // The agent was created; only the answer lacks its id.
        {"LettaCreateAnswerWithoutId", upstream::letta, letta_create,
         doc([](json::value& d) { d.as_object().erase("id"); }), {"'id' is missing"}},
    };
}

INSTANTIATE_TEST_SUITE_P(Upstreams, BadBodies, ::testing::ValuesIn(cases()),
                         [](const auto& p) { return p.param.label; });

}  // namespace
}  // namespace hvs::test
