// The operations surface of the running service (issue 6): /health and its transitions, /metrics
// as Prometheus text that agrees with what the simulators saw, POST /api/sync with its token,
// triggers queued behind a running cycle, hostile requests, graceful stop, and secrets kept out
// of every answer and every log line.

#include "integration/service/ops_fixture.hpp"

#include "hvs/core/log.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/json/serialize.hpp>

#include <cmath>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace hvs::test {
namespace {

using namespace std::chrono_literals;
namespace http = boost::beast::http;
namespace json = boost::json;

std::string str(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : json::serialize(v); }

// ---- Prometheus text format 0.0.4 ----

struct prom_sample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

struct prom_text {
    std::vector<prom_sample> samples;
    std::map<std::string, std::string> types;  // metric family -> type
    std::vector<std::string> problems;         // every line that breaks the format
};

prom_text parse_prometheus(const std::string& text) {
    static const std::regex type_line(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
    static const std::regex sample_line(R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+))");
    static const std::regex label(R"(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)\"(,|$))");
    prom_text out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        if (line.rfind("# TYPE ", 0) == 0) {
            std::smatch m;
            if (!std::regex_match(line, m, type_line)) {
                out.problems.push_back("bad TYPE line: " + line);
            } else if (!out.types.emplace(m[1], m[2]).second) {
                out.problems.push_back("second TYPE line: " + line);
            }
            continue;
        }
        if (line[0] == '#') continue;  // HELP and comments
        std::smatch m;
        if (!std::regex_match(line, m, sample_line)) {
            out.problems.push_back("not a sample: " + line);
            continue;
        }
        prom_sample s;
        s.name = m[1];
        std::string labels = m[3];
        for (auto it = std::sregex_iterator(labels.begin(), labels.end(), label); it != std::sregex_iterator(); ++it) {
            s.labels[(*it)[1]] = (*it)[2];
        }
        std::size_t rebuilt = 0;  // the label pattern must account for the whole {...} text
        for (auto it = std::sregex_iterator(labels.begin(), labels.end(), label); it != std::sregex_iterator(); ++it) {
            rebuilt += static_cast<std::size_t>(it->length());
        }
        if (rebuilt != labels.size()) out.problems.push_back("bad labels: " + line);
        std::string value = m[4];
        if (value == "+Inf" || value == "-Inf" || value == "NaN") {
            s.value = value == "NaN" ? std::nan("") : (value[0] == '-' ? -INFINITY : INFINITY);
        } else {
            try {
                std::size_t used = 0;
                s.value = std::stod(value, &used);
                if (used != value.size()) out.problems.push_back("bad value: " + line);
            } catch (const std::exception&) {
                out.problems.push_back("bad value: " + line);
            }
        }
        std::string family = s.name;
        for (const char* suffix : {"_bucket", "_sum", "_count"}) {
            std::string sfx = suffix;
            if (!out.types.contains(family) && family.size() > sfx.size() &&
                family.compare(family.size() - sfx.size(), sfx.size(), sfx) == 0) {
                auto base = family.substr(0, family.size() - sfx.size());
                if (out.types.contains(base) && out.types[base] == "histogram") family = base;
            }
        }
        if (!out.types.contains(family)) out.problems.push_back("sample before or without a TYPE line: " + line);
        out.samples.push_back(std::move(s));
    }
    return out;
}

double sum_of(const prom_text& p, const std::string& name, const std::map<std::string, std::string>& match) {
    double total = 0;
    for (const auto& s : p.samples) {
        if (s.name != name) continue;
        bool all = true;
        for (const auto& [k, v] : match) all = all && s.labels.contains(k) && s.labels.at(k) == v;
        if (all) total += s.value;
    }
    return total;
}

TEST(PrometheusParser, RejectsWhatTheFormatForbids) {
    EXPECT_TRUE(parse_prometheus("# TYPE a counter\na{x=\"1\",y=\"q\\\"\"} 3\n").problems.empty());
    EXPECT_FALSE(parse_prometheus("a 1\n").problems.empty());                        // no TYPE
    EXPECT_FALSE(parse_prometheus("# TYPE a gauge\na{x=1} 1\n").problems.empty());   // unquoted label
    EXPECT_FALSE(parse_prometheus("# TYPE a gauge\na one\n").problems.empty());      // not a number
    EXPECT_FALSE(parse_prometheus("# TYPE a gauge\n# TYPE a gauge\n").problems.empty());
}

// ---- /health ----

