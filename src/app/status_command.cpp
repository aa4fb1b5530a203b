// `huly-vibe-sync status [--json]`: what the state database knows — projects with their
// watermark, last success, last error and link counts, the PM agents bound to them, the last
// cycles and (PostgreSQL) which replica holds how many projects — as aligned tables or one JSON
// document. Only reads (SQLite: the file read-only), so it is safe next to a running service and
// never creates or migrates a database.

#include "app/cli.hpp"
#include "app/command_line.hpp"
#include "app/command_io.hpp"
#include "hvs/store/open.hpp"
#include "app/table.hpp"

#include "hvs/core/json.hpp"
#include "hvs/store/agent_repository.hpp"
#include "hvs/store/duplicate_repository.hpp"
#include "hvs/store/leases.hpp"
#include "hvs/store/migrations.hpp"
#include "hvs/store/project_repository.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <iostream>
#include <memory>
#include <map>

namespace hvs::app {
namespace {

namespace json = boost::json;

constexpr int shown_cycles = 10;

struct project_status {
    store::project_row row;
    store::link_counts links;
    std::int64_t duplicate_tasks = 0;  // surplus Vibe tasks its last cycle found
};

struct status_report {
    std::string database;
    int schema_version = 0;
    std::optional<std::vector<store::lease_row>> leases;  // PostgreSQL: who writes which project
    std::vector<project_status> projects;
    std::vector<store::bound_agent> agents;
    std::vector<store::cycle_record> cycles;  // newest first
};

// ---- reading (the only part that touches the database) ----

result<status_report> read_status(store::database& db) {
    status_report report;
    report.database = db.path();
    auto version = store::schema_version(db);
    if (!version) return version.error();
    if (*version == 0) {
        return make_error(error_kind::io, "'" + db.path() + "' is not a huly-vibe-sync database (no schema); "
                                                           "check DB_PATH");
    }
    report.schema_version = *version;
    auto projects = store::load_projects(db);
    if (!projects) return projects.error();
    auto counts = store::load_link_counts(db);
    if (!counts) return counts.error();
    for (auto& row : *projects) {
        project_status p{std::move(row), {}};
        if (auto it = counts->find(p.row.identifier); it != counts->end()) p.links = it->second;
        report.projects.push_back(std::move(p));
    }
    if (*version >= 4) {  // duplicates are recorded from schema 4 on
        auto duplicates = store::load_duplicate_counts(db);
        if (!duplicates) return duplicates.error();
        for (auto& p : report.projects) {
            if (auto it = duplicates->find(p.row.identifier); it != duplicates->end()) p.duplicate_tasks = it->second;
        }
    }
    if (*version >= 2) {  // agents arrived with schema 2; an older file simply has none
        auto agents = store::load_bound_agents(db);
        if (!agents) return agents.error();
        report.agents = std::move(*agents);
    }
    auto cycles = store::load_cycles(db, shown_cycles);
    if (!cycles) return cycles.error();
    report.cycles = std::move(*cycles);
    if (db.kind() == store::engine::postgres && *version >= 8) {  // leases arrived with schema 8
        auto leases = store::list_leases(db);
        if (!leases) return leases.error();
        report.leases = std::move(*leases);
    }
    return report;
}

// ---- rendering (pure) ----

json::array cycle_errors(const store::cycle_record& c) {
    boost::system::error_code ec;
    auto parsed = json::parse(c.errors_json, ec);
    if (ec || !parsed.is_array()) return {};
    return parsed.as_array();
}

json::value optional_json(const std::optional<std::string>& v) { return v ? json::value(*v) : json::value(nullptr); }

json::value to_json(const status_report& r) {
    json::array projects;
    for (const auto& p : r.projects) {
        json::object o;
        o["identifier"] = p.row.identifier;
        o["name"] = p.row.name;
        o["vibe_id"] = optional_json(p.row.vibe_id);
        o["repo_path"] = optional_json(p.row.repo_path);
        o["issue_count"] = p.row.issue_count;
        o["watermark"] = p.row.watermark_ms ? json::value(core::iso8601_ms(*p.row.watermark_ms)) : json::value(nullptr);
        o["watermark_ms"] = p.row.watermark_ms ? json::value(*p.row.watermark_ms) : json::value(nullptr);
        o["cycles_since_full_read"] = p.row.cycles_since_full;
        o["last_success_at"] = optional_json(p.row.last_success_at);
        o["last_error"] = optional_json(p.row.last_error);
        o["links"] = json::object{{"total", p.links.total},
                                  {"with_task", p.links.with_task},
                                  {"deleted_in_huly", p.links.deleted_in_huly},
                                  {"deleted_in_vibe", p.links.deleted_in_vibe}};
        o["duplicate_tasks"] = p.duplicate_tasks;
        projects.push_back(std::move(o));
    }
    json::array agents;
    for (const auto& a : r.agents) {
        agents.push_back(json::object{{"project", a.project},
                                      {"agent_id", a.agent_id},
                                      {"agent_name", a.agent_name},
                                      {"bound_at", a.bound_at},
                                      {"blocks", a.blocks}});
    }
    json::array cycles;
    for (const auto& c : r.cycles) {
        cycles.push_back(json::object{{"started_at", c.started_at},
                                      {"finished_at", c.finished_at},
                                      {"outcome", c.outcome},
                                      {"projects_ok", c.projects_ok},
                                      {"projects_failed", c.projects_failed},
                                      {"tasks_created", c.tasks_created},
                                      {"tasks_updated", c.tasks_updated},
                                      {"issues_updated", c.issues_updated},
                                      {"conflicts", c.conflicts},
                                      {"errors", cycle_errors(c)}});
    }
    json::object out{{"database", r.database},
                     {"schema_version", r.schema_version},
                     {"projects", std::move(projects)},
                     {"agents", std::move(agents)},
                     {"cycles", std::move(cycles)}};
    if (r.leases) {
        json::array leases;
        for (const auto& l : *r.leases) {
            leases.push_back(json::object{{"name", l.name}, {"holder", l.holder}, {"fence", l.fence}, {"valid", l.valid}});
        }
        out["leases"] = std::move(leases);
    }
    return out;
}

std::string or_dash(const std::optional<std::string>& v) { return v && !v->empty() ? *v : "-"; }

void print_report(std::ostream& out, const status_report& r) {
    out << "Database " << r.database << " (schema " << r.schema_version << ")\n\n";

    out << "Projects (" << r.projects.size() << ")\n";
    if (!r.projects.empty()) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& p : r.projects) {
            rows.push_back({p.row.identifier, one_line(p.row.name, 40), or_dash(p.row.vibe_id), or_dash(p.row.repo_path),
                            p.row.watermark_ms ? core::iso8601_ms(*p.row.watermark_ms) : "-",
                            or_dash(p.row.last_success_at), std::to_string(p.links.total),
                            std::to_string(p.links.with_task), std::to_string(p.links.deleted_in_huly),
                            std::to_string(p.links.deleted_in_vibe), std::to_string(p.duplicate_tasks),
                            p.row.last_error ? one_line(*p.row.last_error) : "-"});
        }
        print_table(out,
                    {"PROJECT", "NAME", "VIBE ID", "REPO", "WATERMARK", "LAST SUCCESS", "LINKS", "TASKS",
                     "DEL HULY", "DEL VIBE", "DUPLICATES", "LAST ERROR"},
                    rows);
    }

