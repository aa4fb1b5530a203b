#include "hvs/agents/convergence.hpp"

#include "hvs/core/hash.hpp"

#include <gtest/gtest.h>

namespace hvs::agents::convergence_test {
namespace {

const letta::tool query{"tool-1", "huly_query"}, ops{"tool-2", "huly_issue_ops"}, stale{"tool-9", "stale"},
    memory{"tool-m", "memory_insert"};

memory_block managed(const std::string& label, const std::string& value) {
    return {label, value, core::content_hash(value)};
}

// An agent holding `blocks` (label, value) and `tools`.
letta::agent holding(std::vector<std::pair<std::string, std::string>> blocks, std::vector<letta::tool> tools = {}) {
    letta::agent a;
    a.id = "agent-1";
    a.name = "Huly - Web";
    a.tools = std::move(tools);
    for (auto& [label, value] : blocks) a.blocks.push_back({"block-" + label, label, value});
    return a;
}

agent_wants wanting(std::vector<memory_block> blocks, std::vector<letta::tool> control_tools = {}, bool force = false) {
    agent_wants w;
    w.managed = std::move(blocks);
    w.owned = {{"persona", "initial persona"}, {"scratchpad", "{}"}};
    w.control_tools = std::move(control_tools);
    w.force_tools = force;
    return w;
}

std::vector<std::string> labels_of(const std::vector<block_write>& writes) {
    std::vector<std::string> out;
    for (const auto& w : writes) out.push_back(w.block.label + (w.block_id.empty() ? " (create)" : " (modify)"));
    return out;
}

TEST(Convergence, WhenLettaHoldsWhatIsWantedNothingIsWritten) {
    auto plan = plan_convergence(wanting({managed("project", "p")}, {query}),
                                 holding({{"project", "p"}, {"persona", "mine"}, {"scratchpad", "notes"}}, {query, memory}),
                                 {{"project", core::content_hash("p")}});
    ASSERT_TRUE(plan);
    EXPECT_TRUE(plan->block_writes.empty());
    EXPECT_TRUE(plan->confirmed.empty());
    EXPECT_TRUE(plan->owned_to_create.empty());
    EXPECT_TRUE(plan->tools.attach.empty());
    EXPECT_FALSE(plan->tool_set);
    EXPECT_EQ(plan->drift_found(), 0u);
}

TEST(Convergence, ABlockLettaLostIsCreatedAgainEvenWhenItsContentDidNotChange) {
    auto plan = plan_convergence(wanting({managed("project", "p"), managed("hotspots", "h")}),
                                 holding({{"project", "p"}, {"persona", "x"}, {"scratchpad", "y"}}),
                                 {{"project", core::content_hash("p")}, {"hotspots", core::content_hash("h")}});
    ASSERT_TRUE(plan);
    EXPECT_EQ(labels_of(plan->block_writes), std::vector<std::string>{"hotspots (create)"});
    EXPECT_EQ(plan->blocks.missing, std::vector<std::string>{"hotspots"});
    EXPECT_EQ(plan->drift_found(), 1u);
}

TEST(Convergence, ChangedContentIsWrittenByBlockIdAndAnUnchangedEditInLettaIsKept) {
    auto plan = plan_convergence(wanting({managed("project", "p2"), managed("board_metrics", "m")}),
                                 holding({{"project", "p1"}, {"board_metrics", "edited by the agent"},
                                          {"persona", "x"}, {"scratchpad", "y"}}),
                                 {{"project", core::content_hash("p1")}, {"board_metrics", core::content_hash("m")}});
    ASSERT_TRUE(plan);
    ASSERT_EQ(plan->block_writes.size(), 1u);
    EXPECT_EQ(plan->block_writes[0].block.label, "project");
    EXPECT_EQ(plan->block_writes[0].block_id, "block-project");
    EXPECT_EQ(plan->blocks.edited, std::vector<std::string>{"board_metrics"});
    EXPECT_EQ(plan->drift_found(), 0u);  // content changes are not drift
}

TEST(Convergence, LettaHoldingTheWantedValueAlreadyOnlyMovesTheStoredHash) {
    auto plan = plan_convergence(wanting({managed("project", "p")}),
                                 holding({{"project", "p"}, {"persona", "x"}, {"scratchpad", "y"}}), {});
    ASSERT_TRUE(plan);
    EXPECT_TRUE(plan->block_writes.empty());
    ASSERT_EQ(plan->confirmed.size(), 1u);
    EXPECT_EQ(plan->confirmed[0].label, "project");
}

TEST(Convergence, AHashStoredBeforeSha256StillRecognisesItsContent) {
    const std::map<std::string, std::string> legacy{{"project", core::legacy_content_hash("p")}};
    auto same = plan_convergence(wanting({managed("project", "p")}),
                                 holding({{"project", "p"}, {"persona", "x"}, {"scratchpad", "y"}}), legacy);
    ASSERT_TRUE(same);
    EXPECT_TRUE(same->block_writes.empty());
    EXPECT_TRUE(same->confirmed.empty());
    EXPECT_TRUE(same->blocks.edited.empty());
    auto edited = plan_convergence(wanting({managed("project", "p")}),
                                   holding({{"project", "edited"}, {"persona", "x"}, {"scratchpad", "y"}}), legacy);
    ASSERT_TRUE(edited);
    EXPECT_TRUE(edited->block_writes.empty());  // kept until the content changes
    EXPECT_EQ(edited->blocks.edited, std::vector<std::string>{"project"});
}

TEST(Convergence, OwnedBlocksAreCreatedWhenAbsentAndNeverOverwritten) {
    auto absent = plan_convergence(wanting({}), holding({}), {});
    ASSERT_TRUE(absent);
    ASSERT_EQ(absent->owned_to_create.size(), 2u);
    EXPECT_EQ(absent->owned_to_create[1].label, "scratchpad");
    EXPECT_EQ(absent->blocks.missing, (std::vector<std::string>{"persona", "scratchpad"}));
    EXPECT_EQ(absent->drift_found(), 2u);

    auto written = plan_convergence(wanting({}), holding({{"persona", "x"}, {"scratchpad", "the agent's notes"}}), {});
    ASSERT_TRUE(written);
    EXPECT_TRUE(written->owned_to_create.empty());
    EXPECT_TRUE(written->block_writes.empty());
}

TEST(Convergence, AdditiveToolsAttachWhatIsMissingAndKeepExtras) {
    auto plan = plan_convergence(wanting({}, {query, ops}), holding({{"persona", "x"}, {"scratchpad", "y"}}, {query, stale}),
                                 {});
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->tools.attach, std::vector<letta::tool>{ops});
    EXPECT_TRUE(plan->tools.detach.empty());
    EXPECT_FALSE(plan->tool_set);
    EXPECT_EQ(plan->drift_found(), 1u);
}

TEST(Convergence, ForceGivesTheExactToolSetKeepingLettaManagedTools) {
    auto plan = plan_convergence(wanting({}, {query, ops}, true),
                                 holding({{"persona", "x"}, {"scratchpad", "y"}}, {query, stale, memory}), {});
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->tools.detach, std::vector<letta::tool>{stale});
    ASSERT_TRUE(plan->tool_set);
    EXPECT_EQ(*plan->tool_set, (std::vector<std::string>{"tool-1", "tool-m", "tool-2"}));
    EXPECT_EQ(plan->drift_found(), 2u);
}