TEST_F(OpsTest, HealthShowsVersionUptimeLastCycleTotalsConfigAndUpstreams) {
    cfg_.api_token = "ops-health-token-1234";
    start_ops();
    start_loop();
    ASSERT_TRUE(wait_for_cycles(1));

    auto res = get("/health");
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(res[http::field::content_type], "application/json");
    auto body = json::parse(res.body()).as_object();
    EXPECT_EQ(str(body.at("status")), "healthy") << res.body();
    EXPECT_EQ(str(body.at("version")), HVS_VERSION);
    EXPECT_GE(body.at("uptime_seconds").to_number<double>(), 0);
    EXPECT_TRUE(body.at("reasons").as_array().empty());
    EXPECT_FALSE(body.at("cycle_running").as_bool());

    const auto& last = body.at("last_cycle").as_object();
    EXPECT_EQ(str(last.at("outcome")), "ok");
    EXPECT_EQ(last.at("projects_ok").to_number<int>(), 2);
    EXPECT_EQ(last.at("tasks_created").to_number<int>(), 3);
    EXPECT_TRUE(last.contains("started_at") && last.contains("finished_at") && last.contains("duration_seconds"));

    const auto& totals = body.at("totals").as_object();
    EXPECT_EQ(totals.at("cycles_ok").to_number<int>(), 1);
    EXPECT_EQ(totals.at("tasks_created").to_number<int>(), 3);
    EXPECT_EQ(totals.at("conflicts").to_number<int>(), 0);
    const auto& errors = body.at("errors").as_object();
    EXPECT_EQ(errors.at("count").to_number<int>(), 0);
    EXPECT_TRUE(errors.at("last").is_null());

    const auto& config = body.at("config").as_object();
    EXPECT_EQ(str(config.at("API_TOKEN")), "(set)");
    EXPECT_EQ(str(config.at("LETTA_PASSWORD")), "(unset)");
    EXPECT_EQ(str(config.at("HULY_API_URL")), cfg_.huly_api_url);
    EXPECT_EQ(str(config.at("SYNC_INTERVAL")), "3600000");
    EXPECT_EQ(res.body().find(cfg_.api_token), std::string::npos);
    EXPECT_GT(body.at("memory").at("resident_bytes").to_number<double>(), 0);

    const auto& ups = body.at("upstreams").as_object();
    EXPECT_FALSE(ups.contains("letta"));  // not configured
    for (const char* name : {"huly", "vibe"}) {
        ASSERT_TRUE(ups.contains(name)) << res.body();
        const auto& u = ups.at(name).as_object();
        EXPECT_EQ(str(u.at("breaker")), "closed");
        EXPECT_GT(u.at("requests").to_number<int>(), 0);
        EXPECT_EQ(u.at("failures").to_number<int>(), 0);
        EXPECT_GE(u.at("pool").at("created").to_number<int>(), 1);
        for (const char* k : {"open", "idle", "waiting", "reused"}) EXPECT_TRUE(u.at("pool").as_object().contains(k));
        for (const char* k : {"tokens", "waits", "waiting", "pauses"}) {
            EXPECT_TRUE(u.at("limiter").as_object().contains(k)) << k;
        }
    }
    EXPECT_EQ(get("/ready").result_int(), 200u);
}

// Vibe stops answering (500s, or connections closed without an answer), then comes back.
// The parameter names the injected fault: "error" (500) or "close" (no answer).
class OpsHealthTransition : public OpsTest, public ::testing::WithParamInterface<std::string> {
protected:
    sim::fault_kind fault() const { return GetParam() == "close" ? sim::fault_kind::close : sim::fault_kind::error; }
};

TEST_P(OpsHealthTransition, DegradedWhileVibeFailsThenHealthyAgainWithoutARestart) {
    start_ops();
    start_loop();
    ASSERT_TRUE(wait_for_cycles(1));
    ASSERT_EQ(str(get_json("/health").at("status")), "healthy");

    vibe_host_->inject({.route = "*", .kind = fault(), .count = 100000});
    ASSERT_EQ(post_sync().result_int(), 202u);
    ASSERT_TRUE(wait_for_cycles(2));
    auto res = get("/health");
    EXPECT_EQ(res.result_int(), 200u);  // degraded still serves: only unhealthy is 503
    auto body = json::parse(res.body()).as_object();
    EXPECT_EQ(str(body.at("status")), "degraded") << res.body();
    EXPECT_EQ(str(body.at("last_cycle").at("outcome")), "failed");
    bool names_vibe = false;
    for (const auto& r : body.at("reasons").as_array()) names_vibe |= str(r).rfind("vibe unreachable", 0) == 0;
    EXPECT_TRUE(names_vibe) << res.body();
    EXPECT_FALSE(body.at("upstreams").at("vibe").at("last_error").is_null());
    EXPECT_GT(body.at("upstreams").at("vibe").at("failures").to_number<int>(), 0);
    EXPECT_EQ(str(body.at("upstreams").at("huly").at("breaker")), "closed");
    EXPECT_EQ(body.at("errors").at("count").to_number<int>(), 0);  // no project ran: the cycle itself failed
    EXPECT_FALSE(body.at("errors").at("last").is_null());
    EXPECT_EQ(sum_of(parse_prometheus(get("/metrics").body()), "hvs_health", {}), 1.0);

    vibe_host_->clear_faults();
    huly_.add_issue("OPS", "Restore drill", "", "Todo");  // work that must land after recovery
    ASSERT_EQ(post_sync().result_int(), 202u);
    ASSERT_TRUE(wait_for_cycles(3));
    body = get_json("/health").as_object();
    EXPECT_EQ(str(body.at("status")), "healthy") << json::serialize(body);
    EXPECT_EQ(str(body.at("last_cycle").at("outcome")), "ok");
    EXPECT_EQ(str(body.at("upstreams").at("vibe").at("breaker")), "closed");
    EXPECT_TRUE(body.at("reasons").as_array().empty()) << json::serialize(body);
    EXPECT_EQ(body.at("last_cycle").at("tasks_created").to_number<int>(), 1);
    EXPECT_EQ(sum_of(parse_prometheus(get("/metrics").body()), "hvs_health", {}), 0.0);
    EXPECT_EQ(status_.cycles_by_outcome["failed"], 1u);
    EXPECT_EQ(status_.cycles_by_outcome["ok"], 2u);
}

