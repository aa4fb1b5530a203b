#include "integration/sync/engine_fixture.hpp"

#include "hvs/sync/text.hpp"

#include "support/postgres.hpp"
#include "support/vibe_target.hpp"

#include "hvs/store/open.hpp"

#include <cstdlib>
#include <random>
#include <stdexcept>

namespace hvs::test {

std::string vibe_generation_test_name(const ::testing::TestParamInfo<sim::vibe_generation>& param_info) {
    switch (param_info.param) {
    case sim::vibe_generation::v0_0_71: return "V0_0_71";
    case sim::vibe_generation::multi_repo: return "MultiRepo";
    case sim::vibe_generation::v0_1_15: return "V0_1_15";
    }
    return "Unknown";
}

sim::huly_generation EngineTest::default_huly_generation() {
    const char* named = std::getenv("HVS_TEST_HULY_GENERATION");
    if (!named || !*named) return sim::huly_generation::current;
    auto generation = sim::huly_generation_named(named);
    if (!generation) throw std::invalid_argument(std::string("HVS_TEST_HULY_GENERATION: unknown '") + named + "'");
    return *generation;
}

void EngineTest::SetUp() {
    huly_.set_generation(huly_generation_);
    dir_ = std::filesystem::temp_directory_path() / ("hvs-engine-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_ / "stacks");
    huly_host_ = std::make_unique<sim::host>(ioc_.get_executor(), huly_, sim::host_options{});
    if (vibe_generation_ != sim::vibe_generation::v0_0_71) {
        sim::vibe_options options;
        options.generation = vibe_generation_;
        vibe_ = sim::vibe_simulator(options);
    }
    vibe_host_ = std::make_unique<sim::host>(ioc_.get_executor(), vibe_, sim::host_options{});
    auto huly_port = huly_host_->listen(0);
    auto vibe_port = vibe_host_->listen(0);
    ASSERT_TRUE(huly_port && vibe_port);

    cfg_.huly_api_url = "http://127.0.0.1:" + std::to_string(*huly_port) + "/api";
    cfg_.vibe_api_url = "http://127.0.0.1:" + std::to_string(*vibe_port) + "/api";
    if (use_real_vibe_) {
        const auto& real = real_vibe();
        if (!real.skip_reason.empty()) GTEST_SKIP() << real.skip_reason;
        cfg_.vibe_api_url = "http://" + real.host + ":" + std::to_string(real.port) + "/api";
    }
    if (use_letta_) {
        letta_host_ = std::make_unique<sim::host>(ioc_.get_executor(), letta_, sim::host_options{});
        auto letta_port = letta_host_->listen(0);
        ASSERT_TRUE(letta_port);
        cfg_.letta_base_url = "http://127.0.0.1:" + std::to_string(*letta_port) + "/v1";
        cfg_.letta_password = letta_password;
    }
    cfg_.db_path = (dir_ / "state.db").string();
    if (tests_use_postgres_store()) cfg_.database_url = fresh_postgres_database();
    cfg_.stacks_dir = (dir_ / "stacks").string();
    cfg_.http_attempts = 2;
    cfg_.retry_base = std::chrono::milliseconds{1};
    cfg_.retry_max = std::chrono::milliseconds{5};
    cfg_.http_timeout = std::chrono::milliseconds{2000};
    cfg_.huly.rate = cfg_.vibe.rate = 0;  // unlimited: the tests measure behaviour, not pacing
    cfg_.breaker_cooldown = std::chrono::milliseconds{1};

    auto where = net::parse_base_url(cfg_.vibe_api_url);
    net::client_params params;
    params.name = "observer";
    params.retry.max_attempts = 1;
    auto http = net::http_client::create(ioc_.get_executor(), *where, params, observer_limiter_);
    ASSERT_TRUE(http);
    observer_http_ = std::move(*http);
    observer_ = std::make_unique<vibe::client>(*observer_http_);
    start_service();
}

result<store::database> EngineTest::open_state() { return store::open_for_writing(cfg_); }

result<store::database> EngineTest::read_state() { return store::open_for_reading(cfg_); }

void EngineTest::lose_state() {
    if (tests_use_postgres_store()) {
        cfg_.database_url = fresh_postgres_database();
    } else {
        std::filesystem::remove(cfg_.db_path);
    }
}

void EngineTest::TearDown() {
    rt_.reset();
    observer_.reset();
    observer_http_.reset();
    huly_host_->stop();
    vibe_host_->stop();
    if (letta_host_) letta_host_->stop();
    ioc_.run_for(std::chrono::milliseconds(20));
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

void EngineTest::start_service() {
    rt_.reset();
    auto rt = service::runtime::create(ioc_.get_executor(), cfg_);
    ASSERT_TRUE(rt) << rt.error().describe();
    rt_ = std::move(*rt);
}

service::cycle_outcome EngineTest::cycle() {
    return run_async(ioc_, service::run_cycle(rt_->context(), rt_->cycle_settings(), rt_->letta()),
                     std::chrono::seconds(60));
}

std::vector<vibe::project> EngineTest::vibe_projects() {
    auto projects = run_async(ioc_, observer_->list_projects());
    EXPECT_TRUE(projects) << projects.error().describe();
    return projects ? *projects : std::vector<vibe::project>{};
}

std::optional<vibe::project> EngineTest::vibe_project_named(const std::string& name) {
    for (auto& p : vibe_projects()) {
        if (p.name == name) return p;
    }
    return std::nullopt;
}

std::vector<vibe::task> EngineTest::tasks_of(const std::string& project_name) {
    auto project = vibe_project_named(project_name);
    if (!project) return {};
    auto tasks = run_async(ioc_, observer_->list_tasks(project->id));
    EXPECT_TRUE(tasks) << tasks.error().describe();
    return tasks ? *tasks : std::vector<vibe::task>{};
}

std::optional<vibe::task> EngineTest::task_for(const std::string& project_name, const std::string& issue_id) {
    std::optional<vibe::task> found;
    for (auto& t : tasks_of(project_name)) {
        if (sync::marker_issue_id(t.description.value_or("")) == issue_id) {
            EXPECT_FALSE(found) << "two tasks carry the marker of " << issue_id;
            found = t;
        }
    }
    return found;
}

void EngineTest::vibe_update(const std::string& task_id, vibe::task_changes changes) {
    auto done = run_async(ioc_, observer_->update_task(task_id, std::move(changes)));
    ASSERT_TRUE(done) << done.error().describe();
}

std::string EngineTest::vibe_hand_made_task(const std::string& project_name, const std::string& title) {
    auto project = vibe_project_named(project_name);
    EXPECT_TRUE(project);
    auto created = run_async(ioc_, observer_->create_task(project->id, title, "made by hand"));
    EXPECT_TRUE(created);
    return created ? created->id : std::string();
}

void EngineTest::vibe_delete_task(const std::string& task_id) {
    net::http_request req{net::http::verb::delete_, "/api/tasks/" + task_id, 11};
    auto done = run_async(ioc_, observer_http_->send(std::move(req)));
    ASSERT_TRUE(done) << done.error().describe();
}

std::uint64_t EngineTest::writes_to(const sim::host& host) const {
    std::uint64_t n = 0;
    for (const auto& [route, count] : host.counts().by_route) {
        if (route.rfind("GET ", 0) != 0 && route.rfind("HEAD ", 0) != 0 && route != "unmatched") n += count;
    }
    return n;
}

std::uint64_t EngineTest::reads_from(const sim::host& host) const {
    std::uint64_t n = 0;
    for (const auto& [route, count] : host.counts().by_route) {
        if (route.rfind("GET ", 0) == 0) n += count;
    }
    return n;
}

void EngineTest::reset_counts() {
    huly_host_->reset_counts();
    vibe_host_->reset_counts();
}

}  // namespace hvs::test
