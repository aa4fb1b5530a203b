// The Huly REST API simulator against shared/reference/huly-rest-api.md: one test group per item of
// its "Minimal fake-server contract" (Contract1..8), then §7 routes, in-process methods, seeding and
// robustness. Requests go straight to handle().

#include "hvs/sim/huly_simulator.hpp"
#include "hvs/sim/http_util.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <random>

namespace hvs::sim {
namespace {

namespace json = boost::json;
namespace http = boost::beast::http;
using namespace std::chrono_literals;

constexpr std::int64_t t0 = 1'762'173'296'789;  // 2025-11-03T12:34:56.789Z
constexpr std::string_view json_type = "application/json; charset=utf-8";
constexpr std::string_view html_type = "text/html; charset=utf-8";

request make_request(http::verb verb, std::string target, std::string body = {},
                     std::string content_type = "application/json") {
    request req{verb, target, 11};
    if (!body.empty() || verb == http::verb::put || verb == http::verb::post) {
        if (!content_type.empty()) req.set(http::field::content_type, content_type);
        req.body() = std::move(body);
        req.prepare_payload();
    }
    return req;
}

json::value json_of(const response& res) {
    boost::system::error_code ec;
    auto v = json::parse(res.body(), ec);
    EXPECT_FALSE(ec) << "not JSON: " << res.body();
    return ec ? json::value() : v;
}

std::string html_page(std::string_view message) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n"
           "<body>\n<pre>" +
           std::string(message) + "</pre>\n</body>\n</html>\n";
}

class HulySim : public ::testing::Test {
protected:
    HulySim() : sim_(options()) {}

    huly_options options() {
        huly_options o;
        o.clock = [this] { return std::chrono::system_clock::time_point(std::chrono::milliseconds(now_)); };
        return o;
    }

    response send(http::verb verb, std::string target, std::string body = {},
                  std::string content_type = "application/json") {
        return sim_.handle(make_request(verb, std::move(target), std::move(body), std::move(content_type)));
    }
    response get(std::string target) { return send(http::verb::get, std::move(target)); }
    response put(std::string identifier, std::string body) {
        return send(http::verb::put, "/api/issues/" + identifier, std::move(body));
    }

    // HVSYN with three issues stamped t0, t0+1000, t0+2000; OTHER (archived) with none.
    void seed_basic() {
        sim_.seed(json::parse(R"({"projects":[
            {"identifier":"HVSYN","name":"Huly Vibe Sync","description":"Path: /opt/stacks/hvs","modifiedOn":1000,
             "issues":[{"title":"First","description":"one","status":"Backlog","modifiedOn":1762173296789},
                       {"title":"Second","description":"two","status":"In Progress","priority":"High","modifiedOn":1762173297789},
                       {"title":"Third","description":"","status":"Done","modifiedOn":1762173298789}]},
            {"identifier":"OTHER","name":"Other","archived":true,"modifiedOn":2000}]})"));
    }

    std::int64_t now_ = t0;
    huly_simulator sim_;
};

// ---- 1. Transport ---------------------------------------------------------------------------

TEST_F(HulySim, Contract1_JsonResponsesCarryExpressHeaders) {
    auto res = get("/api/projects");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(res[http::field::content_type], json_type);
    EXPECT_EQ(res[http::field::access_control_allow_origin], "*");
    EXPECT_EQ(res["X-Powered-By"], "Express");
    EXPECT_EQ(res[http::field::date], "Mon, 03 Nov 2025 12:34:56 GMT");
    // The etag package's weak tag: length in hex, then 27 characters of base64 SHA-1.
    EXPECT_EQ(res[http::field::etag], "W/\"19-lWCLji5yVGyA5U1ZPo1ygel69sQ\"");
    EXPECT_EQ(res.body(), R"({"projects":[],"count":0})");
}

TEST_F(HulySim, Contract1_MatchingIfNoneMatchGives304) {
    // A matching If-None-Match turns a GET into 304 without a body or Content-Type.
    auto first = get("/health");
    auto req = make_request(http::verb::get, "/health");
    req.set(http::field::if_none_match, first[http::field::etag]);
    auto res = sim_.handle(req);
    EXPECT_EQ(res.result(), status::not_modified);
    EXPECT_TRUE(res.body().empty());
    EXPECT_EQ(res.find(http::field::content_type), res.end());
    EXPECT_EQ(res[http::field::etag], first[http::field::etag]);
    req.set(http::field::cache_control, "no-cache");
    EXPECT_EQ(sim_.handle(req).result(), status::ok);
}

TEST_F(HulySim, Contract1_OptionsIsAnsweredByCorsAsPreflight) {
    auto req = make_request(http::verb::options, "/api/issues/X-1");
    req.set(http::field::access_control_request_headers, "content-type");
    auto res = sim_.handle(req);
    EXPECT_EQ(res.result(), status::no_content);
    EXPECT_EQ(res[http::field::access_control_allow_origin], "*");
    EXPECT_EQ(res[http::field::access_control_allow_methods], "GET,HEAD,PUT,PATCH,POST,DELETE");
    EXPECT_EQ(res[http::field::access_control_allow_headers], "content-type");
    EXPECT_EQ(res[http::field::vary], "Access-Control-Request-Headers");
    EXPECT_EQ(sim_.route_of(req), "OPTIONS *");
}

TEST_F(HulySim, Contract1_HeadRunsGetRoutesWithoutBody) {
    auto res = send(http::verb::head, "/health");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(res[http::field::content_type], json_type);
    EXPECT_TRUE(res.body().empty());
    EXPECT_EQ(sim_.route_of(make_request(http::verb::head, "/health")), "HEAD /health");
}

// ---- 2. GET /health -------------------------------------------------------------------------

TEST_F(HulySim, Contract2_HealthIsOkConnectedWithIsoTimestamp) {
    auto res = get("/health");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(res[http::field::content_type], json_type);
    EXPECT_EQ(res.body(), R"({"status":"ok","connected":true,"timestamp":"2025-11-03T12:34:56.789Z"})");
    now_ = 0;
    EXPECT_EQ(json_of(get("/health")).at("timestamp"), "1970-01-01T00:00:00.000Z");
}

// ---- 3. GET /api/projects -------------------------------------------------------------------

TEST_F(HulySim, Contract3_ProjectsHaveExactKeysNewestFirstArchivedIncluded) {
    seed_basic();
    auto res = get("/api/projects");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(res[http::field::content_type], json_type);
    EXPECT_EQ(res.body(),
              R"({"projects":[)"
              R"({"identifier":"OTHER","name":"Other","description":"","issueCount":0,"private":false,"archived":true},)"
              R"({"identifier":"HVSYN","name":"Huly Vibe Sync","description":"Path: /opt/stacks/hvs","issueCount":3,)"
              R"("private":false,"archived":false}],"count":2})");
}

