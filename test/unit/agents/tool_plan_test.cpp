#include "hvs/agents/tool_sync.hpp"

#include <gtest/gtest.h>

namespace hvs::agents::tool_plan_test {
namespace {

const letta::tool query{"tool-1", "huly_query"}, ops{"tool-2", "huly_issue_ops"}, stale{"tool-9", "stale"},
    memory{"tool-m", "memory_insert"}, files{"tool-f", "open_files"};

TEST(ToolPlan, AdditiveAttachesOnlyWhatIsMissing) {
    auto plan = plan_tool_sync({query, ops}, {{"agent-a", "A", {query, stale}}, {"agent-b", "B", {}}}, false);
    ASSERT_TRUE(plan);
    ASSERT_EQ(plan->size(), 2u);
    EXPECT_EQ((*plan)[0].attach, std::vector<letta::tool>{ops});
    EXPECT_TRUE((*plan)[0].detach.empty());
    EXPECT_EQ((*plan)[0].already, 1u);
    EXPECT_EQ((*plan)[1].attach, (std::vector<letta::tool>{query, ops}));
}

TEST(ToolPlan, ForceDetachesExtrasButNeverLettaManagedTools) {
    auto plan = plan_tool_sync({query}, {{"agent-a", "A", {query, stale, memory, files}}}, true);
    ASSERT_TRUE(plan);
    EXPECT_EQ((*plan)[0].detach, std::vector<letta::tool>{stale});
}

TEST(ToolPlan, ForceWithAnEmptyControlSetIsRefused) {
    auto plan = plan_tool_sync({}, {{"agent-a", "A", {query}}}, true);
    ASSERT_FALSE(plan);
    EXPECT_EQ(plan.error().kind, error_kind::invalid);
    EXPECT_TRUE(plan_tool_sync({}, {{"agent-a", "A", {query}}}, false));  // additive: a harmless no-op
}

TEST(ToolPlan, LettaManagedNames) {
    EXPECT_TRUE(is_letta_managed_tool("conversation_search"));
    EXPECT_TRUE(is_letta_managed_tool("semantic_search_files"));
    EXPECT_FALSE(is_letta_managed_tool("huly_query"));
}

}  // namespace
}  // namespace hvs::agents::tool_plan_test
