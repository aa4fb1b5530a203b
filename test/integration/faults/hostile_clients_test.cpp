// Hostile or careless clients of the ops server, and an upstream that redirects (issue 12 items 5
// and 6, issue 14 item 9): thousands of idle sockets do not keep /health out; query values are
// strict and an unknown project is 404; a non-loopback bind wants API_TOKEN for POST /api/sync and
// hides settings and upstream addresses from an anonymous /health; refused token attempts are
// logged with the client's address, never the token, at a bounded rate; a 301 from Huly is
// reported as a redirect by the real binary, not as a body that is not JSON.

#include "integration/faults/cli_runner.hpp"
#include "integration/faults/fault_fixture.hpp"

#include "hvs/net/url.hpp"

#include <boost/asio/connect.hpp>
#include <boost/json/serialize.hpp>

#include <sys/resource.h>

namespace hvs::test {
namespace {

using namespace std::chrono_literals;
namespace http = boost::beast::http;
namespace json = boost::json;

std::string str_of(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : json::serialize(v); }

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

TEST_F(FaultTest, HealthAnswersWithFiveThousandIdleSocketsOpen) {
    constexpr std::size_t idle_sockets = 5000;
    constexpr rlim_t needed = idle_sockets + 1024 + 512;  // our ends, the server's ends (capped), the rest
    struct rlimit files {};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &files), 0);
    if (files.rlim_cur < needed) {
        files.rlim_cur = std::min(files.rlim_max, needed);
        setrlimit(RLIMIT_NOFILE, &files);
        getrlimit(RLIMIT_NOFILE, &files);
    }
    if (files.rlim_cur < needed) {
        GTEST_SKIP() << "needs " << needed << " file descriptors; the hard limit is " << files.rlim_max;
    }
    start_ops();
    const auto port = port_;
    struct outcome {
        std::size_t opened = 0;
        unsigned status = 0;
        std::string failure;
        clock::duration took{};
    };
    auto result = off_thread([port]() {
        outcome out;
        boost::asio::io_context io;
        std::vector<boost::asio::ip::tcp::socket> idle;
        idle.reserve(idle_sockets);
        const boost::asio::ip::tcp::endpoint server(boost::asio::ip::make_address("127.0.0.1"), port);
        for (std::size_t i = 0; i < idle_sockets; ++i) {
            boost::asio::ip::tcp::socket s(io);
            boost::system::error_code ec;
            s.connect(server, ec);  // and then never a byte
            if (ec) {
                out.failure = "connect " + std::to_string(i) + ": " + ec.message();
                return out;
            }
            idle.push_back(std::move(s));
        }
        out.opened = idle.size();
        const auto began = clock::now();
        try {
            out.status = blocking_call("127.0.0.1", port, http::verb::get, "/health").result_int();
        } catch (const std::exception& e) {
            out.failure = std::string("GET /health: ") + e.what();
        }
        out.took = clock::now() - began;
        return out;
    });
    ASSERT_EQ(result.opened, idle_sockets) << result.failure;
    EXPECT_EQ(result.status, 200u) << result.failure;
    EXPECT_LT(result.took, 5s);
}

TEST_F(FaultTest, MalformedQueryValuesAre400AndAnUnknownProjectIs404) {
    start_ops();
    EXPECT_EQ(post_sync("/api/sync?project=WEB").result_int(), 503u);  // no cycle has listed the projects yet
    start_loop();
    ASSERT_TRUE(wait_for_cycles(1));
    for (const char* target : {"/api/sync/history?limit=5abc", "/api/sync/history?limit=-1",
                               "/api/sync/history?limit=0", "/api/sync/history?limit=100000",
                               "/api/sync/history?limit=99999999999999999999", "/api/sync/history?limit=",
                               "/api/sync/history?limit=+5", "/api/sync/history?limit=5&limit=6"}) {
        auto res = get(target);
        EXPECT_EQ(res.result_int(), 400u) << target;
        EXPECT_EQ(res[http::field::content_type], "application/json") << target;
        EXPECT_NE(res.body().find("limit must be one integer from 1 to 1000"), std::string::npos) << res.body();
    }
    EXPECT_EQ(get("/api/sync/history?limit=5").result_int(), 200u);
    EXPECT_EQ(get("/api/sync/history").result_int(), 200u);

    auto unknown = post_sync("/api/sync?project=NOPE");
    EXPECT_EQ(unknown.result_int(), 404u) << unknown.body();
    EXPECT_NE(unknown.body().find("unknown project 'NOPE'"), std::string::npos) << unknown.body();
    EXPECT_EQ(post_sync("/api/sync?project=").result_int(), 400u);
    EXPECT_EQ(post_sync("/api/sync?project=WEB&project=OPS").result_int(), 400u);
    pump_for(300ms);
    EXPECT_EQ(cycles_recorded(), 1u);  // nothing refused started a cycle
    EXPECT_EQ(get_json("/api/sync/history").as_array().size(), 1u);

    ASSERT_EQ(post_sync("/api/sync?project=OPS").result_int(), 202u);
    ASSERT_TRUE(wait_for_cycles(2));
}