TEST_F(HulySim, Contract3_IssueWritesDoNotReorderProjectsButNewProjectsComeFirst) {
    seed_basic();
    ASSERT_EQ(put("HVSYN-1", R"({"field":"title","value":"x"})").result(), status::ok);
    EXPECT_EQ(json_of(get("/api/projects")).at("projects").at(0).at("identifier"), "OTHER");
    sim_.add_project("NEW", "New", "");
    auto body = json_of(get("/api/projects"));
    EXPECT_EQ(body.at("projects").at(0).at("identifier"), "NEW");
    EXPECT_EQ(body.at("count"), 3);
}

TEST_F(HulySim, Contract3_IssueCountCountsEveryIssue) {
    seed_basic();
    sim_.add_issue("OTHER", "a", "", "Todo");
    sim_.add_issue("OTHER", "b", "", "Done");
    EXPECT_EQ(json_of(get("/api/projects")).at("projects").at(0).at("issueCount"), 2);
}

// ---- 4. GET /api/projects/{id}/issues -------------------------------------------------------

TEST_F(HulySim, Contract4_UnknownProjectIs404AndMatchIsCaseSensitive) {
    seed_basic();
    auto res = get("/api/projects/hvsyn/issues");
    EXPECT_EQ(res.result(), status::not_found);
    EXPECT_EQ(res[http::field::content_type], json_type);
    EXPECT_EQ(res.body(), R"({"error":"Project hvsyn not found"})");
}

TEST_F(HulySim, Contract4_UnparsableModifiedAfterIs400AfterTheProjectCheck) {
    sim_.set_generation(huly_generation::v2025);  // the 2025 server.js (3a900d0)
    seed_basic();
    auto res = get("/api/projects/HVSYN/issues?modifiedAfter=yesterday");
    EXPECT_EQ(res.result(), status::bad_request);
    EXPECT_EQ(res[http::field::content_type], json_type);
    EXPECT_EQ(res.body(), R"({"error":"Invalid modifiedAfter timestamp"})");
    EXPECT_EQ(get("/api/projects/NOPE/issues?modifiedAfter=yesterday").result(), status::not_found);
    EXPECT_EQ(get("/api/projects/HVSYN/issues?modifiedAfter=2025-13-01T00:00:00.000Z").result(), status::bad_request);
}

TEST_F(HulySim, Contract4_IssuesHaveExactlyTwelveKeysNewestModifiedFirst) {
    sim_.set_generation(huly_generation::v2025);  // the 2025 server.js (3a900d0)
    seed_basic();
    auto res = get("/api/projects/HVSYN/issues?limit=1000");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(res[http::field::content_type], json_type);
    auto body = json_of(res);
    EXPECT_EQ(body.at("project"), "HVSYN");
    EXPECT_EQ(body.at("count"), 3);
    EXPECT_EQ(body.at("filtered"), false);
    const auto& issues = body.at("issues").as_array();
    ASSERT_EQ(issues.size(), 3u);
    EXPECT_EQ(issues[0].at("identifier"), "HVSYN-3");
    EXPECT_EQ(issues[2].at("identifier"), "HVSYN-1");
    EXPECT_EQ(json::serialize(issues[1]),
              R"({"identifier":"HVSYN-2","title":"Second","description":"two","status":"In Progress",)"
              R"("priority":"High","component":null,"milestone":null,"assignee":null,)"
              R"("createdOn":1762173296789,"modifiedOn":1762173297789,"number":2,"project":"HVSYN"})");
}

TEST_F(HulySim, Contract4_ModifiedAfterIsInclusiveOnModifiedOn) {
    sim_.set_generation(huly_generation::v2025);  // the 2025 server.js (3a900d0)
    seed_basic();
    auto body = json_of(get("/api/projects/HVSYN/issues?modifiedAfter=2025-11-03T12%3A34%3A57.789Z&limit=1000"));
    EXPECT_EQ(body.at("filtered"), true);
    EXPECT_EQ(body.at("count"), 2);
    EXPECT_EQ(body.at("issues").at(1).at("identifier"), "HVSYN-2");
    // Absent and empty mean no filter.
    body = json_of(get("/api/projects/HVSYN/issues?modifiedAfter="));
    EXPECT_EQ(body.at("filtered"), false);
    EXPECT_EQ(body.at("count"), 3);
}

TEST_F(HulySim, Contract4_ModifiedAfterAcceptsWhatJsDateParses) {
    seed_basic();
    for (const char* when : {"2025-11-03T12:34:57.789Z", "2025-11-03T13:34:57.789%2B01:00", "2025-11-03T12:34:57.7891Z",
                             "Mon,%2003%20Nov%202025%2012:34:57%20GMT", "2025-11-03%2012:34:57"}) {
        auto body = json_of(get(std::string("/api/projects/HVSYN/issues?modifiedAfter=") + when));
        EXPECT_EQ(body.at("count"), 2) << when;
    }
    EXPECT_EQ(json_of(get("/api/projects/HVSYN/issues?modifiedAfter=2025")).at("count"), 3);
    EXPECT_EQ(json_of(get("/api/projects/HVSYN/issues?modifiedAfter=2026-01-01")).at("count"), 0);
    // '+' in a query is a space: an unencoded offset makes the timestamp invalid, as in V8.
    EXPECT_EQ(get("/api/projects/HVSYN/issues?modifiedAfter=2025-11-03T12:34:57.789+00:00").result(),
              status::bad_request);
    EXPECT_EQ(json_of(get("/api/projects/HVSYN/issues?modifiedAfter=2025-11-03%2012:34:57%20-00:00")).at("count"), 2);
    EXPECT_EQ(json_of(get("/api/projects/HVSYN/issues?modifiedAfter=11/03/2025%2012:34:57")).at("count"), 2);
    EXPECT_EQ(json_of(get("/api/projects/HVSYN/issues?modifiedAfter=2025-11-03%2012:34:57.789")).at("count"), 2);
    EXPECT_EQ(json_of(get("/api/projects/HVSYN/issues?modifiedAfter=2025-11-03%2012:3:57")).at("count"), 3);
    // Repeated keys become an array: new Date(["a","b"]) parses "a,b".
    EXPECT_EQ(get("/api/projects/HVSYN/issues?modifiedAfter=2025&modifiedAfter=2025").result(), status::bad_request);
}

