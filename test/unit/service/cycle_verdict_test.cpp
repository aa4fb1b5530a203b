#include "hvs/service/cycle.hpp"

#include <gtest/gtest.h>

namespace hvs::service {
namespace {

TEST(CycleVerdict, AgentFailuresMakeAnOtherwiseGoodCyclePartial) {
    EXPECT_EQ(cycle_verdict(true, false, false, 0, 0), "ok");
    EXPECT_EQ(cycle_verdict(true, false, false, 0, 2), "partial");
    EXPECT_EQ(cycle_verdict(true, false, false, 1, 2), "failed");
    EXPECT_EQ(cycle_verdict(false, false, false, 0, 0), "failed");
    EXPECT_EQ(cycle_verdict(true, true, false, 0, 0), "timeout");
    EXPECT_EQ(cycle_verdict(false, true, true, 0, 0), "interrupted");
}

}  // namespace
}  // namespace hvs::service