TEST_F(FaultTest, BoundToANonLoopbackAddressSyncWantsATokenAndHealthHidesSettings) {
    start_ops(5s, "0.0.0.0");
    start_loop();
    ASSERT_TRUE(wait_for_cycles(1));
    auto refused = post_sync();
    EXPECT_EQ(refused.result_int(), 403u);
    EXPECT_NE(refused.body().find("API_TOKEN is not set"), std::string::npos) << refused.body();

    auto health = get("/health");
    EXPECT_EQ(health.result_int(), 200u);
    auto body = json::parse(health.body()).as_object();
    EXPECT_FALSE(body.contains("config")) << health.body();
    EXPECT_EQ(str_of(body.at("status")), "healthy");
    auto huly = net::parse_base_url(cfg_.huly_api_url);
    ASSERT_TRUE(huly);
    EXPECT_EQ(health.body().find(huly->where.host_header()), std::string::npos) << health.body();
    pump_for(300ms);
    EXPECT_EQ(cycles_recorded(), 1u);
}

TEST_F(FaultTest, BoundToANonLoopbackAddressTheTokenShowsSettingsAndTriggers) {
    cfg_.api_token = "ops-wide-token-4321";
    start_ops(5s, "0.0.0.0");
    start_loop();
    ASSERT_TRUE(wait_for_cycles(1));
    EXPECT_FALSE(get_json("/health").as_object().contains("config"));
    auto with_token = call(http::verb::get, "/health", {{http::field::authorization, "Bearer " + cfg_.api_token}});
    auto body = json::parse(with_token.body()).as_object();
    ASSERT_TRUE(body.contains("config")) << with_token.body();
    EXPECT_EQ(str_of(body.at("config").at("HULY_API_URL")), cfg_.huly_api_url);
    EXPECT_EQ(post_sync("/api/sync", cfg_.api_token).result_int(), 202u);
    ASSERT_TRUE(wait_for_cycles(2));
}

TEST_F(FaultTest, RefusedTokenAttemptsAreLoggedWithTheClientAddressAtABoundedRate) {
    capture_logs();
    cfg_.api_token = "ops-right-token-8765";
    start_ops();
    const std::string guess = "guessed-token-0042";
    for (int i = 0; i < 30; ++i) ASSERT_EQ(post_sync("/api/sync", guess).result_int(), 401u);
    ASSERT_EQ(post_sync().result_int(), 401u);
    const std::string logs = logs_.str();
    const auto logged = count_of(logs, "refused POST /api/sync from 127.0.0.1: ");
    EXPECT_GE(logged, 1u) << logs;
    EXPECT_LE(logged, 8u) << logs;  // 31 attempts: a burst of 5, then one per 10 s
    EXPECT_NE(logs.find("wrong bearer token"), std::string::npos) << logs;
    EXPECT_EQ(logs.find(guess), std::string::npos) << logs;
    EXPECT_EQ(logs.find(cfg_.api_token), std::string::npos);
}

TEST_F(FaultTest, ARedirectFromHulyIsReportedAsARedirectByTheBinary) {
    rt_.reset();
    auto& huly = script(upstream::huly);
    huly.script("*", 100000, [](const sim::request& req, sim::response) {
        sim::response res{http::status::moved_permanently, req.version()};
        res.set(http::field::location, "https://huly.example" + std::string(req.target()));
        res.set(http::field::content_type, "text/html");
        res.body() = "<html><body>Moved Permanently</body></html>";
        res.prepare_payload();
        return res;
    });
    auto run = run_cli({"once"}, cli_env(), ioc_);
    const std::string said = run.out + run.err;
    EXPECT_EQ(run.exit_status, 1) << said;
    EXPECT_NE(said.find("redirected to https://huly.example/api/projects (301)"), std::string::npos) << said;
    EXPECT_EQ(said.find("not JSON"), std::string::npos) << said;
}

}  // namespace
}  // namespace hvs::test