TEST_F(HulySim, Contract4_LimitTruncatesSilentlyAndCountsWhatIsReturned) {
    seed_basic();
    auto body = json_of(get("/api/projects/HVSYN/issues?limit=2"));
    EXPECT_EQ(body.at("count"), 2);
    EXPECT_EQ(body.at("issues").at(0).at("identifier"), "HVSYN-3");
    EXPECT_EQ(body.at("issues").at(1).at("identifier"), "HVSYN-2");
    EXPECT_EQ(json_of(get("/api/projects/HVSYN/issues?limit=1abc")).at("count"), 1);  // parseInt
    EXPECT_EQ(json_of(get("/api/projects/HVSYN/issues?limit=abc")).at("count"), 3);   // NaN: unspecified, no cut
}

TEST_F(HulySim, Contract4_IdentifierParameterIsPercentDecoded) {
    sim_.add_project("A B", "spaced", "");
    auto res = get("/api/projects/A%20B/issues");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(json_of(res).at("project"), "A B");
}

// ---- 5. Status catalogue --------------------------------------------------------------------

TEST_F(HulySim, Contract5_DefaultCatalogueRejectsInReviewAndCancelled) {
    seed_basic();
    for (const char* name : {"In Review", "Cancelled"}) {
        auto res = put("HVSYN-1", std::string(R"({"field":"status","value":")") + name + "\"}");
        EXPECT_EQ(res.result(), status::bad_request);
        EXPECT_EQ(res[http::field::content_type], json_type);
        EXPECT_EQ(res.body(), std::string(R"({"error":"Status ')") + name +
                                  R"(' not found","availableStatuses":["Backlog","Todo","In Progress","Done","Canceled"]})");
    }
}

TEST_F(HulySim, Contract5_CatalogueIsConfigurable) {
    seed_basic();
    sim_.set_statuses({"Backlog", "Todo", "In Progress", "In Review", "Done", "Canceled"});
    auto res = put("HVSYN-1", R"({"field":"status","value":"in review"})");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(json_of(res).at("value"), "In Review");
    // An issue whose status left the catalogue reads as "Unknown".
    sim_.set_statuses({"Backlog"});
    EXPECT_EQ(sim_.issue("HVSYN-1")->at("status"), "Unknown");
}

// ---- 6. PUT /api/issues/{identifier} --------------------------------------------------------

TEST_F(HulySim, Contract6_1_FieldAndValueAreRequiredNullCountsAsPresent) {
    seed_basic();
    for (const char* body : {R"({"value":"Done"})", R"({"field":"status"})", R"({"field":"","value":"x"})",
                             R"({"field":0,"value":"x"})", "[]", "{}"}) {
        auto res = put("HVSYN-1", body);
        EXPECT_EQ(res.result(), status::bad_request) << body;
        EXPECT_EQ(res[http::field::content_type], json_type);
        EXPECT_EQ(res.body(), R"({"error":"field and value are required"})") << body;
    }
    // Checked before the issue lookup.
    EXPECT_EQ(put("NOPE-1", R"({"field":"status"})").result(), status::bad_request);
    // null passes step 1 (and a null title is stored).
    auto res = put("HVSYN-1", R"({"field":"title","value":null})");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(res.body(), R"({"identifier":"HVSYN-1","field":"title","value":null,"updated":true})");
}

TEST_F(HulySim, Contract6_2_UnknownIssueIs404BeforeFieldValidation) {
    seed_basic();
    auto res = put("HVSYN-99", R"({"field":"bogus","value":"x"})");
    EXPECT_EQ(res.result(), status::not_found);
    EXPECT_EQ(res[http::field::content_type], json_type);
    EXPECT_EQ(res.body(), R"({"error":"Issue HVSYN-99 not found"})");
    EXPECT_EQ(put("hvsyn-1", R"({"field":"title","value":"x"})").result(), status::not_found);
}

TEST_F(HulySim, Contract6_3_StatusMatchesCaseInsensitivelyAndAnswersCanonicalName) {
    seed_basic();
    auto res = put("HVSYN-1", R"({"field":"status","value":"in progress"})");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(res[http::field::content_type], json_type);
    EXPECT_EQ(res.body(), R"({"identifier":"HVSYN-1","field":"status","value":"In Progress","updated":true})");
    EXPECT_EQ(sim_.issue("HVSYN-1")->at("status"), "In Progress");
}

TEST_F(HulySim, Contract6_3_NonStringStatusIs500TypeError) {
    seed_basic();
    auto res = put("HVSYN-1", R"({"field":"status","value":3})");
    EXPECT_EQ(res.result(), status::internal_server_error);
    EXPECT_EQ(res[http::field::content_type], json_type);
    EXPECT_EQ(res.body(), R"({"error":"value.toLowerCase is not a function"})");
    res = put("HVSYN-1", R"({"field":"status","value":null})");
    EXPECT_EQ(res.result(), status::internal_server_error);
    EXPECT_EQ(json_of(res).at("error"), "Cannot read properties of null (reading 'toLowerCase')");
    EXPECT_EQ(sim_.issue("HVSYN-1")->at("modifiedOn"), t0);  // nothing written
}

