// S3 change burst: 200 projects x 100 issues already synced; then 10 % of the issues change in
// Huly, 10 % of the tasks in Vibe, 2 % on both sides (a conflict on the title). One cycle must
// send exactly the necessary writes (product.md section 2: one partial PUT per task carrying
// every field for Vibe; one PATCH per issue carrying every field for Huly, as the current wrapper
// takes them; Huly wins a conflict) at R = 100/s on both upstreams, and leave both sides converged.

#include "burst_edits.hpp"
#include "run.hpp"
#include "scenario.hpp"
#include "workspace.hpp"

#include "hvs/service/cycle.hpp"

#include <boost/json.hpp>

#include <stdexcept>

namespace hvs::bench {

namespace json = boost::json;

figures change_burst(const run_settings& run) {
    const unsigned projects = run.scaled(200);
    const unsigned issues = run.scaled(100);
    const upstream_setup upstream{5, 100, 10};
    workspace w(upstream, upstream, {});
    seed_linked_projects(w, "C", projects, issues);
    w.start_simulators();

    {  // Setup, not measured: the first cycle links every pair by its marker, unpaced.
        w.admit_everything();
        auto rt = w.make_runtime();
        auto linked = run_to_end(w.ioc, service::run_cycle(rt->context(), rt->cycle_settings()));
        if (!linked.ok || linked.record.tasks_created != 0) throw std::runtime_error("S3 setup: the linking cycle failed");
    }
    burst edits;
    w.on_simulators([&] { edits = apply_burst(w, "C", projects, issues); });
    w.reset_counts();
    w.admit_scenario_rates();
    w.pace_service_at_upstream_rates();
    if (run.legacy) w.pace_like_legacy();
    auto rt = w.make_runtime();
    figures f;
    auto burst = w.measured_cycle(*rt, f);

    f.scenario = "S3 change burst";
    f.parameters = {{"projects", projects}, {"issues_per_project", issues}, {"changed_in_huly", "10 %"},
                    {"changed_in_vibe", "10 %"}, {"changed_on_both", "2 %"}, {"latency_ms", upstream.latency_ms},
                    {"rate", upstream.rate}, {"burst", upstream.burst}, {"client_rate", w.cfg.vibe.rate},
                    {"workers", w.cfg.max_workers}, {"connections", w.cfg.vibe.connections}};
    w.report_requests(f);
    f.errors = static_cast<std::uint64_t>(burst.record.projects_failed);
    if (!burst.ok) f.wrong.push_back("the cycle failed: " + burst.error);
    const std::uint64_t vibe_writes = w.writes("vibe"), huly_writes = w.writes("huly");
    if (vibe_writes != edits.total.vibe_puts) {
        f.wrong.push_back(std::to_string(vibe_writes) + " Vibe writes, necessary " + std::to_string(edits.total.vibe_puts));
    }
    if (huly_writes != edits.huly_patches_needed) {
        f.wrong.push_back(std::to_string(huly_writes) + " Huly writes, necessary " + std::to_string(edits.huly_patches_needed) +
                          " (one PATCH per issue)");
    }
    if (burst.record.conflicts != static_cast<int>(edits.total.conflicts)) {
        f.wrong.push_back(std::to_string(burst.record.conflicts) + " conflicts counted, expected " +
                          std::to_string(edits.total.conflicts));
    }
    check_converged(w, edits.expected, f);
    f.checked = true;
    f.extra["conflicts"] = burst.record.conflicts;
    json::object huly_by_field;
    for (const auto& [name, n] : edits.total.huly_puts_by_field) huly_by_field[name] = n;
    f.extra["necessary_writes"] = json::object{{"vibe_task_puts", edits.total.vibe_puts},
                                                {"huly_issue_patches", edits.huly_patches_needed},
                                                {"huly_fields", edits.total.huly_puts},
                                                {"huly_field_puts_by_field", std::move(huly_by_field)}};
    f.extra["writes"] = json::object{{"vibe", vibe_writes}, {"huly", huly_writes}};
    return f;
}

}  // namespace hvs::bench
