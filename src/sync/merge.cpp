#include "hvs/sync/merge.hpp"

namespace hvs::sync {

field_merge merge_field(const std::optional<std::string>& base, const std::string& huly, const std::string& vibe,
                        winner policy) {
    if (huly == vibe) {
        if (base == huly) return {};
        return {field_action::base_only, huly, false};
    }
    auto take_policy_side = [&](bool conflict) {
        return policy == winner::huly ? field_merge{field_action::write_vibe, huly, conflict}
                                      : field_merge{field_action::write_huly, vibe, conflict};
    };
    if (!base) return take_policy_side(false);
    const bool huly_changed = huly != *base;
    const bool vibe_changed = vibe != *base;
    if (huly_changed && !vibe_changed) return {field_action::write_vibe, huly, false};
    if (vibe_changed && !huly_changed) return {field_action::write_huly, vibe, false};
    return take_policy_side(true);
}

}  // namespace hvs::sync
