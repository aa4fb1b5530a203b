// PM agents inside the sync cycle, against the Huly, Vibe and Letta simulators (0.13 quirks on,
// including modify-by-missing-label overwriting another block).

#include "integration/agents/letta_fixture.hpp"
#include "integration/sync/engine_fixture.hpp"

#include "hvs/agents/memory_blocks.hpp"
#include "hvs/store/agent_repository.hpp"

#include "support/hosts_answered.hpp"

#include <boost/json.hpp>

#include <regex>

namespace hvs::test {
namespace {

namespace json = boost::json;

class PmAgents : public EngineTest, public letta_profile_param {
protected:
    PmAgents() { use_letta_ = true; }

    void SetUp() override {
        json::array tools{json::object{{"name", "huly_query"}}, json::object{{"name", "huly_issue_ops"}},
                          json::object{{"name", "stray_tool"}}};
        json::array control_tools{"huly_query", "huly_issue_ops"};
        json::array agents{json::object{{"name", "Huly-PM-Control"},
                                        {"tags", json::array{}},
                                        {"tools", control_tools},
                                        {"blocks", json::array{json::object{{"label", "persona"},
                                                                            {"value", "control persona"}}}}},
                           // What the original service left: untagged, or tagged for some project.
                           json::object{{"name", "Legacy WEB PM"}, {"tags", json::array{"pm"}}},
                           json::object{{"name", "Other PM"}, {"tags", json::array{"project:OTHER"}}}};
        letta_.set_profile(GetParam());
        letta_seed_ = json::object{{"tools", tools}, {"agents", agents}};
        letta_.seed(letta_seed_);
        EngineTest::SetUp();
        huly_.add_project("WEB", "Web Shop", "");
        huly_.add_issue("WEB", "Checkout bug", "", "Todo", "High");
        huly_.add_issue("WEB", "Apple Pay", "", "In Progress");
    }

    std::vector<json::object> agents_named(const std::string& name) {
        std::vector<json::object> out;
        for (auto& a : letta_.agents()) {
            if (a.at("name").as_string() == name) out.push_back(a);
        }
        return out;
    }

    std::uint64_t letta_writes() const { return writes_to(*letta_host_); }

    // Every agent by name: its sorted tags and tool names and its blocks' values.
    std::map<std::string, std::string> agents_snapshot() {
        std::map<std::string, std::string> out;
        auto state = letta_.state();
        for (const auto& a : state.at("agents").as_array()) {
            std::vector<std::string> parts;
            for (const auto& t : a.at("tags").as_array()) parts.push_back("tag " + std::string(t.as_string()));
            for (auto& t : letta_.agent_tool_names(std::string(a.at("id").as_string()))) parts.push_back("tool " + t);
            for (const auto& b : a.at("blocks").as_array()) {
                parts.push_back("block " + std::string(b.at("label").as_string()) + "=" +
                                std::string(b.at("value").as_string()));
            }
            std::sort(parts.begin(), parts.end());
            std::string& text = out[std::string(a.at("name").as_string())];
            for (const auto& p : parts) text += p + "\n";
            // Vibe's ids are random: they differ between two worlds that are otherwise the same.
            static const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
            text = std::regex_replace(text, uuid, "<uuid>");
        }
        return out;
    }

    json::object letta_seed_;

    // Binds the project to another agent, as an import of the original service's database does.
    void rebind(const std::string& project, const std::string& agent_id, const std::string& agent_name) {
        rt_.reset();
        {
            auto db = open_state();
            ASSERT_TRUE(db);
            ASSERT_TRUE(store::bind_agent(*db, project, {agent_id, agent_name}));
        }
        start_service();
    }