TEST_F(HulySim, Contract6_4_DescriptionIsTrimmedWhenStoredAndEchoedRaw) {
    sim_.set_generation(huly_generation::v2025);  // the 2025 server.js (3a900d0)
    seed_basic();
    now_ = t0 + 60'000;
    auto res = put("HVSYN-1", R"({"field":"description","value":"  New text\n\n---\nHuly Issue: HVSYN-1 \n"})");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(res[http::field::content_type], json_type);
    EXPECT_EQ(res.body(), R"({"identifier":"HVSYN-1","field":"description",)"
                          R"("value":"  New text\n\n---\nHuly Issue: HVSYN-1 \n","updated":true})");
    auto issue = json_of(get("/api/issues/HVSYN-1"));
    EXPECT_EQ(issue.at("description"), "New text\n\n---\nHuly Issue: HVSYN-1");
    EXPECT_EQ(issue.at("modifiedOn"), t0 + 60'000);
}

TEST_F(HulySim, Contract6_4_BlankOrFalsyDescriptionClears) {
    seed_basic();
    EXPECT_EQ(put("HVSYN-1", R"({"field":"description","value":" \t\n"})").result(), status::ok);
    EXPECT_EQ(sim_.issue("HVSYN-1")->at("description"), "");
    auto res = put("HVSYN-2", R"({"field":"description","value":false})");
    EXPECT_EQ(res.body(), R"({"identifier":"HVSYN-2","field":"description","value":false,"updated":true})");
    EXPECT_EQ(sim_.issue("HVSYN-2")->at("description"), "");
}

TEST_F(HulySim, Contract6_4_NonStringTruthyDescriptionIs500) {
    seed_basic();
    for (const char* body : {R"({"field":"description","value":5})", R"({"field":"description","value":[]})",
                             R"({"field":"description","value":{"a":1}})"}) {
        auto res = put("HVSYN-1", body);
        EXPECT_EQ(res.result(), status::internal_server_error) << body;
        EXPECT_EQ(res.body(), R"({"error":"value.trim is not a function"})");
    }
    EXPECT_EQ(sim_.issue("HVSYN-1")->at("description"), "one");
}

TEST_F(HulySim, Contract6_5_TitleIsStoredWithoutAnyCheck) {
    seed_basic();
    auto res = put("HVSYN-1", R"({"field":"title","value":{"b":1.5,"a":[1e21,12345678901234567890,-0.0],"2":true,"1":null}})");
    EXPECT_EQ(res.result(), status::ok);
    // Echoed as JSON.stringify would: integer keys first, JS number formatting.
    EXPECT_EQ(res.body(), R"({"identifier":"HVSYN-1","field":"title","value":)"
                          R"({"1":null,"2":true,"b":1.5,"a":[1e+21,12345678901234567000,0]},"updated":true})");
    auto listed = get("/api/issues/HVSYN-1");
    EXPECT_NE(listed.body().find(R"("title":{"1":null,"2":true,"b":1.5,"a":[1e+21,12345678901234567000,0]})"),
              std::string::npos)
        << listed.body();
}

TEST_F(HulySim, Contract6_5_PriorityIsACaseSensitiveKey) {
    seed_basic();
    auto res = put("HVSYN-1", R"({"field":"priority","value":"urgent"})");
    EXPECT_EQ(res.result(), status::bad_request);
    EXPECT_EQ(res[http::field::content_type], json_type);
    EXPECT_EQ(res.body(), R"({"error":"Priority 'urgent' not valid",)"
                          R"("validPriorities":["NoPriority","Urgent","High","Medium","Low"]})");
    res = put("HVSYN-1", R"({"field":"priority","value":"Urgent"})");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(res.body(), R"({"identifier":"HVSYN-1","field":"priority","value":"Urgent","updated":true})");
    EXPECT_EQ(sim_.issue("HVSYN-1")->at("priority"), "Urgent");
    // PRIORITY_MAP[["Low"]] is PRIORITY_MAP["Low"]; numbers are keys too and miss.
    EXPECT_EQ(put("HVSYN-1", R"({"field":"priority","value":["Low"]})").result(), status::ok);
    EXPECT_EQ(sim_.issue("HVSYN-1")->at("priority"), "Low");
    EXPECT_EQ(json_of(put("HVSYN-1", R"({"field":"priority","value":1})")).at("error"), "Priority '1' not valid");
}

TEST_F(HulySim, Contract6_6_OtherFieldsAreNotSupported) {
    seed_basic();
    auto res = put("HVSYN-1", R"({"field":"assignee","value":"me"})");
    EXPECT_EQ(res.result(), status::bad_request);
    EXPECT_EQ(res[http::field::content_type], json_type);
    EXPECT_EQ(res.body(), R"({"error":"Field 'assignee' not supported",)"
                          R"("supportedFields":["title","description","status","priority"]})");
    EXPECT_EQ(json_of(put("HVSYN-1", R"({"field":["title"],"value":"x"})")).at("error"), "Field 'title' not supported");
    EXPECT_EQ(json_of(put("HVSYN-1", R"({"field":{},"value":"x"})")).at("error"),
              "Field '[object Object]' not supported");
}

TEST_F(HulySim, Contract6_7_SuccessSetsModifiedOnToTheClockSoTheNextPollSeesIt) {
    seed_basic();
    now_ = t0 + 5000;
    ASSERT_EQ(put("HVSYN-1", R"({"field":"status","value":"Done"})").result(), status::ok);
    // The clock does not move: the next write gets the same stamp (no artificial increment).
    ASSERT_EQ(put("HVSYN-2", R"({"field":"status","value":"Done"})").result(), status::ok);
    auto body = json_of(get("/api/projects/HVSYN/issues?modifiedAfter=2025-11-03T12:35:01.789Z"));
    EXPECT_EQ(body.at("count"), 2);
    EXPECT_EQ(body.at("issues").at(0).at("modifiedOn"), t0 + 5000);
    EXPECT_EQ(body.at("issues").at(1).at("modifiedOn"), t0 + 5000);
    EXPECT_EQ(body.at("issues").at(0).at("createdOn"), t0);
}

// ---- 7. Generic errors ----------------------------------------------------------------------

TEST_F(HulySim, Contract7_UnknownRoutesAreExpress404Html) {
    auto res = send(http::verb::post, "/api/tools/huly_query", R"({"arguments":{}})");
    EXPECT_EQ(res.result(), status::not_found);
    EXPECT_EQ(res[http::field::content_type], html_type);
    EXPECT_EQ(res["Content-Security-Policy"], "default-src 'none'");
    EXPECT_EQ(res["X-Content-Type-Options"], "nosniff");
    EXPECT_EQ(res.body(), html_page("Cannot POST /api/tools/huly_query"));
    EXPECT_EQ(get("/api/nothing?x=1").body(), html_page("Cannot GET /api/nothing"));
    EXPECT_EQ(send(http::verb::delete_, "/api/issues/X-1").body(), html_page("Cannot DELETE /api/issues/X-1"));
    EXPECT_EQ(get("/a%3Cb%3E/%zz/\"<'&").body(), html_page("Cannot GET /a%3Cb%3E/%25zz/%22%3C&#39;&amp;"));
    EXPECT_EQ(sim_.route_of(make_request(http::verb::post, "/api/tools/x")), "unmatched");
}

TEST_F(HulySim, Contract7_MalformedJsonIs400HtmlOnAnyRoute) {
    seed_basic();
    for (const char* body : {"{\"field\":", "not json", "\"status\"", "  ", "{}x"}) {
        auto res = put("HVSYN-1", body);
        EXPECT_EQ(res.result(), status::bad_request) << body;
        EXPECT_EQ(res[http::field::content_type], html_type);
        EXPECT_EQ(res.body(), html_page("Bad Request"));
    }
    // express.json() runs before routing.
    EXPECT_EQ(send(http::verb::get, "/api/projects", "{bad").result(), status::bad_request);
    EXPECT_EQ(send(http::verb::get, "/nowhere", "{bad").result(), status::bad_request);
}

TEST_F(HulySim, Contract7_JsonBodyOver100kBIs413Html) {
    seed_basic();
    const std::string text(100 * 1024, 'a');
    auto res = put("HVSYN-1", R"({"field":"description","value":")" + text + "\"}");
    EXPECT_EQ(res.result(), status::payload_too_large);
    EXPECT_EQ(res[http::field::content_type], html_type);
    EXPECT_EQ(res.body(), html_page("Payload Too Large"));
    // Exactly 100 kB is accepted.
    std::string fits = R"({"field":"title","value":")";
    fits += std::string(100 * 1024 - fits.size() - 2, 'b') + "\"}";
    EXPECT_EQ(put("HVSYN-1", fits).result(), status::ok);
}

