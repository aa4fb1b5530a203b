#include "hvs/sync/project_sync.hpp"

#include "hvs/core/hash.hpp"
#include "hvs/core/json.hpp"
#include "hvs/sync/cycle_steps.hpp"
#include "hvs/sync/deletion_check.hpp"
#include "hvs/sync/duplicates.hpp"
#include "hvs/sync/plan_report.hpp"
#include "hvs/sync/project_writes.hpp"
#include "hvs/sync/repo_path.hpp"
#include "hvs/sync/vibe_project.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>

#include <algorithm>

namespace hvs::sync {
namespace {

namespace asio = boost::asio;

struct stored_state {
    std::optional<store::project_row> row;
    std::vector<link> links;
    std::set<std::string> learned_statuses;
    bool had_duplicates = false;  // the last cycle recorded duplicate tasks for this project
};

// Both sides as this cycle read them, or why the project cannot be planned.
struct project_reads {
    std::vector<huly::issue> issues;
    std::optional<std::int64_t> server_time_ms;
    std::vector<vibe::task> tasks;
    bool complete = false;  // every Huly issue was read: a linked issue missing from them is deleted
    std::string failure;    // non-empty: a read failed, nothing is planned from the other
};

net::task<result<stored_state>> load_state(sync_context& ctx, std::string identifier) {
    // Named, not a temporary: GCC 12 mis-copies lambda temporaries inside co_await expressions.
    auto job = [identifier](store::database& db) -> result<stored_state> {
        stored_state state;
        auto row = store::load_project(db, identifier);
        if (!row) return row.error();
        state.row = std::move(*row);
        auto links = store::load_links(db, identifier);
        if (!links) return links.error();
        state.links = std::move(*links);
        auto learned = store::load_learned_statuses(db);
        if (!learned) return learned.error();
        state.learned_statuses = std::move(*learned);
        auto duplicates = store::has_duplicates(db, identifier);
        if (!duplicates) return duplicates.error();
        state.had_duplicates = *duplicates;
        return state;
    };
    co_return co_await ctx.db.run(std::move(job));
}

// A dry run for a project Vibe does not have yet: every issue would become a task.
net::task<project_outcome> preview_new_project(sync_context& ctx, const huly::project& project,
                                               const mirror_decision& mirror, project_outcome outcome) {
    const std::size_t limit = std::max<std::size_t>(default_issue_limit, project.issue_count + 100);
    auto page = co_await ctx.huly.list_issues(project.identifier, std::nullopt, limit);
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

// Reads both sides at once. A failed read fails the project: nothing is planned from it. A
// truncated incremental read is replaced by a full one; a truncated full read cannot tell
// deletions.
net::task<project_reads> read_both_sides(sync_context& ctx, std::string identifier, std::string vibe_id,
                                         read_scope scope) {
    project_reads reads;
    auto ex = co_await asio::this_coro::executor;
    auto [order, huly_failure, issues, vibe_failure, tasks] =
        co_await asio::experimental::make_parallel_group(
            asio::co_spawn(ex, net::cancellation_as_values(ctx.huly.list_issues(identifier, scope.since, scope.limit)),
                           asio::deferred),
            asio::co_spawn(ex, net::cancellation_as_values(ctx.vibe.list_tasks(vibe_id)), asio::deferred))
            .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    if (huly_failure) std::rethrow_exception(huly_failure);
    if (vibe_failure) std::rethrow_exception(vibe_failure);
    if (!tasks) {
        reads.failure = "reading Vibe tasks: " + tasks.error().describe();
        co_return reads;
    }
    bool complete = scope.full;
    if (issues && !scope.full && issues->possibly_truncated) {
        HVS_LOG(ctx.log, info) << "incremental read hit its limit; reading every issue instead";
        issues = co_await ctx.huly.list_issues(identifier, std::nullopt, scope.full_limit);
        complete = true;
    }
    if (!issues) {
        reads.failure = "reading Huly issues: " + issues.error().describe();
        co_return reads;
    }
    if (complete && issues->possibly_truncated) {
        HVS_LOG(ctx.log, warning) << "full read returned " << issues->issues.size()
                                  << " issues, the limit: deletions are not detected this cycle";
        complete = false;
    }
    reads.issues = std::move(issues->issues);
    reads.server_time_ms = issues->server_time_ms;
    reads.tasks = std::move(*tasks);
    reads.complete = complete;
    co_return reads;
}

// Deletions are confirmed, never inferred from one answer: a read that would mark too many links
// deleted, or contradicts the project list, is checked before anything is planned.
net::task<deletion_verdict> check_deletions(sync_context& ctx, const huly::project& project, std::string vibe_id,
                                            const std::vector<link>& links, const project_reads& reads,
                                            std::size_t full_limit) {
    auto candidates = find_deletion_candidates(links, reads.issues, reads.complete, reads.tasks);
    const huly_counts counts{project.issue_count, reads.issues.size(), reads.complete};
    auto verdict = judge_deletions(candidates, counts, reads.tasks.size(), ctx.settings.deletion_guard);
    if (verdict.trusted) co_return verdict;
    const first_reads first{links, reads.issues, reads.complete, reads.tasks, std::move(candidates), full_limit};
    co_return co_await confirm_deletions(ctx, project.identifier, vibe_id, first, verdict);
}

void report_duplicates(sync_context& ctx, const project_plan& plan, const std::vector<duplicate_repair>& duplicates) {
    for (const auto& duplicate : plan.duplicate_markers) {
        HVS_LOG(ctx.log, warning) << "task " << duplicate << " carries the marker of an issue linked to another task";
    }
    for (const auto& group : duplicates) {
        HVS_LOG(ctx.log, warning) << "issue " << group.issue_id << " has " << group.remove.size() + 1
                                  << " Vibe tasks (keeping " << group.keep
                                  << "); `huly-vibe-sync repair duplicates --apply` removes the others";
    }
}

// Intent first: each create's link, with its bases, is stored before the request goes out. A
// crash after Vibe applied the create then re-links the task by its marker with these bases, so
// a change made in Vibe meanwhile is merged, not overwritten. The project row goes with them
// (its Vibe id, its unchanged watermark): links need it.
net::task<result<void>> save_create_intents(sync_context& ctx, store::project_row row, std::vector<link> intents) {
    auto write_intents = [row = std::move(row), intents = std::move(intents)](store::database& db) {
        return store::save_project_step(db, row, intents, {});
    };
    co_return co_await ctx.db.run(std::move(write_intents));
}

// The project's state in one transaction: its row, the links that changed, the statuses learned,
// and the duplicate record only when there is something to record or to clear (an idle project's
// cycle stays one write transaction).
net::task<result<void>> commit_project(sync_context& ctx, store::project_row row, std::vector<link> changed,
                                       std::set<std::string> learned, std::vector<duplicate_repair> duplicates,
                                       bool record_duplicates) {
    auto job = [row = std::move(row), changed = std::move(changed), learned = std::move(learned),
                duplicates = std::move(duplicates), record_duplicates](store::database& db) -> result<void> {
        if (auto saved = store::save_project_step(db, row, changed, learned); !saved) return saved;
        if (!record_duplicates) return {};
        return store::save_duplicates(db, row.identifier, tasks_to_record(duplicates));
    };
    co_return co_await ctx.db.run(std::move(job));
}

// The project's row as this cycle found the project in Huly and mirrored it in Vibe.
store::project_row mirrored_row(const std::optional<store::project_row>& stored, const huly::project& project,
                         const std::string& vibe_id, const std::string& repo_path) {
    store::project_row row = stored.value_or(store::project_row{});
    row.identifier = project.identifier;
    row.name = project.name;
    row.vibe_id = vibe_id;
    if (!repo_path.empty()) row.repo_path = repo_path;
    row.description_hash = core::content_hash(project.description);
    row.issue_count = project.issue_count;
    return row;
}

// The plan from this cycle's reads, knowing the statuses Huly refused before.
project_plan plan_from_reads(const std::string& identifier, plan_settings settings,
                             const std::set<std::string>& learned_statuses, project_reads reads,
                             const std::vector<link>& links) {
    settings.available_statuses.insert(learned_statuses.begin(), learned_statuses.end());
    plan_inputs in{identifier, std::move(reads.issues), reads.complete, std::move(reads.tasks), links};
    return plan_project(in, settings);
}

void count_plan(project_outcome& outcome, const project_plan& plan, const std::vector<duplicate_repair>& duplicates) {
    outcome.conflicts = plan.conflicts;
    outcome.relinked = plan.relinked;
    outcome.marked_deleted = plan.marked_deleted;
    outcome.planned_writes =
        static_cast<unsigned>(plan.creates.size() + plan.task_updates.size() + plan.issue_updates.size());
    outcome.duplicate_tasks = static_cast<unsigned>(surplus_tasks(duplicates));
}

// The write phase and its commit: the create intents stored first, the writes carried out, then
// the row (settled by the writes' outcome), the changed links, the learned statuses and the
// duplicate record in one transaction.
net::task<void> write_and_commit(sync_context& ctx, std::string vibe_id, store::project_row row, project_plan plan,
                                 stored_state& state, std::vector<duplicate_repair> duplicates, bool complete,
                                 std::int64_t newest, project_outcome& outcome) {
    if (!plan.creates.empty()) {
        auto intents = create_intents(plan.creates);
        if (auto written = co_await save_create_intents(ctx, row, std::move(intents)); !written) {
            outcome.error = "saving create intents: " + written.error().describe();
            co_return;
        }
    }
    if (ctx.db.fence() && plan.creates.empty() && !plan.writes_nothing()) {
        // Replicas: Huly and Vibe cannot check a fence, so the writes to them go out only once the
        // store confirms that this replica still holds the project's lease (storing the create
        // intents just did, when there are creates).
        auto confirm = [](store::database&) { return result<void>{}; };
        if (auto held = co_await ctx.db.run(std::move(confirm)); !held) {
            outcome.error = "before writing: " + held.error().describe();
            co_return;
        }
    }
    auto results = co_await carry_out(ctx, vibe_id, std::move(plan));
    outcome.tasks_created = results.created;
    outcome.tasks_updated = results.tasks_updated;
    outcome.issues_updated = results.issues_updated;
    outcome.rejected = results.rejected;
    const auto failure = writes_failure(results.transient_failures);
    outcome.ok = !failure;
    if (failure) outcome.error = *failure;
    row = settled_row(std::move(row), failure, complete, newest, core::now_iso8601());

    std::vector<link> links;
    links.reserve(results.links.size());
    for (auto& [id, l] : results.links) links.push_back(std::move(l));
    auto changed = changed_links(state.links, links);
    const bool record_duplicates = !duplicates.empty() || state.had_duplicates;
    auto saved = co_await commit_project(ctx, row, std::move(changed), std::move(results.learned_statuses),
                                         std::move(duplicates), record_duplicates);
    if (!saved) {
        outcome.ok = false;
        outcome.error = "saving state: " + saved.error().describe();
        co_return;
    }
    outcome.previous_links = std::move(state.links);
    outcome.links = std::move(links);
    outcome.vibe_id = std::move(vibe_id);
    outcome.repo_path = row.repo_path.value_or("");
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
    if (skips_empty_project(ctx.settings.skip_empty_projects, state->row, project.issue_count, !state->links.empty())) {
        outcome.ok = outcome.skipped = true;
        co_return outcome;
    }
    if (ctx.settings.dry_run && mirror.what == mirror_decision::kind::create) {
        co_return co_await preview_new_project(ctx, project, mirror, std::move(outcome));
    }

    std::string repo_path = state->row ? state->row->repo_path.value_or("") : std::string();
    std::string vibe_id = mirror.vibe_id;
    if (!ctx.settings.dry_run) {
        auto ensured = co_await ensure_vibe_project(ctx, project, mirror, repo_path);
        if (!ensured) {
            outcome.error = "Vibe project: " + ensured.error().describe();
            co_return outcome;
        }
        vibe_id = *ensured;
        outcome.created_vibe_project = mirror.what == mirror_decision::kind::create;
    }
    store::project_row row = mirrored_row(state->row, project, vibe_id, repo_path);

    const auto scope =
        choose_read_scope(row, project.issue_count, ctx.settings.incremental, ctx.settings.full_sync_every);
    auto reads = co_await read_both_sides(ctx, project.identifier, vibe_id, scope);
    if (!reads.failure.empty()) {
        outcome.error = reads.failure;
        co_return outcome;
    }
    outcome.full_read = reads.complete;
    auto verdict = co_await check_deletions(ctx, project, vibe_id, state->links, reads, scope.full_limit);
    if (!verdict.trusted) {
        HVS_LOG(ctx.log, warning) << project.identifier << ": " << verdict.reason << "; nothing written this cycle";
        outcome.error = verdict.reason;
        co_return outcome;
    }

    const std::int64_t newest = next_watermark(row.watermark_ms, reads.issues, reads.server_time_ms);
    const bool complete = reads.complete;
    auto duplicates = plan_duplicate_repairs(reads.tasks, state->links);
    auto plan = plan_from_reads(project.identifier, ctx.settings.plan, state->learned_statuses, std::move(reads),
                                state->links);
    count_plan(outcome, plan, duplicates);
    report_duplicates(ctx, plan, duplicates);
    if (ctx.settings.dry_run) {
        if (ctx.plan_output) *ctx.plan_output << describe_plan(project.identifier, plan, mirror);
        outcome.ok = true;
        co_return outcome;
    }
    co_await write_and_commit(ctx, vibe_id, std::move(row), std::move(plan), *state, std::move(duplicates), complete,
                              newest, outcome);
    co_return outcome;
}

}  // namespace hvs::sync
