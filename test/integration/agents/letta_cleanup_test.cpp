// `letta cleanup` against the Letta simulator over loopback: more than 50 folders (the Huly ones
// beyond the first page), bound PM agents, an unbound duplicate with its sleeptime twin, the
// control agent (tagged, to prove the name protects it) and a foreign agent. A dry run changes
// nothing; --apply deletes exactly the Huly folders (files first) and the duplicate, and the
// database forgets them; 404s on deletes are phantoms, not failures; a 500 is a failure and the
// rest still goes.

#include "integration/agents/letta_fixture.hpp"

#include "hvs/agents/letta_cleanup.hpp"
#include "hvs/agents/repo_docs.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <set>

namespace hvs::test {
namespace {

namespace json = boost::json;

constexpr const char* delete_agent_route = "DELETE /v1/agents/{agent_id}";
constexpr const char* delete_file_route = "DELETE /v1/folders/{folder_id}/{file_id}";
constexpr const char* delete_folder_route = "DELETE /v1/folders/{folder_id}";
constexpr int filler_folders = 55;

// Someone else deletes the object just before our DELETE reaches the server: the first `count`
// requests on `route` are applied twice, so ours answers 404.
class deleted_behind_our_back : public sim::simulator {
public:
    deleted_behind_our_back(sim::letta_simulator& inner, std::string route, int count)
        : inner_(inner), route_(std::move(route)), count_(count) {}
    [[nodiscard]] std::string_view name() const override { return inner_.name(); }
    [[nodiscard]] std::string route_of(const sim::request& req) const override { return inner_.route_of(req); }
    sim::response handle(const sim::request& req) override {
        if (count_ > 0 && inner_.route_of(req) == route_) {
            --count_;
            (void)inner_.handle(req);
        }
        return inner_.handle(req);
    }
    void seed(const json::value& document) override { inner_.seed(document); }
    [[nodiscard]] json::value state() const override { return inner_.state(); }

private:
    sim::letta_simulator& inner_;
    std::string route_;
    int count_;
};

json::value seed() {
    json::array folders, agents;
    // The fillers come first, so a client that reads one page (or /v1/sources/) never sees the
    // service's folders.
    for (int i = 0; i < filler_folders; ++i) folders.push_back(json::object{{"name", "team-" + std::to_string(i)}});
    folders.push_back(json::object{{"name", "notes"}, {"files", json::array{json::object{{"name", "keep.md"}, {"content", "k"}}}}});
    folders.push_back(json::object{{"name", "Huly-WEB"},
                                   {"files", json::array{json::object{{"name", "WEB-README.md"}, {"content", "# web"}},
                                                         json::object{{"name", "extra.md"}, {"content", "x"}}}}});
    folders.push_back(json::object{{"name", "Huly-OPS-root"},
                                   {"files", json::array{json::object{{"name", "Makefile"}, {"content", "all:"}}}}});
    const json::array pm_tags = {"huly-vibe-sync", "project:WEB"};
    // The control agent tagged like a Web PM agent: its name alone must protect it.
    agents.push_back(json::object{{"name", "Huly-PM-Control"}, {"tags", pm_tags}});
    agents.push_back(json::object{{"name", "Huly - Web"}, {"tags", pm_tags}, {"enable_sleeptime", true}});
    agents.push_back(json::object{{"name", "Huly - Ops"}, {"tags", json::array{"huly-vibe-sync", "project:OPS"}}});
    agents.push_back(json::object{{"name", "Huly - Web"}, {"tags", pm_tags}, {"enable_sleeptime", true}});  // duplicate
    agents.push_back(json::object{{"name", "Someone's assistant"}, {"tags", json::array{"personal"}}});
    return json::object{{"folders", folders}, {"agents", agents}};
}

class LettaCleanup : public LettaFixture {
protected:
    // Serves the seed (through `served` when given) and binds the first Web agent and Ops, records
    // the duplicate and Huly-WEB as this service's, and the upload of its README.
    void start(sim::simulator* served = nullptr) {
        serve(seed(), served);
        auto web = agent_ids("Huly - Web");
        ASSERT_EQ(web.size(), 2u);
        bound_web_ = web[0];
        duplicate_ = web[1];
        bind("WEB", bound_web_, "Huly - Web");
        bind("OPS", agent_ids("Huly - Ops").at(0), "Huly - Ops");
        web_folder_ = *folder_id("Huly-WEB");
        ASSERT_TRUE(store::record_resource(*db_, duplicate_, "agent", "Huly - Web", "WEB"));
        ASSERT_TRUE(store::record_resource(*db_, web_folder_, "folder", "Huly-WEB", "WEB"));
        std::string readme_id;
        for (const auto& f : sim_.files_of(web_folder_)) {
            if (f.at("original_file_name").as_string() == "WEB-README.md") readme_id = f.at("id").as_string();
        }
        ASSERT_TRUE(store::save_letta_file(*db_, web_folder_, "WEB-README.md", {"hash-1", readme_id}, "WEB"));
    }

