#include "hvs/sync/planner.hpp"

#include "hvs/sync/text.hpp"

#include <map>

namespace hvs::sync {
namespace {

// What one linked pair looks like this cycle, each side in comparable form.
struct pair_view {
    std::string huly_title, huly_description, huly_status_name;
    std::string vibe_title, vibe_description, vibe_status;
    bool vibe_has_marker = false;
};

link observe_huly(link l, const huly::issue& issue) {
    l.huly_title = issue.title;
    l.huly_description = normalize_description(issue.description);
    l.huly_status = issue.status;
    l.huly_priority = issue.priority;
    l.huly_modified_ms = issue.modified_ms;
    return l;
}

link observe_vibe(link l, const vibe::task& task) {
    l.task_id = task.id;
    l.vibe_title = task.title;
    l.vibe_description = strip_marker(task.description.value_or(""));
    l.vibe_status = task.status;
    return l;
}

class planner {
public:
    planner(const plan_inputs& in, const plan_settings& settings) : in_(in), settings_(settings) {
        for (const auto& issue : in.issues) issues_[issue.id] = &issue;
        for (const auto& task : in.tasks) {
            tasks_[task.id] = &task;
            if (auto id = marker_issue_id(task.description.value_or(""))) {
                // The list is newest first: keep the oldest task carrying a marker.
                markers_[*id] = &task;
            }
        }
    }

    project_plan run() {
        std::set<std::string> linked_issues;
        for (const auto& stored : in_.links) {
            linked_issues.insert(stored.issue_id);
            if (stored.task_id) linked_tasks_.insert(*stored.task_id);
        }
        for (const auto& stored : in_.links) plan_linked(stored);
        for (const auto& issue : in_.issues) {
            if (!linked_issues.contains(issue.id)) plan_unlinked(issue);
        }
        return std::move(plan_);
    }

private:
    void plan_linked(const link& stored) {
        link l = stored;
        auto issue_it = issues_.find(l.issue_id);
        if (issue_it != issues_.end()) l = observe_huly(l, *issue_it->second);

        if (l.deleted_in_huly || l.deleted_in_vibe) {
            if (!reappeared(l, issue_it != issues_.end())) {
                plan_.links.push_back(l);
                return;
            }
            // A deletion mark is reversible: the item is back, so the pair is synced again.
            l.deleted_in_huly = l.deleted_in_vibe = false;
            ++plan_.relinked;
        }
        if (!l.task_id) {
            // A create was intended (its bases were written first) but never confirmed: the
            // task is found by its marker, keeping the bases, or created again.
            plan_pending_create(l, issue_it == issues_.end() ? nullptr : issue_it->second);
            return;
        }
        const vibe::task* task = find_task(*l.task_id);
        if (in_.complete_issue_list && issue_it == issues_.end()) {
            l.deleted_in_huly = true;
            ++plan_.marked_deleted;
            if (task && settings_.cancel_on_huly_delete && task->status != to_string(vibe::task_status::cancelled)) {
                task_update cancel{task->id, l.issue_id, {}, {}, vibe::task_status::cancelled, {}};
                plan_.task_updates.push_back(cancel);
                l.status_before_cancel = task->status;  // restored if the issue comes back
            }
            if (task) l = observe_vibe(l, *task);
            plan_.links.push_back(l);
            return;
        }
        if (!task) {
            l.deleted_in_vibe = true;
            ++plan_.marked_deleted;
            plan_.links.push_back(l);
            return;
        }
        if (l.status_before_cancel && issue_it != issues_.end()) {
            plan_restore(l, *task);
            return;
        }
        l = observe_vibe(l, *task);
        if (!l.huly_title) {
            // Linked but never observed in Huly (e.g. imported): wait for a read that includes it.
            plan_.links.push_back(l);
            return;
        }
        merge_pair(l, task->description.value_or(""));
    }

