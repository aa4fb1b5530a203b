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
        if (!outcome.error.empty()) f.wrong.push_back(std::string(phase) + ": " + replicas[i]->id() + "'s cycle failed: " + outcome.error);
    }
}

void check_state(workspace& w, const std::map<std::string, expectation>& expected, const char* phase, figures& f) {
    figures check;
    w.on_simulators([&] { check_converged(w, expected, check); });
    for (auto& problem : check.wrong) f.wrong.push_back(std::string(phase) + ": " + problem);
}

}  // namespace

figures scale_out(const run_settings& run) {
    const unsigned projects = run.scaled(1000);
    const unsigned issues = run.scaled(20);
    const upstream_setup upstream{5, 0, 1};  // L 5 ms as in S2, no rate cap
    workspace w(upstream, upstream, {});
    seed_linked_projects(w, scale_out_prefix, projects, issues);
    const std::string database = fresh_scale_out_database(run);
    std::vector<core::config> configs;  // the replicas', then that of the lone replica of phase (e)
    for (unsigned i = 0; i <= scale_out_replicas; ++i) {
        core::config cfg = w.add_entrance();
        cfg.database_url = database;
        cfg.replica_id = i < scale_out_replicas ? "r" + std::to_string(i + 1) : "alone";
        cfg.lease_ttl = scale_out_lease_ttl;
        configs.push_back(std::move(cfg));
    }
    w.start_simulators();
    auto leases_db = store::database::open_postgres(database);
    if (!leases_db) throw std::runtime_error("S7: cannot open the database: " + leases_db.error().describe());

    figures f;
    f.scenario = "S7 scale-out";
    f.parameters = {{"replicas", scale_out_replicas}, {"projects", projects}, {"issues_per_project", issues},
                    {"lease_ttl_ms", scale_out_lease_ttl.count()}, {"survivors_interval_ms", survivors_interval.count()},
                    {"latency_ms", upstream.latency_ms}, {"workers", w.cfg.max_workers},
                    {"connections", w.cfg.vibe.connections}, {"store", "postgresql"}};
    const stopwatch watch;
    std::vector<std::unique_ptr<replica>> owned;
    std::vector<replica*> replicas;
    for (unsigned i = 0; i < scale_out_replicas; ++i) {
        owned.push_back(std::make_unique<replica>(configs[i]));
        replicas.push_back(owned.back().get());
    }
    json::array per_replica;
    for (auto* r : replicas) per_replica.push_back(json::object{{"id", r->id()}});

    // (a) First sync: rounds until the shares have settled.
    const auto first_started = steady::now();
    unsigned first_rounds = 0;
    bool settled = false;
    int tasks_created = 0;
    while (!settled && first_rounds < max_settling_rounds) {
        auto round = cycle_together(replicas);
        ++first_rounds;
        note_cycles(replicas, round, "first sync", f);
        std::size_t claimed = 0;
        settled = true;
        for (std::size_t i = 0; i < replicas.size(); ++i) {
            const auto share = replicas[i]->share();
            claimed += share.claimed;
            settled = settled && share.held_elsewhere == 0 && share.live_replicas == scale_out_replicas;
            tasks_created += round[i].outcome.record.tasks_created;
        }
        settled = settled && claimed == projects;
    }
    const double first_sync_seconds = seconds_between(first_started, steady::now());
    if (!settled) f.wrong.push_back("the shares had not settled after " + std::to_string(first_rounds) + " rounds");
    if (tasks_created != 0) f.wrong.push_back("the first sync created " + std::to_string(tasks_created) + " tasks");
    check_state(w, unchanged(scale_out_prefix, projects, issues), "first sync", f);
    std::uint64_t requests = sum_of(tallies(w, scale_out_replicas)).requests();
    f.extra["first_sync"] = json::object{{"seconds", first_sync_seconds}, {"rounds", first_rounds}};

    // (b) One idle cycle of every replica at once.
    std::vector<std::size_t> shares;
    for (std::size_t i = 0; i < replicas.size(); ++i) {
        shares.push_back(replicas[i]->share().claimed);
        per_replica[i].as_object()["share"] = shares.back();
    }
    w.reset_counts();
    const auto idle_started = steady::now();
    auto idle = cycle_together(replicas);
    const double idle_seconds = seconds_between(idle_started, steady::now());
    note_cycles(replicas, idle, "idle", f);
    const auto idle_tallies = tallies(w, scale_out_replicas);
    const tally idle_total = sum_of(idle_tallies);
    requests += idle_total.requests();
    for (std::size_t i = 0; i < replicas.size(); ++i) {
        auto stats = idle_tallies[i].to_json();
        stats["seconds"] = idle[i].seconds;
        per_replica[i].as_object()["idle"] = std::move(stats);
    }
    if (idle_total.writes() != 0) f.wrong.push_back(std::to_string(idle_total.writes()) + " writes in the idle cycles");
    const double mean_share = static_cast<double>(projects) / scale_out_replicas;
    double spread = 0;
    for (auto share : shares) spread = std::max(spread, std::abs(static_cast<double>(share) - mean_share) / mean_share);

    // (c) A change burst on both sides, one cycle of every replica at once.
    burst edits;
    w.on_simulators([&] { edits = apply_burst(w, scale_out_prefix, projects, issues); });
    w.reset_counts();
    const auto burst_started = steady::now();
    auto burst_round = cycle_together(replicas);
    const double burst_seconds = seconds_between(burst_started, steady::now());
    note_cycles(replicas, burst_round, "burst", f);
    const auto burst_tallies = tallies(w, scale_out_replicas);
    const tally burst_total = sum_of(burst_tallies);
    requests += burst_total.requests();
    int conflicts = 0;
    for (std::size_t i = 0; i < replicas.size(); ++i) {
        auto stats = burst_tallies[i].to_json();
        stats["seconds"] = burst_round[i].seconds;
        per_replica[i].as_object()["burst"] = std::move(stats);
        conflicts += burst_round[i].outcome.record.conflicts;
    }
    if (burst_total.vibe_writes != edits.total.vibe_puts) {
        f.wrong.push_back("burst: " + std::to_string(burst_total.vibe_writes) + " Vibe writes, necessary " +
                          std::to_string(edits.total.vibe_puts));
    }
    if (burst_total.huly_writes != edits.huly_patches_needed) {
        f.wrong.push_back("burst: " + std::to_string(burst_total.huly_writes) + " Huly writes, necessary " +
                          std::to_string(edits.huly_patches_needed));
    }
    if (conflicts != static_cast<int>(edits.total.conflicts)) {
        f.wrong.push_back("burst: " + std::to_string(conflicts) + " conflicts counted, expected " +
                          std::to_string(edits.total.conflicts));
    }
    check_state(w, edits.expected, "burst", f);

    // (d) r1 crashes; its projects change in Huly; the survivors take them over.
    replica& victim = *replicas.front();
    const std::vector<replica*> survivors(replicas.begin() + 1, replicas.end());
    std::set<std::string> orphaned;
    for (const auto& [project, holder] : project_holders(*leases_db)) {
        if (holder == victim.id()) orphaned.insert(project);
    }
    if (orphaned.empty()) f.wrong.push_back("takeover: " + victim.id() + " held no lease before its crash");
    w.reset_counts();
    const auto crashed_at = steady::now();
    victim.crash();
    auto expected = edits.expected;
    w.on_simulators([&] {
        for (const auto& project : orphaned) {
            const std::string issue = project + "-1";
            expected.at(issue).title = "Issue 1 (edited after " + victim.id() + " crashed)";
            w.huly.edit_issue(issue, "title", json::value(expected.at(issue).title));
        }
    });
    std::set<std::string> pending = orphaned;
    unsigned takeover_rounds = 0;
    double takeover_seconds = 0, takeover_cycle_seconds = 0;
    const auto give_up_at = crashed_at + scale_out_lease_ttl + std::chrono::seconds(120);
    while (!pending.empty() && steady::now() < give_up_at) {
        const auto round_started = steady::now();
        auto round = cycle_together(survivors);
        ++takeover_rounds;
        note_cycles(survivors, round, "takeover", f);
        takeover_cycle_seconds = 0;
        for (const auto& cycle : round) {
            takeover_cycle_seconds = std::max(takeover_cycle_seconds, cycle.seconds);
            for (const auto& project : cycle.outcome.projects) {
                if (project.ok) pending.erase(project.project);
            }
        }
        takeover_seconds = seconds_between(crashed_at, steady::now());
        if (!pending.empty()) std::this_thread::sleep_until(round_started + survivors_interval);
    }
    if (!pending.empty()) {
        f.wrong.push_back("takeover: " + std::to_string(pending.size()) + " of " + victim.id() +
                          "'s projects not synced by a survivor after " + std::to_string(takeover_seconds) + " s");
    }
    const auto holders = project_holders(*leases_db);
    for (const auto& project : orphaned) {
        auto holder = holders.find(project);
        const bool survivor = holder != holders.end() &&
                              std::any_of(survivors.begin(), survivors.end(), [&](const replica* r) { return r->id() == holder->second; });
        if (!survivor) f.wrong.push_back("takeover: " + project + "'s lease is not held by a survivor");
    }
    const auto takeover_tallies = tallies(w, scale_out_replicas);
    requests += sum_of(takeover_tallies).requests();
    for (std::size_t i = 1; i < replicas.size(); ++i) {
        auto stats = takeover_tallies[i].to_json();
        stats["share"] = replicas[i]->share().claimed;
        per_replica[i].as_object()["after_takeover"] = std::move(stats);
    }
    check_state(w, expected, "takeover", f);
    // The bound: the lease expires within LEASE_TTL, a survivor's next cycle starts within the
    // interval, and that cycle syncs the projects.
    const double takeover_bound = std::chrono::duration<double>(scale_out_lease_ttl + survivors_interval).count() +
                                  takeover_cycle_seconds;

    // (e) The same idle cycle by one replica alone, for comparison.
    for (auto* r : survivors) r->stop();
    replica alone(configs.back());
    w.reset_counts();
    const auto alone_cycle = cycle_together({&alone});
    note_cycles({&alone}, alone_cycle, "one replica alone", f);
    const tally alone_tally = tallies(w, scale_out_replicas + 1).back();
    requests += alone_tally.requests();
    if (alone.share().claimed != projects) {
        f.wrong.push_back("one replica alone claimed " + std::to_string(alone.share().claimed) + " of " +
                          std::to_string(projects) + " projects");
    }
    if (alone_tally.writes() != 0) f.wrong.push_back(std::to_string(alone_tally.writes()) + " writes by the lone replica");
    alone.stop();
    watch.record(f);
    f.checked = true;

    f.requests = requests;
    f.extra["replica_stats"] = std::move(per_replica);
    f.extra["share_spread"] = spread;  // the largest share's distance from an even split, as a fraction of it
    f.extra["idle"] = json::object{{"seconds", idle_seconds},
                                   {"requests", idle_total.requests()},
                                   {"writes", idle_total.writes()},
                                   {"one_replica_requests", alone_tally.requests()},
                                   {"one_replica_seconds", alone_cycle.front().seconds},
                                   {"over_one_replica", static_cast<double>(idle_total.requests()) /
                                                            static_cast<double>(std::max<std::uint64_t>(1, alone_tally.requests()))}};
    f.extra["burst"] = json::object{{"seconds", burst_seconds},
                                    {"requests", burst_total.requests()},
                                    {"writes", json::object{{"huly", burst_total.huly_writes}, {"vibe", burst_total.vibe_writes}}},
                                    {"necessary_writes", json::object{{"vibe_task_puts", edits.total.vibe_puts},
                                                                      {"huly_issue_patches", edits.huly_patches_needed}}},
                                    {"conflicts", conflicts}};
    f.extra["takeover"] = json::object{{"crashed", victim.id()},
                                       {"projects", orphaned.size()},
                                       {"seconds", takeover_seconds},
                                       {"rounds", takeover_rounds},
                                       {"bound_seconds", takeover_bound},
                                       {"within_bound", takeover_seconds <= takeover_bound}};
    return f;
}

}  // namespace hvs::bench