    // Sets the agent's block through the simulator's API, as a person in the Letta UI would.
    void set_block(const std::string& agent_id, const std::string& label, const std::string& value) {
        namespace http = boost::beast::http;
        sim::request get{http::verb::get, "/v1/agents/" + agent_id + "/core-memory/blocks/" + label, 11};
        get.set(http::field::authorization, std::string("Bearer ") + letta_password);
        get.set(http::field::user_agent, "test");
        auto found = letta_.handle(get);
        ASSERT_EQ(found.result_int(), 200u);
        auto block_id = std::string(json::parse(found.body()).at("id").as_string());
        sim::request patch{http::verb::patch, "/v1/blocks/" + block_id, 11};
        patch.set(http::field::authorization, std::string("Bearer ") + letta_password);
        patch.set(http::field::user_agent, "test");
        patch.set(http::field::content_type, "application/json");
        patch.body() = json::serialize(json::object{{"value", value}});
        patch.prepare_payload();
        ASSERT_EQ(letta_.handle(patch).result_int(), 200u);
    }

    // A request to the simulator's API, as a person at the Letta UI (or the agent itself) makes it.
    sim::response letta_api(boost::beast::http::verb verb, const std::string& target, const std::string& body = {}) {
        namespace http = boost::beast::http;
        sim::request req{verb, target, 11};
        req.set(http::field::authorization, std::string("Bearer ") + letta_password);
        req.set(http::field::user_agent, "test");
        if (!body.empty()) {
            req.set(http::field::content_type, "application/json");
            req.body() = body;
            req.prepare_payload();
        }
        return letta_.handle(req);
    }

    std::string block_id(const std::string& agent_id, const std::string& label) {
        auto found = letta_api(boost::beast::http::verb::get, "/v1/agents/" + agent_id + "/core-memory/blocks/" + label);
        EXPECT_EQ(found.result_int(), 200u) << label;
        return found.result_int() == 200 ? std::string(json::parse(found.body()).at("id").as_string()) : std::string();
    }

    std::string tool_id(const std::string& name) {
        const auto state = letta_.state();
        for (const auto& t : state.at("tools").as_array()) {
            if (t.at("name").as_string() == name) return std::string(t.at("id").as_string());
        }
        return {};
    }

    // The web agent after two cycles: the change_log has settled, an idle cycle writes nothing.
    std::string settled_web_agent() {
        EXPECT_TRUE(cycle().ok);
        EXPECT_TRUE(cycle().ok);
        return std::string(agents_named("Huly - Web Shop").at(0).at("id").as_string());
    }