TEST(Convergence, ForceWithNothingToChangeWritesNothing) {
    auto plan = plan_convergence(wanting({}, {query}, true), holding({{"persona", "x"}, {"scratchpad", "y"}}, {query, memory}),
                                 {});
    ASSERT_TRUE(plan);
    EXPECT_FALSE(plan->tool_set);
}

TEST(Convergence, ForceWithAControlAgentWithoutToolsIsRefused) {
    auto plan = plan_convergence(wanting({}, {}, true), holding({}, {query}), {});
    ASSERT_FALSE(plan);
    EXPECT_EQ(plan.error().kind, error_kind::invalid);
}

TEST(Convergence, ToolSyncOffPlansNoToolChange) {
    auto w = wanting({}, {query});
    w.sync_tools = false;
    auto plan = plan_convergence(w, holding({{"persona", "x"}, {"scratchpad", "y"}}, {stale}), {});
    ASSERT_TRUE(plan);
    EXPECT_TRUE(plan->tools.attach.empty());
    EXPECT_EQ(plan->drift_found(), 0u);
}

TEST(Convergence, ThePmAgentLabelsAreTheManagedBlocksPersonaAndScratchpad) {
    auto blocks = build_memory_blocks({"WEB", "Web", "", "", "", ""}, {}, {}, {}, 0);
    std::vector<std::string> expected;
    for (const auto& b : blocks) expected.push_back(b.label);
    expected.insert(expected.end(), {"persona", "scratchpad"});
    EXPECT_EQ(pm_agent_block_labels(), expected);
}

}  // namespace
}  // namespace hvs::agents::convergence_test
