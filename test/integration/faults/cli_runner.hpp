#pragma once
// Runs the real `huly-vibe-sync` binary as an operator would, with exactly the environment given,
// while the test thread keeps serving the simulators on its io_context. Captures the exit status
// and everything the process wrote.

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hvs::test {

struct cli_run {
    int exit_status = -1;  // -1: killed at the time limit or by a signal
    std::string out;
    std::string err;
};

struct cli_limits {
    std::optional<unsigned long> file_size_bytes;  // RLIMIT_FSIZE: writes past it fail (EFBIG)
    std::chrono::seconds time{60};
    // Run as this user and group id instead (a test running as root drops its privileges so that
    // file permissions apply to the child).
    std::optional<unsigned> user;
};

// The path of the binary under test (from the build).
[[nodiscard]] std::string cli_binary();

cli_run run_cli(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                boost::asio::io_context& ioc, cli_limits limits = {});

}  // namespace hvs::test