INSTANTIATE_TEST_SUITE_P(Faults, OpsHealthTransition,
                         ::testing::Values(std::string("error"), std::string("close")),
                         [](const auto& p) { return p.param; });

TEST_F(OpsTest, NoSuccessForTooLongAnswers503Unhealthy) {
    status_.started = std::chrono::system_clock::now() - 3h;
    status_.last_success = std::chrono::system_clock::now() - 2h;
    cfg_.sync_interval = 20min;  // three intervals (1 h) without a success are allowed
    start_ops();
    auto res = get("/health");
    EXPECT_EQ(res.result_int(), 503u);
    auto body = json::parse(res.body()).as_object();
    EXPECT_EQ(str(body.at("status")), "unhealthy");
    ASSERT_FALSE(body.at("reasons").as_array().empty());
    EXPECT_EQ(str(body.at("reasons").at(0)).rfind("no successful cycle for ", 0), 0u) << res.body();
    EXPECT_EQ(get("/livez").result_int(), 200u);  // alive, just not syncing
    EXPECT_EQ(get("/ready").result_int(), 503u);  // no cycle has finished in this process
    EXPECT_EQ(sum_of(parse_prometheus(get("/metrics").body()), "hvs_health", {}), 2.0);

    status_.last_success = std::chrono::system_clock::now() - 30min;  // within 3 x 20 min
    EXPECT_EQ(get("/health").result_int(), 200u);
}

TEST_F(OpsTest, StalenessIsJudgedByTheCurrentPollInterval) {
    status_.started = std::chrono::system_clock::now() - 3h;
    status_.last_success = std::chrono::system_clock::now() - 25min;
    cfg_.sync_interval = 5min;
    start_ops();
    EXPECT_EQ(get("/health").result_int(), 503u) << "three 5 min intervals (at least 15 min) without a success";
    status_.poll_interval = 10min;  // SYNC_INTERVAL_WITH_EVENTS while both feeds are connected
    auto res = get("/health");
    EXPECT_EQ(res.result_int(), 200u) << res.body();
    EXPECT_EQ(sum_of(parse_prometheus(get("/metrics").body()), "hvs_health", {}), 0.0);
}

// ---- the change feeds on /health and /metrics ----

// The ops server with the change feeds cfg_ asks for attached, as `run` wires them (their signals
// go nowhere here: what is shown is tested, not what they trigger).
class OpsFeedsTest : public OpsTest {
protected:
    void attach_feeds() {
        auto feeds = service::change_feeds::create(ioc_.get_executor(), cfg_, std::nullopt,
                                                   [](service::change_side, const net::feed_signal&) {});
        ASSERT_TRUE(feeds) << feeds.error().describe();
        feeds_ = std::move(*feeds);
        ops_->attach_feeds(feeds_.get());
        feeds_->start();
    }
    net::feed_stats stats_of(const std::string& name) const {
        for (const auto& v : feeds_->views()) {
            if (v.name == name) return v.stats;
        }
        return {};
    }
    void TearDown() override {
        if (feeds_) {
            bool ended = false;
            boost::asio::co_spawn(ioc_, feeds_->stop(), [&](std::exception_ptr) { ended = true; });
            EXPECT_TRUE(pump_until([&] { return ended; }, 10s)) << "the feeds end when stopped";
            if (ops_) ops_->attach_feeds(nullptr);
        }
        OpsTest::TearDown();
        feeds_.reset();
    }

    std::unique_ptr<service::change_feeds> feeds_;
};

