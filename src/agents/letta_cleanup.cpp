#include "hvs/agents/letta_cleanup.hpp"
#include "hvs/agents/tags.hpp"

#include <algorithm>

namespace hvs::agents {
namespace {


skipped_resource skip(resource_kind kind, const std::string& id, const std::string& name, skip_reason reason) {
    return skipped_resource{kind, id, name, reason};
}

// Why an agent is deleted ("" = it is not) or skipped.
struct agent_verdict {
    std::optional<skip_reason> skip;
    std::string why;
};

agent_verdict judge_agent(const letta::agent& a, const std::string& control_agent, const cleanup_facts& facts,
                          const std::set<std::string>& bound_ids) {
    if (a.name == control_agent || a.id == facts.control_agent_id) return {skip_reason::control_agent, {}};
    if (a.name.ends_with("-sleeptime")) return {skip_reason::sleeptime, {}};
    if (bound_ids.contains(a.id)) return {skip_reason::bound, {}};
    if (facts.bound.empty()) return {skip_reason::no_bindings, {}};
    bool tagged_project = false;
    for (const auto& tag : a.tags) {
        if (!tag.starts_with(project_tag_prefix)) continue;
        tagged_project = true;
        const auto project = tag.substr(project_tag_prefix.size());
        if (auto it = facts.bound.find(project); it != facts.bound.end()) {
            return {std::nullopt, "duplicate of " + it->second + ", bound to project " + project};
        }
    }
    return {tagged_project ? skip_reason::project_unbound : skip_reason::no_project_tag, {}};
}

// The project a service folder belongs to: "Huly-<ID>" or "Huly-<ID>-root".
std::string folder_project(std::string_view name) {
    name.remove_prefix(std::min(name.size(), std::string_view("Huly-").size()));
    if (name.ends_with("-root")) name.remove_suffix(5);
    return std::string(name);
}

std::string folder_why(const std::string& name, const cleanup_facts& facts) {
    const auto project = folder_project(name);
    if (facts.bound.contains(project)) {
        return "named Huly-…; project " + project + " is bound: a cycle that uploads its documents re-creates it";
    }
    return "named Huly-…";
}

delete_result settle(planned_delete item, const result<void>& done) {
    if (done) return {std::move(item), delete_outcome::deleted, {}};
    if (done.error().http_status == 404) return {std::move(item), delete_outcome::phantom, {}};
    return {std::move(item), delete_outcome::failed, done.error().describe()};
}

// One folder: its files one after the other, then the folder if every file is gone. Writes
// results[first .. first + files], the folder last.
net::task<void> delete_folder_unit(letta::client& letta, folder_deletion unit, std::vector<delete_result>& results,
                                   std::size_t first) {
    unsigned kept = 0;
    for (std::size_t i = 0; i < unit.files.size(); ++i) {
        auto done = co_await letta.delete_file(unit.folder.id, unit.files[i].id);
        results[first + i] = settle(unit.files[i], done);
        if (results[first + i].outcome == delete_outcome::failed) ++kept;
    }
    const std::size_t slot = first + unit.files.size();
    if (kept > 0) {
        results[slot] = delete_result{unit.folder, delete_outcome::failed,
                                      std::to_string(kept) + " of its files could not be deleted; the folder is kept"};
        co_return;
    }
    auto done = co_await letta.delete_folder(unit.folder.id);
    results[slot] = settle(unit.folder, done);
}

net::task<void> delete_agent_unit(letta::client& letta, planned_delete agent, std::vector<delete_result>& results,
                                  std::size_t slot) {
    auto done = co_await letta.delete_agent(agent.id);
    results[slot] = settle(std::move(agent), done);
}

}  // namespace

std::optional<cleanup_scope> parse_cleanup_scope(std::string_view text) {
    if (text == "folders") return cleanup_scope::folders;
    if (text == "agents") return cleanup_scope::agents;
    if (text == "all") return cleanup_scope::all;
    return std::nullopt;
}

bool covers_folders(cleanup_scope scope) { return scope != cleanup_scope::agents; }

bool covers_agents(cleanup_scope scope) { return scope != cleanup_scope::folders; }

bool is_service_folder(std::string_view name) { return name.starts_with("Huly-"); }

std::string_view to_string(resource_kind kind) {
    switch (kind) {
    case resource_kind::folder: return "folder";
    case resource_kind::file: return "file";
    case resource_kind::agent: return "agent";
    }
    return "?";
}

std::string_view describe(skip_reason reason) {
    switch (reason) {
    case skip_reason::not_service_folder: return "not named Huly-…: not this service's";
    case skip_reason::bound: return "bound to a project in the database";
    case skip_reason::control_agent: return "the control agent (LETTA_CONTROL_AGENT)";
    case skip_reason::sleeptime: return "a -sleeptime agent: Letta deletes it with its primary agent";
    case skip_reason::no_project_tag: return "no project:<ID> tag: not known to duplicate anything";
    case skip_reason::project_unbound: return "its project has no bound agent: the next cycle adopts it";
    case skip_reason::no_bindings:
        return "the database binds no agent at all (missing or fresh DB_PATH?): every agent would look unbound";
    }
    return "?";
}

result<cleanup_facts> load_cleanup_facts(store::database& db) {
    cleanup_facts facts;
    facts.database = true;
    auto bindings = store::load_bindings(db);
    if (!bindings) return bindings.error();
    for (auto& [project, b] : *bindings) facts.bound[project] = b.agent_id;
    auto control = store::load_control_agent_id(db);
    if (!control) return control.error();
    facts.control_agent_id = control->value_or("");
    auto recorded = store::load_resource_ids(db);
    if (!recorded) return recorded.error();
    facts.recorded = std::move(*recorded);
    return facts;
}

cleanup_plan plan_letta_cleanup(cleanup_scope scope, const std::string& control_agent, const cleanup_listing& listing,
                                const cleanup_facts& facts) {
    cleanup_plan plan;
    if (covers_folders(scope)) {
        for (const auto& listed : listing.folders) {
            const auto& f = listed.folder;
            ++plan.folders_found;
            if (!is_service_folder(f.name)) {
                plan.skipped.push_back(skip(resource_kind::folder, f.id, f.name, skip_reason::not_service_folder));
                continue;
            }
            folder_deletion unit;
            unit.folder = {resource_kind::folder, f.id, f.name, {}, folder_why(f.name, facts), facts.recorded.contains(f.id)};
            for (const auto& file : listed.files) {
                ++plan.files_found;
                unit.files.push_back({resource_kind::file, file.id, file.original_file_name, f.id, "in folder " + f.name,
                                      facts.recorded.contains(file.id)});
            }
            plan.folders.push_back(std::move(unit));
        }
    }
    if (covers_agents(scope)) {
        std::set<std::string> bound_ids;
        for (const auto& [project, id] : facts.bound) bound_ids.insert(id);
        for (const auto& a : listing.agents) {
            ++plan.agents_found;
            auto verdict = judge_agent(a, control_agent, facts, bound_ids);
            if (verdict.skip) {
                if (*verdict.skip == skip_reason::no_bindings) plan.agents_refused = true;
                plan.skipped.push_back(skip(resource_kind::agent, a.id, a.name, *verdict.skip));
            } else {
                plan.agents.push_back(
                    {resource_kind::agent, a.id, a.name, {}, std::move(verdict.why), facts.recorded.contains(a.id)});
            }
        }
    }
    return plan;
}

bool cleanup_report::any_failed() const {
    return folders.failed + files.failed + agents.failed > 0;
}

cleanup_report summarize_cleanup(cleanup_plan plan, std::vector<delete_result> results, bool applied) {
    cleanup_report report;
    report.folders.found = plan.folders_found;
    report.files.found = plan.files_found;
    report.agents.found = plan.agents_found;
    report.folders.planned = static_cast<unsigned>(plan.folders.size());
    report.agents.planned = static_cast<unsigned>(plan.agents.size());
    for (const auto& unit : plan.folders) report.files.planned += static_cast<unsigned>(unit.files.size());
    auto tally_of = [&](resource_kind kind) -> cleanup_tally& {
        return kind == resource_kind::folder ? report.folders : kind == resource_kind::file ? report.files : report.agents;
    };
    for (const auto& s : plan.skipped) ++tally_of(s.kind).skipped;
    for (const auto& r : results) {
        auto& t = tally_of(r.item.kind);
        switch (r.outcome) {
        case delete_outcome::deleted: ++t.deleted; break;
        case delete_outcome::phantom: ++t.phantom; break;
        case delete_outcome::failed: ++t.failed; break;
        }
    }
    report.plan = std::move(plan);
    report.results = std::move(results);
    report.applied = applied;
    return report;
}

net::task<result<cleanup_listing>> list_for_cleanup(letta::client& letta, cleanup_scope scope) {
    cleanup_listing listing;
    if (covers_folders(scope)) {
        auto folders = co_await letta.all_folders();
        if (!folders) co_return make_error(folders.error().kind, "listing folders: " + folders.error().message);
        for (auto& f : *folders) {
            listed_folder listed;
            listed.folder = std::move(f);
            if (is_service_folder(listed.folder.name)) {
                auto files = co_await letta.folder_files(listed.folder.id);
                if (!files) {
                    co_return make_error(files.error().kind,
                                         "listing the files of folder " + listed.folder.name + ": " + files.error().message);
                }
                listed.files = std::move(*files);
            }
            listing.folders.push_back(std::move(listed));
        }
    }
    if (covers_agents(scope)) {
        letta::agent_query query;
        query.tags.push_back(std::string(service_tag));
        auto agents = co_await letta.list_agents(std::move(query));
        if (!agents) co_return make_error(agents.error().kind, "listing agents: " + agents.error().message);
        listing.agents = std::move(*agents);
    }
    co_return listing;
}

net::task<std::vector<delete_result>> carry_out_cleanup(letta::client& letta, cleanup_plan plan) {
    std::size_t total = plan.agents.size();
    for (const auto& unit : plan.folders) total += unit.files.size() + 1;
    std::vector<delete_result> results(total);
    std::vector<net::task<void>> tasks;
    std::size_t next = 0;
    for (auto& unit : plan.folders) {
        const std::size_t first = next;
        next += unit.files.size() + 1;
        tasks.push_back(delete_folder_unit(letta, std::move(unit), results, first));
    }
    for (auto& agent : plan.agents) tasks.push_back(delete_agent_unit(letta, std::move(agent), results, next++));
    co_await net::run_all(std::move(tasks));
    co_return results;
}

net::task<result<cleanup_report>> run_letta_cleanup(letta::client& letta, cleanup_request request,
                                                    cleanup_facts facts) {
    auto listing = co_await list_for_cleanup(letta, request.scope);
    if (!listing) co_return listing.error();
    auto plan = plan_letta_cleanup(request.scope, request.control_agent, *listing, facts);
    std::vector<delete_result> results;
    if (request.apply) results = co_await carry_out_cleanup(letta, plan);
    co_return summarize_cleanup(std::move(plan), std::move(results), request.apply);
}

result<unsigned> forget_deleted(store::database& db, const cleanup_report& report) {
    return db.transaction([&](store::database& tx) -> result<unsigned> {
        unsigned removed = 0;
        for (const auto& r : report.results) {
            if (r.outcome == delete_outcome::failed) continue;
            const auto& id = r.item.id;
            result<unsigned> forgotten = 0u;
            switch (r.item.kind) {
            case resource_kind::folder: forgotten = store::forget_folder(tx, id); break;
            case resource_kind::file: forgotten = store::forget_file(tx, id); break;
            case resource_kind::agent: forgotten = store::forget_agent(tx, id); break;
            }
            if (!forgotten) return forgotten.error();
            removed += *forgotten;
        }
        return removed;
    });
}

}  // namespace hvs::agents
