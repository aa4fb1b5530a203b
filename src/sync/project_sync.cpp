#include "hvs/sync/project_sync.hpp"

#include "hvs/core/hash.hpp"
#include "hvs/sync/deletion_check.hpp"
#include "hvs/sync/duplicate_state.hpp"
#include "hvs/sync/repo_path.hpp"
#include "hvs/sync/text.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <filesystem>
#include <map>

namespace hvs::sync {
namespace {

namespace asio = boost::asio;

constexpr std::size_t default_issue_limit = 1000;

struct stored_state {
    std::optional<project_row> row;
    std::vector<link> links;
    std::set<std::string> learned_statuses;
    bool had_duplicates = false;  // the last cycle recorded duplicate tasks for this project
};

// Mutable results of the write phase, shared by the concurrent writers of one project.
struct write_results {
    std::map<std::string, link> links;  // by issue id
    std::set<std::string> learned_statuses;
    std::vector<std::string> transient_failures;
    unsigned created = 0, tasks_updated = 0, issues_updated = 0, rejected = 0;
};

std::string describe_plan(const std::string& project, const project_plan& plan, const mirror_decision& mirror) {
    std::string out;
    if (mirror.what == mirror_decision::kind::create) out += project + ": would create the Vibe project\n";
    for (const auto& c : plan.creates) {
        out += project + ": would create a task for " + c.issue_id + " \"" + c.title + "\"";
        if (c.then_status) out += " then set status " + std::string(to_string(*c.then_status));
        out += "\n";
    }
    for (const auto& u : plan.task_updates) {
        out += project + ": would update task of " + u.issue_id + ":";
        if (u.title) out += " title";
        if (u.description) out += " description";
        if (u.status) out += " status=" + std::string(to_string(*u.status));
        out += "\n";
    }
    for (const auto& u : plan.issue_updates) {
        out += project + ": would update Huly " + u.issue_id + " " + u.field +
               (u.field == "status" ? "=" + u.value : std::string()) + "\n";
    }
    out += project + ": " + std::to_string(plan.creates.size()) + " creates, " +
           std::to_string(plan.task_updates.size()) + " task updates, " + std::to_string(plan.issue_updates.size()) +
           " Huly updates, " + std::to_string(plan.conflicts) + " conflicts\n";
    return out;
}

// Records a failed write: refusals (4xx, error_kind::refused) are permanent (counted);
// anything else is retried next cycle. An answer that could not be read (parse, protocol) is not
// a refusal: the write may well have been applied, so — as after a timeout — the project fails,
// its watermark stays, and the next cycle finds the outcome (a created task by its marker).
void record_failure(write_results& results, const std::string& what, const error& e) {
    if (e.transient() || e.kind == error_kind::cancelled || e.kind == error_kind::parse ||
        e.kind == error_kind::protocol) {
        results.transient_failures.push_back(what + ": " + e.describe());
    } else {
        ++results.rejected;
    }
}

net::task<void> create_task(sync_context& ctx, std::string vibe_id, task_create create, write_results& results) {
    auto created = co_await ctx.vibe.create_task(vibe_id, create.title, create.description);
    if (!created) {
        HVS_LOG(ctx.log, warning) << "creating the task of " << create.issue_id << " failed: " << created.error().describe();
        record_failure(results, "create " + create.issue_id, created.error());
        co_return;
    }
    ++results.created;
    link l = create.on_success;
    l.task_id = created->id;
    if (create.then_status) {
        task_update follow_up{created->id, create.issue_id, {}, {}, create.then_status, {}};
        follow_up.bases.status = std::string(to_string(*create.then_status));
        // Named, not a braced temporary: GCC 12 destroys aggregate temporaries in co_await twice.
        vibe::task_changes status_only{{}, {}, create.then_status};
        auto updated = co_await ctx.vibe.update_task(created->id, std::move(status_only));
        if (updated) {
            confirm(l, follow_up);
        } else {
            record_failure(results, "status of new task " + create.issue_id, updated.error());
        }
    }
    results.links[l.issue_id] = std::move(l);
}

net::task<void> update_task(sync_context& ctx, task_update update, write_results& results) {
    vibe::task_changes changes{update.title, update.description, update.status};
    auto done = co_await ctx.vibe.update_task(update.task_id, std::move(changes));
    if (!done) {
        HVS_LOG(ctx.log, warning) << "updating the task of " << update.issue_id << " failed: " << done.error().describe();
        record_failure(results, "update task of " + update.issue_id, done.error());
        co_return;
    }
    ++results.tasks_updated;
    confirm(results.links[update.issue_id], update);
}

// A Huly write that did not happen (a 400 to a PUT, an entry of a PATCH's errors[], a failed
// request): never counted as written, its base stays. A refused status with the catalogue Huly
// named is learned and not sent again while unchanged.
void record_issue_failure(sync_context& ctx, const issue_update& update, const error& e,
                          const std::optional<std::set<std::string>>& statuses, write_results& results) {
    if (update.field == "status" && statuses) {
        HVS_LOG(ctx.log, warning) << "Huly refused status '" << update.value << "' for " << update.issue_id
                                  << "; it will not be sent again while unchanged";
        results.learned_statuses.insert(statuses->begin(), statuses->end());
        results.links[update.issue_id].rejected_status = update.value;
    }
    HVS_LOG(ctx.log, warning) << "updating Huly " << update.issue_id << " " << update.field
                              << " failed: " << e.describe();
    record_failure(results, "update " + update.issue_id + " " + update.field, e);
}

void record_issue_written(const issue_update& update, write_results& results) {
    ++results.issues_updated;
    confirm(results.links[update.issue_id], update);
}

// The 2025 wrapper's only write: PUT, one field at a time, in order.
net::task<void> put_issue_fields(sync_context& ctx, std::vector<issue_update> updates, write_results& results) {
    for (auto& update : updates) {
        auto done = co_await ctx.huly.update_issue(update.issue_id, update.field, update.value);
        if (done) {
            record_issue_written(update, results);
        } else {
            record_issue_failure(ctx, update, done.error(), huly::refused_status_catalogue(done.error()), results);
        }
    }
}

void record_patch_answer(sync_context& ctx, const std::vector<issue_update>& updates, const huly::patch_answer& answer,
                         write_results& results) {
    for (const auto& update : updates) {
        auto refusal = std::find_if(answer.refused.begin(), answer.refused.end(),
                                    [&](const huly::field_refusal& r) { return r.field == update.field; });
        if (refusal != answer.refused.end()) {
            auto refused = make_error(error_kind::refused, "Huly refused " + update.field + ": " + refusal->message);
            record_issue_failure(ctx, update, refused, refusal->allowed, results);
        } else if (answer.applied.contains(update.field)) {
            record_issue_written(update, results);
        } else {
            // Neither applied nor refused: the outcome is unknown, so the next cycle looks again.
            auto unknown = make_error(error_kind::protocol, "the PATCH answer neither applied nor refused it");
            record_issue_failure(ctx, update, unknown, std::nullopt, results);
        }
    }
}

// The Huly writes of one issue: every field in one PATCH; per-field PUT against a wrapper without
// PATCH (it says so once per run).
net::task<void> update_issue(sync_context& ctx, std::vector<issue_update> updates, write_results& results) {
    huly::field_values fields;
    for (const auto& update : updates) fields.emplace_back(update.field, update.value);
    const std::string issue_id = updates.front().issue_id;
    auto patched = co_await ctx.huly.patch_issue(issue_id, std::move(fields));
    if (!patched) {
        for (const auto& update : updates) record_issue_failure(ctx, update, patched.error(), std::nullopt, results);
        co_return;
    }
    if (patched->route_missing) {
        if (patched->route_missing_found_now) {
            HVS_LOG(ctx.log, warning) << "this Huly REST wrapper has no PATCH /api/issues/{id} (a 2025 version): "
                                         "writing issues field by field with PUT for the rest of this run";
        }
        co_await put_issue_fields(ctx, std::move(updates), results);
        co_return;
    }
    record_patch_answer(ctx, updates, *patched, results);
}

net::task<result<stored_state>> load_state(sync_context& ctx, std::string identifier) {
    // Named, not a temporary: GCC 12 mis-copies lambda temporaries inside co_await expressions.
    auto job = [identifier](store::database& db) -> result<stored_state> {
        stored_state state;
        auto row = load_project(db, identifier);
        if (!row) return row.error();
        state.row = std::move(*row);
        auto links = load_links(db, identifier);
        if (!links) return links.error();
        state.links = std::move(*links);
        auto learned = load_learned_statuses(db);
        if (!learned) return learned.error();
        state.learned_statuses = std::move(*learned);
        auto duplicates = has_duplicates(db, identifier);
        if (!duplicates) return duplicates.error();
        state.had_duplicates = *duplicates;
        return state;
    };
    co_return co_await ctx.db.run(std::move(job));
}

// The repository a new Vibe project gets, whether it already exists as a git repository, and why
// a described path was refused (empty when it was not). Reads the filesystem: runs on the
// database thread, never on the I/O thread.
struct repository_choice {
    std::string path;
    bool existing = false;
    std::string refused;
};

repository_choice choose_repository(std::vector<std::string> roots, const std::string& stacks_dir,
                                    const huly::project& project) {
    roots.push_back(stacks_dir);
    repository_choice choice;
    if (auto described = described_path(project.description)) {
        auto check = check_repo_path(*described, roots);
        if (check.verdict == path_verdict::allowed) return {check.resolved, true, {}};
        choice.refused = "ignoring repository path '" + *described + "' from the Huly description: " +
                         std::string(to_string(check.verdict)) + "; using a placeholder";
    }
    choice.path = placeholder_path(stacks_dir, project.identifier);
    std::error_code ec;
    // When it does not exist, Vibe creates it (mkdir -p, git init) for use_existing_repo=false.
    choice.existing = std::filesystem::exists(std::filesystem::path(choice.path) / ".git", ec);
    return choice;
}

net::task<result<std::string>> ensure_vibe_project(sync_context& ctx, const huly::project& project,
                                                   const mirror_decision& mirror, std::string& repo_path) {
    if (mirror.what == mirror_decision::kind::linked || mirror.what == mirror_decision::kind::adopt) {
        co_return mirror.vibe_id;
    }
    if (mirror.what == mirror_decision::kind::vanished) {
        co_return make_error(error_kind::http_4xx, "Vibe project " + mirror.vibe_id +
                                                       " mapped to this project no longer exists; nothing is "
                                                       "re-created (remove the project's row to start over)");
    }
    auto choose = [roots = ctx.settings.allowed_repo_roots, stacks = ctx.settings.stacks_dir,
                   project](store::database&) -> result<repository_choice> {
        return choose_repository(roots, stacks, project);
    };
    auto choice = co_await ctx.db.run(std::move(choose));
    if (!choice) co_return choice.error();
    if (!choice->refused.empty()) HVS_LOG(ctx.log, warning) << choice->refused;
    const std::string path = choice->path;
    repo_path = path;
    auto created = co_await ctx.vibe.create_project(project.name, path, choice->existing);
    if (created) co_return created->id;
    // Vibe refused the create (its answer to a repository another project has already: an earlier
    // create that timed out, or a placeholder reused): adopt that project rather than fail forever.
    if (created.error().kind == error_kind::refused) {
        auto listed = co_await ctx.vibe.list_projects();
        if (!listed) co_return listed.error();
        for (const auto& candidate : *listed) {
            if (candidate.git_repo_path == path) co_return candidate.id;
        }
    }
    co_return created.error();
}

}  // namespace

net::task<project_outcome> sync_project(sync_context& ctx, huly::project project, mirror_decision mirror) {
    project_outcome outcome;
    outcome.project = project.identifier;
    if (!valid_identifier(project.identifier)) {
        // Never a path, folder name or log field: "../../x" or a newline would escape them.
        outcome.project = quoted_identifier(project.identifier);
        outcome.error = "invalid Huly project identifier " + outcome.project +
                        " (expected an uppercase letter, then uppercase letters or digits, at most 16)";
        co_return outcome;
    }

    auto state = co_await load_state(ctx, project.identifier);
    if (!state) {
        outcome.error = state.error().describe();
        co_return outcome;
    }
    project_row row;
    if (state->row) row = *state->row;
    row.identifier = project.identifier;
    row.name = project.name;

    const bool known = state->row && state->row->vibe_id;
    if (ctx.settings.skip_empty_projects && known && project.issue_count == 0 && row.issue_count == 0 &&
        state->links.empty()) {
        outcome.ok = outcome.skipped = true;
        co_return outcome;
    }

    if (ctx.settings.dry_run && mirror.what == mirror_decision::kind::create) {
        // Nothing exists in Vibe yet: every issue would become a task.
        auto page = co_await ctx.huly.list_issues(project.identifier, std::nullopt,
                                                  std::max<std::size_t>(default_issue_limit, project.issue_count + 100));
        if (!page) {
            outcome.error = page.error().describe();
            co_return outcome;
        }
        plan_inputs in{project.identifier, std::move(page->issues), true, {}, {}};
        auto plan = plan_project(in, ctx.settings.plan);
        if (ctx.plan_output) *ctx.plan_output << describe_plan(project.identifier, plan, mirror);
        outcome.ok = true;
        outcome.planned_writes = static_cast<unsigned>(plan.creates.size()) + 1;
        co_return outcome;
    }

    std::string repo_path = row.repo_path.value_or("");
    std::string vibe_id;
    if (ctx.settings.dry_run) {
        vibe_id = mirror.vibe_id;
    } else {
        auto ensured = co_await ensure_vibe_project(ctx, project, mirror, repo_path);
        if (!ensured) {
            outcome.error = "Vibe project: " + ensured.error().describe();
            co_return outcome;
        }
        vibe_id = *ensured;
        outcome.created_vibe_project = mirror.what == mirror_decision::kind::create;
    }
    row.vibe_id = vibe_id;
    if (!repo_path.empty()) row.repo_path = repo_path;
    row.description_hash = core::content_hash(project.description);
    row.issue_count = project.issue_count;

    // Read both sides at once. A failed read fails the project: nothing is planned from it.
    const bool full = !ctx.settings.incremental || !row.watermark_ms ||
                      row.cycles_since_full + 1 >= static_cast<std::int64_t>(ctx.settings.full_sync_every);
    const std::size_t full_limit = std::max<std::size_t>(default_issue_limit, project.issue_count + 1000);
    auto ex = co_await asio::this_coro::executor;
    auto [order, huly_failure, issues, vibe_failure, tasks] =
        co_await asio::experimental::make_parallel_group(
            asio::co_spawn(ex,
                           net::cancellation_as_values(ctx.huly.list_issues(
                               project.identifier, full ? std::nullopt : row.watermark_ms,
                               full ? full_limit : default_issue_limit)),
                           asio::deferred),
            asio::co_spawn(ex, net::cancellation_as_values(ctx.vibe.list_tasks(vibe_id)), asio::deferred))
            .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    if (huly_failure) std::rethrow_exception(huly_failure);
    if (vibe_failure) std::rethrow_exception(vibe_failure);
    if (!tasks) {
        outcome.error = "reading Vibe tasks: " + tasks.error().describe();
        co_return outcome;
    }
    bool complete = full;
    if (issues && !full && issues->possibly_truncated) {
        HVS_LOG(ctx.log, info) << "incremental read hit its limit; reading every issue instead";
        issues = co_await ctx.huly.list_issues(project.identifier, std::nullopt, full_limit);
        complete = true;
    }
    if (!issues) {
        outcome.error = "reading Huly issues: " + issues.error().describe();
        co_return outcome;
    }
    if (complete && issues->possibly_truncated) {
        HVS_LOG(ctx.log, warning) << "full read returned " << issues->issues.size()
                                  << " issues, the limit: deletions are not detected this cycle";
        complete = false;
    }
    outcome.full_read = complete;

    // Deletions are confirmed, never inferred from one answer: a read that would mark too many
    // links deleted, or contradicts the project list, is checked before anything is planned.
    auto candidates = find_deletion_candidates(state->links, issues->issues, complete, *tasks);
    const huly_counts counts{project.issue_count, issues->issues.size(), complete};
    auto verdict = judge_deletions(candidates, counts, tasks->size(), ctx.settings.deletion_guard);
    if (!verdict.trusted) {
        const first_reads first{state->links, issues->issues, complete, *tasks, std::move(candidates), full_limit};
        verdict = co_await confirm_deletions(ctx, project.identifier, vibe_id, first, verdict);
    }
    if (!verdict.trusted) {
        HVS_LOG(ctx.log, warning) << project.identifier << ": " << verdict.reason << "; nothing written this cycle";
        outcome.error = verdict.reason;
        co_return outcome;
    }

    // The watermark is on Huly's clock (modifiedOn), never on ours, so a skewed local clock cannot
    // skip a change. When the wrapper tells its time (syncMeta.serverTime) it is also capped by it:
    // a modifiedOn ahead of the server's clock (stamped by a writer whose clock runs fast) would
    // otherwise push the watermark past changes the server stamps later with its own, earlier time.
    std::int64_t newest = row.watermark_ms.value_or(0);
    for (const auto& issue : issues->issues) newest = std::max(newest, issue.modified_ms);
    if (issues->server_time_ms) newest = std::min(newest, *issues->server_time_ms);

    plan_settings settings = ctx.settings.plan;
    settings.available_statuses.insert(state->learned_statuses.begin(), state->learned_statuses.end());
    auto duplicates = plan_duplicate_repairs(*tasks, state->links);
    plan_inputs in{project.identifier, std::move(issues->issues), complete, std::move(*tasks), state->links};
    auto plan = plan_project(in, settings);
    outcome.conflicts = plan.conflicts;
    outcome.relinked = plan.relinked;
    outcome.marked_deleted = plan.marked_deleted;
    outcome.planned_writes =
        static_cast<unsigned>(plan.creates.size() + plan.task_updates.size() + plan.issue_updates.size());
    for (const auto& duplicate : plan.duplicate_markers) {
        HVS_LOG(ctx.log, warning) << "task " << duplicate << " carries the marker of an issue linked to another task";
    }
    outcome.duplicate_tasks = static_cast<unsigned>(surplus_tasks(duplicates));
    for (const auto& group : duplicates) {
        HVS_LOG(ctx.log, warning) << "issue " << group.issue_id << " has " << group.remove.size() + 1
                                  << " Vibe tasks (keeping " << group.keep
                                  << "); `huly-vibe-sync repair duplicates --apply` removes the others";
    }
    if (ctx.settings.dry_run) {
        if (ctx.plan_output) *ctx.plan_output << describe_plan(project.identifier, plan, mirror);
        outcome.ok = true;
        co_return outcome;
    }

    if (!plan.creates.empty()) {
        // Intent first: each create's link, with its bases, is stored before the request goes
        // out. A crash after Vibe applied the create then re-links the task by its marker with
        // these bases, so a change made in Vibe meanwhile is merged, not overwritten.
        std::vector<link> intents;
        for (const auto& create : plan.creates) {
            link intent = create.on_success;
            intent.task_id.reset();
            intents.push_back(std::move(intent));
        }
        // The project row goes with them (its Vibe id, its unchanged watermark): links need it.
        auto write_intents = [row, intents = std::move(intents)](store::database& db) {
            return save_project_step(db, row, intents, {});
        };
        if (auto written = co_await ctx.db.run(std::move(write_intents)); !written) {
            outcome.error = "saving create intents: " + written.error().describe();
            co_return outcome;
        }
    }

    write_results results;
    for (const auto& l : plan.links) results.links[l.issue_id] = l;
    std::vector<net::task<void>> writes;
    for (auto& create : plan.creates) writes.push_back(create_task(ctx, vibe_id, std::move(create), results));
    for (auto& update : plan.task_updates) writes.push_back(update_task(ctx, std::move(update), results));
    std::map<std::string, std::vector<issue_update>> by_issue;
    for (auto& update : plan.issue_updates) by_issue[update.issue_id].push_back(std::move(update));
    for (auto& [issue_id, updates] : by_issue) writes.push_back(update_issue(ctx, std::move(updates), results));
    co_await net::run_all(std::move(writes));

    outcome.tasks_created = results.created;
    outcome.tasks_updated = results.tasks_updated;
    outcome.issues_updated = results.issues_updated;
    outcome.rejected = results.rejected;
    outcome.ok = results.transient_failures.empty();
    if (outcome.ok) {
        row.watermark_ms = newest > 0 ? std::optional<std::int64_t>(newest) : row.watermark_ms;
        row.cycles_since_full = complete ? 0 : row.cycles_since_full + 1;
        row.last_success_at = now_iso8601();
        row.last_error.reset();
    } else {
        outcome.error = std::to_string(results.transient_failures.size()) + " writes failed, first: " +
                        results.transient_failures.front();
        row.last_error = outcome.error;
    }

    std::vector<link> links;
    links.reserve(results.links.size());
    for (auto& [id, l] : results.links) links.push_back(std::move(l));
    // Only links that changed are written: an idle project costs its row, not one write per issue.
    std::map<std::string, const link*> stored_links;
    for (const auto& l : state->links) stored_links[l.issue_id] = &l;
    std::vector<link> changed;
    for (const auto& l : links) {
        auto it = stored_links.find(l.issue_id);
        if (it == stored_links.end() || !(*it->second == l)) changed.push_back(l);
    }
    // The duplicate record is written only when there is something to record or to clear: an idle
    // project's cycle stays one write transaction.
    const bool record_duplicates = !duplicates.empty() || state->had_duplicates;
    auto job = [row, changed = std::move(changed), learned = results.learned_statuses,
                duplicates = std::move(duplicates), record_duplicates](store::database& db) -> result<void> {
        if (auto saved = save_project_step(db, row, changed, learned); !saved) return saved;
        if (!record_duplicates) return {};
        return save_duplicates(db, row.identifier, duplicates);
    };
    auto saved = co_await ctx.db.run(std::move(job));
    if (!saved) {
        outcome.ok = false;
        outcome.error = "saving state: " + saved.error().describe();
        co_return outcome;
    }
    outcome.previous_links = std::move(state->links);
    outcome.links = std::move(links);
    outcome.vibe_id = vibe_id;
    outcome.repo_path = row.repo_path.value_or("");
    co_return outcome;
}

}  // namespace hvs::sync