TEST_F(OpsFeedsTest, HealthAndMetricsShowEachFeedAndWhyPollsRunAtTheirPace) {
    start_ops();
    attach_feeds();
    start_loop();
    ASSERT_TRUE(wait_for_cycles(1));
    ASSERT_TRUE(pump_until([&] { return stats_of("vibe").connected; })) << "Vibe's /events opens";

    auto res = get("/health");
    EXPECT_EQ(res.result_int(), 200u);
    auto body = json::parse(res.body()).as_object();
    EXPECT_EQ(str(body.at("status")), "healthy") << res.body();
    ASSERT_EQ(body.at("feeds").as_array().size(), 1u) << "no HULY_EVENTS_URL: Vibe's feed only: " << res.body();
    const auto& vibe = body.at("feeds").at(0).as_object();
    EXPECT_EQ(str(vibe.at("name")), "vibe");
    EXPECT_EQ(str(vibe.at("source")), "stream");
    EXPECT_TRUE(vibe.at("connected").as_bool());
    EXPECT_TRUE(vibe.at("since").is_string()) << res.body();
    EXPECT_EQ(vibe.at("reconnects").to_number<int>(), 0);
    EXPECT_GE(vibe.at("resyncs").to_number<int>(), 1) << "the connect resyncs";
    EXPECT_TRUE(vibe.at("last_error").is_null());
    for (const char* k : {"last_event", "events"}) EXPECT_TRUE(vibe.contains(k)) << k;
    const auto& polling = body.at("polling").as_object();
    EXPECT_EQ(polling.at("interval_ms").to_number<std::int64_t>(), 3'600'000);
    EXPECT_EQ(polling.at("full_polls").to_number<int>(), 1);
    EXPECT_EQ(polling.at("change_syncs").to_number<int>(), 0);
    EXPECT_EQ(str(polling.at("reason")), "no Huly feed configured: SYNC_INTERVAL");

    auto metrics = parse_prometheus(get("/metrics").body());
    for (const auto& p : metrics.problems) ADD_FAILURE() << p;
    EXPECT_EQ(sum_of(metrics, "hvs_feed_connected", {{"feed", "vibe"}}), 1.0);
    EXPECT_EQ(sum_of(metrics, "hvs_feed_reconnects_total", {{"feed", "vibe"}}), 0.0);
    EXPECT_EQ(metrics.types["hvs_feed_resyncs_total"], "counter");
    EXPECT_EQ(sum_of(metrics, "hvs_poll_interval_seconds", {}), 3600.0);
    EXPECT_EQ(sum_of(metrics, "hvs_cycles_by_kind_total", {{"kind", "full_poll"}}), 1.0);
    EXPECT_EQ(sum_of(metrics, "hvs_cycles_by_kind_total", {{"kind", "changes"}}), 0.0);
    EXPECT_EQ(metrics.types["hvs_propagation_seconds"], "histogram");

    // A dropped stream: counted, and shown connected again once the feed is back.
    const auto connected_since = stats_of("vibe").since;
    vibe_host_->drop_streams();
    ASSERT_TRUE(pump_until([&] { return stats_of("vibe").reconnects == 1 && stats_of("vibe").connected; }));
    metrics = parse_prometheus(get("/metrics").body());
    EXPECT_EQ(sum_of(metrics, "hvs_feed_reconnects_total", {{"feed", "vibe"}}), 1.0);
    EXPECT_EQ(sum_of(metrics, "hvs_feed_connected", {{"feed", "vibe"}}), 1.0);
    body = json::parse(get("/health").body()).as_object();
    EXPECT_EQ(str(body.at("status")), "healthy") << "a reconnect is no outage";
    EXPECT_EQ(body.at("feeds").at(0).at("reconnects").to_number<int>(), 1);
    EXPECT_FALSE(body.at("feeds").at(0).at("last_error").is_null());
    EXPECT_GT(stats_of("vibe").since, connected_since);
}

TEST_F(OpsFeedsTest, AnonymousHealthShowsTheFeedsButNoAddress) {
    // Nothing listens on this port: the Huly feed keeps failing to connect, naming the address.
    std::uint16_t closed_port = 0;
    {
        boost::asio::ip::tcp::acceptor probe(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0});
        closed_port = probe.local_endpoint().port();
    }
    const std::string watcher = "127.0.0.1:" + std::to_string(closed_port);
    cfg_.huly_events_url = "http://" + watcher + "/events";
    start_ops(5s, "0.0.0.0");
    attach_feeds();
    ASSERT_TRUE(pump_until([&] { return stats_of("huly").reconnects >= 1 && stats_of("vibe").connected; }));
    ASSERT_NE(stats_of("huly").last_error.find(watcher), std::string::npos) << stats_of("huly").last_error;

    auto res = get("/health");
    auto body = json::parse(res.body()).as_object();
    EXPECT_FALSE(body.contains("config"));
    EXPECT_EQ(res.body().find(watcher), std::string::npos) << res.body();
    bool huly_shown = false;
    for (const auto& f : body.at("feeds").as_array()) {
        if (str(f.at("name")) != "huly") continue;
        huly_shown = true;
        EXPECT_FALSE(f.at("connected").as_bool());
        EXPECT_FALSE(f.at("last_error").is_null()) << res.body();
    }
    EXPECT_TRUE(huly_shown) << res.body();
    EXPECT_EQ(str(body.at("polling").at("reason")), "huly feed disconnected: SYNC_INTERVAL") << res.body();
}

