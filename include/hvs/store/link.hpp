#pragma once
// A stored link between a Huly issue and a Vibe task (table links), with its per-field bases and
// the last values observed on each side. The sync decisions work on it as it is (sync/model.hpp).

#include <cstdint>
#include <optional>
#include <string>

namespace hvs::store {

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

}  // namespace hvs::store
