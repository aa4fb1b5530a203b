#include "hvs/sync/mirror.hpp"

#include "hvs/sync/text.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace hvs::sync {

bool same_project_name(std::string_view a, std::string_view b) { return ascii_lower(a) == ascii_lower(b); }

std::map<std::string, mirror_decision> plan_mirrors(const std::vector<huly::project>& huly_projects,
                                                    const std::vector<store::project_row>& stored,
                                                    const std::vector<vibe::project>& vibe_projects) {
    std::map<std::string, std::string> stored_ids;  // huly identifier -> vibe id
    std::set<std::string> taken;
    for (const auto& row : stored) {
        if (row.vibe_id) {
            stored_ids[row.identifier] = *row.vibe_id;
            taken.insert(*row.vibe_id);
        }
    }
    std::set<std::string> present;
    for (const auto& v : vibe_projects) present.insert(v.id);

    std::map<std::string, mirror_decision> out;
    for (const auto& h : huly_projects) {
        if (auto it = stored_ids.find(h.identifier); it != stored_ids.end()) {
            out[h.identifier] = present.contains(it->second)
                                    ? mirror_decision{mirror_decision::kind::linked, it->second}
                                    : mirror_decision{mirror_decision::kind::vanished, it->second};
            continue;
        }
        // Adopt the oldest free Vibe project with the same name (the list is newest first).
        const vibe::project* match = nullptr;
        for (const auto& v : vibe_projects) {
            if (same_project_name(v.name, h.name) && !taken.contains(v.id)) match = &v;
        }
        if (match) {
            taken.insert(match->id);
            out[h.identifier] = {mirror_decision::kind::adopt, match->id};
        } else {
            out[h.identifier] = {mirror_decision::kind::create, {}};
        }
    }
    return out;
}

}  // namespace hvs::sync
