// `agents list` against the Letta simulator: bindings from the database, tools and blocks read
// from Letta; an agent lacking a control tool and carrying a foreign one drifts, Letta's own tools
// never count, an agent lacking memory blocks (scratchpad included) drifts, a managed block edited
// since our last write is named, and a bound agent Letta no longer has is missing-in-letta — as
// the --json document says.

#include "integration/agents/letta_fixture.hpp"

#include "hvs/agents/agent_drift.hpp"
#include "hvs/agents/memory_blocks.hpp"
#include "hvs/core/hash.hpp"
#include "hvs/store/agent_repository.hpp"

#include <boost/json.hpp>

namespace hvs::test {
namespace {

namespace json = boost::json;

class AgentsList : public LettaFixture {};

// A seed's blocks: every label a PM agent should hold except `leave_out`.
json::array pm_blocks(const std::vector<std::string>& leave_out) {
    json::array blocks;
    for (const auto& label : agents::pm_agent_block_labels()) {
        if (std::find(leave_out.begin(), leave_out.end(), label) != leave_out.end()) continue;
        blocks.push_back(json::object{{"label", label}, {"value", label + " value"}});
    }
    return blocks;
}

TEST_F(AgentsList, JsonReportsMissingAndExtraToolsPerBoundAgent) {
    json::array tools = {json::object{{"name", "huly_query"}}, json::object{{"name", "huly_issue_ops"}},
                         json::object{{"name", "stale_tool"}}};
    json::array agents;
    agents.push_back(json::object{{"name", "Huly-PM-Control"}, {"tools", json::array{"huly_query", "huly_issue_ops"}}});
    agents.push_back(json::object{{"name", "Huly - Web"},
                                  {"tags", json::array{"huly-vibe-sync", "project:WEB"}},
                                  {"tools", json::array{"huly_query", "stale_tool", "conversation_search"}},
                                  {"blocks", pm_blocks({"scratchpad", "hotspots"})}});
    agents.push_back(json::object{{"name", "Huly - Ops"},
                                  {"tags", json::array{"huly-vibe-sync", "project:OPS"}},
                                  {"tools", json::array{"huly_query", "huly_issue_ops", "memory_insert"}},
                                  {"blocks", pm_blocks({})}});
    agents.push_back(json::object{{"name", "Huly - Gone"}, {"tags", json::array{"huly-vibe-sync", "project:GONE"}}});
    serve(json::object{{"tools", tools}, {"agents", agents}});
    bind("WEB", agent_ids("Huly - Web").at(0), "Huly - Web");
    bind("OPS", agent_ids("Huly - Ops").at(0), "Huly - Ops");
    const auto gone = agent_ids("Huly - Gone").at(0);
    bind("GONE", gone, "Huly - Gone");
    // Deleted in Letta behind the service's back.
    ASSERT_TRUE(run_async(ioc_, letta_->delete_agent(gone)));

    // The project block was written as something else than Letta now holds; the board_config one as it is.
    agents::stored_block_hashes hashes;
    hashes[agent_ids("Huly - Web").at(0)] = {{"project", core::content_hash("what we wrote")},
                                              {"board_config", core::content_hash("board_config value")}};
    auto bindings = store::load_bindings(*db_);
    ASSERT_TRUE(bindings);
    auto listing = run_async(ioc_, agents::list_agent_drift(*letta_, "Huly-PM-Control", *bindings, hashes));
    ASSERT_TRUE(listing) << listing.error().describe();
    EXPECT_FALSE(listing->any_unreadable());

    auto doc = json::parse(json::serialize(agents::to_json(*listing))).as_object();
    EXPECT_EQ(doc.at("control_agent").at("name").as_string(), "Huly-PM-Control");
    const auto& rows = doc.at("agents").as_array();
    ASSERT_EQ(rows.size(), 3u);
    // By project: GONE, OPS, WEB.
    EXPECT_EQ(rows[0].at("project").as_string(), "GONE");
    EXPECT_EQ(rows[0].at("status").as_string(), "missing-in-letta");
    EXPECT_EQ(rows[1].at("project").as_string(), "OPS");
    EXPECT_EQ(rows[1].at("status").as_string(), "ok");  // memory_insert is Letta's own
    EXPECT_EQ(rows[1].at("missing_count").as_int64() + rows[1].at("extra_count").as_int64(), 0);
    const auto& web = rows[2].as_object();
    EXPECT_EQ(web.at("project").as_string(), "WEB");
    EXPECT_EQ(web.at("agent_name").as_string(), "Huly - Web");
    EXPECT_EQ(web.at("agent_id").as_string(), agent_ids("Huly - Web").at(0));
    EXPECT_EQ(web.at("status").as_string(), "drift");
    EXPECT_EQ(web.at("missing_count").as_int64(), 1);
    EXPECT_EQ(web.at("missing"), json::array{"huly_issue_ops"});
    EXPECT_EQ(web.at("extra_count").as_int64(), 1);
    EXPECT_EQ(web.at("extra"), json::array{"stale_tool"});
    EXPECT_EQ(web.at("missing_blocks_count").as_int64(), 2);
    EXPECT_EQ(web.at("missing_blocks"), (json::array{"hotspots", "scratchpad"}));
    EXPECT_EQ(web.at("scratchpad_missing"), true);
    EXPECT_EQ(web.at("edited_blocks"), json::array{"project"});
    EXPECT_EQ(rows[1].at("missing_blocks_count").as_int64(), 0);
    EXPECT_EQ(rows[1].at("scratchpad_missing"), false);
}

TEST_F(AgentsList, AnAgentWithAllItsToolsButNoScratchpadDrifts) {
    json::array agents;
    agents.push_back(json::object{{"name", "Huly-PM-Control"}});
    agents.push_back(json::object{{"name", "Huly - Web"},
                                  {"tags", json::array{"huly-vibe-sync", "project:WEB"}},
                                  {"blocks", pm_blocks({"scratchpad"})}});
    serve(json::object{{"agents", agents}});
    bind("WEB", agent_ids("Huly - Web").at(0), "Huly - Web");
    auto bindings = store::load_bindings(*db_);
    ASSERT_TRUE(bindings);
    auto listing = run_async(ioc_, agents::list_agent_drift(*letta_, "Huly-PM-Control", *bindings, {}));
    ASSERT_TRUE(listing) << listing.error().describe();
    ASSERT_EQ(listing->agents.size(), 1u);
    EXPECT_EQ(listing->agents[0].status, agents::drift_status::drift);
    EXPECT_EQ(listing->agents[0].missing_blocks, std::vector<std::string>{"scratchpad"});
    EXPECT_TRUE(listing->agents[0].missing.empty());
}

TEST_F(AgentsList, MissingControlAgentIsAnError) {
    serve(json::object{{"agents", json::array{}}});
    auto listing = run_async(ioc_, agents::list_agent_drift(*letta_, "Huly-PM-Control", {}, {}));
    ASSERT_FALSE(listing);
    EXPECT_EQ(listing.error().kind, error_kind::invalid);
}

}  // namespace
}  // namespace hvs::test
