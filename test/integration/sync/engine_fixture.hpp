#pragma once
// The sync engine against the Huly and Vibe simulators over real loopback sockets, on the test's
// own io_context. Vibe is observed and changed through its HTTP API, as a person's browser would.

#include "hvs/service/runtime.hpp"
#include "hvs/vibe/task.hpp"
#include "hvs/sim/host.hpp"
#include "hvs/sim/huly_simulator.hpp"
#include "hvs/sim/letta_simulator.hpp"
#include "hvs/sim/vibe_simulator.hpp"

#include "support/run_async.hpp"

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace hvs::test {

// "V0_0_71", "MultiRepo", "V0_1_15": test names for suites parameterised by Vibe generation.
std::string vibe_generation_test_name(const ::testing::TestParamInfo<sim::vibe_generation>& param_info);

class EngineTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    // (Re)builds the service's runtime from cfg_ (as a restart would).
    void start_service();
    service::cycle_outcome cycle();

    // Vibe as its API shows it.
    std::vector<vibe::project> vibe_projects();
    std::optional<vibe::project> vibe_project_named(const std::string& name);
    std::vector<vibe::task> tasks_of(const std::string& project_name);
    std::optional<vibe::task> task_for(const std::string& project_name, const std::string& issue_id);
    // What a person does in Vibe.
    void vibe_update(const std::string& task_id, vibe::task_changes changes);
    std::string vibe_hand_made_task(const std::string& project_name, const std::string& title);
    void vibe_delete_task(const std::string& task_id);

    // Requests the service sent, by route, since the last reset. A request no route takes (Express's
    // 404 page, e.g. PATCH on a 2025 wrapper) changes nothing and is not counted as a write.
    std::uint64_t writes_to(const sim::host& host) const;
    std::uint64_t reads_from(const sim::host& host) const;
    void reset_counts();

    // The service's state database as the service opens it (SQLite file or PostgreSQL, by
    // HVS_TEST_STORE), for reading and writing behind the service's back.
    result<store::database> open_state();
    // The same, read-only where the engine allows it (beside a running service, as `status` reads).
    result<store::database> read_state();
    // The state is lost (the file deleted; on PostgreSQL a fresh, empty database): the next
    // start_service() begins from nothing.
    void lose_state();

    bool use_real_vibe_ = false;  // set by a subclass: Vibe is the real 0.0.71 server (skipped if unavailable)
    // Set by a subclass: the local API the simulated Vibe speaks.
    sim::vibe_generation vibe_generation_ = sim::vibe_generation::v0_0_71;
    bool use_letta_ = false;      // set by a subclass: Letta (simulated, password-protected) is configured
    // The Huly wrapper generation the simulator speaks; a subclass may set it before SetUp. Default:
    // HVS_TEST_HULY_GENERATION (current|2025, as ctest runs the sync suite once per generation),
    // else current.
    sim::huly_generation huly_generation_ = default_huly_generation();
    static sim::huly_generation default_huly_generation();
    boost::asio::io_context ioc_;
    sim::huly_simulator huly_;
    sim::vibe_simulator vibe_;
    std::unique_ptr<sim::host> huly_host_;
    std::unique_ptr<sim::host> vibe_host_;
    sim::letta_simulator letta_{letta_options()};
    std::unique_ptr<sim::host> letta_host_;
    core::config cfg_;
    std::filesystem::path dir_;
    std::unique_ptr<service::runtime> rt_;

    static constexpr const char* letta_password = "letta-test-password";
    static sim::letta_options letta_options() {
        sim::letta_options options;
        options.password = letta_password;
        return options;
    }

private:
    net::rate_limiter observer_limiter_{0, 1};
    std::unique_ptr<net::http_client> observer_http_;
    std::unique_ptr<vibe::client> observer_;
};

}  // namespace hvs::test