// ---- /metrics ----

TEST_F(OpsTest, MetricsAreValidPrometheusTextAndMatchTheSimulatorsCounts) {
    reset_counts();
    start_ops();
    start_loop();
    ASSERT_TRUE(wait_for_cycles(1));
    huly_.add_issue("WEB", "Second cycle work", "", "Todo");
    ASSERT_EQ(post_sync().result_int(), 202u);
    ASSERT_TRUE(wait_for_cycles(2));

    auto res = get("/metrics");
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(res[http::field::content_type].rfind("text/plain; version=0.0.4", 0), 0u);
    auto metrics = parse_prometheus(res.body());
    for (const auto& p : metrics.problems) ADD_FAILURE() << p;
    EXPECT_GT(metrics.samples.size(), 30u);

    // What the service counted is what the upstreams saw (no faults: one answer per request).
    auto huly_seen = static_cast<double>(huly_host_->counts().total);
    auto vibe_seen = static_cast<double>(vibe_host_->counts().total);
    EXPECT_GT(vibe_seen, 0);
    EXPECT_EQ(sum_of(metrics, "hvs_upstream_requests_total", {{"upstream", "huly"}}), huly_seen);
    EXPECT_EQ(sum_of(metrics, "hvs_upstream_requests_total", {{"upstream", "vibe"}}), vibe_seen);
    EXPECT_EQ(sum_of(metrics, "hvs_upstream_requests_total", {{"upstream", "vibe"}, {"status", "200"}}), vibe_seen);
    EXPECT_EQ(sum_of(metrics, "hvs_upstream_calls_total", {{"upstream", "vibe"}}), vibe_seen);
    EXPECT_EQ(sum_of(metrics, "hvs_upstream_retries_total", {}), 0.0);

    EXPECT_EQ(sum_of(metrics, "hvs_cycles_total", {{"outcome", "ok"}}), 2.0);
    EXPECT_EQ(sum_of(metrics, "hvs_cycles_total", {{"outcome", "failed"}}), 0.0);
    EXPECT_EQ(sum_of(metrics, "hvs_cycle_duration_seconds_count", {}), 2.0);
    EXPECT_EQ(sum_of(metrics, "hvs_cycle_duration_seconds_bucket", {{"le", "+Inf"}}), 2.0);
    // Bucket bounds as Prometheus queries name them (shortest round-trip text).
    EXPECT_NE(res.body().find("le=\"0.1\""), std::string::npos);
    EXPECT_NE(res.body().find("le=\"2.5\""), std::string::npos);
    // 17 significant digits print binary artefacts ("0.10000000000000001", "2.2999999999999998").
    for (const auto* artefact : {"00000000001", "99999999999"}) {
        auto at = res.body().find(artefact);
        EXPECT_EQ(at, std::string::npos) << res.body().substr(at == std::string::npos ? 0 : at - 40, 80);
    }
    EXPECT_EQ(sum_of(metrics, "hvs_writes_total", {{"kind", "task_created"}}), 4.0);
    EXPECT_EQ(sum_of(metrics, "hvs_health", {}), 0.0);
    EXPECT_EQ(metrics.types["hvs_cycle_duration_seconds"], "histogram");
    EXPECT_EQ(metrics.types["hvs_upstream_requests_total"], "counter");
    EXPECT_EQ(sum_of(metrics, "hvs_pool_connections_open", {{"upstream", "vibe"}}),
              sum_of(metrics, "hvs_pool_connections_idle", {{"upstream", "vibe"}}));  // nothing in flight
    double previous = -1;  // histogram buckets are cumulative
    for (const auto& s : metrics.samples) {
        if (s.name != "hvs_cycle_duration_seconds_bucket") continue;
        EXPECT_GE(s.value, previous);
        previous = s.value;
    }
}

// ---- POST /api/sync ----

