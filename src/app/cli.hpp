#pragma once
// The command line: `huly-vibe-sync <command> [settings flags] [command flags]`.

#include "hvs/core/config.hpp"

#include <string>
#include <vector>

namespace hvs::app {

// Exit statuses shared by every command.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failed = 1;      // the work ran and something failed
inline constexpr int exit_usage = 2;       // bad configuration or arguments

int run_cli(int argc, char** argv);

// Each command receives the validated configuration and its own remaining arguments.
int check_command(const core::config& cfg, const std::vector<std::string>& args);
int simulate_command(const core::config& cfg, const std::vector<std::string>& args);
int once_command(const core::config& cfg, const std::vector<std::string>& args);
int run_command(const core::config& cfg, const std::vector<std::string>& args);
int import_command(const core::config& cfg, const std::vector<std::string>& args);
int migrate_store_command(const core::config& cfg, const std::vector<std::string>& args);
int tools_command(const core::config& cfg, const std::vector<std::string>& args);
int status_command(const core::config& cfg, const std::vector<std::string>& args);
int letta_command(const core::config& cfg, const std::vector<std::string>& args);
int agents_command(const core::config& cfg, const std::vector<std::string>& args);
int repair_command(const core::config& cfg, const std::vector<std::string>& args);
int completion_command(const core::config& cfg, const std::vector<std::string>& args);

}  // namespace hvs::app