TEST_F(HulySim, Contract7_NonJsonContentTypeLeavesBodyEmpty) {
    seed_basic();
    auto res = send(http::verb::put, "/api/issues/HVSYN-1", R"({"field":"title","value":"x"})", "text/plain");
    EXPECT_EQ(res.result(), status::bad_request);
    EXPECT_EQ(res.body(), R"({"error":"field and value are required"})");
    EXPECT_EQ(send(http::verb::put, "/api/issues/HVSYN-1", "{bad", "text/plain").result(), status::bad_request);
    // A charset other than UTF-8 is refused before reading.
    res = send(http::verb::put, "/api/issues/HVSYN-1", "{}", "application/json; charset=latin1");
    EXPECT_EQ(res.result(), status::unsupported_media_type);
    EXPECT_EQ(res.body(), html_page("Unsupported Media Type"));
    EXPECT_EQ(send(http::verb::put, "/api/issues/HVSYN-1", R"({"field":"title","value":"x"})",
                   "Application/JSON; Charset=\"UTF-8\"")
                  .result(),
              status::ok);
}

TEST_F(HulySim, Contract7_RoutesAreCaseInsensitiveWithOptionalTrailingSlash) {
    seed_basic();
    EXPECT_EQ(get("/API/Projects/").result(), status::ok);
    EXPECT_EQ(get("/api/projects/HVSYN/ISSUES/").result(), status::ok);
    EXPECT_EQ(get("/api/projects//").result(), status::not_found);
    EXPECT_EQ(sim_.route_of(make_request(http::verb::get, "/api/projects/X/issues?limit=3")),
              "GET /api/projects/{id}/issues");
    EXPECT_EQ(sim_.route_of(make_request(http::verb::put, "/api/issues/X-1")), "PUT /api/issues/{id}");
}

TEST_F(HulySim, Contract7_UndecodableParameterIs400Html) {
    seed_basic();
    for (auto verb : {http::verb::get, http::verb::put, http::verb::delete_}) {
        auto res = send(verb, "/api/issues/%E0%A4", verb == http::verb::put ? R"({"field":"title","value":1})" : "");
        EXPECT_EQ(res.result(), status::bad_request);
        EXPECT_EQ(res[http::field::content_type], html_type);
        EXPECT_EQ(res.body(), html_page("Bad Request"));
    }
}

// ---- 8. Test hooks --------------------------------------------------------------------------

TEST_F(HulySim, Contract8_FailingDescriptionReadsReturnEmptyStrings) {
    seed_basic();
    sim_.set_fail_description_reads(true);
    auto body = json_of(get("/api/projects/HVSYN/issues"));
    for (const auto& issue : body.at("issues").as_array()) EXPECT_EQ(issue.at("description"), "");
    EXPECT_EQ(json_of(get("/api/issues/HVSYN-1")).at("description"), "");
    EXPECT_EQ(sim_.issue("HVSYN-1")->at("description"), "one");  // the stored text is intact
    sim_.set_fail_description_reads(false);
    EXPECT_EQ(json_of(get("/api/issues/HVSYN-1")).at("description"), "one");

    huly_options options;
    options.fail_description_reads = true;
    huly_simulator failing(options);
    failing.add_project("P", "P", "");
    failing.add_issue("P", "t", "text", "Todo");
    EXPECT_EQ(json_of(failing.handle(make_request(http::verb::get, "/api/issues/P-1"))).at("description"), "");
}

TEST_F(HulySim, Contract8_MoreThan1000IssuesDropTheOldestModified) {
    sim_.add_project("BIG", "Big", "");
    for (int i = 0; i < 1005; ++i) {
        now_ = t0 + (i * 7919 % 1005) * 1000;  // modifiedOn not in creation order
        sim_.add_issue("BIG", "issue " + std::to_string(i), "", "Backlog");
    }
    auto body = json_of(get("/api/projects/BIG/issues?limit=1000"));
    EXPECT_EQ(body.at("count"), 1000);
    const auto& issues = body.at("issues").as_array();
    ASSERT_EQ(issues.size(), 1000u);
    EXPECT_EQ(issues.front().at("modifiedOn"), t0 + 1004 * 1000);
    EXPECT_EQ(issues.back().at("modifiedOn"), t0 + 5 * 1000);
    EXPECT_EQ(json_of(get("/api/projects/BIG/issues")).at("count"), 1000);  // default limit
    EXPECT_EQ(json_of(get("/api/projects")).at("projects").at(0).at("issueCount"), 1005);
}

TEST_F(HulySim, Contract8_TwoIssuesStampedExactlyAtModifiedAfterAreBothReturned) {
    sim_.add_project("B", "B", "");
    now_ = t0;
    sim_.add_issue("B", "old", "", "Todo");
    now_ = t0 + 1000;
    sim_.add_issue("B", "edge 1", "", "Todo");
    sim_.add_issue("B", "edge 2", "", "Todo");
    auto body = json_of(get("/api/projects/B/issues?modifiedAfter=2025-11-03T12%3A34%3A57.789Z"));
    EXPECT_EQ(body.at("count"), 2);
    EXPECT_EQ(body.at("issues").at(0).at("title"), "edge 1");
    EXPECT_EQ(body.at("issues").at(1).at("title"), "edge 2");
}

// ---- §7: the other routes of server.js ------------------------------------------------------

TEST_F(HulySim, Section7_GetIssueReturnsTheBareIssue) {
    seed_basic();
    auto res = get("/api/issues/HVSYN-3");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(res[http::field::content_type], json_type);
    auto issue = json_of(res).as_object();
    EXPECT_EQ(issue.size(), 12u);
    EXPECT_EQ(issue.at("status"), "Done");
    res = get("/api/issues/HVSYN-9");
    EXPECT_EQ(res.result(), status::not_found);
    EXPECT_EQ(res.body(), R"({"error":"Issue HVSYN-9 not found"})");
}

TEST_F(HulySim, Section7_CreateIssueUsesMaxNumberPlusOneAndBacklog) {
    seed_basic();
    now_ = t0 + 9000;
    auto res = send(http::verb::post, "/api/issues",
                    R"({"project_identifier":"HVSYN","title":"Made by REST","description":"  body  ","priority":"Medium"})");
    EXPECT_EQ(res.result(), status::created);
    EXPECT_EQ(res[http::field::content_type], json_type);
    EXPECT_EQ(res.body(), R"({"identifier":"HVSYN-4","title":"Made by REST","project":"HVSYN","status":"Backlog",)"
                          R"("priority":"Medium"})");
    auto issue = *sim_.issue("HVSYN-4");
    EXPECT_EQ(issue.at("description"), "body");
    EXPECT_EQ(issue.at("createdOn"), t0 + 9000);
    // The UI's sequence was not advanced: the next UI issue collides, and lookups find the first.
    EXPECT_EQ(sim_.add_issue("HVSYN", "Made in UI", "", "Todo"), "HVSYN-4");
    EXPECT_EQ(sim_.issue("HVSYN-4")->at("title"), "Made by REST");
    EXPECT_EQ(json_of(get("/api/projects")).at("projects").at(1).at("issueCount"), 5);
}