TEST_F(OpsTest, ApiSyncWantsTheBearerTokenAndReallyStartsACycle) {
    cfg_.api_token = "ops-trigger-token-5678";
    start_ops();
    start_loop();
    ASSERT_TRUE(wait_for_cycles(1));

    auto missing = post_sync();
    EXPECT_EQ(missing.result_int(), 401u);
    EXPECT_EQ(missing[http::field::www_authenticate], "Bearer");
    EXPECT_EQ(post_sync("/api/sync", std::string("wrong-token")).result_int(), 401u);
    EXPECT_EQ(post_sync("/api/sync", std::string("ops-trigger-token-5678x")).result_int(), 401u);
    EXPECT_EQ(call(http::verb::get, "/api/sync").result_int(), 405u);
    pump_for(300ms);
    EXPECT_EQ(cycles_recorded(), 1u);  // refused requests started nothing
    EXPECT_EQ(get_json("/api/sync/history?limit=10").as_array().size(), 1u);

    auto accepted = post_sync("/api/sync", cfg_.api_token);
    ASSERT_EQ(accepted.result_int(), 202u);
    auto answer = json::parse(accepted.body()).as_object();
    EXPECT_TRUE(answer.at("accepted").as_bool());
    EXPECT_FALSE(answer.at("queued").as_bool());
    EXPECT_TRUE(answer.at("project").is_null());
    ASSERT_TRUE(wait_for_cycles(2));
    auto history = get_json("/api/sync/history?limit=10").as_array();
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(str(history[0].at("outcome")), "ok");
    EXPECT_EQ(history[0].at("projects_ok").to_number<int>(), 2);

    // One project only.
    huly_.add_issue("OPS", "Only ops", "", "Todo");
    huly_.add_issue("WEB", "Not now", "", "Todo");
    ASSERT_EQ(post_sync("/api/sync?project=OPS", cfg_.api_token).result_int(), 202u);
    ASSERT_TRUE(wait_for_cycles(3));
    history = get_json("/api/sync/history?limit=1").as_array();
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history[0].at("projects_ok").to_number<int>(), 1);
    EXPECT_EQ(history[0].at("tasks_created").to_number<int>(), 1);
    EXPECT_EQ(tasks_of("Ops").size(), 2u);
    EXPECT_EQ(tasks_of("Web").size(), 2u);  // WEB's new issue waits for a full cycle
    EXPECT_EQ(get("/api/sync/history?limit=abc").result_int(), 400u);
}

TEST_F(OpsTest, WithoutATokenConfiguredApiSyncNeedsNone) {
    start_ops();
    start_loop();
    ASSERT_TRUE(wait_for_cycles(1));
    EXPECT_EQ(post_sync().result_int(), 202u);
    ASSERT_TRUE(wait_for_cycles(2));
    EXPECT_EQ(get_json("/api/sync/history").as_array().size(), 2u);
}

TEST_F(OpsTest, ATriggerDuringACycleIsQueuedAndRunsOnceAfterIt) {
    // The first request of the first cycle hangs 1.5 s: a cycle that is visibly running.
    vibe_host_->inject({.route = "*", .kind = sim::fault_kind::stall, .count = 1, .stall = 1500ms});
    start_ops();
    start_loop();
    ASSERT_TRUE(pump_until([&] { return status_.running && vibe_host_->counts().total >= 1; }));

    auto began = clock::now();
    auto health = get_json("/health").as_object();
    EXPECT_LT(clock::now() - began, 500ms);  // answers at once while a cycle runs
    EXPECT_TRUE(health.at("cycle_running").as_bool());
    EXPECT_TRUE(health.at("last_cycle").is_null());

    for (int i = 0; i < 2; ++i) {
        auto res = post_sync();
        ASSERT_EQ(res.result_int(), 202u);
        EXPECT_TRUE(json::parse(res.body()).at("queued").as_bool()) << res.body();
    }
    EXPECT_EQ(cycles_recorded(), 0u);  // still the first one
    ASSERT_TRUE(wait_for_cycles(2));
    pump_for(500ms);
    EXPECT_EQ(cycles_recorded(), 2u);  // two triggers during one cycle: one more cycle, not two
    auto history = get_json("/api/sync/history").as_array();
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(str(history[0].at("outcome")), "ok");
    EXPECT_EQ(str(history[1].at("outcome")), "ok");
    EXPECT_FALSE(get_json("/health").at("cycle_running").as_bool());
}

// ---- hostile requests ----

TEST_F(OpsTest, GarbageAndOversizedRequestsGet4xxAndTheServerKeepsServing) {
    start_ops();
    EXPECT_EQ(raw_status("this is not HTTP at all\r\n\r\n"), 400u);
    EXPECT_EQ(raw_status(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) + std::string(200, '\x7f')),
              400u);  // a TLS ClientHello on the plain port
    std::string huge_header = "GET /health HTTP/1.1\r\nHost: x\r\nX-Filler: " + std::string(20 * 1024, 'a') + "\r\n\r\n";
    EXPECT_EQ(raw_status(huge_header), 431u);
    EXPECT_EQ(raw_status("POST /api/sync HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n\r\n"), 413u);
    EXPECT_EQ(raw_status("GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"), 400u);
    EXPECT_EQ(raw_status("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n").value_or(0) / 100, 4u);
    EXPECT_EQ(get("/no/such/path").result_int(), 404u);
    EXPECT_EQ(call(http::verb::delete_, "/health").result_int(), 404u);
    EXPECT_EQ(call(http::verb::post, "/api/sync", {}, std::string(1000, 'x')).result_int() / 100,
              2u);  // a body it ignores is not an error
    EXPECT_EQ(call(http::verb::post, "/api/sync?project=WEB&project=").result_int(), 400u);  // which project?

    auto res = get("/health");
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(get("/livez").result_int(), 200u);
}

