// LETTA_PASSWORD and API_TOKEN never appear in log lines, /health, /metrics, the cycle history or
// any error text — above all on the error paths, where secrets leak: every upstream failing in
// every way (5xx, closed connections, timeouts, 401, a proxy error page that echoes the request's
// Authorization header back), refused ops requests, and the real binary's own output.
// (OpsSecrets in test/integration/service/ops_test.cpp covers the plain failing-cycle case.)

#include "integration/faults/cli_runner.hpp"
#include "integration/faults/fault_fixture.hpp"

#include "support/hosts_answered.hpp"

#include <fstream>

namespace hvs::test {
namespace {

using namespace std::chrono_literals;
namespace http = boost::beast::http;

constexpr const char* api_token = "api-token-under-test-51c0e9";

// A 502 page from a proxy that echoes the request it could not forward, headers included.
scripted_simulator::rewrite_fn echoing_proxy_error() {
    return [](const sim::request& req, sim::response) {
        sim::response res{http::status::bad_gateway, req.version()};
        res.set(http::field::content_type, "text/plain");
        std::string echo = "upstream unavailable for " + std::string(req.method_string()) + " " +
                           std::string(req.target()) + "\n";
        for (const auto& field : req) echo += std::string(field.name_string()) + ": " + std::string(field.value()) + "\n";
        res.body() = echo;
        res.prepare_payload();
        return res;
    };
}

scripted_simulator::rewrite_fn unauthorized() {
    return [](const sim::request& req, sim::response) {
        sim::response res{http::status::unauthorized, req.version()};
        res.set(http::field::content_type, "application/json");
        res.body() = R"({"detail":"Unauthorized"})";
        res.prepare_payload();
        return res;
    };
}

class SecretsUnderFailure : public FaultTest {
protected:
    SecretsUnderFailure() { use_letta_ = true; }

