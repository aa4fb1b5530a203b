#pragma once
// The records the sync decisions work on: a Huly issue, a Vibe task, and the stored link between
// them with its per-field bases and the last values observed on each side.

#include <cstdint>
#include <optional>
#include <string>

namespace hvs::sync {

struct huly_issue {
    std::string id;           // "PROJ-12"
    std::string title;
    std::string description;  // as Huly returns it (markdown, trimmed by Huly)
    std::string status;       // Huly status name
    std::string priority;
    std::int64_t modified_ms = 0;
};

struct vibe_task {
    std::string id;                          // uuid
    std::string title;
    std::optional<std::string> description;  // null when never set
    std::string status;                      // Vibe vocabulary
    std::string created_at;
    std::string updated_at;                  // "" when the server did not say
};

struct link {
    std::string issue_id;
    std::string project;
    std::optional<std::string> task_id;
    // Last synchronised values: title, description without marker, status in Vibe's vocabulary.
    std::optional<std::string> base_title, base_description, base_status;
    // Last observed in Huly (status as Huly names it) and in Vibe (description without marker).
    std::optional<std::string> huly_title, huly_description, huly_status, huly_priority;
    std::optional<std::int64_t> huly_modified_ms;
    std::optional<std::string> vibe_title, vibe_description, vibe_status;
    bool deleted_in_huly = false;
    bool deleted_in_vibe = false;
    std::optional<std::string> rejected_status;  // a Huly status name Huly refused
    // The task's status before ON_HULY_DELETE=cancel cancelled it: restored when the issue comes back.
    std::optional<std::string> status_before_cancel;

    friend bool operator==(const link&, const link&) = default;
};

}  // namespace hvs::sync
