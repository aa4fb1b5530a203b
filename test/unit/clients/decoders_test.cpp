// The upstream decoders: real answers decode, and every malformed answer is a parse error that
// names the upstream and the problem (never an empty list).

#include "hvs/core/json.hpp"
#include "hvs/huly/client.hpp"
#include "hvs/vibe/client.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

namespace hvs {
namespace {

TEST(HulyDecoders, ProjectsAsTheServerSendsThem) {
    auto projects = huly::decode_projects(
        R"({"projects":[{"identifier":"HVS","name":"Huly Vibe Sync","description":"Path: /srv/hvs","issueCount":12,"private":false,"archived":false},
                        {"identifier":"OLD","name":"Old","description":"","issueCount":0,"private":true,"archived":true}],"count":2})");
    ASSERT_TRUE(projects) << projects.error().describe();
    ASSERT_EQ(projects->size(), 2u);
    EXPECT_EQ((*projects)[0].identifier, "HVS");
    EXPECT_EQ((*projects)[0].issue_count, 12);
    EXPECT_TRUE((*projects)[1].archived);
}

TEST(HulyDecoders, IssuesAndTruncation) {
    std::string body =
        R"({"project":"HVS","issues":[{"identifier":"HVS-2","title":"B","description":"","status":"Todo","priority":"High","component":null,"milestone":null,"assignee":null,"createdOn":1,"modifiedOn":1762000000123,"number":2,"project":"HVS"},
                                     {"identifier":"HVS-1","title":"A","description":"text","status":"Done","priority":"NoPriority","component":null,"milestone":null,"assignee":null,"createdOn":1,"modifiedOn":1762000000000,"number":1,"project":"HVS"}],"count":2,"filtered":true})";
    auto page = huly::decode_issues(body, 1000);
    ASSERT_TRUE(page) << page.error().describe();
    ASSERT_EQ(page->issues.size(), 2u);
    EXPECT_EQ(page->issues[0].modified_ms, 1762000000123);
    EXPECT_EQ(page->issues[1].description, "text");
    EXPECT_TRUE(page->filtered);
    EXPECT_FALSE(page->possibly_truncated);
    EXPECT_TRUE(huly::decode_issues(body, 2)->possibly_truncated);
}

// server.js (2026-03) app.get('/api/projects/:identifier/issues'): syncMeta instead of filtered.
TEST(HulyDecoders, SyncMetaGivesServerTimeAndFiltered) {
    auto page = huly::decode_issues(
        R"({"project":"HVS","issues":[],"count":0,"syncMeta":{"modifiedSince":"2026-03-01T00:00:00Z","createdSince":null,)"
        R"("latestModified":null,"serverTime":"2026-03-02T10:11:12.345Z"}})",
        1000);
    ASSERT_TRUE(page) << page.error().describe();
    EXPECT_TRUE(page->filtered);
    EXPECT_EQ(page->server_time_ms, 1772446272345);
    page = huly::decode_issues(R"({"issues":[],"syncMeta":{"modifiedSince":null,"serverTime":"2026-03-02T10:11:12Z"}})", 10);
    ASSERT_TRUE(page);
    EXPECT_FALSE(page->filtered);
    EXPECT_EQ(page->server_time_ms, 1772446272000);
    EXPECT_FALSE(huly::decode_issues(R"({"issues":[],"filtered":true})", 10)->server_time_ms);  // 2025
    auto bad = huly::decode_issues(R"({"issues":[],"syncMeta":{"serverTime":"yesterday"}})", 10);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().kind, error_kind::parse);
}

// server.js (2026-03) app.patch('/api/issues/:identifier').
TEST(HulyDecoders, PatchAnswerAppliedAndRefusedFields) {
    auto answer = huly::decode_patch_answer(
        R"({"identifier":"HVS-1","updated":true,"appliedUpdates":{"title":"T","description":"d"},"errors":[)"
        R"({"field":"status","error":"Status 'In Review' not found","available":["Backlog","Done"]},)"
        R"({"field":"priority","error":"Priority 'x' not valid","valid":["NoPriority","Low"]},)"
        R"({"field":"estimate","error":"Field 'estimate' not supported"}]})");
    ASSERT_TRUE(answer) << answer.error().describe();
    EXPECT_EQ(answer->applied, (std::set<std::string>{"title", "description"}));
    ASSERT_EQ(answer->refused.size(), 3u);
    EXPECT_EQ(answer->refused[0].field, "status");
    EXPECT_EQ(answer->refused[0].message, "Status 'In Review' not found");
    EXPECT_EQ(answer->refused[0].allowed, (std::set<std::string>{"Backlog", "Done"}));
    EXPECT_EQ(answer->refused[1].allowed, (std::set<std::string>{"NoPriority", "Low"}));
    EXPECT_FALSE(answer->refused[2].allowed);
    EXPECT_FALSE(answer->route_missing);
    answer = huly::decode_patch_answer(R"({"identifier":"HVS-1","updated":true,"appliedUpdates":{"status":"Done"}})");
    ASSERT_TRUE(answer);
    EXPECT_TRUE(answer->refused.empty());
    for (std::string body : {"", "[]", R"({"identifier":"HVS-1"})", R"({"appliedUpdates":[]})",
                             R"({"appliedUpdates":{},"errors":[{"error":"no field"}]})"}) {
        auto decoded = huly::decode_patch_answer(body);
        ASSERT_FALSE(decoded) << body;
        EXPECT_EQ(decoded.error().kind, error_kind::parse);
    }
}