    agents::cleanup_report cleanup(bool apply, agents::cleanup_scope scope = agents::cleanup_scope::all,
                                   std::optional<agents::cleanup_facts> facts = std::nullopt) {
        if (!facts) {
            auto loaded = agents::load_cleanup_facts(*db_);
            EXPECT_TRUE(loaded);
            facts = *loaded;
        }
        agents::cleanup_request request{scope, "Huly-PM-Control", apply};
        auto report = run_async(ioc_, agents::run_letta_cleanup(*letta_, request, *facts), std::chrono::seconds(30));
        EXPECT_TRUE(report) << report.error().describe();
        if (apply) {
            auto forgotten = agents::forget_deleted(*db_, *report);
            EXPECT_TRUE(forgotten) << forgotten.error().message;
        }
        return std::move(*report);
    }

    std::set<std::string> folder_names() const {
        std::set<std::string> out;
        for (const auto& f : sim_.folders()) out.insert(std::string(f.at("name").as_string()));
        return out;
    }

    std::multiset<std::string> agent_names() const {
        std::multiset<std::string> out;
        for (const auto& a : sim_.agents()) out.insert(std::string(a.at("name").as_string()));
        return out;
    }

    bool agent_exists(const std::string& id) const { return sim_.agent(id).has_value(); }

    std::int64_t count(const std::string& sql) {
        auto s = db_->prepare(sql);
        EXPECT_TRUE(s);
        auto row = s->step();
        EXPECT_TRUE(row && *row);
        return s->integer(0);
    }

    std::uint64_t deletes_sent() const {
        auto counts = host_->counts();
        std::uint64_t n = 0;
        for (const auto* route : {delete_agent_route, delete_file_route, delete_folder_route}) {
            if (auto it = counts.by_route.find(route); it != counts.by_route.end()) n += it->second;
        }
        return n;
    }