TEST_F(HulySim, Section7_CreateIssueErrors) {
    seed_basic();
    auto res = send(http::verb::post, "/api/issues", R"({"title":"x"})");
    EXPECT_EQ(res.result(), status::bad_request);
    EXPECT_EQ(res.body(), R"({"error":"project_identifier and title are required"})");
    res = send(http::verb::post, "/api/issues", R"({"project_identifier":"NOPE","title":"x"})");
    EXPECT_EQ(res.result(), status::not_found);
    EXPECT_EQ(res.body(), R"({"error":"Project NOPE not found"})");
    // An unknown priority falls back to NoPriority; a non-string description fails after creating.
    res = send(http::verb::post, "/api/issues", R"({"project_identifier":"OTHER","title":"y","priority":"low"})");
    EXPECT_EQ(json_of(res).at("priority"), "NoPriority");
    res = send(http::verb::post, "/api/issues", R"({"project_identifier":"OTHER","title":"z","description":7})");
    EXPECT_EQ(res.result(), status::internal_server_error);
    EXPECT_EQ(res.body(), R"({"error":"description.trim is not a function"})");
    EXPECT_EQ(sim_.issue("OTHER-2")->at("title"), "z");
    sim_.set_statuses({});
    res = send(http::verb::post, "/api/issues", R"({"project_identifier":"OTHER","title":"w"})");
    EXPECT_EQ(res.body(), R"({"error":"No statuses found in project"})");
}

// ---- In-process methods ---------------------------------------------------------------------

TEST_F(HulySim, InProcess_AddIssueNumbersPerProjectFromTheSequence) {
    sim_.add_project("A", "A", "");
    sim_.add_project("B", "B", "");
    EXPECT_EQ(sim_.add_issue("A", "a1", "", "Backlog"), "A-1");
    EXPECT_EQ(sim_.add_issue("A", "a2", "", "todo", "High"), "A-2");
    EXPECT_EQ(sim_.add_issue("B", "b1", "", "Done"), "B-1");
    EXPECT_TRUE(sim_.delete_issue("A-2"));
    EXPECT_FALSE(sim_.delete_issue("A-2"));
    EXPECT_EQ(sim_.add_issue("A", "a3", "", "Backlog"), "A-3");  // numbers are not reused
    EXPECT_EQ(sim_.issue("A-1")->at("status"), "Backlog");
    EXPECT_FALSE(sim_.issue("A-2"));
    EXPECT_THROW(sim_.add_issue("Z", "x", "", "Backlog"), std::invalid_argument);
    EXPECT_THROW(sim_.add_issue("A", "x", "", "In Review"), std::invalid_argument);
    EXPECT_THROW(sim_.add_issue("A", "x", "", "Backlog", "urgent"), std::invalid_argument);
    EXPECT_THROW(sim_.add_project("A", "dup", ""), std::invalid_argument);
}

TEST_F(HulySim, InProcess_EditIssueHasThePutsEffect) {
    seed_basic();
    now_ = t0 + 42;
    EXPECT_TRUE(sim_.edit_issue("HVSYN-1", "status", "done"));
    EXPECT_TRUE(sim_.edit_issue("HVSYN-1", "description", "  edited  "));
    EXPECT_TRUE(sim_.edit_issue("HVSYN-1", "priority", "Low"));
    EXPECT_TRUE(sim_.edit_issue("HVSYN-1", "title", "Renamed"));
    EXPECT_FALSE(sim_.edit_issue("HVSYN-1", "status", "Cancelled"));
    EXPECT_FALSE(sim_.edit_issue("HVSYN-1", "assignee", "me"));
    EXPECT_FALSE(sim_.edit_issue("HVSYN-77", "title", "x"));
    auto issue = *sim_.issue("HVSYN-1");
    EXPECT_EQ(issue.at("status"), "Done");
    EXPECT_EQ(issue.at("description"), "edited");
    EXPECT_EQ(issue.at("priority"), "Low");
    EXPECT_EQ(issue.at("title"), "Renamed");
    EXPECT_EQ(issue.at("modifiedOn"), t0 + 42);
}

// ---- Seed and state -------------------------------------------------------------------------

TEST_F(HulySim, Seed_StateRoundTrips) {
    seed_basic();
    sim_.add_issue("OTHER", "x", "d", "Todo", "Urgent");
    const auto before = sim_.state();
    huly_simulator copy(options());
    copy.seed(before);
    EXPECT_EQ(json::serialize(copy.state()), json::serialize(before));
    const auto& project = before.at("projects").at(0).as_object();
    EXPECT_EQ(project.at("identifier"), "HVSYN");
    EXPECT_EQ(project.at("sequence"), 3);
    EXPECT_EQ(project.at("issues").at(1).at("identifier"), "HVSYN-2");
    EXPECT_EQ(project.at("issues").at(1).at("number"), 2);
    EXPECT_EQ(before.at("statuses").as_array().size(), 5u);
}

TEST_F(HulySim, Seed_RejectsMalformedDocumentsAndKeepsTheState) {
    seed_basic();
    for (const char* bad : {R"([])", R"({"projects":{}})", R"({"projects":[{"name":"x"}]})",
                            R"({"projects":[{"identifier":"A"},{"identifier":"A"}]})",
                            R"({"projects":[{"identifier":"A","issues":[{"priority":"urgent"}]}]})",
                            R"({"statuses":[1]})", R"({"projects":[{"identifier":"A","issues":[{"modifiedOn":"x"}]}]})"}) {
        EXPECT_THROW(sim_.seed(json::parse(bad)), std::invalid_argument) << bad;
    }
    EXPECT_EQ(json_of(get("/api/projects")).at("count"), 2);
}

TEST_F(HulySim, Seed_StatusesReplaceTheCatalogue) {
    sim_.seed(json::parse(R"({"statuses":["Open","Closed"],"projects":[{"identifier":"S","issues":[{"title":"t"}]}]})"));
    EXPECT_EQ(sim_.issue("S-1")->at("status"), "Open");  // no Backlog: the first status
    auto res = put("S-1", R"({"field":"status","value":"Done"})");
    EXPECT_EQ(json_of(res).at("availableStatuses"), json::parse(R"(["Open","Closed"])"));
}

