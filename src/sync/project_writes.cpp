#include "hvs/sync/project_writes.hpp"

#include <algorithm>

namespace hvs::sync {
namespace {

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

}  // namespace

net::task<write_results> carry_out(sync_context& ctx, std::string vibe_id, project_plan plan) {
    write_results results;
    for (const auto& l : plan.links) results.links[l.issue_id] = l;
    std::vector<net::task<void>> writes;
    for (auto& create : plan.creates) writes.push_back(create_task(ctx, vibe_id, std::move(create), results));
    for (auto& update : plan.task_updates) writes.push_back(update_task(ctx, std::move(update), results));
    std::map<std::string, std::vector<issue_update>> by_issue;
    for (auto& update : plan.issue_updates) by_issue[update.issue_id].push_back(std::move(update));
    for (auto& [issue_id, updates] : by_issue) writes.push_back(update_issue(ctx, std::move(updates), results));
    co_await net::run_all(std::move(writes));
    co_return results;
}

}  // namespace hvs::sync
