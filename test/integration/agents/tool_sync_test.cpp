// Tool sync from the control agent against the Letta simulator (0.13 quirks on) over loopback.

#include "hvs/agents/tool_sync.hpp"
#include "hvs/sim/host.hpp"
#include "hvs/sim/letta_simulator.hpp"

#include "integration/agents/letta_fixture.hpp"
#include "support/run_async.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace hvs::agents {
namespace {

namespace json = boost::json;

class ToolSync : public ::testing::Test, public test::letta_profile_param {
protected:
    void SetUp() override {
        sim_.set_profile(GetParam());
        json::array tools, agents;
        for (int i = 0; i < 10; ++i) tools.push_back(json::object{{"name", "huly_tool_" + std::to_string(i)}});
        tools.push_back(json::object{{"name", "stale_tool"}});
        json::array control_tools;
        for (int i = 0; i < 10; ++i) control_tools.push_back(json::value("huly_tool_" + std::to_string(i)));
        agents.push_back(json::object{{"name", "Huly-PM-Control"}, {"tags", json::array{}}, {"tools", control_tools}});
        for (int i = 0; i < 12; ++i) {
            json::array has{"conversation_search"};
            if (i % 3 == 0) has.push_back(json::value("huly_tool_0"));
            if (i % 4 == 0) has.push_back(json::value("stale_tool"));
            agents.push_back(json::object{{"name", "Huly - P" + std::to_string(i)},
                                          {"tags", json::array{"huly-vibe-sync", json::value("project:P" + std::to_string(i))}},
                                          {"tools", has}});
        }
        // A sleeptime twin carrying the tag must never be touched.
        agents.push_back(json::object{{"name", "Huly - P0-sleeptime"}, {"tags", json::array{"huly-vibe-sync"}},
                                      {"tools", json::array{}}});
        // An agent the database binds but Letta does not tag (imported from the original service).
        agents.push_back(json::object{{"name", "Legacy PM"}, {"tags", json::array{}},
                                      {"tools", json::array{"conversation_search"}}});
        sim_.seed(json::object{{"tools", tools}, {"agents", agents}});
        host_ = std::make_unique<sim::host>(ioc_.get_executor(), sim_, sim::host_options{});
        auto port = host_->listen(0);
        ASSERT_TRUE(port);
        net::client_params params;
        params.name = "letta";
        params.retry.max_attempts = 1;  // each injected fault fails exactly one operation
        auto http = net::http_client::create(
            ioc_.get_executor(), *net::parse_base_url("http://127.0.0.1:" + std::to_string(*port) + "/v1"), params,
            limiter_);
        ASSERT_TRUE(http);
        http_ = std::move(*http);
        letta_ = std::make_unique<letta::client>(*http_, "pw-123456");
    }

    static tool_sync_request request_for(std::string control, bool force = false, bool dry_run = false,
                                         std::set<std::string> projects = {}, std::map<std::string, store::agent_binding> bindings = {}) {
        tool_sync_request request;
        request.control_agent = std::move(control);
        request.force = force;
        request.dry_run = dry_run;
        request.projects = std::move(projects);
        request.bindings = std::move(bindings);
        request.max_in_flight = 4;  // fewer workers than operations: they must share the list
        return request;
    }

    result<tool_sync_report> sync(bool force, bool dry_run = false, std::set<std::string> projects = {}) {
        return hvs::test::run_async(
            ioc_, sync_tools_from_control(*letta_, request_for("Huly-PM-Control", force, dry_run, std::move(projects)), {}),
            std::chrono::seconds(30));
    }

    result<tool_sync_report> sync_bound(std::map<std::string, store::agent_binding> bindings, std::set<std::string> projects = {}) {
        auto request = request_for("Huly-PM-Control", false, false, std::move(projects), std::move(bindings));
        return hvs::test::run_async(ioc_, sync_tools_from_control(*letta_, std::move(request), {}),
                                    std::chrono::seconds(30));
    }

    std::string id_of(const std::string& name) {
        for (const auto& a : sim_.agents()) {
            if (a.at("name").as_string() == name) return std::string(a.at("id").as_string());
        }
        return {};
    }

    std::vector<std::string> tools_of(const std::string& name) {
        for (const auto& a : sim_.agents()) {
            if (a.at("name").as_string() == name) return sim_.agent_tool_names(std::string(a.at("id").as_string()));
        }
        return {};
    }

    static bool has(const std::vector<std::string>& tools, const std::string& name) {
        return std::find(tools.begin(), tools.end(), name) != tools.end();
    }

    boost::asio::io_context ioc_;
    static sim::letta_options with_password() {
        sim::letta_options options;
        options.password = "pw-123456";
        return options;
    }

