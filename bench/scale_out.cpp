// S7 scale-out (docs/performance.md): 3 replicas share one PostgreSQL store and 1,000 projects x 20
// issues through leases (LEASE_TTL 5 s: short, so that the takeover is measured in seconds). Each
// replica is a runtime of its own (replica.hpp) talking to the simulators through its own hosts,
// so its requests are counted apart. Phases, each reported:
// (a) first sync of a linked workspace (as S2 and S3 seed it) until every replica holds its share
//     (rendezvous hashing over the live replicas: the one that announces itself first may take
//     everything, and hands the others' shares back at its next cycle), rounds of one cycle each;
// (b) one idle cycle of every replica at once: each one's share, requests per upstream, duration;
// (c) a change burst as in S3 (10 % of the issues changed in Huly, 10 % in Vibe, 2 % on both), one
//     cycle of every replica at once: exactly the necessary writes, both sides converged;
// (d) replica r1 crashes between cycles (its runtime destroyed without releasing its leases) and
//     one issue of each of its projects is edited in Huly; the survivors cycle every second
//     (SYNC_INTERVAL 1 s) until they have synced every one of its projects: the takeover time,
//     with the leases table read to confirm that survivors hold them all;
// (e) for comparison, the same idle cycle by one replica alone (after the survivors' graceful stop).
// Final state: one task per issue, every edit arrived; exit 1 otherwise.

#include "burst_edits.hpp"
#include "replica.hpp"
#include "scenario.hpp"
#include "workspace.hpp"

#include "support/postgres.hpp"  // test/support: the fresh database, on the tests' server or a private one

