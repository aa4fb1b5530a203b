#include "app/cli.hpp"
#include "app/completion.hpp"

#include "hvs/core/log.hpp"

#include <cstdio>
#include <iostream>
#include <string_view>

namespace hvs::app {
namespace {

struct command {
    std::string_view name;
    std::string_view summary;
    std::string_view usage;  // flags of its own, one per line
    int (*run)(const core::config&, const std::vector<std::string>&);
    // Its own flags named like a setting: they reach the command, not the setting.
    std::vector<std::string_view> flags_shadowing_settings = {};
    std::string_view verb = {};  // its one subcommand word ("sync" of `tools sync`), for completion
};

const command commands[] = {
    {"run", "Run the service: a sync cycle, then another SYNC_INTERVAL ms after each ends, until SIGTERM",
     "  (--dry-run prints plans and writes nothing)\n"
     "  --wait[=SECONDS]  when another process holds DB_PATH, wait for it (default 86400) instead of exiting 1\n",
     run_command},
    {"once", "Run one sync cycle and exit: 0 when every project and PM agent succeeded, 1 otherwise",
     "  (--dry-run prints the plan and writes nothing)\n"
     "  --wait[=SECONDS]  when another process holds DB_PATH, wait for it (default 86400) instead of exiting 1\n",
     once_command},
    {"simulate", "Serve the Huly, Vibe Kanban and Letta simulators on loopback until interrupted",
     "  --huly-port N, --vibe-port N, --letta-port N   0 = pick a free port and print it (default 0)\n"
     "  --seed FILE                                   JSON workspace: {\"huly\":…, \"vibe\":…, \"letta\":…}\n"
     "  --latency-ms N                                delay before each answer (default 0)\n"
     "  --huly-rate R --huly-burst B                  admitted requests per second; beyond: 429 + Retry-After\n"
     "  --vibe-rate R --vibe-burst B                  (rate 0 = unlimited, the default)\n"
     "  --letta-rate R --letta-burst B\n"
     "  --huly-generation current|2025                current: the wrapper since 2026-01 (PATCH, syncMeta; default);\n"
     "                                                2025: no PATCH route (Express 404), `filtered`\n"
     "  --huly-clock-offset-ms N                      the Huly simulator's clock runs N ms ahead (negative: behind)\n"
     "  --letta-profile P                             server-0.16.8 (default) or hosted (limit > 200 = 422,\n"
     "                                                no /v1/folders/name/ route)\n"
     "  --letta-agent-quota N                         POST /v1/agents/ answers 402 once N agents exist\n"
     "  --vibe-generation G                           0.0.71 (default), multi-repo or 0.1.15 (no local API)\n"
     "  LETTA_PASSWORD (setting)                      when set, the Letta simulator requires it\n",
     simulate_command,
     {"--huly-rate", "--huly-burst", "--vibe-rate", "--vibe-burst", "--letta-rate", "--letta-burst"}},
    {"tools", "tools sync: give every PM agent the control agent's tools (additive; --force also detaches extras)",
     "  sync            the only subcommand\n"
     "  --force         also detach tools the control agent lacks (never Letta-managed ones);\n"
     "                  refused when the control agent has no tools (LETTA_SYNC_TOOLS_FORCE sets the default)\n"
     "  --project ID    only the agents tagged project:ID (repeatable)\n"
     "  --dry-run       print the plan, change nothing\n"
     "  --wait[=SECONDS]  when another process holds DB_PATH, wait for it (default 86400) instead of exiting 1\n",
     tools_command, {}, "sync"},
    {"letta", "letta cleanup: delete this service's Huly-… folders and duplicate PM agents (dry run unless --apply)",
     "  cleanup                  the only subcommand\n"
     "  --apply                  delete; without it, print what would be deleted and change nothing\n"
     "  --what folders|agents|all   what to clean up (default all)\n"
     "  --wait[=SECONDS]  when another process holds DB_PATH, wait for it (default 86400) instead of exiting 1\n",
     letta_command, {}, "cleanup"},
    {"repair", "repair duplicates: one Vibe task per issue again, the linked one keeping what the others changed",
     "  duplicates               the only subcommand (a dry run that prints the plan unless --apply)\n"
     "  --apply                  carry changes over to the kept task, then delete the others\n"
     "  --project ID             only this synced project (repeatable)\n"
     "  --wait[=SECONDS]  when another process holds DB_PATH, wait for it (default 86400) instead of exiting 1\n",
     repair_command, {}, "duplicates"},
    {"agents", "agents list: each bound PM agent, its tool drift against the control agent and its missing blocks",
     "  list      the only subcommand\n"
     "  --json    one JSON document instead of a table\n",
     agents_command, {}, "list"},
    {"import-legacy", "Import the original service's sync-state.db (projects, issue-task links) into DB_PATH",
     "  --db FILE    the original service's sync-state.db (read only, never modified)\n"
     "  --wait[=SECONDS]  when another process holds DB_PATH, wait for it (default 86400) instead of exiting 1\n",
     import_command},
    {"migrate-store", "Copy the SQLite state at --from (default DB_PATH, never written) into the empty PostgreSQL "
                      "store DATABASE_URL names, in one transaction; exit 1 if it already holds a state",
     "  --from PATH  the SQLite state file to copy (default DB_PATH)\n"
     "  (--dry-run prints the row counts it would copy and writes nothing)\n"
     "  --wait[=SECONDS]  when a replica or another command holds DATABASE_URL, wait for it (default 86400) instead of exiting 1\n",
     migrate_store_command},
    {"check", "Validate the configuration, the database directory, STACKS_DIR, the local HTTP stack, and each "
              "configured upstream with an authenticated request on its base path; exit 1 on any finding",
     "  --json    one JSON document {\"ok\", \"checks\": [{\"name\", \"ok\", \"detail\"}, ...]} instead of lines\n",
     check_command},
    {"status", "Show what the database (DB_PATH, read only) knows: projects, links, agents, the last 10 cycles",
     "  --json    one JSON document instead of tables\n", status_command},
    {"completion", "completion bash: print a bash completion script of every command, flag and setting",
     "  bash      the only subcommand; use: source <(huly-vibe-sync completion bash)\n", completion_command, {}, "bash"},
};

void print_settings(std::ostream& out) {
    out << "Settings (environment variable, or the flag after it, which wins):\n";
    for (const auto& s : core::settings()) {
        const std::string flag = s.secret ? s.flag + " refused (ps shows it): or " + s.env + "_FILE" : s.flag;
        out << "  " << s.env << "  " << flag << (s.default_value.empty() ? "" : "  [default: " + s.default_value + "]")
            << "\n      " << s.description << "; " << s.allowed << "\n";
    }
}

void print_help(std::ostream& out) {
    out << "huly-vibe-sync " HVS_VERSION " — keeps Huly issues, Vibe Kanban tasks and Letta PM agents converged\n\n"
        << "Usage: huly-vibe-sync <command> [--setting=value ...] [command flags]\n"
        << "       huly-vibe-sync <command> --help | --version\n\nCommands:\n";
    for (const auto& c : commands) out << "  " << c.name << std::string(15 - c.name.size(), ' ') << c.summary << "\n";
    out << "\n";
    print_settings(out);
}

void print_command_help(const command& c, std::ostream& out) {
    out << "Usage: huly-vibe-sync " << c.name << " [--setting=value ...] [flags]\n\n"
        << c.summary << ".\n\nFlags:\n"
        << c.usage << "\nEvery setting listed by `huly-vibe-sync --help` is accepted as a flag too";
    if (!c.flags_shadowing_settings.empty()) out << " (here, its own flags above win over the setting of the same name)";
    out << ".\n";
}

bool is_secret_flag(std::string_view arg) {
    for (const auto& s : core::settings()) {
        if (s.secret && s.flag == arg) return true;
    }
    return false;
}

}  // namespace

std::vector<command_words> commands_for_completion() {
    std::vector<command_words> out;
    for (const auto& c : commands) out.push_back({c.name, c.summary, c.verb, flags_in_usage(c.usage)});
    return out;
}

int run_cli(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        print_help(std::cout);
        return args.empty() ? exit_usage : exit_ok;
    }
    if (args[0] == "--version" || args[0] == "version") {
        std::cout << "huly-vibe-sync " HVS_VERSION "\n";
        return exit_ok;
    }
    const command* chosen = nullptr;
    for (const auto& c : commands) {
        if (c.name == args[0]) chosen = &c;
    }
    if (!chosen) {
        std::cerr << "huly-vibe-sync: unknown command '" << args[0] << "' (see huly-vibe-sync --help)\n";
        return exit_usage;
    }
    std::vector<std::string> rest(args.begin() + 1, args.end());
    for (const auto& arg : rest) {
        if (arg == "--help" || arg == "-h") {
            print_command_help(*chosen, std::cout);
            return exit_ok;
        }
        if (arg == "--version") {
            std::cout << "huly-vibe-sync " HVS_VERSION "\n";
            return exit_ok;
        }
    }

    // A mistyped secret flag (--letta-pasword=…) is not a setting, and the command would echo it whole.
    for (std::size_t i = 0; i < rest.size(); ++i) {
        if (is_secret_flag(rest[i])) ++i;  // its value follows, whatever it looks like
        if (i >= rest.size() || rest[i].rfind("--", 0) != 0) continue;
        const std::string name = rest[i].substr(0, rest[i].find('='));
        if (auto resembled = core::secret_flag_resembled(name)) {
            std::cerr << "huly-vibe-sync: unknown flag " << name << " (looks like " << *resembled
                      << "; its value is not shown)\n";
            return exit_usage;
        }
    }

    auto loaded = core::load_config(core::process_environment(), rest, chosen->flags_shadowing_settings);
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
    return chosen->run(cfg, loaded->remaining_args);
}

}  // namespace hvs::app