    std::string block_value(const json::object& agent, const std::string& label) {
        auto state = letta_.state();
        for (const auto& a : state.at("agents").as_array()) {
            if (a.at("id") != agent.at("id")) continue;
            for (const auto& b : a.at("blocks").as_array()) {
                if (b.at("label").as_string() == label) return std::string(b.at("value").as_string());
            }
        }
        return {};
    }
};

TEST_P(PmAgents, OneAgentPerProjectWithTagsToolsAndBlocksInOneCreate) {
    auto outcome = cycle();
    ASSERT_TRUE(outcome.ok) << outcome.error;
    ASSERT_EQ(outcome.agents.size(), 1u);
    EXPECT_TRUE(outcome.agents["WEB"].ok) << outcome.agents["WEB"].error;
    EXPECT_TRUE(outcome.agents["WEB"].created);
    auto agents = agents_named("Huly - Web Shop");
    ASSERT_EQ(agents.size(), 1u);
    auto tools = letta_.agent_tool_names(std::string(agents[0].at("id").as_string()));
    EXPECT_NE(std::find(tools.begin(), tools.end(), "huly_query"), tools.end());
    EXPECT_NE(std::find(tools.begin(), tools.end(), "huly_issue_ops"), tools.end());
    EXPECT_EQ(block_value(agents[0], "persona"), "control persona");
    EXPECT_NE(block_value(agents[0], "board_metrics").find("\"total_issues\":2"), std::string::npos);
    EXPECT_FALSE(block_value(agents[0], "scratchpad").empty());
    EXPECT_EQ(letta_host_->counts().by_route["POST /v1/agents/"], 1u);  // one create, no attach storm
}

TEST_P(PmAgents, AnIdleCycleWritesNothingToLetta) {
    ASSERT_TRUE(cycle().ok);
    // The second cycle's change_log no longer says "first sync": that one block is rewritten.
    letta_host_->reset_counts();
    auto second = cycle();
    ASSERT_TRUE(second.ok);
    EXPECT_EQ(second.agents["WEB"].blocks_written, 1u);
    letta_host_->reset_counts();
    auto idle = cycle();
    ASSERT_TRUE(idle.ok);
    EXPECT_EQ(idle.agents["WEB"].blocks_written, 0u);
    EXPECT_EQ(letta_writes(), 0u);
}

TEST_P(PmAgents, AChangedIssueRewritesOnlyTheBlocksItChangesByBlockId) {
    ASSERT_TRUE(cycle().ok);
    auto before = agents_named("Huly - Web Shop")[0];
    auto project_block = block_value(before, "project");
    huly_.add_issue("WEB", "New issue", "", "Todo", "Urgent");
    letta_host_->reset_counts();
    auto outcome = cycle();
    ASSERT_TRUE(outcome.ok);
    EXPECT_GT(outcome.agents["WEB"].blocks_written, 0u);
    EXPECT_EQ(letta_host_->counts().by_route["PATCH /v1/agents/{agent_id}/core-memory/blocks/{block_label}"], 0u);
    auto after = agents_named("Huly - Web Shop")[0];
    EXPECT_NE(block_value(after, "board_metrics").find("\"total_issues\":3"), std::string::npos);
    EXPECT_EQ(block_value(after, "project"), project_block);
    EXPECT_EQ(block_value(after, "persona"), "control persona");  // never overwritten by the 0.13 bug
}

TEST_P(PmAgents, WithPersonaSyncExistingAgentsFollowTheControlsPersonaWrittenOnlyWhenItChanges) {
    ASSERT_TRUE(cycle().ok);
    auto control_id = std::string(agents_named("Huly-PM-Control")[0].at("id").as_string());
    set_block(control_id, "persona", "control persona, second edition");
    ASSERT_TRUE(cycle().ok);
    auto agent = agents_named("Huly - Web Shop")[0];
    EXPECT_EQ(block_value(agent, "persona"), "control persona");  // off by default: left alone

    rt_.reset();
    cfg_.letta_sync_persona = true;
    start_service();
    ASSERT_TRUE(cycle().ok);
    EXPECT_EQ(block_value(agent, "persona"), "control persona, second edition");
    EXPECT_NE(block_value(agent, "board_metrics").find("\"total_issues\":2"), std::string::npos);  // untouched
    letta_host_->reset_counts();
    auto idle = cycle();
    ASSERT_TRUE(idle.ok);
    EXPECT_EQ(idle.agents["WEB"].blocks_written, 0u);
    EXPECT_EQ(letta_writes(), 0u);

    set_block(control_id, "persona", "control persona, third edition");
    auto changed = cycle();
    ASSERT_TRUE(changed.ok);
    EXPECT_EQ(changed.agents["WEB"].blocks_written, 1u);
    EXPECT_EQ(block_value(agent, "persona"), "control persona, third edition");
}

TEST_P(PmAgents, WithPersonaSyncANewAgentGetsOnePersonaBlock) {
    rt_.reset();
    cfg_.letta_sync_persona = true;
    start_service();
    ASSERT_TRUE(cycle().ok);
    auto agent = agents_named("Huly - Web Shop")[0];
    EXPECT_EQ(block_value(agent, "persona"), "control persona");
    unsigned personas = 0;
    auto state = letta_.state();
    for (const auto& a : state.at("agents").as_array()) {
        if (a.at("id") != agent.at("id")) continue;
        for (const auto& b : a.at("blocks").as_array()) personas += b.at("label") == "persona" ? 1 : 0;
    }
    EXPECT_EQ(personas, 1u);
    ASSERT_TRUE(cycle().ok);  // the change_log's "first sync" goes
    letta_host_->reset_counts();
    ASSERT_TRUE(cycle().ok);
    EXPECT_EQ(letta_writes(), 0u);  // the persona's hash was stored at create
}

TEST_P(PmAgents, AnImportedBindingToAnUntaggedAgentIsTaggedAndUsed) {
    ASSERT_TRUE(cycle().ok);
    auto legacy = agents_named("Legacy WEB PM")[0];
    rebind("WEB", std::string(legacy.at("id").as_string()), "Legacy WEB PM");
    auto outcome = cycle();
    ASSERT_TRUE(outcome.agents["WEB"].ok) << outcome.agents["WEB"].error;
    EXPECT_EQ(outcome.agents["WEB"].agent_id, legacy.at("id").as_string());
    auto tags = agents_named("Legacy WEB PM")[0].at("tags").as_array();
    EXPECT_EQ(tags, (json::array{"pm", "huly-vibe-sync", "project:WEB"}));
    EXPECT_NE(block_value(legacy, "board_metrics").find("\"total_issues\":2"), std::string::npos);
    auto tools = letta_.agent_tool_names(std::string(legacy.at("id").as_string()));
    EXPECT_NE(std::find(tools.begin(), tools.end(), "huly_query"), tools.end());
    // It gets what a created agent has: a persona and a scratchpad.
    EXPECT_EQ(block_value(legacy, "scratchpad"), agents::scratchpad_initial_value());
    EXPECT_EQ(block_value(legacy, "persona"), "control persona");
    letta_host_->reset_counts();
    ASSERT_TRUE(cycle().agents["WEB"].ok);
    EXPECT_EQ(letta_host_->counts().by_route["PATCH /v1/agents/{agent_id}"], 0u);  // tagged once
}

TEST_P(PmAgents, ABindingToAnAgentOfAnotherProjectIsRefusedNotRetagged) {
    ASSERT_TRUE(cycle().ok);
    auto other = agents_named("Other PM")[0];
    rebind("WEB", std::string(other.at("id").as_string()), "Other PM");
    auto outcome = cycle();
    EXPECT_FALSE(outcome.agents["WEB"].ok);
    EXPECT_NE(outcome.agents["WEB"].error.find("another project"), std::string::npos);
    EXPECT_EQ(agents_named("Other PM")[0].at("tags").as_array(), (json::array{"project:OTHER"}));
    EXPECT_TRUE(block_value(other, "board_metrics").empty());
}

TEST_P(PmAgents, OneWorkerAndSixteenGiveTheSameAgents) {
    for (int i = 0; i < 8; ++i) {
        auto id = "P" + std::to_string(i);
        huly_.add_project(id, "Project " + id, "");
        for (int n = 0; n <= i; ++n) huly_.add_issue(id, "Issue " + std::to_string(n), "d", n % 2 ? "Done" : "Todo");
    }
    auto run_with = [&](unsigned workers) {
        rt_.reset();
        lose_state();
        letta_.seed(letta_seed_);
        vibe_.seed(json::object{});
        cfg_.max_workers = workers;
        cfg_.letta.connections = workers;
        start_service();
        for (int c = 0; c < 2; ++c) {
            auto outcome = cycle();
            EXPECT_TRUE(outcome.ok) << outcome.error;
            for (const auto& [project, agent] : outcome.agents) EXPECT_TRUE(agent.ok) << project << ": " << agent.error;
        }
        return agents_snapshot();
    };
    auto sequential = run_with(1);
    auto concurrent = run_with(16);
    EXPECT_EQ(sequential.size(), 1u + 2u + 9u);  // control, two foreign agents, nine PM agents
    ASSERT_EQ(sequential.size(), concurrent.size());
    for (const auto& [name, state] : sequential) EXPECT_EQ(state, concurrent[name]) << name;
}

TEST_P(PmAgents, TheControlAgentsIdIsStoredAndReplacedWhenTheAgentIsGone) {
    auto stored_control = [&] {  // read beside the running service, as `status` does
        auto db = read_state();
        auto id = db ? store::load_control_agent_id(*db) : result<std::optional<std::string>>(db.error());
        return id && *id ? **id : std::string();
    };
    ASSERT_TRUE(cycle().ok);
    auto original = std::string(agents_named("Huly-PM-Control")[0].at("id").as_string());
    EXPECT_EQ(stored_control(), original);

    sim::request del{boost::beast::http::verb::delete_, "/v1/agents/" + original, 11};
    del.set(boost::beast::http::field::authorization, std::string("Bearer ") + letta_password);
    del.set(boost::beast::http::field::user_agent, "test");
    ASSERT_EQ(letta_.handle(del).result_int(), 200u);
    auto outcome = cycle();
    ASSERT_TRUE(outcome.agents["WEB"].ok) << outcome.agents["WEB"].error;
    auto controls = agents_named("Huly-PM-Control");
    ASSERT_EQ(controls.size(), 1u);
    EXPECT_NE(controls[0].at("id").as_string(), original);
    EXPECT_EQ(stored_control(), controls[0].at("id").as_string());
}

TEST_P(PmAgents, ADeletedAgentIsFoundGoneAndCreatedAgainOnce) {
    ASSERT_TRUE(cycle().ok);
    auto id = std::string(agents_named("Huly - Web Shop")[0].at("id").as_string());
    sim::request del{boost::beast::http::verb::delete_, "/v1/agents/" + id, 11};
    del.set(boost::beast::http::field::authorization, std::string("Bearer ") + letta_password);
    del.set(boost::beast::http::field::user_agent, "test");
    ASSERT_EQ(letta_.handle(del).result_int(), 200u);
    auto outcome = cycle();
    ASSERT_TRUE(outcome.agents["WEB"].ok) << outcome.agents["WEB"].error;
    EXPECT_TRUE(outcome.agents["WEB"].created);
    ASSERT_TRUE(cycle().ok);
    EXPECT_EQ(agents_named("Huly - Web Shop").size(), 1u);
}

TEST_P(PmAgents, ALostDatabaseFindsTheAgentAgainInsteadOfDuplicatingIt) {
    ASSERT_TRUE(cycle().ok);
    rt_.reset();
    lose_state();
    start_service();
    auto outcome = cycle();
    ASSERT_TRUE(outcome.agents["WEB"].ok) << outcome.agents["WEB"].error;
    EXPECT_FALSE(outcome.agents["WEB"].created);
    EXPECT_EQ(agents_named("Huly - Web Shop").size(), 1u);
}

TEST_P(PmAgents, LettaDownDegradesTheProjectButTheSyncCompletes) {
    letta_host_->inject({.route = "*", .kind = sim::fault_kind::error, .count = 1000});
    auto outcome = cycle();
    EXPECT_FALSE(outcome.ok);  // the agent work failed: issues and tasks are synced regardless
    EXPECT_EQ(outcome.record.outcome, "partial");
    EXPECT_FALSE(outcome.letta_error.empty());
    EXPECT_FALSE(outcome.agents["WEB"].ok);
    EXPECT_EQ(tasks_of("Web Shop").size(), 2u);
    letta_host_->clear_faults();
    auto recovered = cycle();
    EXPECT_TRUE(recovered.agents["WEB"].ok) << recovered.agents["WEB"].error;
}

TEST_P(PmAgents, ColdStartOf42ProjectsWithTimedOutCreatesMakesExactlyOneAgentEach) {
    for (int i = 0; i < 41; ++i) {
        auto id = "C" + std::to_string(i);
        huly_.add_project(id, "Cold " + std::to_string(i), "");
        huly_.add_issue(id, "Only issue", "", "Todo");
    }
    cfg_.http_timeout = std::chrono::milliseconds(300);
    start_service();
    // Five creates are applied by Letta only after the client has given up on them.
    letta_host_->inject({.route = "POST /v1/agents/", .kind = sim::fault_kind::stall, .count = 5,
                         .stall = std::chrono::milliseconds(600)});
    auto first = cycle();
    // Issues and tasks are synced regardless; the timed-out creates make the cycle partial.
    EXPECT_EQ(first.record.projects_failed, 0);
    EXPECT_EQ(first.record.outcome, "partial");
    ASSERT_TRUE(hvs::test::run_until_answered(ioc_, {letta_host_.get()}));  // the stalled creates land
    auto second = cycle();
    for (const auto& [project, agent] : second.agents) EXPECT_TRUE(agent.ok) << project << ": " << agent.error;
    auto managed = [](const json::object& a) {
        const auto& tags = a.at("tags").as_array();
        return std::find(tags.begin(), tags.end(), json::value("huly-vibe-sync")) != tags.end();
    };
    std::map<std::string, int> per_project;
    for (const auto& a : letta_.agents()) {
        if (!managed(a)) continue;
        for (const auto& tag : a.at("tags").as_array()) {
            if (tag.as_string().starts_with("project:")) ++per_project[std::string(tag.as_string())];
        }
    }
    EXPECT_EQ(per_project.size(), 42u);
    for (const auto& [tag, count] : per_project) EXPECT_EQ(count, 1) << tag;
    for (const auto& a : letta_.agents()) {
        if (!managed(a)) continue;
        auto tools = letta_.agent_tool_names(std::string(a.at("id").as_string()));
        EXPECT_NE(std::find(tools.begin(), tools.end(), "huly_query"), tools.end()) << a.at("name").as_string();
    }
}

TEST_P(PmAgents, AfterARestartAnIdleCycleStillWritesNoBlock) {
    ASSERT_TRUE(cycle().ok);
    ASSERT_TRUE(cycle().ok);  // change_log settles after the first sync
    rt_.reset();
    start_service();  // same database: the block hashes survive
    letta_host_->reset_counts();
    auto idle = cycle();
    ASSERT_TRUE(idle.ok);
    EXPECT_EQ(idle.agents["WEB"].blocks_written, 0u);
    EXPECT_EQ(letta_writes(), 0u);
}

TEST_P(PmAgents, A402OnCreateFailsTheProjectWithTheQuotaLineAndCreatesNothingMoreThisCycle) {
    for (const char* id : {"OPS", "HR"}) {
        huly_.add_project(id, std::string("Team ") + id, "");
        huly_.add_issue(id, "Only issue", "", "Todo");
    }
    letta_.set_agent_quota(letta_.agents().size());  // no agent can be created
    rt_.reset();
    cfg_.max_workers = 1;  // projects one after another: the first 402 comes before any other create
    start_service();
    auto outcome = cycle();
    ASSERT_EQ(outcome.agents.size(), 3u);
    unsigned quota_lines = 0, not_created = 0;
    for (auto& [project, agent] : outcome.agents) {
        EXPECT_FALSE(agent.ok) << project;
        EXPECT_FALSE(agent.created) << project;
        if (agent.error.find("402 Payment Required, the plan's agent quota is reached") != std::string::npos) {
            ++quota_lines;
        }
        if (agent.error.starts_with("not creating agent")) ++not_created;
    }
    EXPECT_EQ(quota_lines, 3u);  // every project's line names the quota
    EXPECT_EQ(not_created, 2u);  // those after the first 402 did not ask again
    EXPECT_EQ(letta_host_->counts().by_route["POST /v1/agents/"], 1u);
    EXPECT_TRUE(agents_named("Huly - Web Shop").empty());

    // The next cycle asks again (the quota may have been raised meanwhile).
    letta_.set_agent_quota(std::nullopt);
    auto next = cycle();
    EXPECT_TRUE(next.agents["WEB"].ok) << next.agents["WEB"].error;
    EXPECT_EQ(agents_named("Huly - Web Shop").size(), 1u);
}

TEST_P(PmAgents, ABlockDeletedInLettaIsRestoredByTheNextCycleWithOneBlockWrite) {
    const auto id = settled_web_agent();
    const auto agent = agents_named("Huly - Web Shop").at(0);
    const auto hotspots = block_value(agent, "hotspots");
    ASSERT_FALSE(hotspots.empty());
    ASSERT_EQ(letta_api(boost::beast::http::verb::delete_, "/v1/blocks/" + block_id(id, "hotspots")).result_int(), 200u);
    ASSERT_TRUE(block_value(agent, "hotspots").empty());

    letta_host_->reset_counts();
    auto outcome = cycle();
    ASSERT_TRUE(outcome.agents["WEB"].ok) << outcome.agents["WEB"].error;
    EXPECT_EQ(outcome.agents["WEB"].drift_found, 1u);
    EXPECT_EQ(outcome.agents["WEB"].drift_repaired, 1u);
    EXPECT_EQ(outcome.agents["WEB"].blocks_written, 1u);
    EXPECT_EQ(block_value(agent, "hotspots"), hotspots);
    {
        // The new block's hash is stored under the agent (read beside the running service).
        auto db = read_state();
        ASSERT_TRUE(db);
        auto stored = store::load_block_hashes(*db, id);
        ASSERT_TRUE(stored);
        EXPECT_TRUE(stored->contains("hotspots"));
        auto stray = store::load_block_hashes(*db, "");
        ASSERT_TRUE(stray);
        EXPECT_TRUE(stray->empty());
    }
    // Created and attached; nothing else written; the agent read once.
    EXPECT_EQ(letta_host_->counts().by_route["POST /v1/blocks/"], 1u);
    EXPECT_EQ(letta_host_->counts().by_route["PATCH /v1/agents/{agent_id}/core-memory/blocks/attach/{block_id}"], 1u);
    EXPECT_EQ(letta_writes(), 2u);
    // Two reads of the control agent (its stored id, its tools), one of the PM agent.
    EXPECT_EQ(letta_host_->counts().by_route["GET /v1/agents/{agent_id}"], 2u + 1u);

    letta_host_->reset_counts();
    auto idle = cycle();
    EXPECT_EQ(idle.agents["WEB"].drift_found, 0u);
    EXPECT_EQ(letta_writes(), 0u);
}

TEST_P(PmAgents, ABlockDetachedInLettaIsAttachedAgain) {
    const auto id = settled_web_agent();
    const auto agent = agents_named("Huly - Web Shop").at(0);
    const auto metrics = block_value(agent, "board_metrics");
    ASSERT_EQ(letta_api(boost::beast::http::verb::patch,
                        "/v1/agents/" + id + "/core-memory/blocks/detach/" + block_id(id, "board_metrics"))
                  .result_int(),
              200u);
    auto outcome = cycle();
    ASSERT_TRUE(outcome.agents["WEB"].ok) << outcome.agents["WEB"].error;
    EXPECT_EQ(outcome.agents["WEB"].drift_repaired, 1u);
    EXPECT_EQ(block_value(agent, "board_metrics"), metrics);
}

TEST_P(PmAgents, ADeletedScratchpadIsCreatedAgainAndOneTheAgentWroteIsNeverTouched) {
    const auto id = settled_web_agent();
    const auto agent = agents_named("Huly - Web Shop").at(0);
    set_block(id, "scratchpad", R"({"notes":["the agent's own note"]})");
    letta_host_->reset_counts();
    auto idle = cycle();
    ASSERT_TRUE(idle.agents["WEB"].ok) << idle.agents["WEB"].error;
    EXPECT_EQ(idle.agents["WEB"].drift_found, 0u);
    EXPECT_EQ(letta_writes(), 0u);
    EXPECT_EQ(block_value(agent, "scratchpad"), R"({"notes":["the agent's own note"]})");

    ASSERT_EQ(letta_api(boost::beast::http::verb::delete_, "/v1/blocks/" + block_id(id, "scratchpad")).result_int(), 200u);
    auto outcome = cycle();
    ASSERT_TRUE(outcome.agents["WEB"].ok) << outcome.agents["WEB"].error;
    EXPECT_EQ(outcome.agents["WEB"].drift_found, 1u);
    EXPECT_EQ(outcome.agents["WEB"].drift_repaired, 1u);
    EXPECT_EQ(block_value(agent, "scratchpad"), agents::scratchpad_initial_value());
}

TEST_P(PmAgents, AManagedBlockEditedInLettaStaysUntilItsContentChanges) {
    const auto id = settled_web_agent();
    const auto agent = agents_named("Huly - Web Shop").at(0);
    set_block(id, "board_metrics", "edited in the Letta UI");
    letta_host_->reset_counts();
    ASSERT_TRUE(cycle().agents["WEB"].ok);
    EXPECT_EQ(letta_writes(), 0u);
    EXPECT_EQ(block_value(agent, "board_metrics"), "edited in the Letta UI");
    huly_.add_issue("WEB", "Third issue", "", "Todo");
    ASSERT_TRUE(cycle().agents["WEB"].ok);
    EXPECT_NE(block_value(agent, "board_metrics").find("\"total_issues\":3"), std::string::npos);
}

TEST_P(PmAgents, ForceModeDetachesWhatTheControlLacksInOneAgentUpdateAndKeepsLettasOwnTools) {
    const auto id = settled_web_agent();
    const auto stray = tool_id("stray_tool");
    auto attach_stray = [&] {
        ASSERT_EQ(letta_api(boost::beast::http::verb::patch, "/v1/agents/" + id + "/tools/attach/" + stray).result_int(),
                  200u);
    };
    auto has = [&](const std::string& name) {
        auto tools = letta_.agent_tool_names(id);
        return std::find(tools.begin(), tools.end(), name) != tools.end();
    };
    attach_stray();
    ASSERT_TRUE(cycle().agents["WEB"].ok);
    EXPECT_TRUE(has("stray_tool"));  // additive by default

    rt_.reset();
    cfg_.letta_sync_tools_force = true;
    start_service();
    letta_host_->reset_counts();
    auto outcome = cycle();
    ASSERT_TRUE(outcome.agents["WEB"].ok) << outcome.agents["WEB"].error;
    EXPECT_FALSE(has("stray_tool"));
    EXPECT_TRUE(has("conversation_search"));  // Letta's own
    EXPECT_TRUE(has("huly_query"));
    EXPECT_EQ(outcome.agents["WEB"].tools_detached, 1u);
    EXPECT_EQ(outcome.agents["WEB"].drift_found, 1u);
    EXPECT_EQ(outcome.agents["WEB"].drift_repaired, 1u);
    EXPECT_EQ(letta_host_->counts().by_route["PATCH /v1/agents/{agent_id}"], 1u);
    EXPECT_EQ(letta_writes(), 1u);

    // A missing control tool and an extra one: still one write.
    const auto query = tool_id("huly_query");
    ASSERT_EQ(letta_api(boost::beast::http::verb::patch, "/v1/agents/" + id + "/tools/detach/" + query).result_int(), 200u);
    attach_stray();
    letta_host_->reset_counts();
    auto both = cycle();
    ASSERT_TRUE(both.agents["WEB"].ok) << both.agents["WEB"].error;
    EXPECT_TRUE(has("huly_query"));
    EXPECT_FALSE(has("stray_tool"));
    EXPECT_EQ(both.agents["WEB"].tools_attached, 1u);
    EXPECT_EQ(both.agents["WEB"].tools_detached, 1u);
    EXPECT_EQ(letta_writes(), 1u);

    letta_host_->reset_counts();
    ASSERT_TRUE(cycle().agents["WEB"].ok);
    EXPECT_EQ(letta_writes(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Letta, PmAgents, every_letta_profile(), letta_profile_name);

}  // namespace
}  // namespace hvs::test
