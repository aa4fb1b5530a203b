#include "app/cli.hpp"
#include "app/setting_flags.hpp"

#include "hvs/core/log.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>

namespace hvs::app {
namespace {

// A secret given as a flag (`--letta-password=…`, or its value apart, whatever it looks like) or a
// mistyped one (`--letta-pasword=…`, not a setting: CLI11 would echo it whole as unexpected) is
// refused before CLI11 sees it, its value never shown.
std::optional<std::string> secret_flag_in(const std::vector<std::string>& args) {
    for (const auto& arg : args) {
        if (arg.rfind("--", 0) != 0) continue;
        const std::string name = arg.substr(0, arg.find('='));
        for (const auto& s : core::settings()) {
            if (s.secret && s.flag == name) return core::secret_flag_refused(s).message;
        }
        if (auto resembled = core::secret_flag_resembled(name)) {
            return "unknown flag " + name + " (looks like " + *resembled + "; its value is not shown)";
        }
    }
    return std::nullopt;
}

// Whether the command (or its verb) has a flag of its own named like a setting (simulate's --huly-rate).
bool shadows_a_setting(const CLI::App& app) {
    for (const CLI::Option* option : app.get_options()) {
        for (const auto& s : core::settings()) {
            if (option->check_lname(s.flag.substr(2))) return true;
        }
    }
    for (const CLI::App* verb : app.get_subcommands({})) {
        if (shadows_a_setting(*verb)) return true;
    }
    return false;
}

std::string footer_of(const CLI::App& app) {
    return std::string("Every setting listed by `huly-vibe-sync --help` is accepted as a flag too") +
           (shadows_a_setting(app) ? " (here, its own flags above win over the setting of the same name)" : "") + ".";
}

// The command the parsed command line names (the deepest one used: `tools sync`), for messages.
std::string used_command(const CLI::App& root) {
    std::string words;
    for (const CLI::App* app = &root; !app->get_subcommands().empty();) {
        app = app->get_subcommands().front();
        words += " " + app->get_name();
    }
    return words;
}

}  // namespace

int run_cli(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    CLI::App root("huly-vibe-sync " HVS_VERSION " — keeps Huly issues, Vibe Kanban tasks and Letta PM agents converged",
                  "huly-vibe-sync");
    const setting_flags settings(root);
    root.formatter(help_formatter(settings));
    root.set_version_flag("--version", "huly-vibe-sync " HVS_VERSION);
    root.require_subcommand(1);
    const std::vector<command> commands = {
        add_run_command(root),     add_once_command(root),   add_simulate_command(root),
        add_tools_command(root),   add_letta_command(root),  add_repair_command(root),
        add_agents_command(root),  add_import_command(root), add_migrate_store_command(root),
        add_check_command(root),   add_status_command(root), add_completion_command(root),
    };
    for (const auto& c : commands) {
        c.app->fallthrough()->footer(footer_of(*c.app));
        for (CLI::App* verb : c.app->get_subcommands({})) verb->footer(footer_of(*c.app));
    }

    if (args.empty()) {
        std::cout << root.help();
        return exit_usage;
    }
    if (args[0].rfind('-', 0) != 0 && std::none_of(commands.begin(), commands.end(), [&](const command& c) {
            return c.app->get_name() == args[0];
        })) {
        std::cerr << "huly-vibe-sync: unknown command '" << args[0] << "' (see huly-vibe-sync --help)\n";
        return exit_usage;
    }
    if (auto refused = secret_flag_in(args)) {
        std::cerr << "huly-vibe-sync: " << *refused << "\n";
        return exit_usage;
    }
    try {
        root.parse(argc, argv);
    } catch (const CLI::Success& e) {  // --help, --version
        return root.exit(e);
    } catch (const CLI::ParseError& e) {
        // Before any command, CLI11 reports the command missing rather than what it could not place.
        const auto left = root.remaining();
        const std::string why = root.get_subcommands().empty() && !left.empty()
                                    ? "The following argument was not expected: " + left.front()
                                    : std::string(e.what());
        std::cerr << "huly-vibe-sync: " << why << " (see huly-vibe-sync" << used_command(root) << " --help)\n";
        return exit_usage;
    }
    if (auto missing = settings.missing_value(root)) {
        std::cerr << "huly-vibe-sync: " << *missing << "\n";
        return exit_usage;
    }

    auto loaded = core::load_config(core::process_environment(), settings.given());
    if (!loaded) {
        std::cerr << "huly-vibe-sync: " << loaded.error().message << "\n";
        return exit_usage;
    }
    const core::config& cfg = loaded->values;
    log::redact(cfg.letta_password);
    log::redact(cfg.api_token);
    log::init(log::parse_severity(cfg.log_level),
              cfg.log_output == core::log_format::json ? log::format::json : log::format::text);
    log::logger lg("app");
    for (const auto& notice : loaded->notices) HVS_LOG(lg, warning) << notice;
    for (const auto& c : commands) {
        if (c.app->parsed()) return c.run(cfg);
    }
    return exit_usage;  // unreachable: CLI11 requires one command
}

}  // namespace hvs::app