// ---- Robustness -----------------------------------------------------------------------------

TEST_F(HulySim, Robustness_GarbageNeverThrowsAndAlwaysAnswers) {
    seed_basic();
    std::mt19937_64 rng(7);
    const std::vector<std::string> targets = {
        "/api/issues/HVSYN-1", "/api/projects/HVSYN/issues?limit=%ff&modifiedAfter=%zz", "*", "http://h/api/projects",
        "/api/projects/%C0%80/issues", "/api/issues/" + std::string(2000, 'A'), "/health?" + std::string(3000, '&')};
    const std::vector<std::string> bodies = {
        "", "{}", "[[[[[[[[[[]]]]]]]]]]", std::string(1500, '[') + std::string(1500, ']'), "\xff\xfe{\"field\":1}",
        R"({"field":"title","value":"\ud800"})", R"({"field":"title","value":1e400})", "\xEF\xBB\xBF{}",
        R"({"field":"priority","value":"toString"})", R"({"field":"status","value":{"x":[1,2,{"y":null}]}})"};
    for (const auto& target : targets) {
        for (const auto& body : bodies) {
            for (auto verb : {http::verb::get, http::verb::put, http::verb::post, http::verb::head}) {
                auto req = make_request(verb, target, body);
                EXPECT_NO_THROW({
                    (void)sim_.route_of(req);
                    auto res = sim_.handle(req);
                    EXPECT_GE(res.result_int(), 200u);
                });
            }
        }
    }
    for (int i = 0; i < 300; ++i) {
        std::string body(rng() % 64, '\0');
        for (auto& c : body) c = static_cast<char>(rng());
        body[0] = '{';
        EXPECT_NO_THROW((void)sim_.handle(make_request(http::verb::put, "/api/issues/HVSYN-2", body)));
    }
}

TEST_F(HulySim, Robustness_OddValuesAnswerAsTheServerWould) {
    seed_basic();
    // A lone surrogate escape is accepted and printed back escaped; 1e400 is Infinity, printed as null.
    EXPECT_EQ(put("HVSYN-1", R"({"field":"title","value":"a\udc00\ud800"})").body(),
              R"({"identifier":"HVSYN-1","field":"title","value":"a\udc00\ud800","updated":true})");
    // Doubles are correctly rounded, as JSON.parse rounds them.
    EXPECT_EQ(json_of(put("HVSYN-1", R"({"field":"title","value":[25e34,-12e23,0.1]})")).at("value"),
              json::parse("[2.5e35,-1.2e24,0.1]"));
    EXPECT_EQ(put("HVSYN-1", R"({"field":"title","value":[25e34,-12e-31]})").body(),
              R"({"identifier":"HVSYN-1","field":"title","value":[2.5e+35,-1.2e-30],"updated":true})");
    EXPECT_EQ(put("HVSYN-1", R"({"field":"title","value":1e400})").body(),
              R"({"identifier":"HVSYN-1","field":"title","value":null,"updated":true})");
    // Invalid UTF-8 is decoded with replacement characters.
    EXPECT_EQ(json_of(put("HVSYN-1", "{\"field\":\"title\",\"value\":\"a\xff\"}")).at("value"), "a\xEF\xBF\xBD");
    // An inherited key passes the priority check.
    EXPECT_EQ(put("HVSYN-1", R"({"field":"priority","value":"toString"})").result(), status::ok);
    // Deep nesting within the limit is fine.
    auto deep = std::string(500, '[') + std::string(500, ']');
    EXPECT_EQ(put("HVSYN-1", R"({"field":"title","value":)" + deep + "}").result(), status::ok);
    // Unknown methods are refused as Node's parser does.
    request odd{http::verb::unknown, "/health", 11};
    odd.method_string("BREW");
    EXPECT_EQ(sim_.handle(odd).result(), status::bad_request);
}

// ---------------------------------------------------------------------------------------------
// Generations (upstreams-2026.md). "current" is server.js at 1f0568f (2026-03) of
// oculairmedia/huly-webhook-implementation: app.patch('/api/issues/:identifier'),
// app.put('/api/issues/:identifier') still calling uploadMarkup for a description (HULLY-259),
// app.get('/api/projects/:identifier/issues') answering syncMeta. "2025" is server.js at 3a900d0.

TEST_F(HulySim, Current_IsTheDefaultGeneration) {
    EXPECT_EQ(huly_options{}.generation, huly_generation::current);
    EXPECT_EQ(huly_generation_named("2025"), huly_generation::v2025);
    EXPECT_EQ(huly_generation_named("current"), huly_generation::current);
    EXPECT_FALSE(huly_generation_named("2026"));
}