TEST(HulyDecoders, MissingRouteIsExpressHtmlNotAJson404) {
    error e = make_error(error_kind::http_4xx, "huly answered 404");
    e.http_status = 404;
    e.body = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n"
             "<body>\n<pre>Cannot PATCH /api/issues/HVS-1</pre>\n</body>\n</html>\n";
    EXPECT_TRUE(huly::is_missing_route(e, "PATCH"));
    EXPECT_FALSE(huly::is_missing_route(e, "PUT"));
    e.body = R"({"error":"Issue HVS-1 not found"})";
    EXPECT_FALSE(huly::is_missing_route(e, "PATCH"));
}

// What `check` reads from PATCH /api/issues/HVS-0 {}: server.js (2026-03) refuses an empty body
// with a JSON 400 before looking the issue up; a 2025 server has no PATCH route at all.
TEST(HulyDecoders, WrapperGenerationFromAnEmptyPatch) {
    error refusal = make_error(error_kind::http_4xx, "huly answered 400");
    refusal.http_status = 400;
    refusal.body = R"({"error":"No fields to update provided"})";
    EXPECT_EQ(huly::generation_from_empty_patch(refusal).value(), huly::wrapper_generation::current);
    refusal.http_status = 404;
    refusal.body = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n"
                   "</head>\n<body>\n<pre>Cannot PATCH /api/issues/HVS-0</pre>\n</body>\n</html>\n";
    EXPECT_EQ(huly::generation_from_empty_patch(refusal).value(), huly::wrapper_generation::v2025);
    refusal.body = "<html>Bad gateway</html>";
    EXPECT_FALSE(huly::generation_from_empty_patch(refusal));
    refusal = make_error(error_kind::connect, "refused");
    EXPECT_FALSE(huly::generation_from_empty_patch(refusal));
}

TEST(HulyDecoders, MalformedAnswersAreNamedParseErrors) {
    for (std::string body : {"", "<html>Cannot GET</html>", "[]", R"({"projects":{}})", R"({"count":0})",
                             R"({"projects":[{"identifier":1,"name":"x","issueCount":0}]})",
                             R"({"projects":[{"identifier":"X","name":"x","issueCount":"many"}]})"}) {
        auto projects = huly::decode_projects(body);
        ASSERT_FALSE(projects) << body;
        EXPECT_EQ(projects.error().kind, error_kind::parse);
        EXPECT_NE(projects.error().message.find("huly"), std::string::npos) << projects.error().message;
    }
    auto issues = huly::decode_issues(R"({"issues":[{"identifier":"X-1","title":"t","status":"Todo"}]})", 1000);
    ASSERT_FALSE(issues);
    EXPECT_NE(issues.error().message.find("modifiedOn"), std::string::npos);
}

TEST(HulyDecoders, RefusedStatusCatalogue) {
    error refusal = make_error(error_kind::http_4xx, "huly answered 400");
    refusal.http_status = 400;
    refusal.body = R"({"error":"Status 'In Review' not found","availableStatuses":["Backlog","Todo","Done"]})";
    auto catalogue = huly::refused_status_catalogue(refusal);
    ASSERT_TRUE(catalogue);
    EXPECT_EQ(*catalogue, (std::set<std::string>{"Backlog", "Todo", "Done"}));
    refusal.body = R"({"error":"field and value are required"})";
    EXPECT_FALSE(huly::refused_status_catalogue(refusal));
    refusal.http_status = 500;
    EXPECT_FALSE(huly::refused_status_catalogue(refusal));
}

TEST(VibeDecoders, EnvelopeDataAndTasks) {
    auto data = vibe::decode_envelope(
        "application/json",
        R"({"success":true,"data":{"id":"1b32d24f-0000-4000-8000-000000000001","project_id":"c4a750a5-0000-4000-8000-000000000002","title":"Minimal","description":null,"status":"todo","parent_task_attempt":null,"created_at":"2026-11-24T18:57:50Z","updated_at":"2026-11-24T18:57:50Z"},"error_data":null,"message":null})",
        "vibe test");
    ASSERT_TRUE(data);
    auto task = vibe::decode_task(*data);
    ASSERT_TRUE(task) << task.error().describe();
    EXPECT_FALSE(task->description);
    EXPECT_EQ(task->status, "todo");
}

TEST(VibeDecoders, TheSpaFallbackIsNotData) {
    auto data = vibe::decode_envelope("text/html; charset=utf-8", "<!doctype html><html></html>", "vibe GET /api/x");
    ASSERT_FALSE(data);
    EXPECT_EQ(data.error().kind, error_kind::parse);
    EXPECT_NE(data.error().message.find("expected JSON"), std::string::npos);
}

