// `huly-vibe-sync repair duplicates [--apply] [--project ID ...]`: Vibe tasks that carry one
// issue's marker twice or more (two processes once synced one database together) are reduced to
// one per issue. The linked task stays and takes over what a removed one changed since the last
// sync, by the three-way rule against the link's base (the next cycle carries it to Huly); the
// others are deleted. A Vibe project with a synced project's name but not its id is deleted when
// empty, else reported (deleting it would delete its tasks). A dry run unless --apply.

#include "app/cli.hpp"
#include "app/command_io.hpp"
#include "app/command_line.hpp"
#include "hvs/store/open.hpp"
#include "app/table.hpp"

#include "hvs/store/duplicate_repository.hpp"
#include "hvs/store/project_repository.hpp"
#include "hvs/sync/duplicates.hpp"
#include "hvs/sync/mirror.hpp"
#include "hvs/sync/text.hpp"

#include <boost/asio/io_context.hpp>

#include <iostream>
#include <memory>
#include <set>

namespace hvs::app {
namespace {

struct repair_flags {
    bool apply = false;
    std::set<std::string> projects;  // empty: every synced project
    lock_wait wait;
};

struct synced_project {
    store::project_row row;
    std::vector<sync::link> links;
};

result<std::vector<synced_project>> read_synced_projects(store::database& db, const std::set<std::string>& only) {
    auto rows = store::load_projects(db);
    if (!rows) return rows.error();
    std::vector<synced_project> out;
    for (auto& row : *rows) {
        if (!row.vibe_id || (!only.empty() && !only.contains(row.identifier))) continue;
        auto links = store::load_links(db, row.identifier);
        if (!links) return links.error();
        out.push_back({std::move(row), std::move(*links)});
    }
    return out;
}

std::string takes_over(const sync::duplicate_repair& r) {
    std::string out;
    auto add = [&](const std::string& part) { out += (out.empty() ? "" : ", ") + part; };
    if (r.title) add("title");
    if (r.description) add("description");
    if (r.status) add("status " + std::string(vibe::to_string(*r.status)));
    return out.empty() ? "-" : out;
}

struct tally {
    unsigned duplicates = 0, deleted = 0, carried = 0, failed = 0;
};

// Carries the removed tasks' changes over, then deletes them; a failed carry-over deletes nothing
// (the change would be lost). A task already gone (404) counts as deleted.
net::task<bool> apply_repair(vibe::client& vibe, sync::duplicate_repair repair, tally& counts) {
    if (repair.title || repair.description || repair.status) {
        std::optional<std::string> description;
        if (repair.description) description = sync::with_marker(*repair.description, repair.issue_id);
        vibe::task_changes changes{repair.title, description, repair.status};
        auto updated = co_await vibe.update_task(repair.keep, std::move(changes));
        if (!updated) {
            std::cerr << repair.issue_id << ": updating the kept task " << repair.keep
                      << " failed, nothing deleted: " << updated.error().describe() << "\n";
            ++counts.failed;
            co_return false;
        }
        ++counts.carried;
    }
    bool all = true;
    for (const auto& id : repair.remove) {
        auto deleted = co_await vibe.delete_task(id);
        if (deleted || deleted.error().http_status == 404) {
            ++counts.deleted;
        } else {
            std::cerr << repair.issue_id << ": deleting task " << id << " failed: " << deleted.error().describe() << "\n";
            ++counts.failed;
            all = false;
        }
    }
    co_return all;
}

// The tasks of one project: planned, printed, and repaired when applying.
net::task<void> repair_project(vibe::client& vibe, const synced_project& project, bool apply, store::database* db,
                               std::vector<std::vector<std::string>>& rows, tally& counts) {
    auto tasks = co_await vibe.list_tasks(*project.row.vibe_id);
    if (!tasks) {
        std::cerr << project.row.identifier << ": reading its Vibe tasks failed: " << tasks.error().describe() << "\n";
        ++counts.failed;
        co_return;
    }
    auto repairs = sync::plan_duplicate_repairs(*tasks, project.links);
    bool all = true;
    for (auto& repair : repairs) {
        counts.duplicates += static_cast<unsigned>(repair.remove.size());
        std::string removed;
        for (const auto& id : repair.remove) removed += (removed.empty() ? "" : " ") + id;
        rows.push_back({project.row.identifier, repair.issue_id, repair.keep, removed, takes_over(repair)});
        if (apply) all = co_await apply_repair(vibe, std::move(repair), counts) && all;
    }
    // What is recorded for `status` follows: none left once every repair went through.
    if (db && (!apply || all)) {
        auto remaining = apply ? std::vector<sync::duplicate_repair>{} : repairs;
        if (auto saved = store::save_duplicates(*db, project.row.identifier, sync::tasks_to_record(remaining)); !saved) {
            std::cerr << project.row.identifier << ": recording its duplicates failed: " << saved.error().message << "\n";
        }
    }
}

// Vibe projects named like a synced project (case-insensitively) that are not its Vibe project.
net::task<void> repair_projects(vibe::client& vibe, const std::vector<synced_project>& projects, bool apply,
                                tally& counts) {
    auto listed = co_await vibe.list_projects();
    if (!listed) {
        std::cerr << "reading Vibe projects failed: " << listed.error().describe() << "\n";
        ++counts.failed;
        co_return;
    }
    std::set<std::string> mapped;
    for (const auto& p : projects) mapped.insert(*p.row.vibe_id);
    for (const auto& p : projects) {
        for (const auto& candidate : *listed) {
            if (mapped.contains(candidate.id) || !sync::same_project_name(candidate.name, p.row.name)) continue;
            auto tasks = co_await vibe.list_tasks(candidate.id);
            if (!tasks) {
                std::cerr << "duplicate Vibe project " << candidate.id << ": reading its tasks failed\n";
                ++counts.failed;
                continue;
            }
            std::cout << "Vibe project " << candidate.id << " '" << candidate.name << "' duplicates "
                      << p.row.identifier << "'s " << *p.row.vibe_id;
            if (!tasks->empty()) {
                std::cout << ": has " << tasks->size() << " tasks, not deleted (move or delete them by hand)\n";
                continue;
            }
            if (!apply) {
                std::cout << ": empty, would be deleted\n";
                continue;
            }
            auto deleted = co_await vibe.delete_project(candidate.id);
            std::cout << (deleted ? ": empty, deleted\n" : ": deleting it failed\n");
            if (!deleted) ++counts.failed;
        }
    }
}

net::task<int> repair(vibe::client& vibe, std::vector<synced_project> projects, bool apply, store::database* db) {
    tally counts;
    std::vector<std::vector<std::string>> rows;
    for (const auto& project : projects) co_await repair_project(vibe, project, apply, db, rows, counts);
    if (rows.empty()) {
        std::cout << "No duplicate tasks.\n";
    } else {
        print_table(std::cout, {"PROJECT", "ISSUE", "KEEP", apply ? "DELETED" : "WOULD DELETE", "TAKES OVER"}, rows);
    }
    co_await repair_projects(vibe, projects, apply, counts);
    std::cout << counts.duplicates << " duplicate tasks";
    if (apply) {
        std::cout << "; deleted " << counts.deleted << ", carried over from " << counts.carried << ", failed "
                  << counts.failed << "\n";
    } else {
        std::cout << (counts.duplicates ? "; dry run: nothing changed, add --apply to repair\n" : "\n");
    }
    std::cout << "Duplicate PM agents: huly-vibe-sync letta cleanup --what agents\n";
    co_return counts.failed == 0 ? exit_ok : exit_failed;
}

int repair_command(const core::config& cfg, const repair_flags* flags) {
    if (flags->apply && cfg.dry_run) {
        std::cerr << "huly-vibe-sync repair duplicates: --apply contradicts DRY_RUN/--dry-run\n";
        return exit_usage;
    }
    auto lock = hold_database_unless(!flags->apply, cfg, "repair duplicates", flags->wait);
    if (!lock) {
        std::cerr << "huly-vibe-sync repair: " << lock.error().message << "\n";
        return exit_failed;
    }
    auto db = flags->apply ? store::open_for_writing(cfg) : store::open_for_reading(cfg);
    if (!db) {
        std::cerr << "huly-vibe-sync repair: " << db.error().message << "\n";
        return exit_failed;
    }
    auto projects = read_synced_projects(*db, flags->projects);
    if (!projects) {
        std::cerr << "huly-vibe-sync repair: reading '" << store::describe_database(cfg) << "': " << projects.error().message << "\n";
        return exit_failed;
    }
    boost::asio::io_context ioc;
    auto vibe = connect_vibe(ioc, cfg);
    if (!vibe) {
        std::cerr << "huly-vibe-sync repair: " << vibe.error().message << "\n";
        return exit_usage;
    }
    store::database* writable = flags->apply ? &*db : nullptr;
    return run_to_completion(ioc, repair(*(*vibe)->client, std::move(*projects), flags->apply, writable));
}

}  // namespace

command add_repair_command(CLI::App& root) {
    CLI::App* app = root.add_subcommand(
        "repair", "repair duplicates: one Vibe task per issue again, the linked one keeping what the others changed");
    CLI::App* duplicates =
        add_verb(*app, "duplicates", "One Vibe task per issue again (a dry run that prints the plan unless --apply)");
    auto flags = std::make_shared<repair_flags>();
    duplicates->add_flag("--apply", flags->apply, "carry changes over to the kept task, then delete the others");
    add_repeated_option(*duplicates, "--project", flags->projects, "only this synced project (repeatable)");
    add_wait_flag(*duplicates, flags->wait);
    return {app, [flags](const core::config& cfg) { return repair_command(cfg, flags.get()); }};
}

}  // namespace hvs::app
