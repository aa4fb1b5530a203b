#pragma once
// The command line: `huly-vibe-sync <command> [settings flags] [command flags]`, parsed by CLI11.
// Each command adds its subcommand, with its own flags, to the root the command line builds
// (app/command_line.hpp has what they share); every setting is a flag of the root that each
// command accepts too (app/setting_flags.hpp).

#include "hvs/core/config.hpp"

#include <CLI/App.hpp>

#include <functional>

namespace hvs::app {

// Exit statuses shared by every command.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failed = 1;      // the work ran and something failed
inline constexpr int exit_usage = 2;       // bad configuration or arguments

int run_cli(int argc, char** argv);

// A command: its subcommand (its flags bound to state `run` reads) and what runs it once the
// command line is parsed and the configuration loaded.
struct command {
    CLI::App* app = nullptr;
    std::function<int(const core::config&)> run;
};

command add_run_command(CLI::App& root);
command add_once_command(CLI::App& root);
command add_simulate_command(CLI::App& root);
command add_tools_command(CLI::App& root);
command add_letta_command(CLI::App& root);
command add_repair_command(CLI::App& root);
command add_agents_command(CLI::App& root);
command add_import_command(CLI::App& root);
command add_migrate_store_command(CLI::App& root);
command add_check_command(CLI::App& root);
command add_status_command(CLI::App& root);
command add_completion_command(CLI::App& root);

}  // namespace hvs::app
