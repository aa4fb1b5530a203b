#pragma once
// Which Vibe project each Huly project maps to, decided once per cycle before any project task
// runs (so two projects can never adopt the same Vibe project): the stored mapping, else a Vibe
// project of the same name (case-insensitive) that nobody else has, else a new one.

#include "hvs/huly/client.hpp"
#include "hvs/store/project_repository.hpp"
#include "hvs/vibe/client.hpp"

#include <map>
#include <string>
#include <vector>

namespace hvs::sync {

struct mirror_decision {
    enum class kind { linked, adopt, create, vanished };
    kind what = kind::create;
    std::string vibe_id;  // for linked/adopt; the lost id for vanished
};

// True when a Vibe project's name is a Huly project's, as adoption compares them (case-insensitive).
[[nodiscard]] bool same_project_name(std::string_view a, std::string_view b);

[[nodiscard]] std::map<std::string, mirror_decision> plan_mirrors(const std::vector<huly::project>& huly_projects,
                                                                  const std::vector<store::project_row>& stored,
                                                                  const std::vector<vibe::project>& vibe_projects);

}  // namespace hvs::sync