// ---- readiness ----

TEST_F(OpsTest, ReadyOnlyOnceTheFirstCycleFinishedAndNotWhileTheLastOneDrains) {
    vibe_host_->inject({.route = "POST /api/tasks", .kind = sim::fault_kind::stall, .count = 1, .stall = 1500ms});
    start_ops(10s);
    start_loop();
    ASSERT_TRUE(pump_until([&] { return vibe_host_->counts().by_route["POST /api/tasks"] >= 1; }));
    for (const char* target : {"/ready", "/readyz"}) {
        auto res = get(target);
        EXPECT_EQ(res.result_int(), 503u) << target;
        auto body = json::parse(res.body()).as_object();
        EXPECT_FALSE(body.at("ready").as_bool());
        EXPECT_EQ(str(body.at("reason")), "the first sync cycle has not finished yet");
    }
    EXPECT_EQ(get("/livez").result_int(), 200u);
    EXPECT_TRUE(get_json("/livez").at("live").as_bool());
    ASSERT_TRUE(wait_for_cycles(1));
    EXPECT_EQ(get("/ready").result_int(), 200u);
    EXPECT_EQ(get("/readyz").result_int(), 200u);

    huly_.add_issue("OPS", "Drain me", "", "Todo");
    vibe_host_->inject({.route = "POST /api/tasks", .kind = sim::fault_kind::stall, .count = 1, .stall = 1500ms});
    const auto creates = vibe_host_->counts().by_route["POST /api/tasks"];
    ASSERT_EQ(post_sync().result_int(), 202u);
    ASSERT_TRUE(pump_until([&] { return vibe_host_->counts().by_route["POST /api/tasks"] > creates; }));
    loop_->stop();
    auto draining = get("/ready");  // the cycle is still in flight: the ops server answers, not ready
    EXPECT_EQ(draining.result_int(), 503u);
    EXPECT_EQ(str(json::parse(draining.body()).at("reason")), "shutting down: the last cycle is draining");
    EXPECT_EQ(get("/livez").result_int(), 200u);
    EXPECT_FALSE(loop_result_.has_value());
    ASSERT_TRUE(pump_until([&] { return loop_result_.has_value(); }, 10s));
    EXPECT_EQ(tasks_of("Ops").size(), 2u);  // the drained cycle finished its work
}

// ---- stopping ----

TEST_F(OpsTest, StopDuringAStalledCycleLetsInFlightWorkFinishAndRecordsInterrupted) {
    cfg_.max_workers = 1;  // one project at a time: the second is never started after the stop
    start_service();
    vibe_host_->inject({.route = "POST /api/tasks", .kind = sim::fault_kind::stall, .count = 1, .stall = 700ms});
    start_ops(5s);
    start_loop();
    ASSERT_TRUE(pump_until([&] { return vibe_host_->counts().by_route["POST /api/tasks"] >= 1; }));

    auto stopped_at = clock::now();
    loop_->stop();
    ASSERT_TRUE(pump_until([&] { return loop_result_.has_value(); }, 10s));
    EXPECT_EQ(*loop_result_, 0);
    EXPECT_LT(clock::now() - stopped_at, 3s);  // finished work ends the wait; the grace is a bound

    EXPECT_EQ(status_.cycles_by_outcome["interrupted"], 1u);
    EXPECT_EQ(cycles_recorded(), 1u);
    auto history = get_json("/api/sync/history").as_array();  // the ops server still answers
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(str(history[0].at("outcome")), "interrupted");
    EXPECT_EQ(history[0].at("projects_ok").to_number<int>(), 1);
    EXPECT_EQ(history[0].at("projects_failed").to_number<int>(), 1);
    ASSERT_EQ(history[0].at("errors").as_array().size(), 1u);
    EXPECT_EQ(str(history[0].at("errors").at(0).at("error")), "not reached before shutdown");
    // The stalled create was allowed to finish: the project in flight is complete.
    std::string finished = str(history[0].at("errors").at(0).at("project")) == "WEB" ? "Ops" : "Web";
    EXPECT_EQ(tasks_of(finished).size(), finished == "Web" ? 2u : 1u);
    EXPECT_EQ(tasks_of(finished == "Web" ? "Ops" : "Web").size(), 0u);
}