TEST_F(HulySim, Current_PatchAppliesSeveralFieldsAndReportsRefusalsInA200) {
    seed_basic();
    now_ = t0 + 60'000;
    auto res = send(http::verb::patch, "/api/issues/HVSYN-1",
                    R"({"title":"Renamed","status":"In Review","description":"  New text  "})");
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(res[http::field::content_type], json_type);
    // appliedUpdates in the body's order; errors[] with the catalogue as `available`.
    EXPECT_EQ(res.body(), R"({"identifier":"HVSYN-1","updated":true,)"
                          R"("appliedUpdates":{"title":"Renamed","description":"New text"},)"
                          R"("errors":[{"field":"status","error":"Status 'In Review' not found",)"
                          R"("available":["Backlog","Todo","In Progress","Done","Canceled"]}]})");
    auto issue = json_of(get("/api/issues/HVSYN-1"));
    EXPECT_EQ(issue.at("title"), "Renamed");
    EXPECT_EQ(issue.at("description"), "New text");
    EXPECT_EQ(issue.at("status"), "Backlog");
    EXPECT_EQ(issue.at("modifiedOn"), t0 + 60'000);
    EXPECT_EQ(sim_.route_of(make_request(http::verb::patch, "/api/issues/HVSYN-1", "{}")), "PATCH /api/issues/{id}");
}

TEST_F(HulySim, Current_PatchOmitsErrorsWhenEverythingApplied) {
    seed_basic();
    auto body = json_of(send(http::verb::patch, "/api/issues/HVSYN-2", R"({"status":"done","priority":"Low"})"));
    EXPECT_EQ(json::serialize(body),
              R"({"identifier":"HVSYN-2","updated":true,"appliedUpdates":{"status":"Done","priority":"Low"}})");
    // A bad priority is refused with `valid` (not `available`); an unknown field is named.
    body = json_of(send(http::verb::patch, "/api/issues/HVSYN-2", R"({"priority":"urgent","estimate":3})"));
    EXPECT_EQ(json::serialize(body),
              R"({"identifier":"HVSYN-2","updated":false,"appliedUpdates":{},"errors":[)"
              R"({"field":"priority","error":"Priority 'urgent' not valid",)"
              R"("valid":["NoPriority","Urgent","High","Medium","Low"]},)"
              R"({"field":"estimate","error":"Field 'estimate' not supported"}]})");
}

TEST_F(HulySim, Current_PatchWithNothingAppliedLeavesModifiedOn) {
    seed_basic();
    now_ = t0 + 60'000;
    auto body = json_of(send(http::verb::patch, "/api/issues/HVSYN-1", R"({"status":null})"));
    EXPECT_EQ(body.at("updated"), false);
    EXPECT_EQ(body.at("errors").at(0).at("error"), "Cannot read properties of null (reading 'toLowerCase')");
    EXPECT_EQ(json_of(get("/api/issues/HVSYN-1")).at("modifiedOn"), 1762173296789);
}

TEST_F(HulySim, Current_PatchNeedsAFieldThenAKnownIssueAnsweringJson) {
    seed_basic();
    auto res = send(http::verb::patch, "/api/issues/HVSYN-99", "{}");
    EXPECT_EQ(res.result(), status::bad_request);  // checked before the issue is looked up
    EXPECT_EQ(res.body(), R"({"error":"No fields to update provided"})");
    res = send(http::verb::patch, "/api/issues/HVSYN-99", R"({"title":"x"})");
    EXPECT_EQ(res.result(), status::not_found);
    EXPECT_EQ(res[http::field::content_type], json_type);
    EXPECT_EQ(res.body(), R"({"error":"Issue HVSYN-99 not found"})");
}

TEST_F(HulySim, Current_PatchEchoesAtMost100CharactersOfADescription) {
    seed_basic();
    const std::string text(150, 'x');
    auto body = json_of(send(http::verb::patch, "/api/issues/HVSYN-1", R"({"description":")" + text + "\"}"));
    EXPECT_EQ(body.at("appliedUpdates").at("description").as_string(), std::string(100, 'x') + "...");
    EXPECT_EQ(sim_.issue("HVSYN-1")->at("description").as_string(), text);
    body = json_of(send(http::verb::patch, "/api/issues/HVSYN-1", R"({"description":"   "})"));
    EXPECT_EQ(body.at("appliedUpdates").at("description"), "");
    EXPECT_EQ(sim_.issue("HVSYN-1")->at("description"), "");
}

TEST_F(HulySim, Current_PutOfADescriptionIs500ButOtherFieldsStillWork) {
    seed_basic();
    now_ = t0 + 60'000;
    auto res = put("HVSYN-1", R"({"field":"description","value":"new text"})");
    EXPECT_EQ(res.result(), status::internal_server_error);
    EXPECT_EQ(json_of(res).at("error").as_string().starts_with("Failed to update description: "), true);
    EXPECT_EQ(sim_.issue("HVSYN-1")->at("description"), "one");
    EXPECT_EQ(sim_.issue("HVSYN-1")->at("modifiedOn"), 1762173296789);
    EXPECT_EQ(put("HVSYN-1", R"({"field":"description","value":""})").result(), status::ok);  // no upload
    EXPECT_EQ(put("HVSYN-1", R"({"field":"title","value":"T"})").result(), status::ok);
    EXPECT_EQ(put("HVSYN-1", R"({"field":"status","value":"Done"})").result(), status::ok);
    EXPECT_EQ(put("HVSYN-1", R"({"field":"priority","value":"Low"})").result(), status::ok);
}

TEST_F(HulySim, Current_IssuesAnswerSyncMetaAndTakeModifiedSinceOrModifiedAfter) {
    seed_basic();
    now_ = t0 + 60'000;
    auto body = json_of(get("/api/projects/HVSYN/issues?modifiedSince=2025-11-03T12%3A34%3A57.789Z"));
    EXPECT_EQ(body.as_object().contains("filtered"), false);
    EXPECT_EQ(body.at("count"), 2);
    EXPECT_EQ(json::serialize(body.at("syncMeta")),
              R"({"modifiedSince":"2025-11-03T12:34:57.789Z","createdSince":null,)"
              R"("latestModified":"2025-11-03T12:34:58.789Z","serverTime":"2025-11-03T12:35:56.789Z"})");
    body = json_of(get("/api/projects/HVSYN/issues?modifiedAfter=2025-11-03T12%3A34%3A58.789Z"));
    EXPECT_EQ(body.at("count"), 1);
    EXPECT_EQ(body.at("syncMeta").at("modifiedSince"), "2025-11-03T12:34:58.789Z");
    auto res = get("/api/projects/HVSYN/issues?modifiedSince=yesterday");
    EXPECT_EQ(res.body(), R"({"error":"Invalid modifiedSince timestamp"})");
    body = json_of(get("/api/projects/OTHER/issues"));
    EXPECT_EQ(body.at("syncMeta").at("modifiedSince"), nullptr);
    EXPECT_EQ(body.at("syncMeta").at("latestModified"), nullptr);
}

TEST_F(HulySim, V2025_PatchIsExpress404HtmlAndModifiedSinceIsIgnored) {
    sim_.set_generation(huly_generation::v2025);
    seed_basic();
    auto res = send(http::verb::patch, "/api/issues/HVSYN-1", R"({"title":"x"})");
    EXPECT_EQ(res.result(), status::not_found);
    EXPECT_EQ(res[http::field::content_type], html_type);
    EXPECT_EQ(res.body(), html_page("Cannot PATCH /api/issues/HVSYN-1"));
    EXPECT_EQ(sim_.issue("HVSYN-1")->at("title"), "First");
    EXPECT_EQ(put("HVSYN-1", R"({"field":"description","value":"new"})").result(), status::ok);
    auto body = json_of(get("/api/projects/HVSYN/issues?modifiedSince=2025-11-03T12%3A34%3A58.789Z"));
    EXPECT_EQ(body.at("count"), 3);
    EXPECT_EQ(body.at("filtered"), false);
    EXPECT_EQ(body.as_object().contains("syncMeta"), false);
}

TEST_F(HulySim, ClockOffsetMovesEveryStamp) {
    seed_basic();
    sim_.set_clock_offset(std::chrono::hours(1));
    EXPECT_EQ(put("HVSYN-1", R"({"field":"title","value":"T"})").result(), status::ok);
    EXPECT_EQ(sim_.issue("HVSYN-1")->at("modifiedOn"), t0 + 3'600'000);
    auto body = json_of(get("/api/projects/HVSYN/issues"));
    EXPECT_EQ(body.at("syncMeta").at("serverTime"), "2025-11-03T13:34:56.789Z");
}

}  // namespace
}  // namespace hvs::sim
