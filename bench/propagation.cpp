// S8 propagation (the specification's performance page, S8; issue 16): 100 projects x 10 issues,
// already linked, and the service wired as `run` wires it (src/app/sync_commands.cpp): runtime,
// scheduler and change feeds — Vibe's /api/events and huly-change-watcher's /events, the watcher
// polling the Huly simulator every --watcher-poll-ms (default 1 s) — with SYNC_INTERVAL_WITH_EVENTS
// and CHANGE_DEBOUNCE at their defaults. Once the first sync has settled:
//   * idle: the upstream requests of one full poll of the idle workspace (triggered as POST
//     /api/sync does) and of a window of W seconds with the feeds on and nothing changing. An hour
//     is not waited for: it is extrapolated from these measured parts, feeds on =
//     3600 / (SYNC_INTERVAL_WITH_EVENTS + cycle) x poll + window x 3600 / W (the service's pause
//     runs from a poll's end), against polling every 30 s = 3600 / 30 s x poll (a poll starting every
//     30 s; the JSON also gives SYNC_INTERVAL=30 s's 3600 / (30 s + cycle) x poll, whose ratio is
//     just above 1/20 with the default SYNC_INTERVAL_WITH_EVENTS of 10 min);
//   * edits: N single edits (seeded), after random gaps of 0-500 ms, each a Vibe status change or a
//     Huly title or status change of a random pair that is not being propagated already; for each,
//     the time from the edit to the write on the other side: the written Huly issue's modifiedOn
//     (exact to the millisecond), or for Vibe, whose API never moves updated_at, the first look at
//     the task that shows the value (every 2 ms, on the simulators' thread).
// Targets (printed PASS/FAIL, not part of the exit status): Vibe→Huly p99 ≤ 1 s; Huly→Vibe p99 ≤
// 1 s + the watcher's poll interval; idle requests ≤ 1/20 of polling every 30 s. What makes the
// state wrong: an edit that never arrived, or both sides not converged at the end.

#include "burst_edits.hpp"
#include "scenario.hpp"
#include "workspace.hpp"

#include "hvs/net/async.hpp"
#include "hvs/service/feed_driven.hpp"
#include "hvs/service/scheduler.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <future>
#include <iostream>
#include <numeric>
#include <random>
#include <stdexcept>
#include <thread>

