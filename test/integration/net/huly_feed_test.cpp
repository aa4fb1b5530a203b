// The Huly feed client (huly::make_feed over net::event_feed) against the huly-change-watcher
// simulator's GET /events over real loopback sockets, the watcher polling a Huly simulator.

#include "hvs/huly/feed.hpp"
#include "hvs/sim/host.hpp"
#include "hvs/sim/huly_simulator.hpp"
#include "hvs/sim/huly_watcher_simulator.hpp"

#include "support/manual_clock.hpp"
#include "support/run_async.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>

#include <gtest/gtest.h>

namespace hvs::test {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

class HulyFeed : public ::testing::Test {
protected:
    void SetUp() override {
        huly_.add_project("A", "Alpha", "");
        huly_.add_project("B", "Beta", "");
        issue_ = huly_.add_issue("A", "first", "", "Todo");
        sim::huly_watcher_options watching;
        watching.poll_interval = 20ms;
        watching.clock = clock_;
        watcher_ = std::make_unique<sim::huly_watcher_simulator>(huly_, watching);
        host_ = std::make_unique<sim::host>(ioc_.get_executor(), *watcher_, sim::host_options{});
        auto port = host_->listen(0);
        ASSERT_TRUE(port) << port.error().describe();
        auto params = huly::default_feed_params();
        params.reconnect.base = 1ms;
        params.reconnect.max = 20ms;
        auto url = net::parse_base_url("http://127.0.0.1:" + std::to_string(*port) + "/events");
        auto feed = huly::make_feed(ioc_.get_executor(), *url, params,
                                    [this](const net::feed_signal& s) { signals_.push_back(s); });
        ASSERT_TRUE(feed) << feed.error().describe();
        feed_ = std::move(*feed);
        spawn(feed_->run(), stop_feed_, feed_done_);
        spawn(sim::run_watcher(*watcher_), stop_watcher_, watcher_done_);
        ASSERT_TRUE(wait_for([](const auto& s) { return s.resync_all; })) << "a connect resyncs everything";
    }

    void spawn(net::task<void> t, asio::cancellation_signal& stop, bool& done) {
        asio::co_spawn(ioc_, net::cancellation_as_values(std::move(t)),
                       asio::bind_cancellation_slot(stop.slot(), [&done](std::exception_ptr) { done = true; }));
    }

    void TearDown() override {
        feed_->stop();
        stop_watcher_.emit(asio::cancellation_type::terminal);
        EXPECT_TRUE(run_until(ioc_, [&] { return feed_done_ && watcher_done_; }, 5s)) << feed_done_ << watcher_done_ << feed_->stats().last_error << " connected=" << feed_->stats().connected << " reconnects=" << feed_->stats().reconnects;
        if (host_) host_->stop();
    }

    bool wait_for(const std::function<bool(const net::feed_signal&)>& wanted, std::size_t from = 0) {
        return run_until(ioc_, [&] {
            return std::any_of(signals_.begin() + static_cast<std::ptrdiff_t>(std::min(from, signals_.size())),
                               signals_.end(), wanted);
        });
    }

    // Moves the shared clock past the watcher's last poll, makes the change, and moves on: a change
    // stamped in the very millisecond a poll began is never reported (modifiedOn > lastChecked).
    template <class Change>
    void change(Change make) {
        clock_.advance(1ms);
        make();
        clock_.advance(1ms);
    }
    static sim::huly_options huly_options(const manual_clock& clock) {
        sim::huly_options o;
        o.clock = clock;
        return o;
    }

    asio::io_context ioc_;
    manual_clock clock_;
    sim::huly_simulator huly_{huly_options(clock_)};
    std::unique_ptr<sim::huly_watcher_simulator> watcher_;
    std::unique_ptr<sim::host> host_;
    std::unique_ptr<net::event_feed> feed_;
    std::vector<net::feed_signal> signals_;
    std::string issue_;
    asio::cancellation_signal stop_feed_, stop_watcher_;
    bool feed_done_ = false, watcher_done_ = false;
};

TEST_F(HulyFeed, AnIssueEditArrivesAsItsProjectsSignalWithinThePollInterval) {
    const std::size_t before = signals_.size();
    const auto started = std::chrono::steady_clock::now();
    ASSERT_TRUE(run_until(ioc_, [&] { return watcher_->stats().checks_performed >= 1; }));
    change([&] { huly_.edit_issue(issue_, "title", boost::json::value("renamed in Huly")); });
    ASSERT_TRUE(wait_for([](const auto& s) { return s.project == "A"; }, before));
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1s) << "the poll interval is 20 ms";
    EXPECT_FALSE(signals_.back().resync_all);
    EXPECT_FALSE(signals_.back().refresh_projects);
    EXPECT_TRUE(std::none_of(signals_.begin(), signals_.end(), [](const auto& s) { return s.project == "B"; }));
    EXPECT_TRUE(feed_->stats().connected);
}

TEST_F(HulyFeed, ANewProjectAsksForTheProjectList) {
    const std::size_t before = signals_.size();
    ASSERT_TRUE(run_until(ioc_, [&] { return watcher_->stats().checks_performed >= 1; }));
    change([&] { huly_.add_project("NEW", "New", ""); });
    ASSERT_TRUE(wait_for([](const auto& s) { return s.refresh_projects; }, before));
    EXPECT_EQ(signals_.back().project, "NEW");
}

TEST_F(HulyFeed, AWatcherRestartDropsTheStreamAndTheReconnectResyncs) {
    const std::size_t before = signals_.size();
    watcher_->restart();  // its streams end; what changes meanwhile is never sent
    ASSERT_TRUE(wait_for([](const auto& s) { return s.resync_all; }, before));
    EXPECT_EQ(feed_->stats().reconnects, 1u);
    ASSERT_TRUE(run_until(ioc_, [&] { return feed_->stats().connected; }));
}

TEST_F(HulyFeed, APollCutOffAtItsLimitYieldsResyncAll) {
    ASSERT_TRUE(run_until(ioc_, [&] { return watcher_->stats().checks_performed >= 1; }));
    const std::size_t before = signals_.size();
    change([&] {
        for (int i = 0; i < 120; ++i) huly_.add_issue("B", "bulk " + std::to_string(i), "", "Todo");
    });
    ASSERT_TRUE(wait_for([](const auto& s) { return s.resync_all; }, before)) << "LIMIT 100 lost 20 changes";
    EXPECT_EQ(feed_->stats().reconnects, 0u);
}

}  // namespace
}  // namespace hvs::test
