// The letta cleanup planner: only Huly-… folders (files first) and duplicates of bound agents are
// deleted; the control agent, bound agents, -sleeptime agents and agents of unbound projects are
// skipped with their reason; without bindings no agent is deleted. And the table's numbers.

#include "hvs/agents/letta_cleanup.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace hvs::agents {
namespace {

letta::agent agent(std::string id, std::string name, std::vector<std::string> tags) {
    letta::agent a;
    a.id = std::move(id);
    a.name = std::move(name);
    a.tags = std::move(tags);
    return a;
}

listed_folder folder(std::string id, std::string name, std::vector<std::string> file_ids = {}) {
    listed_folder f;
    f.folder = {std::move(id), std::move(name)};
    for (auto& file : file_ids) f.files.push_back({file, file + ".md", "completed"});
    return f;
}

const letta::agent control = agent("agent-control", "Huly-PM-Control", {"huly-vibe-sync"});
const letta::agent web = agent("agent-web", "Huly - Web", {"huly-vibe-sync", "project:WEB"});
const letta::agent web_dup = agent("agent-web-2", "Huly - Web", {"huly-vibe-sync", "project:WEB"});
const letta::agent web_twin = agent("agent-web-st", "Huly - Web-sleeptime", {"huly-vibe-sync"});
const letta::agent orphan = agent("agent-ops", "Huly - Ops", {"huly-vibe-sync", "project:OPS"});
const letta::agent untagged_project = agent("agent-x", "Huly - X", {"huly-vibe-sync"});

cleanup_facts bound_web() {
    cleanup_facts facts;
    facts.database = true;
    facts.bound["WEB"] = "agent-web";
    facts.recorded = {"agent-web-2", "source-1", "file-a"};
    return facts;
}

std::optional<skip_reason> skipped_because(const cleanup_plan& plan, const std::string& id) {
    for (const auto& s : plan.skipped) {
        if (s.id == id) return s.reason;
    }
    return std::nullopt;
}

TEST(LettaCleanupPlan, OnlyHulyFoldersWithTheirFilesFirst) {
    cleanup_listing listing;
    listing.folders = {folder("source-1", "Huly-WEB", {"file-a", "file-b"}), folder("source-2", "team-notes"),
                       folder("source-3", "Huly-WEB-root"), folder("source-4", "huly-lowercase")};
    auto plan = plan_letta_cleanup(cleanup_scope::all, "Huly-PM-Control", listing, bound_web());
    ASSERT_EQ(plan.folders.size(), 2u);
    EXPECT_EQ(plan.folders[0].folder.id, "source-1");
    EXPECT_TRUE(plan.folders[0].folder.recorded);
    ASSERT_EQ(plan.folders[0].files.size(), 2u);
    EXPECT_EQ(plan.folders[0].files[0].folder_id, "source-1");
    EXPECT_TRUE(plan.folders[0].files[0].recorded);
    EXPECT_FALSE(plan.folders[0].files[1].recorded);
    EXPECT_EQ(plan.folders[1].folder.name, "Huly-WEB-root");
    EXPECT_NE(plan.folders[1].folder.why.find("project WEB is bound"), std::string::npos);
    EXPECT_EQ(skipped_because(plan, "source-2"), skip_reason::not_service_folder);
    EXPECT_EQ(skipped_because(plan, "source-4"), skip_reason::not_service_folder);
    EXPECT_EQ(plan.folders_found, 4u);
    EXPECT_EQ(plan.files_found, 2u);
}

TEST(LettaCleanupPlan, OnlyDuplicatesOfBoundAgentsAreDeleted) {
    cleanup_listing listing;
    listing.agents = {control, web, web_dup, web_twin, orphan, untagged_project};
    auto plan = plan_letta_cleanup(cleanup_scope::all, "Huly-PM-Control", listing, bound_web());
    ASSERT_EQ(plan.agents.size(), 1u);
    EXPECT_EQ(plan.agents[0].id, "agent-web-2");
    EXPECT_TRUE(plan.agents[0].recorded);
    EXPECT_NE(plan.agents[0].why.find("agent-web"), std::string::npos);
    EXPECT_EQ(skipped_because(plan, "agent-control"), skip_reason::control_agent);
    EXPECT_EQ(skipped_because(plan, "agent-web"), skip_reason::bound);
    EXPECT_EQ(skipped_because(plan, "agent-web-st"), skip_reason::sleeptime);
    EXPECT_EQ(skipped_because(plan, "agent-ops"), skip_reason::project_unbound);
    EXPECT_EQ(skipped_because(plan, "agent-x"), skip_reason::no_project_tag);
    EXPECT_EQ(plan.agents_found, 6u);
    EXPECT_FALSE(plan.agents_refused);
}

TEST(LettaCleanupPlan, ARenamedControlAgentIsKnownByItsStoredId) {
    // Someone renamed the control agent and tagged it like a PM agent of a bound project.
    cleanup_listing listing;
    listing.agents = {web, agent("agent-control", "Huly - Web", {"huly-vibe-sync", "project:WEB"})};
    auto facts = bound_web();
    facts.control_agent_id = "agent-control";
    auto plan = plan_letta_cleanup(cleanup_scope::agents, "Huly-PM-Control", listing, facts);
    EXPECT_TRUE(plan.agents.empty());
    EXPECT_EQ(skipped_because(plan, "agent-control"), skip_reason::control_agent);
}

TEST(LettaCleanupPlan, NoBindingsRefusesEveryAgent) {
    cleanup_listing listing;
    listing.agents = {control, web, web_dup};
    for (bool database : {false, true}) {
        cleanup_facts facts;
        facts.database = database;
        auto plan = plan_letta_cleanup(cleanup_scope::agents, "Huly-PM-Control", listing, facts);
        EXPECT_TRUE(plan.agents.empty());
        EXPECT_TRUE(plan.agents_refused);
        EXPECT_EQ(skipped_because(plan, "agent-web-2"), skip_reason::no_bindings);
        EXPECT_EQ(skipped_because(plan, "agent-control"), skip_reason::control_agent);
    }
}

TEST(LettaCleanupPlan, ScopeLimitsWhatIsPlanned) {
    cleanup_listing listing;
    listing.folders = {folder("source-1", "Huly-WEB")};
    listing.agents = {web_dup};
    auto folders_only = plan_letta_cleanup(cleanup_scope::folders, "Huly-PM-Control", listing, bound_web());
    EXPECT_EQ(folders_only.folders.size(), 1u);
    EXPECT_TRUE(folders_only.agents.empty());
    EXPECT_EQ(folders_only.agents_found, 0u);
    auto agents_only = plan_letta_cleanup(cleanup_scope::agents, "Huly-PM-Control", listing, bound_web());
    EXPECT_TRUE(agents_only.folders.empty());
    EXPECT_EQ(agents_only.agents.size(), 1u);
    EXPECT_EQ(parse_cleanup_scope("all"), cleanup_scope::all);
    EXPECT_EQ(parse_cleanup_scope("folders"), cleanup_scope::folders);
    EXPECT_FALSE(parse_cleanup_scope("everything"));
}

TEST(LettaCleanupPlan, TallyCountsEachOutcomeOnItsRow) {
    cleanup_listing listing;
    listing.folders = {folder("source-1", "Huly-WEB", {"file-a", "file-b"}), folder("source-2", "notes")};
    listing.agents = {web, web_dup};
    auto plan = plan_letta_cleanup(cleanup_scope::all, "Huly-PM-Control", listing, bound_web());
    std::vector<delete_result> results = {
        {plan.folders[0].files[0], delete_outcome::deleted, {}},
        {plan.folders[0].files[1], delete_outcome::phantom, {}},
        {plan.folders[0].folder, delete_outcome::deleted, {}},
        {plan.agents[0], delete_outcome::failed, "http 500"},
    };
    auto report = summarize_cleanup(plan, results, true);
    EXPECT_EQ(report.folders.found, 2u);
    EXPECT_EQ(report.folders.planned, 1u);
    EXPECT_EQ(report.folders.deleted, 1u);
    EXPECT_EQ(report.folders.skipped, 1u);
    EXPECT_EQ(report.files.found, 2u);
    EXPECT_EQ(report.files.deleted, 1u);
    EXPECT_EQ(report.files.phantom, 1u);
    EXPECT_EQ(report.agents.found, 2u);
    EXPECT_EQ(report.agents.skipped, 1u);
    EXPECT_EQ(report.agents.failed, 1u);
    EXPECT_TRUE(report.any_failed());
    auto dry = summarize_cleanup(plan, {}, false);
    EXPECT_EQ(dry.agents.planned, 1u);
    EXPECT_EQ(dry.agents.deleted, 0u);
    EXPECT_FALSE(dry.any_failed());
}

}  // namespace
}  // namespace hvs::agents