    // Whether an item marked deleted is present again in this cycle's reads.
    bool reappeared(link& l, bool issue_read) const {
        if (l.deleted_in_huly) return issue_read;
        if (l.task_id && find_task(*l.task_id)) return true;
        auto marked = markers_.find(l.issue_id);
        if (marked == markers_.end() || linked_tasks_.contains(marked->second->id)) return false;
        l.task_id = marked->second->id;  // the task came back under another id (re-created with its marker)
        return true;
    }

    // The issue of a task cancelled because it was deleted is back: the task gets the status it had
    // before (kept until Vibe confirms), as if the cancel never happened; then the pair merges.
    void plan_restore(link l, const vibe::task& task) {
        auto previous = vibe::parse_task_status(*l.status_before_cancel);
        if (!previous || task.status != to_string(vibe::task_status::cancelled)) {
            l.status_before_cancel.reset();  // changed in Vibe since: that status is the user's
            l = observe_vibe(l, task);
            merge_pair(l, task.description.value_or(""));
            return;
        }
        vibe::task as_before = task;
        as_before.status = *l.status_before_cancel;
        l = observe_vibe(l, as_before);
        merge_pair(l, task.description.value_or(""), previous);
    }

    void plan_pending_create(const link& pending, const huly::issue* issue) {
        auto marked = markers_.find(pending.issue_id);
        if (marked != markers_.end() && !linked_tasks_.contains(marked->second->id)) {
            link l = observe_vibe(pending, *marked->second);
            ++plan_.relinked;
            merge_pair(l, marked->second->description.value_or(""));
            return;
        }
        if (!issue) {
            plan_.links.push_back(pending);  // wait for a read that includes the issue
            return;
        }
        plan_create(*issue);
    }

    void plan_unlinked(const huly::issue& issue) {
        link l;
        l.issue_id = issue.id;
        l.project = in_.project;
        l = observe_huly(l, issue);
        auto marked = markers_.find(issue.id);
        if (marked != markers_.end()) {
            if (linked_tasks_.contains(marked->second->id)) {
                plan_.duplicate_markers.push_back(marked->second->id);
                return;
            }
            // Created earlier (the database was lost, or a crash came before the commit): link again.
            l = observe_vibe(l, *marked->second);
            ++plan_.relinked;
            merge_pair(l, marked->second->description.value_or(""));
            return;
        }
        plan_create(issue);
    }

    void plan_create(const huly::issue& issue) {
        link l;
        l.issue_id = issue.id;
        l.project = in_.project;
        l = observe_huly(l, issue);
        task_create create;
        create.issue_id = issue.id;
        create.title = issue.title;
        create.description = with_marker(issue.description, issue.id);
        if (auto wanted = vibe_status_of_huly(issue.status); wanted != vibe::task_status::todo) create.then_status = wanted;
        link created = l;
        created.vibe_title = issue.title;
        created.vibe_description = normalize_description(issue.description);
        created.vibe_status = to_string(vibe::task_status::todo);  // Vibe ignores status on create
        created.base_title = created.vibe_title;
        created.base_description = created.vibe_description;
        created.base_status = created.vibe_status;
        create.on_success = created;
        plan_.creates.push_back(std::move(create));
    }

