#pragma once
// A password-protected Letta simulator served over loopback (optionally behind a wrapper that
// changes some answers), a Letta client on the test's io_context with no retries (each injected
// fault fails exactly one operation), and a migrated state database in a temporary directory.

#include "hvs/letta/client.hpp"
#include "hvs/sim/host.hpp"
#include "hvs/sim/letta_simulator.hpp"
#include "hvs/store/database.hpp"

#include "support/run_async.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/value.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hvs::test {

// The agent suites run against every Letta profile: INSTANTIATE_TEST_SUITE_P(Letta, Suite,
// every_letta_profile(), letta_profile_name) with the suite deriving from letta_profile_param.
using letta_profile_param = ::testing::WithParamInterface<sim::letta_profile>;
inline auto every_letta_profile() {
    return ::testing::Values(sim::letta_profile::server_0_16_8, sim::letta_profile::hosted);
}
inline std::string letta_profile_name(const ::testing::TestParamInfo<sim::letta_profile>& info) {
    return info.param == sim::letta_profile::hosted ? "hosted" : "server_0_16_8";
}

class LettaFixture : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    // Seeds the simulator and serves it (through `served` when given, else directly).
    void serve(const boost::json::value& seed, sim::simulator* served = nullptr);
    // Ids of the simulator's agents with this name, in creation order.
    std::vector<std::string> agent_ids(const std::string& name) const;
    std::optional<std::string> folder_id(const std::string& name) const;
    // Binds agent_id to project (the project row is created) in the database.
    void bind(const std::string& project, const std::string& agent_id, const std::string& agent_name);

    static constexpr const char* password = "letta-cleanup-pw";
    static sim::letta_options options() {
        sim::letta_options o;
        o.password = password;
        return o;
    }

    boost::asio::io_context ioc_;
    sim::letta_simulator sim_{options()};
    std::unique_ptr<sim::host> host_;
    net::rate_limiter limiter_{0, 1};
    std::unique_ptr<net::http_client> http_;
    std::unique_ptr<letta::client> letta_;
    std::filesystem::path dir_;
    std::optional<store::database> db_;
};

}  // namespace hvs::test
