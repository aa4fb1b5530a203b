// The Letta client over loopback against both simulator profiles: lists read page by page past any
// server cap, folder lookup by exact name through ?name=, a lock 409 retried after Retry-After with
// the attachment confirmed, and 402 on create as one clear, unrepeated error.

#include "integration/agents/letta_fixture.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <set>

namespace hvs::test {
namespace {

namespace json = boost::json;

constexpr const char* attach_block_route = "PATCH /v1/agents/{agent_id}/core-memory/blocks/attach/{block_id}";

class LettaClient : public LettaFixture, public letta_profile_param {
protected:
    void SetUp() override {
        LettaFixture::SetUp();
        sim_.set_profile(GetParam());
    }

    std::uint64_t count(const char* route) { return host_->counts().by_route[route]; }

    bool agent_has_block(const std::string& agent_id, const std::string& block_id) {
        const auto state = sim_.state();
        for (const auto& a : state.at("agents").as_array()) {
            if (a.at("id").as_string() != agent_id) continue;
            for (const auto& b : a.at("blocks").as_array()) {
                if (b.at("id").as_string() == block_id) return true;
            }
        }
        return false;
    }
};

TEST_P(LettaClient, TaggedAgentsArePagedPastTheServersCap) {
    json::array agents;
    for (int i = 0; i < 230; ++i) {
        agents.push_back(json::object{{"name", "Huly - P" + std::to_string(i)},
                                      {"tags", json::array{"huly-vibe-sync", json::value("project:P" + std::to_string(i))}}});
    }
    for (int i = 0; i < 40; ++i) agents.push_back(json::object{{"name", "unrelated " + std::to_string(i)}});
    serve(json::object{{"agents", agents}});

    letta::agent_query query;
    query.tags.push_back("huly-vibe-sync");
    auto listed = run_async(ioc_, letta_->list_agents(std::move(query)));
    ASSERT_TRUE(listed) << listed.error().describe();
    ASSERT_EQ(listed->size(), 230u);
    std::set<std::string> ids;
    for (const auto& a : *listed) ids.insert(a.id);
    EXPECT_EQ(ids.size(), 230u);
    EXPECT_EQ(listed->front().name, "Huly - P0");  // oldest first
    EXPECT_EQ(listed->back().name, "Huly - P229");
    EXPECT_EQ(count("GET /v1/agents/"), 3u);  // 100 + 100 + 30
}

TEST_P(LettaClient, FolderIsFoundByExactNameAmongManySubstringMatches) {
    json::array folders;
    for (int i = 0; i < 230; ++i) folders.push_back(json::object{{"name", "Huly-WEB-archive-" + std::to_string(i)}});
    folders.push_back(json::object{{"name", "Huly-WEB"}});
    serve(json::object{{"folders", folders}});

    auto found = run_async(ioc_, letta_->folder_id_by_name("Huly-WEB"));
    ASSERT_TRUE(found) << found.error().describe();
    ASSERT_TRUE(*found);
    EXPECT_EQ(**found, folder_id("Huly-WEB"));
    auto none = run_async(ioc_, letta_->folder_id_by_name("huly-web"));  // the filter ignores case; we do not
    ASSERT_TRUE(none) << none.error().describe();
    EXPECT_FALSE(*none);
    EXPECT_EQ(count("GET /v1/folders/name/{folder_name}"), 0u);
}

TEST_P(LettaClient, ABlockAttachLockIsRetriedAfterRetryAfterAndTheBlockIsAttached) {
    serve(json::object{{"agents", json::array{json::object{{"name", "Huly - Web"}}}}});
    const auto agent = agent_ids("Huly - Web").at(0);
    auto block = run_async(ioc_, letta_->create_block({"notes", "n"}));
    ASSERT_TRUE(block) << block.error().describe();
    sim_.inject_block_attach_locks(2);

    const auto started = std::chrono::steady_clock::now();
    auto attached = run_async(ioc_, letta_->attach_block(agent, block->id));
    ASSERT_TRUE(attached) << attached.error().describe();
    EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));  // Retry-After: 1, twice
    EXPECT_EQ(count(attach_block_route), 3u);
    EXPECT_TRUE(agent_has_block(agent, block->id));
}

TEST_P(LettaClient, A409WithoutRetryAfterIsNotTakenForAttachedWhenTheBlocksSayOtherwise) {
    json::array blocks{json::object{{"label", "notes"}, {"value", "old"}}};
    serve(json::object{{"agents", json::array{json::object{{"name", "Huly - Web"}, {"blocks", blocks}}}}});
    const auto agent = agent_ids("Huly - Web").at(0);
    auto block = run_async(ioc_, letta_->create_block({"notes", "new"}));  // the label is taken: 409
    ASSERT_TRUE(block) << block.error().describe();

    auto attached = run_async(ioc_, letta_->attach_block(agent, block->id));
    ASSERT_FALSE(attached);
    EXPECT_EQ(attached.error().http_status, 409u);
    EXPECT_EQ(count(attach_block_route), 1u);
    EXPECT_EQ(count("GET /v1/agents/{agent_id}/core-memory/blocks"), 1u);
    EXPECT_FALSE(agent_has_block(agent, block->id));
}

TEST_P(LettaClient, A402OnCreateIsAQuotaErrorSentOnce) {
    serve(json::object{{"agents", json::array{json::object{{"name", "Huly-PM-Control"}}}}});
    sim_.set_agent_quota(1);
    letta::agent_spec spec;
    spec.name = "Huly - Web";
    spec.model = "letta/letta-free";
    auto created = run_async(ioc_, letta_->create_agent(std::move(spec)));
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error().http_status, 402u);
    EXPECT_EQ(created.error().kind, error_kind::http_4xx);
    EXPECT_NE(created.error().message.find("agent quota"), std::string::npos) << created.error().message;
    EXPECT_EQ(count("POST /v1/agents/"), 1u);
    EXPECT_TRUE(agent_ids("Huly - Web").empty());
}

INSTANTIATE_TEST_SUITE_P(Letta, LettaClient, every_letta_profile(), letta_profile_name);

}  // namespace
}  // namespace hvs::test