    std::string bound_web_, duplicate_, web_folder_;
};

TEST_F(LettaCleanup, DryRunChangesNothingAndSaysWhatWouldGo) {
    start();
    const auto before = sim_.state();
    auto report = cleanup(false);
    EXPECT_EQ(sim_.state(), before);
    EXPECT_EQ(deletes_sent(), 0u);
    EXPECT_FALSE(report.applied);
    EXPECT_TRUE(report.results.empty());
    EXPECT_EQ(report.folders.found, static_cast<unsigned>(filler_folders + 3));
    EXPECT_EQ(report.folders.planned, 2u);
    EXPECT_EQ(report.folders.skipped, static_cast<unsigned>(filler_folders + 1));
    EXPECT_EQ(report.files.planned, 3u);
    EXPECT_EQ(report.agents.found, 4u);  // tagged: the control, Web, Ops, the Web duplicate (twins are untagged)
    ASSERT_EQ(report.plan.agents.size(), 1u);
    EXPECT_EQ(report.plan.agents[0].id, duplicate_);
    EXPECT_TRUE(report.plan.agents[0].recorded);
    EXPECT_EQ(report.agents.deleted, 0u);
    EXPECT_FALSE(report.any_failed());
    EXPECT_EQ(count("SELECT count(*) FROM letta_files"), 1);
}

TEST_F(LettaCleanup, ApplyDeletesExactlyTheServicesFoldersAndTheDuplicate) {
    start();
    const auto before_agents = agent_names();
    auto report = cleanup(true);
    EXPECT_FALSE(report.any_failed());
    EXPECT_EQ(report.folders.deleted, 2u);
    EXPECT_EQ(report.files.deleted, 3u);
    EXPECT_EQ(report.agents.deleted, 1u);
    EXPECT_EQ(report.folders.phantom + report.files.phantom + report.agents.phantom, 0u);

    auto folders = folder_names();
    EXPECT_EQ(folders.size(), static_cast<std::size_t>(filler_folders + 1));
    EXPECT_FALSE(folders.contains("Huly-WEB"));
    EXPECT_FALSE(folders.contains("Huly-OPS-root"));
    EXPECT_EQ(sim_.files_of(*folder_id("notes")).size(), 1u);

    EXPECT_FALSE(agent_exists(duplicate_));
    EXPECT_TRUE(agent_exists(bound_web_));
    auto agents_now = agent_names();
    EXPECT_EQ(agents_now.count("Huly - Web"), 1u);
    EXPECT_EQ(agents_now.count("Huly - Web-sleeptime"), 1u);  // the bound agent's twin stays, the duplicate's went
    EXPECT_EQ(agents_now.count("Huly-PM-Control"), 1u);
    EXPECT_EQ(agents_now.count("Huly - Ops"), 1u);
    EXPECT_EQ(agents_now.count("Someone's assistant"), 1u);
    EXPECT_EQ(agents_now.size(), before_agents.size() - 2);

    // The database forgot what is gone; the bindings stay.
    EXPECT_EQ(count("SELECT count(*) FROM letta_resources"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM letta_files"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM agents"), 2);

    // A second run finds nothing more to delete.
    auto again = cleanup(true);
    EXPECT_TRUE(again.plan.folders.empty());
    EXPECT_TRUE(again.plan.agents.empty());
}

TEST_F(LettaCleanup, NotFoundOnDeleteIsAPhantomNotAFailure) {
    deleted_behind_our_back agent_gone(sim_, delete_agent_route, 1);
    start(&agent_gone);
    // A phantom folder: still listed, but gone when asked by id.
    ASSERT_TRUE(sim_.delete_folder_directly(*folder_id("Huly-OPS-root")));
    auto report = cleanup(true);
    EXPECT_FALSE(report.any_failed());
    EXPECT_EQ(report.agents.phantom, 1u);
    EXPECT_EQ(report.folders.phantom, 1u);
    EXPECT_EQ(report.folders.deleted, 1u);
    EXPECT_EQ(report.files.deleted, 2u);  // the phantom folder has no files left to list
    EXPECT_FALSE(agent_exists(duplicate_));
    EXPECT_EQ(count("SELECT count(*) FROM letta_resources"), 0);  // phantoms are gone too
}

TEST_F(LettaCleanup, FileDeletedBehindOurBackIsAPhantom) {
    deleted_behind_our_back file_gone(sim_, delete_file_route, 1);
    start(&file_gone);
    auto report = cleanup(true, agents::cleanup_scope::folders);
    EXPECT_FALSE(report.any_failed());
    EXPECT_EQ(report.files.phantom, 1u);
    EXPECT_EQ(report.files.deleted, 2u);
    EXPECT_EQ(report.folders.deleted, 2u);
    EXPECT_EQ(report.agents.found, 0u);
    EXPECT_TRUE(agent_exists(duplicate_));  // agents were not in scope
}

TEST_F(LettaCleanup, ServerErrorOnDeleteIsAFailureAndTheRestGoesOn) {
    start();
    host_->inject({delete_agent_route, sim::fault_kind::error, 1, {}});
    host_->inject({delete_file_route, sim::fault_kind::error, 1, {}});
    auto report = cleanup(true);
    EXPECT_TRUE(report.any_failed());
    EXPECT_EQ(report.agents.failed, 1u);
    EXPECT_EQ(report.files.failed, 1u);
    // The folder whose file failed is kept (and counted failed); the other one went.
    EXPECT_EQ(report.folders.failed, 1u);
    EXPECT_EQ(report.folders.deleted, 1u);
    EXPECT_EQ(report.files.deleted, 2u);
    EXPECT_TRUE(agent_exists(duplicate_));
    for (const auto& r : report.results) {
        if (r.outcome == agents::delete_outcome::failed && r.item.kind != agents::resource_kind::folder) {
            EXPECT_NE(r.error.find("500"), std::string::npos) << r.error;
        }
    }
    // What failed is still known to the database; a second run deletes it.
    EXPECT_EQ(count("SELECT count(*) FROM letta_resources WHERE id = '" + duplicate_ + "'"), 1);
    auto again = cleanup(true);
    EXPECT_FALSE(again.any_failed());
    EXPECT_EQ(again.agents.deleted, 1u);
    EXPECT_EQ(again.folders.deleted, 1u);
    EXPECT_FALSE(agent_exists(duplicate_));
}

TEST_F(LettaCleanup, WithoutBindingsNoAgentIsDeleted) {
    start();
    agents::cleanup_facts none;  // no database at DB_PATH
    auto report = cleanup(true, agents::cleanup_scope::agents, none);
    EXPECT_TRUE(report.plan.agents_refused);
    EXPECT_TRUE(report.plan.agents.empty());
    EXPECT_EQ(report.agents.deleted, 0u);
    EXPECT_EQ(report.agents.skipped, report.agents.found);
    EXPECT_TRUE(agent_exists(duplicate_));
    EXPECT_EQ(deletes_sent(), 0u);
}

}  // namespace
}  // namespace hvs::test
