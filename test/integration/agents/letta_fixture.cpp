#include "integration/agents/letta_fixture.hpp"

#include "hvs/store/agent_repository.hpp"
#include "hvs/store/migrations.hpp"

#include "support/postgres.hpp"

#include <random>

namespace hvs::test {

void LettaFixture::SetUp() {
    dir_ = std::filesystem::temp_directory_path() / ("hvs-letta-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    auto db = tests_use_postgres_store() ? store::database::open_postgres(fresh_postgres_database())
                                         : store::database::open((dir_ / "state.db").string());
    ASSERT_TRUE(db) << db.error().message;
    ASSERT_TRUE(store::migrate(*db));
    db_.emplace(std::move(*db));
}

void LettaFixture::TearDown() {
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

void LettaFixture::serve(const boost::json::value& seed, sim::simulator* served) {
    sim_.seed(seed);
    host_ = std::make_unique<sim::host>(ioc_.get_executor(), served ? *served : sim_, sim::host_options{});
    auto port = host_->listen(0);
    ASSERT_TRUE(port);
    net::client_params params;
    params.name = "letta";
    params.retry.max_attempts = 1;
    auto http = net::http_client::create(
        ioc_.get_executor(), *net::parse_base_url("http://127.0.0.1:" + std::to_string(*port) + "/v1"), params, limiter_);
    ASSERT_TRUE(http);
    http_ = std::move(*http);
    letta_ = std::make_unique<letta::client>(*http_, password);
}

std::vector<std::string> LettaFixture::agent_ids(const std::string& name) const {
    std::vector<std::string> out;
    for (const auto& a : sim_.agents()) {
        if (a.at("name").as_string() == name) out.emplace_back(a.at("id").as_string());
    }
    return out;
}

std::optional<std::string> LettaFixture::folder_id(const std::string& name) const {
    for (const auto& f : sim_.folders()) {
        if (f.at("name").as_string() == name) return std::string(f.at("id").as_string());
    }
    return std::nullopt;
}

void LettaFixture::bind(const std::string& project, const std::string& agent_id, const std::string& agent_name) {
    auto row = db_->prepare("INSERT INTO projects (identifier, name) VALUES (?1, ?1) ON CONFLICT DO NOTHING");
    ASSERT_TRUE(row);
    ASSERT_TRUE(row->bind(1, project).run());
    ASSERT_TRUE(store::bind_agent(*db_, project, {agent_id, agent_name}));
}

}  // namespace hvs::test