    out << "\nAgents (" << r.agents.size() << ")\n";
    if (!r.agents.empty()) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& a : r.agents) {
            rows.push_back({a.project, a.agent_id, a.agent_name, std::to_string(a.blocks), a.bound_at});
        }
        print_table(out, {"PROJECT", "AGENT ID", "AGENT NAME", "BLOCKS", "BOUND AT"}, rows);
    }

    if (r.leases) {
        // Per replica: the projects it holds now (valid leases) and whether it holds the control lease.
        std::map<std::string, std::pair<std::size_t, bool>> by_holder;
        std::size_t lapsed = 0;
        for (const auto& l : *r.leases) {
            if (!l.valid) {
                ++lapsed;
                continue;
            }
            auto& [projects, control] = by_holder[l.holder];
            if (l.name == store::control_lease) control = true;
            else ++projects;
        }
        out << "\nReplicas (" << by_holder.size() << " holding leases; " << lapsed << " leases lapsed or released)\n";
        std::vector<std::vector<std::string>> rows;
        for (const auto& [holder, held] : by_holder) {
            rows.push_back({holder, std::to_string(held.first), held.second ? "yes" : "-"});
        }
        if (!rows.empty()) print_table(out, {"REPLICA", "PROJECTS", "CONTROL"}, rows);
    }

    out << "\nLast cycles (" << r.cycles.size() << ", newest first)\n";
    if (!r.cycles.empty()) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& c : r.cycles) {
            auto errors = cycle_errors(c);
            std::string first_error = "-";
            if (!errors.empty() && errors[0].is_object()) {
                const auto& e = errors[0].as_object();
                std::string project = e.contains("project") && e.at("project").is_string()
                                          ? std::string(e.at("project").as_string()) + ": "
                                          : "";
                std::string message = e.contains("error") && e.at("error").is_string()
                                          ? std::string(e.at("error").as_string())
                                          : "";
                first_error = one_line(project + message);
            }
            rows.push_back({c.started_at, c.finished_at.empty() ? "-" : c.finished_at, c.outcome.empty() ? "-" : c.outcome,
                            std::to_string(c.projects_ok), std::to_string(c.projects_failed),
                            std::to_string(c.tasks_created), std::to_string(c.tasks_updated),
                            std::to_string(c.issues_updated), std::to_string(c.conflicts),
                            std::to_string(errors.size()), first_error});
        }
        print_table(out,
                    {"STARTED", "FINISHED", "OUTCOME", "OK", "FAILED", "CREATED", "UPDATED", "HULY UPD", "CONFLICTS",
                     "ERRORS", "FIRST ERROR"},
                    rows);
    }
}

int status_command(const core::config& cfg, bool as_json) {
    auto db = store::open_for_reading(cfg);
    if (!db) {
        std::cerr << "huly-vibe-sync status: " << db.error().message << "\n";
        return exit_failed;
    }
    auto report = read_status(*db);
    if (!report) {
        std::cerr << "huly-vibe-sync status: reading '" << store::describe_database(cfg) << "': " << report.error().message << "\n";
        return exit_failed;
    }
    if (report->schema_version > store::latest_schema_version()) {
        std::cerr << "huly-vibe-sync status: note: the database has schema " << report->schema_version
                  << ", newer than this binary's " << store::latest_schema_version() << "\n";
    }
    if (as_json) {
        std::cout << json::serialize(to_json(*report)) << "\n";
    } else {
        print_report(std::cout, *report);
    }
    return exit_ok;
}

}  // namespace

command add_status_command(CLI::App& root) {
    CLI::App* app = root.add_subcommand(
        "status", "Show what the database (DB_PATH, read only) knows: projects, links, agents, the last 10 cycles");
    auto as_json = std::make_shared<bool>(false);
    add_json_flag(*app, *as_json, "one JSON document instead of tables");
    return {app, [as_json](const core::config& cfg) { return status_command(cfg, *as_json); }};
}

}  // namespace hvs::app
