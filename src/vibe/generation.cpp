#include "hvs/vibe/generation.hpp"

#include "hvs/core/json.hpp"
#include "hvs/vibe/client.hpp"

namespace hvs::vibe {

std::string_view describe(api_generation generation) noexcept {
    switch (generation) {
    case api_generation::single_repo:
        return "single-repo, ≤ 0.0.136";
    case api_generation::multi_repo:
        return "multi-repo, 0.0.140 … 0.1.14";
    case api_generation::unusable:
        return "none, ≥ 0.1.15";
    }
    return "unknown";
}

std::string unusable_vibe_message(std::string_view url) {
    return "Vibe Kanban at " + std::string(url) +
           " has no local task API (GET /api/projects answers the web page: version ≥ 0.1.15); "
           "use Vibe Kanban 0.0.71 … 0.1.14 (0.0.71 is the only self-contained release)";
}

api_generation generation_of_repositories_probe(std::string_view content_type) noexcept {
    return content_type.substr(0, 9) == "text/html" ? api_generation::single_repo : api_generation::multi_repo;
}

api_generation generation_of_project(const boost::json::object& project) noexcept {
    return project.contains("git_repo_path") ? api_generation::single_repo : api_generation::multi_repo;
}

result<std::optional<api_generation>> generation_of_projects_answer(std::string_view content_type,
                                                                    std::string_view body) {
    constexpr std::string_view what = "vibe GET /api/projects";
    // >= 0.1.15: the route is gone and the router's fallback serves the web app (index.html).
    if (content_type.substr(0, 9) == "text/html") return std::optional{api_generation::unusable};
    auto data = decode_envelope(content_type, body, what);
    if (!data) return data.error();
    auto items = core::array_of(*data, what);
    if (!items) return items.error();
    if ((*items)->empty()) return std::optional<api_generation>{};
    auto first = core::object_of((*items)->front(), what);
    if (!first) return first.error();
    return std::optional{generation_of_project(**first)};
}

}  // namespace hvs::vibe
