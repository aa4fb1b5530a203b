#pragma once
// A Vibe Kanban task as the 0.0.71 API returns it (reference vibe-kanban-api.md, /api/tasks).

#include <optional>
#include <string>

namespace hvs::vibe {

struct task {
    std::string id;                          // uuid
    std::string title;
    std::optional<std::string> description;  // null when never set
    std::string status;                      // Vibe vocabulary (task_status, as text)
    std::string created_at;
    std::string updated_at;                  // "" when the server did not say
};

}  // namespace hvs::vibe
