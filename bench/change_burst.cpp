// S3 change burst: 200 projects x 100 issues already synced; then 10 % of the issues change in
// Huly, 10 % of the tasks in Vibe, 2 % on both sides (a conflict on the title). One cycle must
// send exactly the necessary writes (product.md section 2: one partial PUT per task carrying
// every field for Vibe; one PATCH per issue carrying every field for Huly, as the current wrapper
// takes them; Huly wins a conflict) at R = 100/s on both upstreams, and leave both sides converged.

#include "run.hpp"
#include "scenario.hpp"
#include "workspace.hpp"

#include "hvs/service/cycle.hpp"
#include "hvs/sync/text.hpp"

#include <boost/json.hpp>

#include <map>
#include <optional>
#include <stdexcept>

namespace hvs::bench {
namespace {

namespace json = boost::json;

struct status_value {
    std::string huly;  // the Huly status name
    std::string vibe;  // the Vibe status
};

struct edit {
    std::optional<std::string> title, description;
    std::optional<status_value> status;
};

struct change {
    edit huly, vibe;
};

const status_value todo{"Todo", "todo"}, in_progress{"In Progress", "inprogress"}, done{"Done", "done"};

// The change of the issue at `offset` (its index in the workspace, modulo 50) numbered n: offsets
// 0-4 change in Huly (10 %), 4-8 in Vibe (10 %), 4 on both sides (2 %); the rest stay as they are.
change change_of(unsigned offset, unsigned n) {
    const std::string title = "Issue " + std::to_string(n);
    change c;
    switch (offset) {
    case 0: c.huly.title = title + " (huly edit)"; break;
    case 1: c.huly.description = "d (huly edit)"; break;
    case 2: c.huly.status = in_progress; break;
    case 3: c.huly.title = title + " (huly edit)"; c.huly.status = done; break;
    case 4:  // both sides: the titles conflict, Vibe's status change is Vibe's alone
        c.huly.title = title + " (huly)";
        c.vibe.title = title + " (vibe)";
        c.vibe.status = in_progress;
        break;
    case 5: c.vibe.title = title + " (vibe edit)"; break;
    case 6: c.vibe.description = "d (vibe edit)"; break;
    case 7: c.vibe.status = done; break;
    case 8: c.vibe.title = title + " (vibe edit)"; c.vibe.status = in_progress; break;
    default: break;
    }
    return c;
}

// Where a pair must end, and the writes that takes, by the rule per field: changed on one side ->
// written to the other; changed on both -> Huly wins (a conflict).
struct expectation {
    std::string title, description;
    status_value status;
    unsigned vibe_puts = 0, huly_puts = 0, conflicts = 0;  // huly_puts: fields, sent in one PATCH
    std::map<std::string, unsigned> huly_puts_by_field;
};

expectation expect(const change& c, unsigned n) {
    expectation e;
    e.title = "Issue " + std::to_string(n);
    e.description = "d";
    e.status = todo;
    bool to_vibe = false;
    auto field = [&]<class T>(const char* name, T& final_value, const std::optional<T>& huly, const std::optional<T>& vibe) {
        if (huly) {
            final_value = *huly;
            to_vibe = true;
            e.conflicts += vibe ? 1 : 0;
        } else if (vibe) {
            final_value = *vibe;
            ++e.huly_puts;
            ++e.huly_puts_by_field[name];
        }
    };
    field("title", e.title, c.huly.title, c.vibe.title);
    field("description", e.description, c.huly.description, c.vibe.description);
    field("status", e.status, c.huly.status, c.vibe.status);
    e.vibe_puts = to_vibe ? 1 : 0;
    return e;
}

void apply(workspace& w, const std::string& issue_id, const std::string& task_id, const change& c) {
    if (c.huly.title) w.huly.edit_issue(issue_id, "title", json::value(*c.huly.title));
    if (c.huly.description) w.huly.edit_issue(issue_id, "description", json::value(*c.huly.description));
    if (c.huly.status) w.huly.edit_issue(issue_id, "status", json::value(c.huly.status->huly));
    std::optional<std::string> description;
    if (c.vibe.description) description = sync::with_marker(*c.vibe.description, issue_id);
    if (c.vibe.title || description) w.vibe.edit_task(task_id, c.vibe.title, description);
    if (c.vibe.status) w.vibe.move_task(task_id, c.vibe.status->vibe);
}

// Both sides of every pair hold the expected values.
void check_converged(const workspace& w, const std::map<std::string, expectation>& expected, figures& f) {
    std::map<std::string, json::object> issues, tasks;
    for (const auto& p : projects_of(w.huly)) {
        for (const auto& i : p.at("issues").as_array()) issues[std::string(i.at("identifier").as_string())] = i.as_object();
    }
    for (const auto& p : projects_of(w.vibe)) {
        for (const auto& t : p.at("tasks").as_array()) {
            const auto& d = t.at("description");
            if (auto id = d.is_string() ? sync::marker_issue_id(d.as_string()) : std::nullopt) tasks[*id] = t.as_object();
        }
    }
    auto text = [](const json::object& o, const char* key) {
        const auto& v = o.at(key);
        return v.is_string() ? std::string(v.as_string()) : json::serialize(v);
    };
    for (const auto& [id, e] : expected) {
        auto i = issues.find(id);
        auto t = tasks.find(id);
        if (i == issues.end() || t == tasks.end()) {
            f.wrong.push_back(id + ": issue or task missing");
            continue;
        }
        const std::string got_huly = text(i->second, "title") + " | " + sync::normalize_description(text(i->second, "description")) +
                                     " | " + text(i->second, "status");
        const std::string got_vibe = text(t->second, "title") + " | " + sync::strip_marker(text(t->second, "description")) +
                                     " | " + text(t->second, "status");
        const std::string want_huly = e.title + " | " + e.description + " | " + e.status.huly;
        const std::string want_vibe = e.title + " | " + e.description + " | " + e.status.vibe;
        if (got_huly != want_huly) f.wrong.push_back(id + " in Huly: " + got_huly + ", expected " + want_huly);
        if (got_vibe != want_vibe) f.wrong.push_back(id + " in Vibe: " + got_vibe + ", expected " + want_vibe);
    }
    if (tasks.size() != expected.size()) {
        f.wrong.push_back(std::to_string(tasks.size()) + " marked tasks, expected " + std::to_string(expected.size()));
    }
}

}  // namespace

figures change_burst(const run_settings& run) {
    const unsigned projects = run.scaled(200);
    const unsigned issues = run.scaled(100);
    const upstream_setup upstream{5, 100, 10};
    workspace w(upstream, upstream, {});
    seed_linked_projects(w, "C", projects, issues);
    std::map<std::string, std::string> task_of;  // issue id -> task id
    for (const auto& p : projects_of(w.vibe)) {
        for (const auto& t : p.at("tasks").as_array()) {
            task_of[*sync::marker_issue_id(t.at("description").as_string())] = std::string(t.at("id").as_string());
        }
    }
    w.start_simulators();

    {  // Setup, not measured: the first cycle links every pair by its marker, unpaced.
        w.admit_everything();
        auto rt = w.make_runtime();
        auto linked = run_to_end(w.ioc, service::run_cycle(rt->context(), rt->cycle_settings()));
        if (!linked.ok || linked.record.tasks_created != 0) throw std::runtime_error("S3 setup: the linking cycle failed");
    }
    std::map<std::string, expectation> expected;
    expectation total;
    unsigned huly_patches_needed = 0;
    w.on_simulators([&] {
        std::uint64_t index = 0;
        for (unsigned p = 0; p < projects; ++p) {
            for (unsigned n = 1; n <= issues; ++n, ++index) {
                const std::string id = "C" + std::to_string(p) + "-" + std::to_string(n);
                const change c = change_of(static_cast<unsigned>(index % 50), n);
                apply(w, id, task_of.at(id), c);
                auto e = expect(c, n);
                total.vibe_puts += e.vibe_puts;
                total.huly_puts += e.huly_puts;
                huly_patches_needed += e.huly_puts > 0 ? 1 : 0;
                for (const auto& [name, count] : e.huly_puts_by_field) total.huly_puts_by_field[name] += count;
                total.conflicts += e.conflicts;
                expected.emplace(id, std::move(e));
            }
        }
    });
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
    if (vibe_writes != total.vibe_puts) {
        f.wrong.push_back(std::to_string(vibe_writes) + " Vibe writes, necessary " + std::to_string(total.vibe_puts));
    }
    if (huly_writes != huly_patches_needed) {
        f.wrong.push_back(std::to_string(huly_writes) + " Huly writes, necessary " + std::to_string(huly_patches_needed) +
                          " (one PATCH per issue)");
    }
    if (burst.record.conflicts != static_cast<int>(total.conflicts)) {
        f.wrong.push_back(std::to_string(burst.record.conflicts) + " conflicts counted, expected " +
                          std::to_string(total.conflicts));
    }
    check_converged(w, expected, f);
    f.checked = true;
    f.extra["conflicts"] = burst.record.conflicts;
    json::object huly_by_field;
    for (const auto& [name, n] : total.huly_puts_by_field) huly_by_field[name] = n;
    f.extra["necessary_writes"] = json::object{{"vibe_task_puts", total.vibe_puts},
                                                {"huly_issue_patches", huly_patches_needed},
                                                {"huly_fields", total.huly_puts},
                                                {"huly_field_puts_by_field", std::move(huly_by_field)}};
    f.extra["writes"] = json::object{{"vibe", vibe_writes}, {"huly", huly_writes}};
    return f;
}

}  // namespace hvs::bench