#include "hvs/store/leases.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace hvs::bench {
namespace {

namespace json = boost::json;
using steady = std::chrono::steady_clock;

constexpr unsigned scale_out_replicas = 3;
constexpr std::chrono::milliseconds scale_out_lease_ttl{5'000};
constexpr std::chrono::milliseconds survivors_interval{1'000};  // the survivors' SYNC_INTERVAL
constexpr unsigned max_settling_rounds = 10;
const std::string scale_out_prefix = "S";

double seconds_between(steady::time_point from, steady::time_point to) {
    return std::chrono::duration<double>(to - from).count();
}

// One cycle of each replica at once; waits for every one before reporting a failure.
std::vector<timed_cycle> cycle_together(const std::vector<replica*>& replicas) {
    std::vector<std::future<timed_cycle>> running;
    for (auto* r : replicas) running.push_back(r->start_cycle());
    for (auto& cycle : running) cycle.wait();
    std::vector<timed_cycle> out;
    for (auto& cycle : running) out.push_back(cycle.get());
    return out;
}

// The fresh database of this run, on --database-url's server or else on the tests' (started for
// this process when HVS_TEST_POSTGRES_URL is unset).
std::string fresh_scale_out_database(const run_settings& run) {
    return run.database_url.empty() ? test::fresh_postgres_database() : test::fresh_postgres_database(run.database_url);
}

// Who holds each project's lease now (unexpired leases only), by project.
std::map<std::string, std::string> project_holders(store::database& db) {
    auto rows = store::list_leases(db);
    if (!rows) throw std::runtime_error("reading the leases table: " + rows.error().describe());
    const std::string prefix = store::project_lease("");
    std::map<std::string, std::string> holders;
    for (const auto& row : *rows) {
        if (row.valid && row.name.starts_with(prefix)) holders[row.name.substr(prefix.size())] = row.holder;
    }
    return holders;
}

// Requests and writes one replica's entrance admitted, per upstream.
struct tally {
    std::uint64_t huly = 0, vibe = 0, huly_writes = 0, vibe_writes = 0;
    [[nodiscard]] std::uint64_t requests() const { return huly + vibe; }
    [[nodiscard]] std::uint64_t writes() const { return huly_writes + vibe_writes; }
    [[nodiscard]] json::object to_json() const {
        return {{"requests", json::object{{"huly", huly}, {"vibe", vibe}}},
                {"writes", json::object{{"huly", huly_writes}, {"vibe", vibe_writes}}}};
    }
};

// Each entrance's tally (entrances 0 … count-1), read on the simulators' thread.
std::vector<tally> tallies(workspace& w, std::size_t count) {
    std::vector<tally> out(count);
    w.on_simulators([&] {
        for (std::size_t i = 0; i < count; ++i) {
            const auto entrance = w.entrance_requests(i);
            const auto& huly = entrance.at("huly").as_object();
            const auto& vibe = entrance.at("vibe").as_object();
            out[i] = {huly.at("requests").to_number<std::uint64_t>(), vibe.at("requests").to_number<std::uint64_t>(),
                      huly.at("writes").to_number<std::uint64_t>(), vibe.at("writes").to_number<std::uint64_t>()};
        }
    });
    return out;
}

tally sum_of(const std::vector<tally>& all) {
    tally total;
    for (const auto& t : all) {
        total.huly += t.huly;
        total.vibe += t.vibe;
        total.huly_writes += t.huly_writes;
        total.vibe_writes += t.vibe_writes;
    }
    return total;
}

// What every phase does with its cycles' outcomes: failed projects are errors, a cycle that could
// not read the world is a wrong result.
void note_cycles(const std::vector<replica*>& replicas, const std::vector<timed_cycle>& cycles, const char* phase,
                 figures& f) {
    for (std::size_t i = 0; i < cycles.size(); ++i) {
        const auto& outcome = cycles[i].outcome;
        f.errors += static_cast<std::uint64_t>(outcome.record.projects_failed);
        if (!outcome.error.empty()) {
            f.wrong.push_back(std::string(phase) + ": " + replicas[i]->id() + "'s cycle failed: " + outcome.error);
        }
    }
}

void check_state(workspace& w, const std::map<std::string, expectation>& expected, const char* phase, figures& f) {
    figures check;
    w.on_simulators([&] { check_converged(w, expected, check); });
    for (auto& problem : check.wrong) f.wrong.push_back(std::string(phase) + ": " + problem);
}

// The shares have settled when every replica sees all of them live, none waits for a project of its
// share that another still holds, and together they hold every project.
bool shares_settled(const std::vector<service::lease_share>& shares, std::size_t replicas, std::size_t projects) {
    std::size_t claimed = 0;
    for (const auto& share : shares) {
        if (share.held_elsewhere != 0 || share.live_replicas != replicas) return false;
        claimed += share.claimed;
    }
    return claimed == projects;
}

// The largest share's distance from an even split, as a fraction of it.
double share_spread(const std::vector<std::size_t>& claimed, std::size_t projects) {
    const double even = static_cast<double>(projects) / static_cast<double>(claimed.size());
    double spread = 0;
    for (auto n : claimed) spread = std::max(spread, std::abs(static_cast<double>(n) - even) / even);
    return spread;
}

// One run of S7: the workspace, the replicas, and what the phases found so far.
class scale_out_run {
public:
    explicit scale_out_run(const run_settings& run);
    figures measure();

private:
    void first_sync();
    void idle_cycle();
    void burst_cycle();
    void crash_and_take_over();
    void one_replica_alone();
    // Each entrance's requests in the phase just ended, added to the run's.
    std::vector<tally> count_phase();
    // One cycle of every replica at once, counted from zero: its cycles (each replica's requests
    // and cycle time also reported under `phase`), its wall time and the requests of all.
    struct round_figures {
        std::vector<timed_cycle> cycles;
        double seconds = 0;
        tally total;
    };
    round_figures measured_round(const char* phase);

    unsigned projects_, issues_;
    upstream_setup upstream_{5, 0, 1};  // L 5 ms as in S2, no rate cap
    workspace w_{upstream_, upstream_, {}};
    std::vector<core::config> configs_;  // the replicas', then that of the lone replica of phase (e)
    std::optional<store::database> leases_db_;
    std::vector<std::unique_ptr<replica>> owned_;
    std::vector<replica*> replicas_;
    figures f_;
    json::array per_replica_;
    std::map<std::string, expectation> expected_;  // where every pair must end
    std::uint64_t requests_ = 0;
    std::uint64_t idle_requests_ = 0;
};

scale_out_run::scale_out_run(const run_settings& run) : projects_(run.scaled(1000)), issues_(run.scaled(20)) {
    seed_linked_projects(w_, scale_out_prefix, projects_, issues_);
    expected_ = unchanged(scale_out_prefix, projects_, issues_);
    const std::string database = fresh_scale_out_database(run);
    for (unsigned i = 0; i <= scale_out_replicas; ++i) {
        core::config cfg = w_.add_entrance();
        cfg.database_url = database;
        cfg.replica_id = i < scale_out_replicas ? "r" + std::to_string(i + 1) : "alone";
        cfg.lease_ttl = scale_out_lease_ttl;
        configs_.push_back(std::move(cfg));
    }
    w_.start_simulators();
    auto db = store::database::open_postgres(database);
    if (!db) throw std::runtime_error("S7: cannot open the database: " + db.error().describe());
    leases_db_.emplace(std::move(*db));
    f_.scenario = "S7 scale-out";
    f_.parameters = {{"replicas", scale_out_replicas}, {"projects", projects_}, {"issues_per_project", issues_},
                     {"lease_ttl_ms", scale_out_lease_ttl.count()}, {"survivors_interval_ms", survivors_interval.count()},
                     {"latency_ms", upstream_.latency_ms}, {"workers", w_.cfg.max_workers},
                     {"connections", w_.cfg.vibe.connections}, {"store", "postgresql"}};
}

figures scale_out_run::measure() {
    const stopwatch watch;
    for (unsigned i = 0; i < scale_out_replicas; ++i) {
        owned_.push_back(std::make_unique<replica>(configs_[i]));
        replicas_.push_back(owned_.back().get());
        per_replica_.push_back(json::object{{"id", replicas_.back()->id()}});
    }
    first_sync();
    idle_cycle();
    burst_cycle();
    crash_and_take_over();
    one_replica_alone();
    watch.record(f_);
    f_.checked = true;
    f_.requests = requests_;
    f_.extra["replica_stats"] = std::move(per_replica_);
    return std::move(f_);
}

std::vector<tally> scale_out_run::count_phase() {
    auto all = tallies(w_, configs_.size());
    requests_ += sum_of(all).requests();
    return all;
}

scale_out_run::round_figures scale_out_run::measured_round(const char* phase) {
    w_.reset_counts();
    const auto started = steady::now();
    round_figures out;
    out.cycles = cycle_together(replicas_);
    out.seconds = seconds_between(started, steady::now());
    note_cycles(replicas_, out.cycles, phase, f_);
    const auto counted = count_phase();
    for (std::size_t i = 0; i < out.cycles.size(); ++i) {
        auto stats = counted[i].to_json();
        stats["seconds"] = out.cycles[i].seconds;
        per_replica_[i].as_object()[phase] = std::move(stats);
    }
    out.total = sum_of(counted);
    return out;
}

// (a) Rounds of one cycle of every replica until the shares have settled.
void scale_out_run::first_sync() {
    const auto started = steady::now();
    unsigned rounds = 0;
    bool settled = false;
    int tasks_created = 0;
    while (!settled && rounds < max_settling_rounds) {
        auto round = cycle_together(replicas_);
        ++rounds;
        note_cycles(replicas_, round, "first sync", f_);
        std::vector<service::lease_share> shares;
        for (std::size_t i = 0; i < replicas_.size(); ++i) {
            shares.push_back(replicas_[i]->share());
            tasks_created += round[i].outcome.record.tasks_created;
        }
        settled = shares_settled(shares, scale_out_replicas, projects_);
    }
    const double seconds = seconds_between(started, steady::now());
    if (!settled) f_.wrong.push_back("the shares had not settled after " + std::to_string(rounds) + " rounds");
    if (tasks_created != 0) f_.wrong.push_back("the first sync created " + std::to_string(tasks_created) + " tasks");
    check_state(w_, expected_, "first sync", f_);
    (void)count_phase();
    std::vector<std::size_t> claimed;
    for (std::size_t i = 0; i < replicas_.size(); ++i) {
        claimed.push_back(replicas_[i]->share().claimed);
        per_replica_[i].as_object()["share"] = claimed.back();
    }
    f_.extra["first_sync"] = json::object{{"seconds", seconds}, {"rounds", rounds}};
    f_.extra["share_spread"] = share_spread(claimed, projects_);
}

// (b) One idle cycle of every replica at once.
void scale_out_run::idle_cycle() {
    const auto [idle, seconds, total] = measured_round("idle");
    if (total.writes() != 0) f_.wrong.push_back(std::to_string(total.writes()) + " writes in the idle cycles");
    idle_requests_ = total.requests();
    f_.extra["idle"] = json::object{{"seconds", seconds}, {"requests", total.requests()}, {"writes", total.writes()}};
}

// (c) A change burst on both sides, one cycle of every replica at once: exactly the necessary writes.
void scale_out_run::burst_cycle() {
    burst edits;
    w_.on_simulators([&] { edits = apply_burst(w_, scale_out_prefix, projects_, issues_); });
    expected_ = edits.expected;
    const auto [round, seconds, total] = measured_round("burst");
    int conflicts = 0;
    for (const auto& cycle : round) conflicts += cycle.outcome.record.conflicts;
    if (total.vibe_writes != edits.total.vibe_puts) {
        f_.wrong.push_back("burst: " + std::to_string(total.vibe_writes) + " Vibe writes, necessary " +
                           std::to_string(edits.total.vibe_puts));
    }
    if (total.huly_writes != edits.huly_patches_needed) {
        f_.wrong.push_back("burst: " + std::to_string(total.huly_writes) + " Huly writes, necessary " +
                           std::to_string(edits.huly_patches_needed));
    }
    if (conflicts != static_cast<int>(edits.total.conflicts)) {
        f_.wrong.push_back("burst: " + std::to_string(conflicts) + " conflicts counted, expected " +
                           std::to_string(edits.total.conflicts));
    }
    check_state(w_, expected_, "burst", f_);
    f_.extra["burst"] = json::object{
        {"seconds", seconds},
        {"requests", total.requests()},
        {"writes", json::object{{"huly", total.huly_writes}, {"vibe", total.vibe_writes}}},
        {"necessary_writes",
         json::object{{"vibe_task_puts", edits.total.vibe_puts}, {"huly_issue_patches", edits.huly_patches_needed}}},
        {"conflicts", conflicts}};
}

// (d) r1 crashes; an issue of each of its projects changes in Huly; the survivors, cycling every
// survivors_interval, take its projects over once its leases have expired.
void scale_out_run::crash_and_take_over() {
    replica& victim = *replicas_.front();
    const std::vector<replica*> survivors(replicas_.begin() + 1, replicas_.end());
    std::set<std::string> orphaned;
    for (const auto& [project, holder] : project_holders(*leases_db_)) {
        if (holder == victim.id()) orphaned.insert(project);
    }
    if (orphaned.empty()) f_.wrong.push_back("takeover: " + victim.id() + " held no lease before its crash");
    w_.reset_counts();
    const auto crashed_at = steady::now();
    victim.crash();
    w_.on_simulators([&] {
        for (const auto& project : orphaned) {
            const std::string issue = project + "-1";
            expected_.at(issue).title = "Issue 1 (edited after " + victim.id() + " crashed)";
            w_.huly.edit_issue(issue, "title", json::value(expected_.at(issue).title));
        }
    });
    std::set<std::string> pending = orphaned;
    unsigned rounds = 0;
    double seconds = 0, last_cycle_seconds = 0;
    const auto give_up_at = crashed_at + scale_out_lease_ttl + std::chrono::seconds(120);
    while (!pending.empty() && steady::now() < give_up_at) {
        const auto round_started = steady::now();
        auto round = cycle_together(survivors);
        ++rounds;
        note_cycles(survivors, round, "takeover", f_);
        last_cycle_seconds = 0;
        for (const auto& cycle : round) {
            last_cycle_seconds = std::max(last_cycle_seconds, cycle.seconds);
            for (const auto& project : cycle.outcome.projects) {
                if (project.ok) pending.erase(project.project);
            }
        }
        seconds = seconds_between(crashed_at, steady::now());
        if (!pending.empty()) std::this_thread::sleep_until(round_started + survivors_interval);  // the schedule
    }
    if (!pending.empty()) {
        f_.wrong.push_back("takeover: " + std::to_string(pending.size()) + " of " + victim.id() +
                           "'s projects not synced by a survivor after " + std::to_string(seconds) + " s");
    }
    const auto holders = project_holders(*leases_db_);
    auto is_survivor = [&](const std::string& id) {
        return std::any_of(survivors.begin(), survivors.end(), [&](const replica* r) { return r->id() == id; });
    };
    for (const auto& project : orphaned) {
        auto holder = holders.find(project);
        if (holder == holders.end() || !is_survivor(holder->second)) {
            f_.wrong.push_back("takeover: " + project + "'s lease is not held by a survivor");
        }
    }
    const auto counted = count_phase();
    for (std::size_t i = 1; i < replicas_.size(); ++i) {
        auto stats = counted[i].to_json();
        stats["share"] = replicas_[i]->share().claimed;
        per_replica_[i].as_object()["after_takeover"] = std::move(stats);
    }
    check_state(w_, expected_, "takeover", f_);
    // The bound: the lease expires within LEASE_TTL, a survivor's next cycle starts within the
    // interval, and that cycle syncs the projects.
    const double bound =
        std::chrono::duration<double>(scale_out_lease_ttl + survivors_interval).count() + last_cycle_seconds;
    f_.extra["takeover"] = json::object{{"crashed", victim.id()},  {"projects", orphaned.size()},
                                        {"seconds", seconds},      {"rounds", rounds},
                                        {"bound_seconds", bound},  {"within_bound", seconds <= bound}};
}

// (e) The same idle cycle by one replica alone, after the survivors' graceful stop, for comparison.
void scale_out_run::one_replica_alone() {
    for (auto it = replicas_.begin() + 1; it != replicas_.end(); ++it) (*it)->stop();
    replica alone(configs_.back());
    w_.reset_counts();
    const auto cycle = cycle_together({&alone});
    note_cycles({&alone}, cycle, "one replica alone", f_);
    const tally total = sum_of(count_phase());
    if (alone.share().claimed != projects_) {
        f_.wrong.push_back("one replica alone claimed " + std::to_string(alone.share().claimed) + " of " +
                           std::to_string(projects_) + " projects");
    }
    if (total.writes() != 0) f_.wrong.push_back(std::to_string(total.writes()) + " writes by the lone replica");
    alone.stop();
    auto& idle = f_.extra["idle"].as_object();
    idle["one_replica_requests"] = total.requests();
    idle["one_replica_seconds"] = cycle.front().seconds;
    idle["over_one_replica"] =
        static_cast<double>(idle_requests_) / static_cast<double>(std::max<std::uint64_t>(1, total.requests()));
}

}  // namespace

figures scale_out(const run_settings& run) {
    scale_out_run s7(run);
    return s7.measure();
}

}  // namespace hvs::bench
