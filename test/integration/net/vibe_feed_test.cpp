// The Vibe feed client (vibe::make_feed over net::event_feed and net::sse_client) against the
// Vibe simulator's GET /api/events over real loopback sockets, both on the test's io_context.

#include "hvs/sim/host.hpp"
#include "hvs/sim/vibe_simulator.hpp"
#include "hvs/vibe/feed.hpp"

#include "support/run_async.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>

#include <gtest/gtest.h>

namespace hvs::test {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

sim::vibe_options simulated(std::size_t capacity = 10'000) {
    sim::vibe_options o;
    o.check_filesystem = false;
    o.events_capacity = capacity;
    return o;
}

class VibeFeed : public ::testing::Test {
protected:
    explicit VibeFeed(sim::vibe_options options = simulated()) : simulator_(std::move(options)) {}

    void SetUp() override {
        auto port = host_.listen(0);
        ASSERT_TRUE(port) << port.error().describe();
        auto params = vibe::default_feed_params();
        params.reconnect.base = 1ms;
        params.reconnect.max = 20ms;
        auto api = net::parse_base_url("http://127.0.0.1:" + std::to_string(*port) + "/api");
        auto feed = vibe::make_feed(ioc_.get_executor(), *api, params,
                                    [this](const net::feed_signal& s) { signals_.push_back(s); });
        ASSERT_TRUE(feed) << feed.error().describe();
        feed_ = std::move(*feed);
    }

    void start() {
        asio::co_spawn(ioc_, net::cancellation_as_values(feed_->run()),
                       asio::bind_cancellation_slot(stop_.slot(), [this](std::exception_ptr) { finished_ = true; }));
    }

    void TearDown() override {
        if (!feed_) return;
        feed_->stop();
        EXPECT_TRUE(run_until(ioc_, [&] { return finished_; }, 5s)) << "the feed ends when stopped";
        host_.stop();
    }

    // Runs until `n` signals arrived since `from`, by the clock.
    bool wait_for_signal(const std::function<bool(const net::feed_signal&)>& wanted, std::size_t from = 0) {
        return run_until(ioc_, [&] {
            return std::any_of(signals_.begin() + static_cast<std::ptrdiff_t>(std::min(from, signals_.size())),
                               signals_.end(), wanted);
        });
    }
    std::size_t resyncs_since(std::size_t from) const {
        return static_cast<std::size_t>(std::count_if(signals_.begin() + static_cast<std::ptrdiff_t>(from), signals_.end(),
                                                      [](const auto& s) { return s.resync_all; }));
    }