    void expect_no_secret(const std::string& where, const std::string& text) {
        EXPECT_EQ(text.find(letta_password), std::string::npos) << where << " shows LETTA_PASSWORD:\n" << text;
        EXPECT_EQ(text.find(api_token), std::string::npos) << where << " shows API_TOKEN:\n" << text;
    }
};

TEST_F(SecretsUnderFailure, NoSecretInLogsHealthMetricsHistoryOrAnyErrorWhateverFails) {
    capture_logs();  // trace level: every line, and no log::redact() registered to hide a leak
    cfg_.api_token = api_token;
    cfg_.http_timeout = 300ms;
    start_service();
    auto& letta = script(upstream::letta);
    auto& vibe = script(upstream::vibe);
    std::vector<std::pair<std::string, std::string>> texts;

    // Cycle 1: Letta's proxy echoes our headers back in its error page; Vibe refuses creates.
    huly_.add_issue("WEB", "Provoke a create", "", "Todo");
    letta.script("*", 100000, echoing_proxy_error());
    vibe.script("POST /api/tasks", 100000, [](const sim::request& req, sim::response) {
        sim::response res{http::status::internal_server_error, req.version()};
        res.set(http::field::content_type, "application/json");
        res.body() = R"({"success":false,"data":null,"error_data":null,"message":"database is locked"})";
        res.prepare_payload();
        return res;
    }, false);
    auto first = cycle();
    EXPECT_FALSE(first.ok);
    ASSERT_GT(letta.rewritten(), 0u);

    // Cycle 2: Letta refuses the password; Vibe stalls an update past the timeout.
    letta.clear();
    letta.script("*", 100000, unauthorized());
    vibe.clear();
    huly_.edit_issue("WEB-2", "title", boost::json::value("Apple Pay, renamed"));
    vibe_host_->inject({.route = "PUT /api/tasks/{id}", .kind = sim::fault_kind::stall, .count = 100000, .stall = 600ms});
    auto second = cycle();
    EXPECT_FALSE(second.ok);
    ASSERT_GT(letta.rewritten(), 0u);

    // Cycle 3: Huly drops every issue read; cycle 4: it answers 500 to the project list.
    vibe_host_->clear_faults();
    huly_host_->inject({.route = "GET /api/projects/{id}/issues", .kind = sim::fault_kind::close, .count = 100000});
    auto third = cycle();
    EXPECT_FALSE(third.ok);
    huly_host_->clear_faults();
    huly_host_->inject({.route = "GET /api/projects", .kind = sim::fault_kind::error, .count = 100000});
    auto fourth = cycle();
    EXPECT_FALSE(fourth.ok);

    for (const auto* outcome : {&first, &second, &third, &fourth}) {
        std::string all = outcome->error + "\n" + outcome->letta_error + "\n" + outcome->record.errors_json + "\n";
        for (const auto& p : outcome->projects) all += p.error + "\n";
        for (const auto& [project, agent] : outcome->agents) all += agent.error + "\n";
        texts.emplace_back("cycle outcome errors", all);
    }

    // The ops surface, after those cycles, with refused requests on the way.
    vibe_host_->clear_faults();
    huly_host_->clear_faults();
    ASSERT_TRUE(hvs::test::run_until_answered(ioc_, {huly_host_.get(), vibe_host_.get(), letta_host_.get()}));  // stalled requests land
    start_ops();
    for (const std::string& bearer : {std::string("not-") + api_token, std::string(api_token) + "x", std::string(letta_password)}) {
        auto refused = post_sync("/api/sync", bearer);
        EXPECT_EQ(refused.result_int(), 401u);
        texts.emplace_back("POST /api/sync refused", refused.body());
    }
    auto no_auth = post_sync("/api/sync");
    EXPECT_EQ(no_auth.result_int(), 401u);
    texts.emplace_back("POST /api/sync without a token", no_auth.body());
    for (const char* target : {"/health", "/metrics", "/api/sync/history", "/ready"}) texts.emplace_back(target, get(target).body());
    auto health = boost::json::parse(texts[texts.size() - 4].second).as_object();
    EXPECT_EQ(health.at("config").at("LETTA_PASSWORD").as_string(), "(set)");
    EXPECT_EQ(health.at("config").at("API_TOKEN").as_string(), "(set)");
    EXPECT_FALSE(health.at("upstreams").at("letta").at("last_error").is_null());  // the failure is shown, the secret not

    for (auto* http : {&rt_->huly_http(), &rt_->vibe_http(), rt_->letta_http()}) {
        texts.emplace_back("client last_error", http->stats().last_error);
    }
    texts.emplace_back("log", logs_.str());
    // The error paths ran: Letta's echoing 502 and its 401, Vibe's 500 and timeout, Huly's closed
    // connections and 500.
    std::string everything;
    for (const auto& [where, text] : texts) everything += text + "\n";
    for (const char* seen : {"letta answered 502", "letta answered 401", "vibe answered 500 to POST /api/tasks",
                             "vibe PUT", "timed out", "connection closed", "listing Huly projects"}) {
        EXPECT_NE(everything.find(seen), std::string::npos) << "nothing said '" << seen << "'; the cycles said:\n"
                                                            << texts[0].second << texts[1].second << texts[2].second
                                                            << texts[3].second;
    }
    for (const auto& [where, text] : texts) expect_no_secret(where, text);
}

// The real binary, secrets from the environment and from a *_FILE, every upstream failing: stdout
// (the cycle summary with its error texts) and stderr (the log) never hold a secret — nor "***",
// which would mean a secret reached a line and only the redaction hid it.
TEST_F(SecretsUnderFailure, TheBinarysOutputNeverHoldsASecret) {
    rt_.reset();
    const std::string token_file = (dir_ / "api-token").string();
    std::ofstream(token_file) << api_token << "\n";
    auto env = cli_env();
    env["LOG_LEVEL"] = "trace";
    env["API_TOKEN_FILE"] = token_file;
    env["HTTP_TIMEOUT"] = "300";
    auto& letta = script(upstream::letta);
    letta.script("*", 100000, echoing_proxy_error());
    huly_.add_issue("WEB", "Provoke a create", "", "Todo");
    vibe_host_->inject({.route = "POST /api/tasks", .kind = sim::fault_kind::error, .count = 100000});
    huly_host_->inject({.route = "GET /api/projects/{id}/issues", .kind = sim::fault_kind::close, .count = 1});

    for (const char* command : {"once", "check", "status"}) {
        auto run = run_cli({command}, env, ioc_);
        const std::string said = run.out + run.err;
        EXPECT_FALSE(said.empty()) << command;
        expect_no_secret(std::string(command) + " output", said);
        EXPECT_EQ(said.find("***"), std::string::npos) << command << ": a secret reached a line:\n" << said;
        if (std::string(command) == "once") {
            EXPECT_EQ(run.exit_status, 1) << said;
            EXPECT_NE(said.find("letta answered 502"), std::string::npos) << "Letta's failure is reported:\n" << said;
        }
    }

    letta.clear();
    letta.script("*", 100000, unauthorized());
    auto refused = run_cli({"once"}, env, ioc_);
    const std::string said = refused.out + refused.err;
    EXPECT_NE(said.find("401"), std::string::npos) << said;
    expect_no_secret("once with Letta refusing the password", said);
    EXPECT_EQ(said.find("***"), std::string::npos) << said;
}

}  // namespace
}  // namespace hvs::test