    sim::letta_simulator sim_{with_password()};
    std::unique_ptr<sim::host> host_;
    net::rate_limiter limiter_{0, 1};
    std::unique_ptr<net::http_client> http_;
    std::unique_ptr<letta::client> letta_;
};

TEST_P(ToolSync, AdditiveGivesEveryPmAgentEveryControlToolAndKeepsTheRest) {
    auto report = sync(false);
    ASSERT_TRUE(report) << report.error().describe();
    EXPECT_EQ(report->plan.size(), 12u);
    EXPECT_EQ(report->errors(), 0u);
    for (int i = 0; i < 12; ++i) {
        auto tools = tools_of("Huly - P" + std::to_string(i));
        for (int t = 0; t < 10; ++t) EXPECT_TRUE(has(tools, "huly_tool_" + std::to_string(t))) << i << " " << t;
        EXPECT_TRUE(has(tools, "conversation_search"));
        EXPECT_EQ(has(tools, "stale_tool"), i % 4 == 0);
    }
    EXPECT_TRUE(tools_of("Huly - P0-sleeptime").empty());
    // A second run has nothing to do.
    auto again = sync(false);
    ASSERT_TRUE(again);
    for (const auto& p : again->plan) EXPECT_TRUE(p.attach.empty() && p.detach.empty());
}

TEST_P(ToolSync, ForceDetachesExtrasButKeepsLettaManagedTools) {
    auto report = sync(true);
    ASSERT_TRUE(report) << report.error().describe();
    for (int i = 0; i < 12; ++i) {
        auto tools = tools_of("Huly - P" + std::to_string(i));
        EXPECT_FALSE(has(tools, "stale_tool"));
        EXPECT_TRUE(has(tools, "conversation_search"));
        EXPECT_EQ(tools.size(), 11u);
    }
}

TEST_P(ToolSync, DryRunChangesNothingAndProjectsFilterTheAgents) {
    auto before = tools_of("Huly - P1");
    auto dry = sync(false, true);
    ASSERT_TRUE(dry);
    EXPECT_TRUE(dry->results.empty());
    EXPECT_EQ(tools_of("Huly - P1"), before);
    auto only = sync(false, false, {"P1"});
    ASSERT_TRUE(only);
    ASSERT_EQ(only->plan.size(), 1u);
    EXPECT_EQ(tools_of("Huly - P1").size(), 11u);
    EXPECT_EQ(tools_of("Huly - P2").size(), 1u);
}

TEST_P(ToolSync, TheDatabasesBindingsChooseTheAgentsTaggedOrNot) {
    std::map<std::string, store::agent_binding> bindings{{"P1", {id_of("Huly - P1"), "Huly - P1"}},
                                            {"LEG", {id_of("Legacy PM"), "Legacy PM"}},
                                            {"GONE", {"agent-00000000-0000-4000-8000-000000000000", "Huly - Gone"}}};
    auto report = sync_bound(bindings);
    ASSERT_TRUE(report) << report.error().describe();
    EXPECT_EQ(report->source, "database");
    ASSERT_EQ(report->plan.size(), 2u);
    EXPECT_EQ(report->errors(), 0u);
    EXPECT_EQ(tools_of("Huly - P1").size(), 11u);
    EXPECT_EQ(tools_of("Legacy PM").size(), 11u);   // untagged, but bound: included
    EXPECT_EQ(tools_of("Huly - P2").size(), 1u);    // tagged, but not bound: left alone
    ASSERT_EQ(report->notes.size(), 1u);            // the bound agent Letta no longer has
    EXPECT_NE(report->notes[0].find("GONE"), std::string::npos);

    auto filtered = sync_bound(bindings, {"P3"});
    ASSERT_TRUE(filtered);
    EXPECT_TRUE(filtered->plan.empty());
}

TEST_P(ToolSync, ABoundAgentThatCannotBeReadIsAnErrorNotSkippedSilently) {
    std::map<std::string, store::agent_binding> bindings{{"LEG", {id_of("Legacy PM"), "Legacy PM"}}};
    // Tools are read from the agent itself: the first read is the control agent's; the second, the bound agent's.
    host_->inject({.route = "GET /v1/agents/{agent_id}", .kind = sim::fault_kind::error, .count = 1, .skip = 1});
    auto report = sync_bound(bindings);
    ASSERT_TRUE(report) << report.error().describe();
    EXPECT_TRUE(report->plan.empty());
    EXPECT_EQ(report->errors(), 1u);
    ASSERT_EQ(report->read_failures.size(), 1u);
    EXPECT_NE(report->read_failures[0].find("Legacy PM"), std::string::npos);
}

TEST_P(ToolSync, FailedOperationsAreCountedPerAgent) {
    host_->inject({.route = "PATCH /v1/agents/{agent_id}/tools/attach/{tool_id}", .kind = sim::fault_kind::error,
                   .count = 3});
    auto report = sync(false);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->errors(), 3u);
    auto fixed = sync(false);  // the next run completes the job
    ASSERT_TRUE(fixed);
    EXPECT_EQ(fixed->errors(), 0u);
    unsigned attached = 0;
    for (const auto& r : fixed->results) attached += r.attached;
    EXPECT_EQ(attached, 3u);
}

TEST_P(ToolSync, AMissingControlAgentIsAClearError) {
    auto report = hvs::test::run_async(ioc_, sync_tools_from_control(*letta_, request_for("No-Such-Control"), {}));
    ASSERT_FALSE(report);
    EXPECT_NE(report.error().message.find("No-Such-Control"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Letta, ToolSync, test::every_letta_profile(), test::letta_profile_name);

}  // namespace
}  // namespace hvs::agents
