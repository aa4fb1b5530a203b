#pragma once
// The three-way merge of one field between Huly and Vibe, against the last synchronised base.

#include <optional>
#include <string>

namespace hvs::sync {

enum class winner { huly, vibe };

enum class field_action {
    none,        // nothing changed
    base_only,   // both sides agree on a new value: only the base moves
    write_vibe,  // Vibe must take `value`
    write_huly,  // Huly must take `value`
};

struct field_merge {
    field_action action = field_action::none;
    std::string value;      // the value to write, or the new base for base_only
    bool conflict = false;  // both sides changed to different values
};

// Huly changed and Vibe did not → write Vibe; the reverse → write Huly; both to different values
// → the policy's side wins (a conflict); both to the same value → only the base moves. Without a
// base (a pair re-linked by its marker) the policy's side is taken as the truth.
[[nodiscard]] field_merge merge_field(const std::optional<std::string>& base, const std::string& huly,
                                      const std::string& vibe, winner policy);

}  // namespace hvs::sync