    // Merges title, description and status of a pair whose both sides are observed in `l`.
    // `restore`: a status Vibe must be given back (its observed status in `l` already says it).
    void merge_pair(link l, const std::string& raw_task_description,
                    std::optional<vibe::task_status> restore = std::nullopt) {
        const winner policy = settings_.policy;
        task_update to_vibe{*l.task_id, l.issue_id, {}, {}, {}, {}};

        auto title = merge_field(l.base_title, *l.huly_title, *l.vibe_title, policy);
        handle_text_field("title", title, l, to_vibe.title, to_vibe.bases.title);

        auto description = merge_field(l.base_description, *l.huly_description, *l.vibe_description, policy);
        handle_text_field("description", description, l, to_vibe.description, to_vibe.bases.description);
        if (to_vibe.description) to_vibe.description = with_marker(*to_vibe.description, l.issue_id);
        if (!to_vibe.description && !marker_issue_id(raw_task_description)) {
            // The marker was edited away: put it back (the text itself is unchanged).
            to_vibe.description = with_marker(*l.vibe_description, l.issue_id);
        }

        const std::string huly_as_vibe(to_string(vibe_status_of_huly(*l.huly_status)));
        auto status = merge_field(l.base_status, huly_as_vibe, *l.vibe_status, policy);
        plan_.conflicts += (title.conflict ? 1 : 0) + (description.conflict ? 1 : 0) + (status.conflict ? 1 : 0);
        switch (status.action) {
        case field_action::none: break;
        case field_action::base_only: l.base_status = status.value; break;
        case field_action::write_vibe:
            to_vibe.status = vibe::parse_task_status(status.value);
            to_vibe.bases.status = status.value;
            break;
        case field_action::write_huly: plan_status_to_huly(l, status.value); break;
        }

        if (restore && !to_vibe.status) {
            to_vibe.status = restore;
            to_vibe.restores_status = true;
        }
        if (to_vibe.title || to_vibe.description || to_vibe.status) plan_.task_updates.push_back(std::move(to_vibe));
        plan_.links.push_back(std::move(l));
    }

    void handle_text_field(const std::string& field, const field_merge& merged, link& l,
                           std::optional<std::string>& vibe_value, std::optional<std::string>& vibe_base) {
        switch (merged.action) {
        case field_action::none: break;
        case field_action::base_only:
            (field == "title" ? l.base_title : l.base_description) = merged.value;
            break;
        case field_action::write_vibe:
            vibe_value = merged.value;
            vibe_base = merged.value;
            break;
        case field_action::write_huly: {
            issue_update update{l.issue_id, field, merged.value, {}};
            (field == "title" ? update.bases.title : update.bases.description) = merged.value;
            plan_.issue_updates.push_back(std::move(update));
            break;
        }
        }
    }

    void plan_status_to_huly(link& l, const std::string& target_text) {
        auto target = vibe::parse_task_status(target_text);
        auto name = target ? huly_name_for(*target, settings_.names, settings_.available_statuses) : std::nullopt;
        if (!name || (l.rejected_status && *l.rejected_status == *name)) {
            ++plan_.unwritable_statuses;
            return;
        }
        issue_update update{l.issue_id, "status", *name, {}};
        update.bases.status = target_text;
        plan_.issue_updates.push_back(std::move(update));
    }

    const vibe::task* find_task(const std::string& id) const {
        auto it = tasks_.find(id);
        return it == tasks_.end() ? nullptr : it->second;
    }

    const plan_inputs& in_;
    const plan_settings& settings_;
    std::map<std::string, const huly::issue*> issues_;
    std::map<std::string, const vibe::task*> tasks_;
    std::map<std::string, const vibe::task*> markers_;
    std::set<std::string> linked_tasks_;
    project_plan plan_;
};

}  // namespace

project_plan plan_project(const plan_inputs& in, const plan_settings& settings) { return planner(in, settings).run(); }

void confirm(link& l, const task_update& done) {
    if (done.bases.title) l.base_title = l.vibe_title = done.bases.title;
    if (done.bases.description) l.base_description = l.vibe_description = done.bases.description;
    if (done.bases.status) l.base_status = l.vibe_status = done.bases.status;
    if (done.status && !done.bases.status) l.vibe_status = std::string(to_string(*done.status));  // cancel on delete
    if (done.restores_status || (done.bases.status && l.status_before_cancel)) l.status_before_cancel.reset();
}

void confirm(link& l, const issue_update& done) {
    if (done.bases.title) l.base_title = l.huly_title = done.bases.title;
    if (done.bases.description) l.base_description = l.huly_description = done.bases.description;
    if (done.bases.status) {
        l.base_status = done.bases.status;
        l.huly_status = done.value;
        l.rejected_status.reset();
    }
}

}  // namespace hvs::sync
