// Tool drift of a bound agent against the control agent: missing control tools, extra tools the
// control agent lacks (Letta-managed ones never count), and the JSON `agents list --json` prints.

#include "hvs/agents/agent_drift.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

namespace hvs::agents {
namespace {

const letta::tool query{"tool-1", "huly_query"}, ops{"tool-2", "huly_issue_ops"}, stale{"tool-9", "stale"},
    memory{"tool-m", "memory_insert"}, files{"tool-f", "open_files"};

TEST(AgentDrift, MissingAndExtraTools) {
    auto d = compare_agent_tools("WEB", {"agent-1", "Huly - Web"}, {query, ops}, {query, stale, memory, files});
    EXPECT_EQ(d.project, "WEB");
    EXPECT_EQ(d.agent_id, "agent-1");
    EXPECT_EQ(d.status, drift_status::drift);
    EXPECT_EQ(d.missing, std::vector<std::string>{"huly_issue_ops"});
    EXPECT_EQ(d.extra, std::vector<std::string>{"stale"});
}

TEST(AgentDrift, LettaManagedExtrasAreNoDrift) {
    auto d = compare_agent_tools("WEB", {"agent-1", "Huly - Web"}, {query}, {memory, query, files});
    EXPECT_EQ(d.status, drift_status::ok);
    EXPECT_TRUE(d.missing.empty());
    EXPECT_TRUE(d.extra.empty());
}

TEST(AgentDrift, JsonCarriesCountsNamesAndStatus) {
    agent_listing listing;
    listing.control = {"agent-c", "Huly-PM-Control", {}, {}, "", {}, {}};
    listing.control_tools = {query, ops};
    listing.agents.push_back(compare_agent_tools("WEB", {"agent-1", "Huly - Web"}, {query, ops}, {query, stale}));
    agent_drift gone;
    gone.project = "OPS";
    gone.agent_id = "agent-2";
    gone.status = drift_status::missing_in_letta;
    listing.agents.push_back(gone);
    auto doc = to_json(listing).as_object();
    EXPECT_EQ(doc.at("control_agent").at("tools").as_array().size(), 2u);
    const auto& web = doc.at("agents").as_array()[0].as_object();
    EXPECT_EQ(web.at("status").as_string(), "drift");
    EXPECT_EQ(web.at("missing_count").as_uint64(), 1u);
    EXPECT_EQ(web.at("missing").as_array()[0].as_string(), "huly_issue_ops");
    EXPECT_EQ(web.at("extra").as_array()[0].as_string(), "stale");
    EXPECT_EQ(doc.at("agents").as_array()[1].at("status").as_string(), "missing-in-letta");
}

}  // namespace
}  // namespace hvs::agents
