#pragma once
// Decides everything one project's cycle must do, from what was read and what is stored. Pure:
// no I/O; the engine carries the plan out and moves a base only after its write is confirmed.

#include "hvs/sync/merge.hpp"
#include "hvs/huly/issue.hpp"
#include "hvs/sync/model.hpp"
#include "hvs/vibe/task.hpp"
#include "hvs/sync/status.hpp"

#include <set>
#include <string>
#include <vector>

namespace hvs::sync {

struct plan_inputs {
    std::string project;
    std::vector<huly::issue> issues;     // this cycle's Huly read (incremental or full)
    bool complete_issue_list = false;   // true for a full read: a linked issue missing from it is deleted
    std::vector<vibe::task> tasks;       // the project's complete Vibe task list
    std::vector<link> links;            // every stored link of the project
};

struct plan_settings {
    winner policy = winner::huly;
    bool cancel_on_huly_delete = false;
    huly_status_names names;
    std::set<std::string> available_statuses;  // learned from Huly's refusals; empty = unknown
};

// Base moves that apply once a write succeeds.
struct base_moves {
    std::optional<std::string> title, description, status;
};

struct task_create {
    std::string issue_id;
    std::string title;
    std::string description;  // with the marker
    std::optional<vibe::task_status> then_status;  // Vibe ignores status on create: set it with a follow-up PUT
    link on_success;          // the link to store once Vibe confirms (task_id filled in by the engine)
};

struct task_update {
    std::string task_id;
    std::string issue_id;
    std::optional<std::string> title;
    std::optional<std::string> description;  // with the marker
    std::optional<vibe::task_status> status;
    base_moves bases;                         // also the values Vibe will then hold
    bool restores_status = false;             // gives back the status a cancel-on-delete replaced
};

struct issue_update {
    std::string issue_id;
    std::string field;   // "title" | "description" | "status"
    std::string value;   // for status: the Huly name
    base_moves bases;
};

struct project_plan {
    std::vector<task_create> creates;
    std::vector<task_update> task_updates;   // at most one per task: all changed fields in one PUT
    std::vector<issue_update> issue_updates;
    std::vector<link> links;                 // every link's state to store: observations, marks, bases of unwritten fields
    unsigned conflicts = 0;
    unsigned relinked = 0;                   // pairs found again by their marker, or back after a deletion mark
    unsigned marked_deleted = 0;
    unsigned unwritable_statuses = 0;        // Vibe statuses Huly cannot take (skipped, not retried)
    std::vector<std::string> duplicate_markers;  // tasks carrying the marker of an issue already linked elsewhere

    [[nodiscard]] bool writes_nothing() const {
        return creates.empty() && task_updates.empty() && issue_updates.empty();
    }
};

[[nodiscard]] project_plan plan_project(const plan_inputs& in, const plan_settings& settings);

// A write was confirmed: its bases move, and the written side's observed values follow.
void confirm(link& l, const task_update& done);
void confirm(link& l, const issue_update& done);

}  // namespace hvs::sync
