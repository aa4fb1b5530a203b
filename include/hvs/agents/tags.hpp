#pragma once
// The Letta tags that mark a PM agent as this service's: the service tag on every agent it manages,
// and project:<IDENTIFIER> naming the project the agent belongs to.

#include <string>
#include <string_view>

namespace hvs::agents {

inline constexpr std::string_view service_tag = "huly-vibe-sync";
inline constexpr std::string_view project_tag_prefix = "project:";

inline std::string project_tag(std::string_view identifier) {
    return std::string(project_tag_prefix) + std::string(identifier);
}

}  // namespace hvs::agents
