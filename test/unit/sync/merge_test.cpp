#include "hvs/sync/merge.hpp"

#include <gtest/gtest.h>

namespace hvs::sync {
namespace {

TEST(MergeField, TheTruthTable) {
    using a = field_action;
    struct row {
        std::optional<std::string> base;
        std::string huly, vibe;
        a action;
        std::string value;
        bool conflict;
    };
    const row rows[] = {
        {"x", "x", "x", a::none, "", false},
        {"x", "y", "x", a::write_vibe, "y", false},
        {"x", "x", "y", a::write_huly, "y", false},
        {"x", "y", "z", a::write_vibe, "y", true},
        {"x", "y", "y", a::base_only, "y", false},
        {std::nullopt, "y", "y", a::base_only, "y", false},
        {std::nullopt, "y", "z", a::write_vibe, "y", false},
    };
    for (const auto& r : rows) {
        auto m = merge_field(r.base, r.huly, r.vibe, winner::huly);
        EXPECT_EQ(m.action, r.action) << r.base.value_or("(none)") << " " << r.huly << " " << r.vibe;
        EXPECT_EQ(m.value, r.value);
        EXPECT_EQ(m.conflict, r.conflict);
    }
}

TEST(MergeField, VibePolicyWinsConflictsTheOtherWay) {
    auto m = merge_field(std::string("x"), "y", "z", winner::vibe);
    EXPECT_EQ(m.action, field_action::write_huly);
    EXPECT_EQ(m.value, "z");
    EXPECT_TRUE(m.conflict);
}

}  // namespace
}  // namespace hvs::sync
