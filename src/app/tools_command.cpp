// `huly-vibe-sync tools sync [--dry-run] [--force] [--project ID ...]`: gives every PM agent the
// control agent's tools. The PM agents are the database's bindings (DB_PATH, read-only), or those
// tagged huly-vibe-sync in Letta when the database has none. Prints the plan as a table, a progress bar on a terminal (plain lines
// otherwise) and a summary; exits 1 when any operation failed.

#include "app/cli.hpp"
#include "app/command_io.hpp"
#include "app/table.hpp"

#include "hvs/agents/tool_sync.hpp"
#include "hvs/core/flags.hpp"

#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace hvs::app {
namespace {

namespace asio = boost::asio;

struct tools_flags {
    bool force = false;
    std::set<std::string> projects;
};

result<tools_flags> parse_tools_flags(const std::vector<std::string>& args, bool force_default) {
    if (args.empty() || args[0] != "sync") {
        return make_error(error_kind::invalid, "expected 'tools sync' (see huly-vibe-sync tools --help)");
    }
    tools_flags flags;
    flags.force = force_default;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--force") {
            flags.force = true;
        } else if (core::is_flag_named(args[i], "--project")) {
            auto project = core::take_flag_value(args, i);
            if (!project) return project.error();
            flags.projects.insert(*project);
        } else {
            return make_error(error_kind::invalid, "unknown argument '" + args[i] + "'");
        }
    }
    return flags;
}

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

}  // namespace

int tools_command(const core::config& cfg, const std::vector<std::string>& given) {
    auto args = given;
    auto wait = take_wait_flag(args);
    if (!wait) {
        std::cerr << "huly-vibe-sync tools: " << wait.error().message << "\n";
        return exit_usage;
    }
    auto flags = parse_tools_flags(args, cfg.letta_sync_tools_force);
    if (!flags) {
        std::cerr << "huly-vibe-sync tools: " << flags.error().message << "\n";
        return exit_usage;
    }
    // Changing agents beside a running service's cycle: the service's database is held meanwhile.
    auto lock = hold_database_unless(cfg.dry_run || !database_exists(cfg), cfg, "tools sync", *wait);
    if (!lock) {
        std::cerr << "huly-vibe-sync tools: " << lock.error().message << "\n";
        return exit_failed;
    }
    std::map<std::string, store::agent_binding> bindings;  // none without a database: the agents' tags decide
    if (database_exists(cfg)) {
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
    return run_to_completion(ioc, sync_tools(*(*letta)->client, cfg, *flags, std::move(bindings)));
}

}  // namespace hvs::app