    asio::io_context ioc_;
    sim::vibe_simulator simulator_;
    sim::host host_{ioc_.get_executor(), simulator_, {}};
    std::unique_ptr<net::event_feed> feed_;
    std::vector<net::feed_signal> signals_;
    asio::cancellation_signal stop_;
    bool finished_ = false;
};

bool resync(const net::feed_signal& s) { return s.resync_all; }

TEST_F(VibeFeed, ATaskUpdateArrivesAsASignalForItsProjectWithinASecond) {
    const std::string project = simulator_.add_project("P", "/srv/p");
    const std::string other = simulator_.add_project("Q", "/srv/q");
    const std::string task = simulator_.add_task(project, "t", std::nullopt);
    start();
    ASSERT_TRUE(wait_for_signal(resync)) << "a connect resyncs everything";
    EXPECT_TRUE(signals_.front().resync_all);
    ASSERT_TRUE(wait_for_signal([&](const auto& s) { return s.project == project; }))
        << "the replayed insert names its project";
    EXPECT_TRUE(feed_->stats().connected);

    const std::size_t before = signals_.size();
    const auto changed = std::chrono::system_clock::now();
    const auto started = std::chrono::steady_clock::now();
    simulator_.move_task(task, "inreview");
    ASSERT_TRUE(wait_for_signal([&](const auto& s) { return s.project == project; }, before));
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
    const auto& signal = signals_.back();
    EXPECT_FALSE(signal.resync_all);
    EXPECT_GE(signal.at, changed);
    EXPECT_EQ(resyncs_since(before), 0u);
    EXPECT_EQ(std::count_if(signals_.begin(), signals_.end(), [&](const auto& s) { return s.project == other; }), 0);
    EXPECT_EQ(feed_->stats().events, 2u);
    EXPECT_EQ(feed_->stats().reconnects, 0u);
}

TEST_F(VibeFeed, ADroppedConnectionReconnectsAndResyncsEverything) {
    const std::string project = simulator_.add_project("P", "/srv/p");
    const auto started = std::chrono::system_clock::now();
    start();
    ASSERT_TRUE(run_until(ioc_, [&] { return feed_->stats().connected; }));
    ASSERT_TRUE(feed_->stats().since.has_value());
    const auto connected_since = *feed_->stats().since;
    EXPECT_GE(connected_since, started) << "connected since the stream opened";
    const std::size_t before = signals_.size();
    host_.drop_streams();
    ASSERT_TRUE(wait_for_signal(resync, before)) << "the reconnect resyncs: what happened meanwhile is unknown";
    EXPECT_EQ(feed_->stats().reconnects, 1u);
    EXPECT_NE(feed_->stats().last_error.find("closed"), std::string::npos) << feed_->stats().last_error;
    EXPECT_TRUE(feed_->stats().connected);
    EXPECT_GT(feed_->stats().since.value_or(connected_since), connected_since) << "connected again since the reconnect";

    // And the new stream is live.
    const std::size_t after = signals_.size();
    simulator_.add_task(project, "t", std::nullopt);
    EXPECT_TRUE(wait_for_signal([&](const auto& s) { return s.project == project; }, after));
}

TEST_F(VibeFeed, AServerThatIsDownIsRetriedWithBackoff) {
    host_.stop();  // nothing listens on the port now: every connect is refused
    const auto created = feed_->stats().since;
    ASSERT_TRUE(created.has_value()) << "disconnected since its creation";
    start();
    ASSERT_TRUE(run_until(ioc_, [&] { return feed_->stats().reconnects >= 3; }));
    EXPECT_FALSE(feed_->stats().connected);
    EXPECT_EQ(feed_->stats().since, created) << "failed attempts change nothing: still disconnected since its creation";
    EXPECT_TRUE(signals_.empty()) << "no stream, nothing signalled";
    EXPECT_NE(feed_->stats().last_error.find("connect"), std::string::npos) << feed_->stats().last_error;
}

class LaggingVibeFeed : public VibeFeed {
protected:
    LaggingVibeFeed() : VibeFeed(simulated(4)) {}
};

TEST_F(LaggingVibeFeed, EventsLostByALaggingSubscriberYieldResyncAll) {
    const std::string project = simulator_.add_project("P", "/srv/p");
    const std::string task = simulator_.add_task(project, "t", std::nullopt);
    start();
    ASSERT_TRUE(wait_for_signal([&](const auto& s) { return s.project == project; }));
    const std::size_t before = signals_.size();
    // 20 edits while the simulator's sender cannot run: its queue of 4 drops the oldest 16.
    for (int i = 0; i < 20; ++i) simulator_.edit_task(task, "edit " + std::to_string(i), std::nullopt);
    ASSERT_TRUE(wait_for_signal(resync, before)) << "the gap in /entries/{n} is noticed";
    ASSERT_TRUE(run_until(ioc_, [&] { return feed_->stats().events == 5; })) << "the insert, then the newest 4";
    EXPECT_EQ(resyncs_since(before), 1u);
    EXPECT_EQ(feed_->stats().reconnects, 0u) << "the stream itself is fine";
    EXPECT_EQ(feed_->stats().resyncs, 2u) << "the connect, the loss";
}

}  // namespace
}  // namespace hvs::test
