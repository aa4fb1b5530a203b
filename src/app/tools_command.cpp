// `huly-vibe-sync tools sync [--dry-run] [--force] [--project ID ...]`: gives every PM agent the
// control agent's tools. The PM agents are the database's bindings (DB_PATH, read-only), or those
// tagged huly-vibe-sync in Letta when the database has none. Prints the plan as a table, a progress bar on a terminal (plain lines
// otherwise) and a summary; exits 1 when any operation failed.

#include "app/cli.hpp"
#include "app/command_io.hpp"
#include "hvs/store/open.hpp"
#include "app/command_line.hpp"
#include "app/table.hpp"

#include "hvs/agents/tool_sync.hpp"

#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <iostream>
#include <memory>
#include <unistd.h>

namespace hvs::app {
namespace {

namespace asio = boost::asio;

struct tools_flags {
    bool force = false;              // --force, or LETTA_SYNC_TOOLS_FORCE
    std::set<std::string> projects;  // empty: every PM agent
    lock_wait wait;
};

void print_plan(const std::vector<agents::agent_tool_plan>& plan) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : plan) {
        rows.push_back({one_line(p.agent_name, 40), std::to_string(p.attach.size()), std::to_string(p.detach.size()),
                        std::to_string(p.already)});
    }
    print_table(std::cout, {"AGENT", "ATTACH", "DETACH", "ALREADY"}, rows);
}

std::function<void(std::size_t, std::size_t)> progress_printer() {
    if (::isatty(STDOUT_FILENO)) {
        return [](std::size_t done, std::size_t total) {
            const int width = 40;
            int filled = total ? static_cast<int>(width * done / total) : width;
            std::printf("\r[%s%s] %zu/%zu", std::string(static_cast<std::size_t>(filled), '#').c_str(),
                        std::string(static_cast<std::size_t>(width - filled), ' ').c_str(), done, total);
            if (done == total) std::printf("\n");
            std::fflush(stdout);
        };
    }
    return [](std::size_t done, std::size_t total) {
        if (done == total || done % 50 == 0) std::cout << "progress " << done << "/" << total << "\n";
    };
}

net::task<int> sync_tools(letta::client& letta, core::config cfg, tools_flags flags,
                          std::map<std::string, store::agent_binding> bindings) {
    agents::tool_sync_request request;
    request.control_agent = cfg.letta_control_agent;
    request.force = flags.force;
    request.dry_run = cfg.dry_run;
    request.projects = flags.projects;
    request.bindings = std::move(bindings);
    request.max_in_flight = cfg.letta.connections;  // one operation per pooled connection
    auto began = net::steady_clock::now();
    auto report = co_await agents::sync_tools_from_control(letta, request, progress_printer());
    if (!report) {
        std::cerr << "tools sync: " << report.error().describe() << "\n";
        co_return report.error().kind == error_kind::invalid ? exit_usage : exit_failed;
    }
    for (const auto& note : report->notes) std::cerr << "note: " << note << "\n";
    for (const auto& failure : report->read_failures) std::cerr << "error: " << failure << "\n";
    std::cout << "control agent " << report->control.name << " (" << report->control.id << ") has "
              << report->control_tools.size() << " tools; " << report->plan.size() << " PM agents (from the "
              << report->source << "); mode "
              << (flags.force ? "force" : "additive") << (cfg.dry_run ? ", dry run" : "") << "\n";
    print_plan(report->plan);
    if (cfg.dry_run) co_return report->read_failures.empty() ? exit_ok : exit_failed;
    unsigned attached = 0, detached = 0, skipped = 0;
    for (const auto& r : report->results) {
        attached += r.attached;
        detached += r.detached;
        skipped += r.skipped;
        for (const auto& message : r.error_messages) std::cerr << r.agent_name << ": " << message << "\n";
    }
    double seconds = std::chrono::duration<double>(net::steady_clock::now() - began).count();
    std::printf("attached %u, detached %u, skipped %u, errors %u across %zu agents in %.2f s\n", attached, detached,
                skipped, report->errors(), report->results.size(), seconds);
    co_return report->errors() == 0 ? exit_ok : exit_failed;
}

int tools_command(const core::config& cfg, tools_flags flags) {
    flags.force = flags.force || cfg.letta_sync_tools_force;
    // Changing agents beside a running service's cycle: the service's database is held meanwhile.
    auto lock = hold_database_unless(cfg.dry_run || !store::database_exists(cfg), cfg, "tools sync", flags.wait);
    if (!lock) {
        std::cerr << "huly-vibe-sync tools: " << lock.error().message << "\n";
        return exit_failed;
    }
    std::map<std::string, store::agent_binding> bindings;  // none without a database: the agents' tags decide
    if (store::database_exists(cfg)) {
        auto bound = read_bindings(cfg);
        if (!bound) {
            std::cerr << "huly-vibe-sync tools: " << bound.error().message << "\n";
            return exit_failed;
        }
        bindings = std::move(*bound);
    }
    asio::io_context ioc;
    auto letta = connect_letta(ioc, cfg);
    if (!letta) {
        std::cerr << "huly-vibe-sync tools: " << letta.error().message << "\n";
        return exit_usage;
    }
    return run_to_completion(ioc, sync_tools(*(*letta)->client, cfg, std::move(flags), std::move(bindings)));
}

}  // namespace

command add_tools_command(CLI::App& root) {
    CLI::App* app = root.add_subcommand(
        "tools", "tools sync: give every PM agent the control agent's tools (additive; --force also detaches extras)");
    CLI::App* sync = add_verb(*app, "sync", "Give every PM agent the control agent's tools (--dry-run: print the plan, change nothing)");
    auto flags = std::make_shared<tools_flags>();
    sync->add_flag("--force", flags->force,
                   "also detach tools the control agent lacks (never Letta-managed ones); refused when the control "
                   "agent has no tools (LETTA_SYNC_TOOLS_FORCE sets the default)");
    add_repeated_option(*sync, "--project", flags->projects, "only the agents tagged project:ID (repeatable)");
    add_wait_flag(*sync, flags->wait);
    return {app, [flags](const core::config& cfg) { return tools_command(cfg, *flags); }};
}

}  // namespace hvs::app
