#include "hvs/service/agent_work.hpp"
#include "hvs/service/ops_server.hpp"
#include "hvs/service/progress.hpp"

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

namespace hvs::service {
namespace {

agents::agent_outcome wrote(std::string id, unsigned tools, unsigned blocks) {
    agents::agent_outcome a;
    a.ok = true;
    a.agent_id = std::move(id);
    a.tools_attached = tools;
    a.blocks_written = blocks;
    return a;
}

agents::agent_outcome refused(std::string why) {
    agents::agent_outcome a;
    a.error = std::move(why);
    return a;
}

TEST(AgentWork, AnAgentAlreadyUpToDateIsNotReportedAWriteOrAFailureIs) {
    EXPECT_FALSE(worth_reporting(wrote("agent-1", 0, 0)));
    EXPECT_TRUE(worth_reporting(wrote("agent-1", 0, 1)));
    EXPECT_TRUE(worth_reporting(refused("402")));
    auto created = wrote("agent-1", 0, 0);
    created.created = true;
    EXPECT_TRUE(worth_reporting(created));
}

TEST(AgentWork, TheLogLineListsEveryCountAndWhyItFailed) {
    auto a = wrote("agent-1", 2, 1);
    EXPECT_EQ(agent_work_line(a), "PM agent agent-1: created=0 tools_attached=2 blocks_written=1 files_uploaded=0 tools_detached=0 drift_found=0 drift_repaired=0");
    EXPECT_EQ(agent_work_line(refused("Letta refused to create agent 'X': 402")),
              "PM agent -: created=0 tools_attached=0 blocks_written=0 files_uploaded=0 tools_detached=0 drift_found=0 drift_repaired=0; failed: Letta refused to "
              "create agent 'X': 402");
}

TEST(AgentWork, TotalsSumEveryProjectAndListZeros) {
    agent_outcomes outcomes{{"A", wrote("agent-1", 2, 1)}, {"B", wrote("agent-2", 1, 0)}};
    outcomes["B"].created = true;
    EXPECT_EQ(format_agent_counts(sum_agent_counts(outcomes)), "created=1 tools_attached=3 blocks_written=1 files_uploaded=0 tools_detached=0 drift_found=0 drift_repaired=0");
    EXPECT_EQ(format_agent_counts(sum_agent_counts({})), "created=0 tools_attached=0 blocks_written=0 files_uploaded=0 tools_detached=0 drift_found=0 drift_repaired=0");
}

TEST(AgentWork, HistoryEntryHasTotalsAndTheProjectsThatWroteOrFailed) {
    agent_outcomes outcomes{{"A", wrote("agent-1", 2, 1)}, {"B", wrote("agent-2", 0, 0)}, {"C", refused("quota")}};
    auto json = agent_work_json(outcomes);
    EXPECT_EQ(boost::json::serialize(json),
              R"({"agents":3,"failed":1,)"
              R"("totals":{"created":0,"tools_attached":2,"blocks_written":1,"files_uploaded":0,"tools_detached":0,"drift_found":0,"drift_repaired":0},)"
              R"("projects":{"A":{"agent_id":"agent-1","ok":true,"error":null,"created":0,"tools_attached":2,)"
              R"("blocks_written":1,"files_uploaded":0,"tools_detached":0,"drift_found":0,"drift_repaired":0},"C":{"agent_id":null,"ok":false,"error":"quota","created":0,)"
              R"("tools_attached":0,"blocks_written":0,"files_uploaded":0,"tools_detached":0,"drift_found":0,"drift_repaired":0}}})");
}

TEST(AgentWork, MetricsCountEveryKindOfLettaWriteWithoutAProjectLabel) {
    service_status status;
    cycle_outcome cycle;
    cycle.record.outcome = "partial";
    cycle.agents = {{"A", wrote("agent-1", 2, 1)}, {"C", refused("quota")}};
    cycle.agents["A"].created = true;
    status.record(cycle, 1.0);
    status.record(cycle, 1.0);
    auto text = render_metrics(status, {}, {}, health_status::healthy);
    EXPECT_NE(text.find("# TYPE hvs_letta_writes_total counter\n"), std::string::npos) << text;
    EXPECT_NE(text.find("hvs_letta_writes_total{kind=\"agent_created\"} 2\n"), std::string::npos) << text;
    EXPECT_NE(text.find("hvs_letta_writes_total{kind=\"tool_attached\"} 4\n"), std::string::npos) << text;
    EXPECT_NE(text.find("hvs_letta_writes_total{kind=\"block_written\"} 2\n"), std::string::npos) << text;
    EXPECT_NE(text.find("hvs_letta_writes_total{kind=\"file_uploaded\"} 0\n"), std::string::npos) << text;
    EXPECT_NE(text.find("hvs_letta_writes_total{kind=\"tool_detached\"} 0\n"), std::string::npos) << text;
    EXPECT_NE(text.find("# TYPE hvs_agent_drift_total counter\n"), std::string::npos) << text;
    EXPECT_NE(text.find("hvs_agent_drift_total{state=\"found\"} 0\n"), std::string::npos) << text;
    EXPECT_NE(text.find("hvs_agent_drift_total{state=\"repaired\"} 0\n"), std::string::npos) << text;
    EXPECT_EQ(text.find("# TYPE hvs_letta_writes_total", text.find("# TYPE hvs_letta_writes_total") + 1),
              std::string::npos)
        << "one family header";
}

TEST(Progress, OneLinePerProjectStep) {
    sync::project_outcome synced;
    synced.project = "OPS";
    synced.ok = true;
    synced.tasks_created = 2;
    EXPECT_EQ(progress_line({2, 3, &synced, nullptr}),
              "[2/3] OPS synced: created 2, tasks updated 0, Huly updated 0, conflicts 0");
    auto agent = wrote("agent-1", 1, 0);
    EXPECT_EQ(progress_line({1, 2, &synced, &agent}),
              "[1/2] OPS PM agent agent-1: created=0 tools_attached=1 blocks_written=0 files_uploaded=0 tools_detached=0 drift_found=0 drift_repaired=0");
    sync::project_outcome failed;
    failed.project = "WEB";
    failed.error = "Vibe answered 500";
    EXPECT_EQ(progress_line({1, 3, &failed, nullptr}), "[1/3] WEB FAILED: Vibe answered 500");
    sync::project_outcome skipped;
    skipped.project = "DOCS";
    skipped.ok = true;
    skipped.skipped = true;
    EXPECT_EQ(progress_line({3, 3, &skipped, nullptr}), "[3/3] DOCS skipped (no issues)");
}

}  // namespace
}  // namespace hvs::service
