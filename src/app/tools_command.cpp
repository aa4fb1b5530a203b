// `huly-vibe-sync tools sync [--dry-run] [--force] [--project ID ...]`: gives every PM agent the
// control agent's tools. The PM agents are the database's bindings (DB_PATH, read-only), or those
// tagged huly-vibe-sync in Letta when the database has none. Prints the plan as a table, a progress bar on a terminal (plain lines
// otherwise) and a summary; exits 1 when any operation failed.

#include "app/cli.hpp"

#include "hvs/agents/state.hpp"
#include "hvs/agents/tool_sync.hpp"
#include "hvs/service/runtime.hpp"

#include <boost/asio/co_spawn.hpp>
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
        } else if (args[i] == "--project" && i + 1 < args.size()) {
            flags.projects.insert(args[++i]);
        } else if (args[i].rfind("--project=", 0) == 0) {
            flags.projects.insert(args[i].substr(10));
        } else {
            return make_error(error_kind::invalid, "unknown argument '" + args[i] + "'");
        }
    }
    return flags;
}

std::string cell(std::string text, std::size_t width) {
    if (text.size() > width) text = text.substr(0, width - 1) + "~";
    return text + std::string(width - text.size(), ' ');
}

void print_plan(const std::vector<agents::agent_tool_plan>& plan) {
    std::cout << cell("agent", 40) << cell("attach", 8) << cell("detach", 8) << "already\n";
    for (const auto& p : plan) {
        std::cout << cell(p.agent_name, 40) << cell(std::to_string(p.attach.size()), 8)
                  << cell(std::to_string(p.detach.size()), 8) << p.already << "\n";
    }
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
                          std::vector<agents::bound_agent> bindings) {
    agents::tool_sync_request request{cfg.letta_control_agent, flags.force, cfg.dry_run, flags.projects,
                                      std::move(bindings)};
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

int tools_command(const core::config& cfg, const std::vector<std::string>& args) {
    auto flags = parse_tools_flags(args, cfg.letta_sync_tools_force);
    if (!flags) {
        std::cerr << "huly-vibe-sync tools: " << flags.error().message << "\n";
        return exit_usage;
    }
    if (!cfg.letta_enabled()) {
        std::cerr << "huly-vibe-sync tools: LETTA_BASE_URL and LETTA_PASSWORD must be set\n";
        return exit_usage;
    }
    auto where = net::parse_base_url(cfg.letta_base_url);
    if (!where) {
        std::cerr << "huly-vibe-sync tools: " << where.error().message << "\n";
        return exit_usage;
    }
    auto bound = agents::read_bindings_file(cfg.db_path);
    if (!bound) {
        std::cerr << "huly-vibe-sync tools: reading the agent bindings: " << bound.error().message << "\n";
        return exit_failed;
    }
    std::vector<agents::bound_agent> bindings;
    for (const auto& [project, b] : *bound) bindings.push_back({project, b.agent_id, b.agent_name});
    asio::io_context ioc;
    net::rate_limiter limiter(cfg.letta.rate, cfg.letta.burst);
    auto params = service::client_params_for("letta", cfg.letta, cfg);
    auto http = net::http_client::create(ioc.get_executor(), *where, params, limiter);
    if (!http) {
        std::cerr << "huly-vibe-sync tools: " << http.error().message << "\n";
        return exit_usage;
    }
    letta::client letta(**http, cfg.letta_password);
    int code = exit_failed;
    asio::co_spawn(ioc, net::cancellation_as_values(sync_tools(letta, cfg, *flags, std::move(bindings))), [&](std::exception_ptr e, int c) {
        code = e ? exit_failed : c;
    });
    ioc.run();
    return code;
}

}  // namespace hvs::app