TEST_F(OpsTest, StopCancelsWorkStillStalledWhenTheGraceEnds) {
    vibe_host_->inject({.route = "POST /api/tasks", .kind = sim::fault_kind::stall, .count = 1, .stall = 8000ms});
    cfg_.http_timeout = 20s;
    start_service();
    start_ops(300ms);
    start_loop();
    ASSERT_TRUE(pump_until([&] { return vibe_host_->counts().by_route["POST /api/tasks"] >= 1; }));

    auto stopped_at = clock::now();
    loop_->stop();
    ASSERT_TRUE(pump_until([&] { return loop_result_.has_value(); }, 10s));
    EXPECT_EQ(*loop_result_, 0);
    EXPECT_LT(clock::now() - stopped_at, 3s);  // the grace (0.3 s), not the stall (8 s)
    EXPECT_EQ(status_.cycles_by_outcome["interrupted"], 1u);
    auto history = get_json("/api/sync/history").as_array();
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(str(history[0].at("outcome")), "interrupted");
    EXPECT_EQ(str(get_json("/health").at("last_cycle").at("outcome")), "interrupted");
}

TEST_F(OpsTest, StopBetweenCyclesReturnsAtOnce) {
    start_ops();
    start_loop();
    ASSERT_TRUE(wait_for_cycles(1));
    auto stopped_at = clock::now();
    loop_->stop();
    ASSERT_TRUE(pump_until([&] { return loop_result_.has_value(); }, 5s));
    EXPECT_EQ(*loop_result_, 0);
    EXPECT_LT(clock::now() - stopped_at, 1s);  // the hour-long interval wait is cut short
    EXPECT_EQ(cycles_recorded(), 1u);
    EXPECT_EQ(post_sync().result_int(), 202u);  // accepted, but a stopping scheduler starts nothing
    pump_for(300ms);
    EXPECT_EQ(cycles_recorded(), 1u);
}

// ---- secrets ----

// Letta configured with a password, API_TOKEN set, every log line captured at debug level.
class OpsSecrets : public OpsTest {
protected:
    OpsSecrets() { use_letta_ = true; }
    void SetUp() override {
        previous_ = std::clog.rdbuf(captured_.rdbuf());
        log::init(log::severity::trace, log::format::text);
        OpsTest::SetUp();
    }
    void TearDown() override {
        OpsTest::TearDown();
        std::clog.rdbuf(previous_);
        log::init(log::severity::info, log::format::text);
    }
    std::stringstream captured_;
    std::streambuf* previous_ = nullptr;
};

TEST_F(OpsSecrets, PasswordAndTokenAppearNowhere) {
    // Deliberately no log::redact(): the secrets must not reach a line in the first place.
    const std::string token = "api-token-never-shown-9f3c";
    cfg_.api_token = token;
    ASSERT_EQ(cfg_.letta_password, letta_password);
    start_ops();
    start_loop();
    ASSERT_TRUE(wait_for_cycles(1));
    ASSERT_EQ(str(get_json("/api/sync/history").at(0).at("outcome")), "ok");

    // Failures are where secrets leak: refused triggers, and Letta and Vibe failing mid-cycle.
    EXPECT_EQ(post_sync("/api/sync", std::string("not-") + token).result_int(), 401u);
    EXPECT_EQ(post_sync("/api/sync", letta_password).result_int(), 401u);
    huly_.add_issue("WEB", "Provoke writes", "", "Todo");
    letta_host_->inject({.route = "*", .kind = sim::fault_kind::error, .count = 100000});
    vibe_host_->inject({.route = "POST /api/tasks", .kind = sim::fault_kind::error, .count = 100000});
    ASSERT_EQ(post_sync("/api/sync", token).result_int(), 202u);
    ASSERT_TRUE(wait_for_cycles(2));
    EXPECT_EQ(status_.cycles_by_outcome["failed"], 1u);

    std::vector<std::pair<std::string, std::string>> answers = {
        {"/health", get("/health").body()},
        {"/metrics", get("/metrics").body()},
        {"/api/sync/history", get("/api/sync/history").body()},
        {"/ready", get("/ready").body()},
    };
    auto health = json::parse(answers[0].second).as_object();
    EXPECT_EQ(str(health.at("config").at("LETTA_PASSWORD")), "(set)");
    EXPECT_EQ(str(health.at("config").at("API_TOKEN")), "(set)");
    EXPECT_TRUE(health.at("upstreams").as_object().contains("letta"));
    EXPECT_NE(str(health.at("status")), "healthy");
    for (const auto& [where, text] : answers) {
        EXPECT_EQ(text.find(letta_password), std::string::npos) << where << ": " << text;
        EXPECT_EQ(text.find(token), std::string::npos) << where << ": " << text;
    }

    loop_->stop();
    ASSERT_TRUE(pump_until([&] { return loop_result_.has_value(); }, 10s));
    const std::string logs = captured_.str();
    EXPECT_NE(logs.find("cycle ok"), std::string::npos) << "the capture saw no cycle:\n" << logs;
    EXPECT_NE(logs.find("cycle failed"), std::string::npos);
    EXPECT_EQ(logs.find(letta_password), std::string::npos) << logs;
    EXPECT_EQ(logs.find(token), std::string::npos) << logs;
}

}  // namespace
}  // namespace hvs::test
