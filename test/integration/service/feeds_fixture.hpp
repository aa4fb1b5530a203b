#pragma once
// The service as `run` wires it with its change feeds (src/app/sync_commands.cpp run_command):
// runtime, scheduler, ops server and service::change_feeds, whose signals go to the scheduler —
// on the test's io_context, against the Huly and Vibe simulators and a huly-change-watcher
// simulator that polls the Huly simulator every 100 ms and streams at HULY_EVENTS_URL. Vibe's
// feed is the Vibe simulator's (or the real server's) /api/events.

#include "integration/service/ops_fixture.hpp"

#include "hvs/service/feed_driven.hpp"
#include "hvs/sim/huly_watcher_simulator.hpp"
#include "hvs/sync/text.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>

#include <memory>
#include <optional>
#include <string>

namespace hvs::test {

class FeedsTest : public OpsTest {
protected:
    static constexpr std::chrono::milliseconds watcher_poll{100};

    void SetUp() override {
        OpsTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        cfg_.sync_interval_with_events = std::chrono::hours(2);  // above SYNC_INTERVAL: which applies shows
        sim::huly_watcher_options watching;
        watching.poll_interval = watcher_poll;
        watcher_ = std::make_unique<sim::huly_watcher_simulator>(huly_, watching);
        watcher_host_ = std::make_unique<sim::host>(ioc_.get_executor(), *watcher_, sim::host_options{});
        auto port = watcher_host_->listen(0);
        ASSERT_TRUE(port) << port.error().describe();
        cfg_.huly_events_url = "http://127.0.0.1:" + std::to_string(*port) + "/events";
        boost::asio::co_spawn(ioc_, net::cancellation_as_values(sim::run_watcher(*watcher_)),
                              boost::asio::bind_cancellation_slot(stop_watcher_.slot(), [this](std::exception_ptr) {
                                  watcher_done_ = true;
                              }));
        watcher_running_ = true;
    }

    void TearDown() override {
        if (feeds_) {
            bool stopped = false;
            boost::asio::co_spawn(ioc_, feeds_->stop(), [&stopped](std::exception_ptr) { stopped = true; });
            EXPECT_TRUE(pump_until([&] { return stopped; }, std::chrono::seconds(15))) << "the feeds did not end";
        }
        if (watcher_running_) {
            stop_watcher_.emit(boost::asio::cancellation_type::terminal);
            EXPECT_TRUE(pump_until([&] { return watcher_done_; }, std::chrono::seconds(10)));
        }
        if (watcher_host_) watcher_host_->stop();
        OpsTest::TearDown();  // the scheduler (which asks the feeds whether they are healthy) ends first
        feeds_.reset();
        watcher_host_.reset();
        watcher_.reset();
    }

    // Builds the service from cfg_ as run_command does and starts it: the feeds, then the loop.
    void start_with_feeds() {
        start_service();
        // run's start-up check finds which Vibe generation answers: one known to have no /events
        // gets no Vibe feed.
        auto generation = run_async(ioc_, rt_->context().vibe.detect_generation());
        ASSERT_TRUE(generation) << generation.error().describe();
        ASSERT_NO_FATAL_FAILURE(start_ops());
        auto feeds = service::feeds_for(*loop_, *rt_, cfg_);
        ASSERT_TRUE(feeds) << feeds.error().describe();
        feeds_ = std::move(*feeds);
        ops_->attach_feeds(feeds_.get());
        start_loop(service::run_with_feeds(*loop_, *feeds_));
    }

    // One feed's counters ("vibe" | "huly"); all zero when there is no such feed.
    [[nodiscard]] net::feed_stats feed(const std::string& name) const {
        if (feeds_) {
            for (const auto& view : feeds_->views()) {
                if (view.name == name) return view.stats;
            }
        }
        return {};
    }

    // The start-up is over: both feeds are connected, and no cycle ran or was running for `quiet` —
    // longer than a change's way through the watcher's poll and the debounce, so what start-up
    // wrote has echoed back and been synced.
    bool wait_until_settled(clock::duration quiet = std::chrono::milliseconds(1500)) {
        if (!pump_until([&] { return feed("vibe").connected && feed("huly").connected; })) return false;
        auto cycles = cycles_recorded();
        auto since = clock::now();
        return pump_until([&] {
            if (status_.running || cycles_recorded() != cycles || status_.full_polls == 0) {
                cycles = cycles_recorded();
                since = clock::now();
                return false;
            }
            return clock::now() - since >= quiet;
        });
    }

    // Waits until `converged`, then until the cycle that got there has ended and been counted.
    bool wait_until_converged(const std::function<bool()>& converged, clock::duration limit = std::chrono::seconds(30)) {
        return pump_until(converged, limit) && pump_until([&] { return !status_.running; });
    }

    // Makes a Huly change just after a watcher poll, in a later millisecond: a change stamped in the
    // very millisecond a poll began is never reported (modifiedOn > lastChecked, as upstream).
    template <class Change>
    void change_huly_between_polls(Change make) {
        const auto polls = watcher_->stats().checks_performed;
        ASSERT_TRUE(pump_until([&] { return watcher_->stats().checks_performed > polls; }));
        const auto polled_by = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
        ASSERT_TRUE(pump_until([&] { return std::chrono::system_clock::now() >= polled_by + std::chrono::milliseconds(1); }));
        make();
    }

    // The Vibe task carrying `issue`'s marker, as the Vibe simulator holds it.
    [[nodiscard]] std::optional<boost::json::object> simulated_task_for(const std::string& issue) const {
        const auto state = vibe_.state();
        for (const auto& project : state.at("projects").as_array()) {
            for (const auto& task : project.at("tasks").as_array()) {
                const auto& description = task.at("description");
                if (description.is_string() && sync::marker_issue_id(description.as_string()) == issue) {
                    return task.as_object();
                }
            }
        }
        return std::nullopt;
    }
    [[nodiscard]] std::string simulated_task_field(const std::string& issue, const std::string& field) const {
        auto task = simulated_task_for(issue);
        return task ? std::string(task->at(field).as_string()) : std::string();
    }
    [[nodiscard]] std::string simulated_task_id(const std::string& issue) const {
        return simulated_task_field(issue, "id");
    }
    [[nodiscard]] std::string huly_field(const std::string& issue, const std::string& field) const {
        auto found = huly_.issue(issue);
        return found && found->at(field).is_string() ? std::string(found->at(field).as_string()) : std::string();
    }

    std::unique_ptr<sim::huly_watcher_simulator> watcher_;
    std::unique_ptr<sim::host> watcher_host_;
    std::unique_ptr<service::change_feeds> feeds_;
    boost::asio::cancellation_signal stop_watcher_;
    bool watcher_running_ = false;
    bool watcher_done_ = false;
};

}  // namespace hvs::test
