// /metrics as render_metrics writes it: the change feeds' families, the polling pace, the kinds of
// cycles and the propagation histogram.

#include "hvs/service/metrics.hpp"

#include <gtest/gtest.h>

namespace hvs::service {
namespace {

using namespace std::chrono_literals;

bool has_line(const std::string& text, const std::string& line) { return text.find(line + "\n") != std::string::npos; }

feed_view feed(std::string name, bool connected) {
    feed_view f{std::move(name), "stream", {}};
    f.stats.connected = connected;
    f.stats.events = 7;
    f.stats.reconnects = 2;
    f.stats.resyncs = 3;
    return f;
}

TEST(Metrics, EachChangeFeedIsASeriesOfItsFamilies) {
    service_status status;
    auto vibe = feed("vibe", true);
    vibe.stats.last_event = std::chrono::system_clock::time_point{1'700'000'123s};
    auto text = render_metrics(status, {}, {vibe, feed("huly", false)}, health_status::healthy);
    EXPECT_TRUE(has_line(text, "# TYPE hvs_feed_connected gauge")) << text;
    EXPECT_TRUE(has_line(text, "hvs_feed_connected{feed=\"vibe\"} 1")) << text;
    EXPECT_TRUE(has_line(text, "hvs_feed_connected{feed=\"huly\"} 0")) << text;
    EXPECT_TRUE(has_line(text, "# TYPE hvs_feed_events_total counter")) << text;
    EXPECT_TRUE(has_line(text, "hvs_feed_events_total{feed=\"vibe\"} 7")) << text;
    EXPECT_TRUE(has_line(text, "hvs_feed_reconnects_total{feed=\"huly\"} 2")) << text;
    EXPECT_TRUE(has_line(text, "hvs_feed_resyncs_total{feed=\"vibe\"} 3")) << text;
    EXPECT_TRUE(has_line(text, "hvs_feed_last_event_timestamp_seconds{feed=\"vibe\"} 1700000123")) << text;
    EXPECT_TRUE(has_line(text, "hvs_feed_last_event_timestamp_seconds{feed=\"huly\"} 0")) << text;
}

TEST(Metrics, NoFeedsNoFeedSeries) {
    auto text = render_metrics(service_status{}, {}, {}, health_status::healthy);
    EXPECT_EQ(text.find("hvs_feed_connected{"), std::string::npos) << text;
}

TEST(Metrics, PollingPaceCycleKindsAndPropagation) {
    service_status status;
    status.poll_interval = 600'000ms;
    status.full_polls = 4;
    status.change_syncs = 9;
    status.propagation.observe(0.3);
    status.propagation.observe(1.5);
    auto text = render_metrics(status, {}, {}, health_status::healthy);
    EXPECT_TRUE(has_line(text, "hvs_poll_interval_seconds 600")) << text;
    EXPECT_TRUE(has_line(text, "hvs_cycles_by_kind_total{kind=\"full_poll\"} 4")) << text;
    EXPECT_TRUE(has_line(text, "hvs_cycles_by_kind_total{kind=\"changes\"} 9")) << text;
    EXPECT_TRUE(has_line(text, "# TYPE hvs_propagation_seconds histogram")) << text;
    EXPECT_TRUE(has_line(text, "hvs_propagation_seconds_bucket{le=\"0.25\"} 0")) << text;
    EXPECT_TRUE(has_line(text, "hvs_propagation_seconds_bucket{le=\"0.5\"} 1")) << text;
    EXPECT_TRUE(has_line(text, "hvs_propagation_seconds_bucket{le=\"2\"} 2")) << text;
    EXPECT_TRUE(has_line(text, "hvs_propagation_seconds_bucket{le=\"+Inf\"} 2")) << text;
    EXPECT_TRUE(has_line(text, "hvs_propagation_seconds_sum 1.8")) << text;
    EXPECT_TRUE(has_line(text, "hvs_propagation_seconds_count 2")) << text;
}

TEST(Metrics, EveryFamilyHasOneHeader) {
    auto text = render_metrics(service_status{}, {}, {feed("vibe", true)}, health_status::healthy);
    std::size_t headers = 0;
    for (auto at = text.find("# TYPE hvs_feed_connected "); at != std::string::npos;
         at = text.find("# TYPE hvs_feed_connected ", at + 1)) {
        ++headers;
    }
    EXPECT_EQ(headers, 1u);
}

}  // namespace
}  // namespace hvs::service