namespace hvs::bench {
namespace {

namespace json = boost::json;
using sys_clock = std::chrono::system_clock;
using steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr unsigned propagation_issues = 10;          // per project
constexpr milliseconds propagation_max_gap{500};      // between two edits: uniform in 0..this
constexpr milliseconds arrival_check_period{2};
constexpr std::uint32_t propagation_seed = 16;
constexpr double compared_polling_seconds = 30;
constexpr double idle_ratio_target = 1.0 / 20;
constexpr double propagation_target_seconds = 1;

// The statuses the edits cycle through, as each side names them.
const std::array<status_value, 3> edited_statuses{{{"Todo", "todo"}, {"In Progress", "inprogress"}, {"Done", "done"}}};

enum class edit_origin { vibe, huly };  // where the edit is made; it must reach the other side
enum class edited_field { status, title };

struct planned_edit {
    milliseconds gap{0};  // after the previous edit was made
    edit_origin origin = edit_origin::vibe;
    edited_field field = edited_field::status;
    std::size_t pair = 0;  // index of the linked pair
};

// N edits from `seed`: half made in Vibe (a status), half in Huly (a title or a status), each on a
// pair drawn without repetition until every pair had one.
std::vector<planned_edit> plan_edits(std::uint32_t seed, unsigned count, std::size_t pairs) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> gap_ms(0, static_cast<int>(propagation_max_gap.count()));
    std::bernoulli_distribution coin(0.5);
    std::vector<std::size_t> order(pairs);
    std::vector<planned_edit> plan;
    for (unsigned i = 0; i < count; ++i) {
        if (i % pairs == 0) {
            std::iota(order.begin(), order.end(), std::size_t{0});
            std::shuffle(order.begin(), order.end(), rng);
        }
        planned_edit e;
        e.gap = milliseconds(gap_ms(rng));
        e.origin = coin(rng) ? edit_origin::vibe : edit_origin::huly;
        e.field = e.origin == edit_origin::huly && coin(rng) ? edited_field::title : edited_field::status;
        e.pair = order[i % pairs];
        plan.push_back(e);
    }
    return plan;
}

std::int64_t epoch_ms(sys_clock::time_point t) {
    return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}
std::int64_t epoch_us(sys_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

const status_value& status_after(const status_value& current) {
    for (std::size_t i = 0; i < edited_statuses.size(); ++i) {
        if (edited_statuses[i].vibe == current.vibe) return edited_statuses[(i + 1) % edited_statuses.size()];
    }
    return edited_statuses.front();
}

struct latency_summary {
    std::size_t count = 0;
    double p50 = 0, p99 = 0, max = 0;  // seconds
};

// Nearest-rank percentiles.
latency_summary summarize(std::vector<double> seconds) {
    latency_summary s;
    s.count = seconds.size();
    if (seconds.empty()) return s;
    std::sort(seconds.begin(), seconds.end());
    auto rank = [&](double q) {
        auto r = static_cast<std::size_t>(std::ceil(q * static_cast<double>(seconds.size())));
        return seconds[std::clamp<std::size_t>(r, 1, seconds.size()) - 1];
    };
    s.p50 = rank(0.50);
    s.p99 = rank(0.99);
    s.max = seconds.back();
    return s;
}

json::object summary_json(const latency_summary& s, double minus = 0) {
    return {{"edits", s.count}, {"p50_seconds", s.p50 - minus}, {"p99_seconds", s.p99 - minus}, {"max_seconds", s.max - minus}};
}

// The service as `run` wires it (runtime, scheduler, change feeds; no ops server: it sends no
// upstream request), on its own thread, on the workspace's io_context.
class feeds_service {
public:
    struct snapshot {
        bool feeds_connected = false;
        bool running = false;
        std::uint64_t full_polls = 0, change_syncs = 0, project_failures = 0;
        double last_cycle_seconds = 0;
        [[nodiscard]] std::uint64_t cycles() const { return full_polls + change_syncs; }
    };

    explicit feeds_service(workspace& w) : w_(w), rt_(w.make_runtime()) {
        loop_ = std::make_unique<service::scheduler>(*rt_, service::schedule_of(w.cfg), status_);
        auto feeds = service::feeds_for(*loop_, *rt_, w.cfg);
        if (!feeds) throw std::runtime_error("S8: the change feeds cannot start: " + feeds.error().describe());
        feeds_ = std::move(*feeds);
        boost::asio::co_spawn(w.ioc, net::cancellation_as_values(service::run_with_feeds(*loop_, *feeds_)),
                              [this](std::exception_ptr, int) { served_ = true; });
        thread_ = std::thread([this] {
            while (!served_) w_.ioc.run_one();
        });
    }
    ~feeds_service() { stop(); }
    feeds_service(const feeds_service&) = delete;
    feeds_service& operator=(const feeds_service&) = delete;

    [[nodiscard]] snapshot now() {
        return on_service([this] {
            return snapshot{feeds_->both_sides_connected(), status_.running, status_.full_polls,
                            status_.change_syncs, status_.project_failures, status_.last_cycle_seconds};
        });
    }
    void trigger_full_poll() {
        on_service([this] {
            loop_->trigger();
            return 0;
        });
    }
    // The scheduler's own propagation histogram (change → the sync that wrote it): count and mean.
    [[nodiscard]] json::object own_propagation() {
        return on_service([this] {
            const auto n = status_.propagation.count();
            return json::object{{"count", n}, {"mean_seconds", n > 0 ? status_.propagation.sum / static_cast<double>(n) : 0.0}};
        });
    }
    // Stops the scheduler (in-flight work gets its grace) and the feeds; returns once they ended.
    void stop() {
        if (!thread_.joinable()) return;
        boost::asio::post(w_.ioc, [this] { loop_->stop(); });
        thread_.join();
        w_.ioc.restart();
        w_.ioc.run_for(milliseconds(20));  // let closed connections finish
    }

private:
    template <class F>
    auto on_service(F fn) -> decltype(fn()) {
        std::promise<decltype(fn())> answer;
        boost::asio::post(w_.ioc, [&] { answer.set_value(fn()); });
        return answer.get_future().get();
    }
    workspace& w_;
    std::unique_ptr<service::runtime> rt_;
    service::service_status status_;
    std::unique_ptr<service::scheduler> loop_;
    std::unique_ptr<service::change_feeds> feeds_;
    bool served_ = false;  // on the service's thread only
    std::thread thread_;
};

// Waits until both feeds are connected, a full poll has ended and no cycle ran for `quiet`.
void wait_settled(feeds_service& service, milliseconds quiet, std::chrono::seconds limit) {
    const auto give_up = steady::now() + limit;
    auto last_change = steady::now();
    std::uint64_t cycles_seen = 0;
    for (;;) {
        const auto s = service.now();
        const auto now = steady::now();
        if (s.cycles() != cycles_seen || s.running) {
            cycles_seen = s.cycles();
            last_change = now;
        }
        if (s.feeds_connected && s.full_polls > 0 && !s.running && now - last_change >= quiet) return;
        if (now > give_up) throw std::runtime_error("S8: the first sync did not settle (feeds connected: " +
                                                    std::string(s.feeds_connected ? "yes" : "no") + ")");
        std::this_thread::sleep_for(milliseconds(20));
    }
}

// One linked pair: the Huly issue, its Vibe task and its number in the project.
struct linked_pair {
    std::string issue_id, task_id;
    unsigned number = 0;
};

// An edit made and not yet written on the other side.
struct edit_in_flight {
    std::size_t pair = 0;
    edit_origin origin = edit_origin::vibe;
    edited_field field = edited_field::status;
    std::string want;  // what the other side must show
    sys_clock::time_point made;
};

class edit_driver {
public:
    // `watcher_polls`: when each of the watcher's polls began (ms since the epoch), appended on the
    // simulators' thread.
    edit_driver(workspace& w, unsigned projects, std::shared_ptr<const std::vector<std::int64_t>> watcher_polls)
        : w_(w), watcher_polls_(std::move(watcher_polls)), expected_(unchanged("E", projects, propagation_issues)) {
        std::map<std::string, std::string> task_of;
        w.on_simulators([&] { task_of = task_ids_by_issue(w.vibe); });
        for (unsigned p = 0; p < projects; ++p) {
            for (unsigned n = 1; n <= propagation_issues; ++n) {
                const std::string id = "E" + std::to_string(p) + "-" + std::to_string(n);
                pairs_.push_back({id, task_of.at(id), n});
            }
        }
        busy_.assign(pairs_.size(), false);
    }

    [[nodiscard]] std::size_t pairs() const { return pairs_.size(); }
    [[nodiscard]] const std::string& issue_of(std::size_t pair) const { return pairs_.at(pair).issue_id; }

    // Makes the plan's edits at their moments and waits for each to arrive; gives up when one has
    // not arrived `patience` after it was made.
    void run(const std::vector<planned_edit>& plan, milliseconds patience) {
        auto due = steady::now() + (plan.empty() ? milliseconds(0) : plan.front().gap);
        while (made_ < plan.size() || !flight_.empty()) {
            const bool make = made_ < plan.size() && steady::now() >= due && !busy_[plan[made_].pair];
            bool overdue = false;
            w_.on_simulators([&] {
                if (make) make_edit(plan[made_], made_);
                collect_arrivals();
                overdue = !flight_.empty() && sys_clock::now() - flight_.front().made > patience;
            });
            if (overdue) break;
            if (make && ++made_ < plan.size()) due = steady::now() + plan[made_].gap;
            auto wake = steady::now() + arrival_check_period;
            if (made_ < plan.size()) wake = std::min(wake, due);
            std::this_thread::sleep_until(wake);
        }
    }

    [[nodiscard]] std::size_t made() const { return made_; }
    [[nodiscard]] const std::vector<double>& latencies(edit_origin origin) const {
        return origin == edit_origin::vibe ? vibe_to_huly_ : huly_to_vibe_;
    }
    // Huly→Vibe: from the beginning of the watcher's poll that reported the edit to the write.
    [[nodiscard]] const std::vector<double>& after_watcher_poll() const { return after_watcher_poll_; }
    [[nodiscard]] const std::vector<edit_in_flight>& missing() const { return flight_; }
    [[nodiscard]] const std::map<std::string, expectation>& expected() const { return expected_; }

private:
    // On the simulators' thread.
    void make_edit(const planned_edit& plan, std::size_t index) {
        const auto& pair = pairs_[plan.pair];
        auto& expect = expected_.at(pair.issue_id);
        edit_in_flight e{plan.pair, plan.origin, plan.field, {}, {}};
        if (plan.origin == edit_origin::vibe) {
            const status_value next = status_after(expect.status);
            e.made = sys_clock::now();
            w_.vibe.move_task(pair.task_id, next.vibe);
            e.want = next.huly;
            expect.status = next;
        } else {
            // The watcher reports what changed after its previous poll began (modifiedOn >
            // lastChecked): an edit stamped in the millisecond a poll began, after it, is never
            // reported (upstream behaviour, huly_watcher_simulator.hpp). The edit steps off it.
            while (!watcher_polls_->empty() && epoch_ms(sys_clock::now()) <= watcher_polls_->back()) {
            }
            e.made = sys_clock::now();
            if (plan.field == edited_field::title) {
                e.want = "Issue " + std::to_string(pair.number) + " (edit " + std::to_string(index + 1) + ")";
                w_.huly.edit_issue(pair.issue_id, "title", json::value(e.want));
                expect.title = e.want;
            } else {
                const status_value next = status_after(expect.status);
                w_.huly.edit_issue(pair.issue_id, "status", json::value(next.huly));
                e.want = next.vibe;
                expect.status = next;
            }
        }
        busy_[plan.pair] = true;
        flight_.push_back(std::move(e));
    }

    // On the simulators' thread: the edits whose write reached the other side.
    void collect_arrivals() {
        std::erase_if(flight_, [this](const edit_in_flight& e) {
            const auto& pair = pairs_[e.pair];
            std::optional<double> seconds;
            if (e.origin == edit_origin::vibe) {
                auto issue = w_.huly.issue(pair.issue_id);
                if (issue && issue->at("status").as_string() == e.want) {
                    const auto written_ms = issue->at("modifiedOn").to_number<std::int64_t>();
                    seconds = std::max(0.0, (static_cast<double>(written_ms) * 1000 - static_cast<double>(epoch_us(e.made))) / 1e6);
                }
            } else {
                auto task = w_.vibe.task(pair.task_id);
                const char* key = e.field == edited_field::title ? "title" : "status";
                if (task && task->at(key).is_string() && task->at(key).as_string() == e.want) {
                    seconds = std::chrono::duration<double>(sys_clock::now() - e.made).count();
                    // The poll that reported it: the first to begin at or after the edit's millisecond.
                    auto poll = std::lower_bound(watcher_polls_->begin(), watcher_polls_->end(), epoch_ms(e.made));
                    if (poll != watcher_polls_->end()) {
                        const double waited = (static_cast<double>(*poll) - static_cast<double>(epoch_us(e.made)) / 1000) / 1000;
                        after_watcher_poll_.push_back(*seconds - std::max(0.0, waited));
                    }
                }
            }
            if (!seconds) return false;
            (e.origin == edit_origin::vibe ? vibe_to_huly_ : huly_to_vibe_).push_back(*seconds);
            busy_[e.pair] = false;
            return true;
        });
    }

    workspace& w_;
    std::shared_ptr<const std::vector<std::int64_t>> watcher_polls_;
    std::map<std::string, expectation> expected_;
    std::vector<linked_pair> pairs_;
    std::vector<bool> busy_;
    std::vector<edit_in_flight> flight_;
    std::vector<double> vibe_to_huly_, huly_to_vibe_, after_watcher_poll_;
    std::size_t made_ = 0;
};

// The requests every host admitted since the last reset_counts(), and their sum.
json::object requests_since_reset(workspace& w, std::uint64_t& total) {
    json::object upstreams;
    total = 0;
    w.on_simulators([&] { upstreams = w.upstream_requests(&total); });
    return upstreams;
}

// `complete`: every edit it measures arrived (else it is not met, whatever the figure).
json::object target(const std::string& name, double measured, double limit, bool complete, std::vector<std::string>& lines) {
    const bool met = complete && measured <= limit;
    char text[256];
    std::snprintf(text, sizeof text, "S8 propagation: %s: %.4g (target <= %.4g)%s: %s", name.c_str(), measured, limit,
                  complete ? "" : ", and some edits never arrived", met ? "PASS" : "FAIL");
    lines.emplace_back(text);
    return {{"target", name}, {"measured", measured}, {"limit", limit}, {"result", met ? "PASS" : "FAIL"}};
}

}  // namespace

figures propagation(const run_settings& run) {
    const unsigned projects = run.scaled(100);
    const unsigned edits = run.propagation.edits.value_or(run.scaled(200));
    const double window_seconds = run.propagation.idle_window_seconds.value_or(std::max(2.0, 20 * run.scale));
    const milliseconds watcher_poll(run.propagation.watcher_poll_ms);
    const unsigned latency_ms = 5;
    workspace w({latency_ms}, {latency_ms}, {});
    seed_linked_projects(w, "E", projects, propagation_issues);
    // The watcher's clock notes when its last poll began (it reads the clock then and only then).
    auto watcher_polls = std::make_shared<std::vector<std::int64_t>>();
    sim::huly_watcher_options watching;
    watching.clock = [watcher_polls] {
        const auto now = sys_clock::now();
        watcher_polls->push_back(epoch_ms(now));
        return now;
    };
    w.add_huly_watcher(watcher_poll, watching);
    w.start_simulators();

    figures f;
    f.scenario = "S8 propagation";
    f.parameters = {{"projects", projects},
                    {"issues_per_project", propagation_issues},
                    {"edits", edits},
                    {"seed", propagation_seed},
                    {"max_gap_ms", propagation_max_gap.count()},
                    {"watcher_poll_ms", watcher_poll.count()},
                    {"idle_window_seconds", window_seconds},
                    {"latency_ms", latency_ms},
                    {"sync_interval_with_events_ms", w.cfg.sync_interval_with_events.count()},
                    {"change_debounce_ms", w.cfg.change_debounce.count()},
                    {"workers", w.cfg.max_workers}};

    feeds_service service(w);
    const auto setup_began = steady::now();
    wait_settled(service, milliseconds(1500), std::chrono::seconds(120));
    f.extra["settled_seconds"] = std::chrono::duration<double>(steady::now() - setup_began).count();

    // (b) An idle window with the feeds on: the streams stay open, nothing else should be asked.
    w.reset_counts();
    const auto before_window = service.now();
    std::this_thread::sleep_for(std::chrono::duration<double>(window_seconds));  // the window measured, not a wait for a state
    std::uint64_t window_requests = 0;
    auto window_upstreams = requests_since_reset(w, window_requests);
    const auto after_window = service.now();

    // (a) One full poll of the idle workspace.
    w.reset_counts();
    service.trigger_full_poll();
    const auto poll_deadline = steady::now() + std::chrono::seconds(120);
    feeds_service::snapshot polled;
    do {
        std::this_thread::sleep_for(milliseconds(5));
        polled = service.now();
        if (steady::now() > poll_deadline) throw std::runtime_error("S8: the idle full poll did not end");
    } while (polled.full_polls <= after_window.full_polls || polled.running);
    std::uint64_t poll_requests = 0;
    auto poll_upstreams = requests_since_reset(w, poll_requests);
    const double cycle_seconds = polled.last_cycle_seconds;

    const double with_events_seconds = static_cast<double>(w.cfg.sync_interval_with_events.count()) / 1000;
    const double feeds_on_per_hour = 3600 / (with_events_seconds + cycle_seconds) * static_cast<double>(poll_requests) +
                                     static_cast<double>(window_requests) * 3600 / window_seconds;
    const double polling_per_hour = 3600 / compared_polling_seconds * static_cast<double>(poll_requests);
    const double interval_30s_per_hour =
        3600 / (compared_polling_seconds + cycle_seconds) * static_cast<double>(poll_requests);
    const double idle_ratio = polling_per_hour > 0 ? feeds_on_per_hour / polling_per_hour : 0;
    f.extra["idle_hour"] = json::object{
        {"note", "an extrapolation from measured parts (one idle full poll, one idle window); an hour is not waited for"},
        {"full_poll", json::object{{"requests", poll_requests}, {"cycle_seconds", cycle_seconds}, {"upstreams", poll_upstreams}}},
        {"window", json::object{{"seconds", window_seconds},
                                {"requests", window_requests},
                                {"cycles", after_window.cycles() - before_window.cycles()},
                                {"upstreams", window_upstreams}}},
        {"feeds_on_requests_per_hour", feeds_on_per_hour},
        {"feeds_on_formula", "3600 / (SYNC_INTERVAL_WITH_EVENTS + cycle) x full_poll + window x 3600 / W"},
        {"polling_30s_requests_per_hour", polling_per_hour},
        {"polling_30s_formula", "3600 / 30 s x full_poll (a poll starting every 30 s)"},
        {"ratio", idle_ratio},
        {"sync_interval_30s_requests_per_hour", interval_30s_per_hour},
        {"sync_interval_30s_formula", "3600 / (30 s + cycle) x full_poll (the pause from a poll's end)"},
        {"ratio_to_sync_interval_30s", interval_30s_per_hour > 0 ? feeds_on_per_hour / interval_30s_per_hour : 0}};

    // The edits.
    edit_driver driver(w, projects, watcher_polls);
    const auto plan = plan_edits(propagation_seed, edits, driver.pairs());
    w.reset_counts();
    const auto before_edits = service.now();
    const stopwatch watch;
    driver.run(plan, milliseconds(10'000) + watcher_poll);  // a propagation takes ~1 s + the poll
    watch.record(f);
    const auto after_edits = service.now();
    f.extra["scheduler_propagation"] = service.own_propagation();
    service.stop();
    w.stop_simulators();
    w.report_requests(f);

    const auto vibe_to_huly = summarize(driver.latencies(edit_origin::vibe));
    const auto huly_to_vibe = summarize(driver.latencies(edit_origin::huly));
    const double poll_seconds = static_cast<double>(watcher_poll.count()) / 1000;
    auto huly_json = summary_json(huly_to_vibe);
    huly_json["minus_watcher_poll"] = summary_json(huly_to_vibe, poll_seconds);
    // Where the time goes: the wait for the watcher's next poll (0 to its interval), then the rest.
    huly_json["from_the_watcher_poll"] = summary_json(summarize(driver.after_watcher_poll()));
    f.extra["propagation"] = json::object{
        {"vibe_to_huly", summary_json(vibe_to_huly)},
        {"huly_to_vibe", std::move(huly_json)},
        {"arrived", vibe_to_huly.count + huly_to_vibe.count},
        {"made", driver.made()},
        {"missing", driver.missing().size()},
        {"measured_by", "Vibe->Huly: the written issue's modifiedOn - the edit's time (ms); Huly->Vibe: the first "
                        "look at the task (every 2 ms) that shows the value - the edit's time"}};
    f.extra["cycles_during_edits"] = json::object{{"full_polls", after_edits.full_polls - before_edits.full_polls},
                                                  {"change_syncs", after_edits.change_syncs - before_edits.change_syncs}};

    std::vector<std::string> lines;
    json::array targets;
    auto all_arrived = [&](edit_origin origin) {
        return std::none_of(driver.missing().begin(), driver.missing().end(),
                            [origin](const edit_in_flight& e) { return e.origin == origin; }) &&
               driver.made() == plan.size();
    };
    targets.push_back(target("Vibe->Huly p99 seconds", vibe_to_huly.p99, propagation_target_seconds,
                             all_arrived(edit_origin::vibe), lines));
    targets.push_back(target("Huly->Vibe p99 seconds", huly_to_vibe.p99, propagation_target_seconds + poll_seconds,
                             all_arrived(edit_origin::huly), lines));
    targets.push_back(target("idle requests, feeds on / polling every 30 s (extrapolated to an hour)", idle_ratio,
                             idle_ratio_target, true, lines));
    f.extra["targets"] = std::move(targets);
    for (const auto& line : lines) std::cerr << "hvs-bench: " << line << std::endl;

    f.errors = after_edits.project_failures;
    for (const auto& e : driver.missing()) {
        f.wrong.push_back(std::string(e.origin == edit_origin::vibe ? "Vibe" : "Huly") + " edit of " + driver.issue_of(e.pair) +
                          " never reached the other side (wanted '" + e.want + "')");
    }
    if (vibe_to_huly.count + huly_to_vibe.count != edits) {
        f.wrong.push_back(std::to_string(driver.made()) + " of " + std::to_string(edits) + " edits made, " +
                          std::to_string(vibe_to_huly.count + huly_to_vibe.count) + " arrived");
    }
    check_converged(w, driver.expected(), f);
    f.checked = true;
    return f;
}

}  // namespace hvs::bench