TEST(VibeDecoders, SuccessFalseIsARefusalWithTheServersMessage) {
    auto data = vibe::decode_envelope(
        "application/json",
        R"({"success":false,"data":null,"error_data":null,"message":"A project with this git repository path already exists"})",
        "vibe POST /api/projects");
    ASSERT_FALSE(data);
    EXPECT_EQ(data.error().kind, error_kind::refused);
    EXPECT_EQ(data.error().http_status, 0u);  // no HTTP error: the refusal is in the body
    EXPECT_FALSE(data.error().transient());
    EXPECT_NE(data.error().message.find("already exists"), std::string::npos);
}

TEST(VibeDecoders, UnknownStatusOrWrongTypesAreParseErrors) {
    auto odd = boost::json::parse(R"({"id":"x","title":"t","description":null,"status":"in_progress"})");
    EXPECT_FALSE(vibe::decode_task(odd));
    auto typed = boost::json::parse(R"({"id":"x","title":5,"description":null,"status":"todo"})");
    EXPECT_FALSE(vibe::decode_task(typed));
    EXPECT_FALSE(vibe::decode_envelope("application/json", R"({"data":[]})", "vibe"));
}

// Generations (shared/reference/upstreams-2026.md): told from GET /api/projects, never /api/health.
TEST(VibeGeneration, ToldFromTheProjectsAnswer) {
    auto single = vibe::generation_of_projects_answer(
        "application/json",
        R"({"success":true,"data":[{"id":"a","name":"P","git_repo_path":"/r/p","setup_script":null}],"error_data":null,"message":null})");
    ASSERT_TRUE(single);
    EXPECT_EQ(*single, vibe::api_generation::single_repo);
    // 22ff27d8fd crates/db/src/models/project.rs: no path on a multi-repo project.
    auto multi = vibe::generation_of_projects_answer(
        "application/json",
        R"({"success":true,"data":[{"id":"a","name":"P","dev_script":null,"remote_project_id":null}],"error_data":null,"message":null})");
    ASSERT_TRUE(multi);
    EXPECT_EQ(*multi, vibe::api_generation::multi_repo);
    // >= 0.1.15 (139b18158d): the route is gone, the web page answers.
    auto page = vibe::generation_of_projects_answer("text/html; charset=utf-8", "<!doctype html><html></html>");
    ASSERT_TRUE(page);
    EXPECT_EQ(*page, vibe::api_generation::unusable);
    auto empty = vibe::generation_of_projects_answer(
        "application/json", R"({"success":true,"data":[],"error_data":null,"message":null})");
    ASSERT_TRUE(empty);
    EXPECT_FALSE(*empty);
    EXPECT_FALSE(vibe::generation_of_projects_answer("application/json", R"({"success":true,"data":{}})"));
    EXPECT_FALSE(vibe::generation_of_projects_answer("text/plain", "oops"));
    // No project listed: the repositories route tells (a page on single-repo servers).
    EXPECT_EQ(vibe::generation_of_repositories_probe("text/html; charset=utf-8"), vibe::api_generation::single_repo);
    EXPECT_EQ(vibe::generation_of_repositories_probe("application/json"), vibe::api_generation::multi_repo);
}

TEST(VibeGeneration, AMultiRepoProjectDecodesWithoutAPath) {
    auto p = vibe::decode_project(boost::json::parse(R"({"id":"a","name":"P","dev_script":null})"));
    ASSERT_TRUE(p) << p.error().describe();
    EXPECT_EQ(p->name, "P");
    EXPECT_EQ(p->git_repo_path, "");
}

TEST(VibeGeneration, CreateBodyHasTheShapeOfTheGeneration) {
    auto single = boost::json::parse(vibe::create_project_body(vibe::api_generation::single_repo, "P", "/r/p", true));
    EXPECT_EQ(single, boost::json::parse(R"({"name":"P","git_repo_path":"/r/p","use_existing_repo":true})"));
    auto multi = boost::json::parse(vibe::create_project_body(vibe::api_generation::multi_repo, "P", "/r/p", true));
    EXPECT_EQ(multi,
              boost::json::parse(R"({"name":"P","repositories":[{"display_name":"P","git_repo_path":"/r/p"}]})"));
}

TEST(VibeGeneration, TheUnusableLineNamesTheCauseAndTheVersionsThatWork) {
    auto line = vibe::unusable_vibe_message("http://127.0.0.1:1/api");
    EXPECT_NE(line.find("0.1.15"), std::string::npos);
    EXPECT_NE(line.find("0.0.71 … 0.1.14"), std::string::npos);
    EXPECT_NE(line.find("self-contained"), std::string::npos);
    EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(Json, Iso8601Milliseconds) {
    EXPECT_EQ(core::iso8601_ms(0), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(core::iso8601_ms(1762000000123), "2025-11-01T12:26:40.123Z");
}

}  // namespace
}  // namespace hvs
