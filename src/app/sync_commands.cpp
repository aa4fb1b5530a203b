// `huly-vibe-sync once` (one cycle, exit status says whether every project and its PM agent succeeded) and
// `huly-vibe-sync run` (the daemon: a cycle, then SYNC_INTERVAL after it ends, until a signal;
// the first SIGTERM/SIGINT lets in-flight work finish within SHUTDOWN_GRACE, a second stops at once).

#include "app/cli.hpp"
#include "app/command_io.hpp"
#include "app/command_line.hpp"
#include "app/vibe_generation_gate.hpp"

#include "hvs/service/agent_work.hpp"
#include "hvs/service/feed_driven.hpp"
#include "hvs/service/ops_server.hpp"
#include "hvs/service/progress.hpp"
#include "hvs/service/scheduler.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <algorithm>
#include <functional>
#include <iostream>
#include <memory>
#include <unistd.h>

namespace hvs::app {
namespace {

namespace asio = boost::asio;

void print_summary(const service::cycle_outcome& outcome, bool dry_run) {
    for (const auto& p : outcome.projects) {
        std::cout << (p.ok ? "  ok      " : "  FAILED  ") << p.project;
        if (p.skipped) {
            std::cout << "  skipped (no issues)\n";
            continue;
        }
        if (dry_run) {
            std::cout << "  " << p.planned_writes << " writes planned\n";
        } else {
            std::cout << "  created " << p.tasks_created << ", tasks updated " << p.tasks_updated
                      << ", Huly updated " << p.issues_updated << ", conflicts " << p.conflicts;
            if (p.created_vibe_project) std::cout << ", new Vibe project";
            if (p.relinked) std::cout << ", relinked " << p.relinked;
            if (p.marked_deleted) std::cout << ", marked deleted " << p.marked_deleted;
            if (p.rejected) std::cout << ", refused " << p.rejected;
            std::cout << (p.full_read ? "  (full read)" : "") << "\n";
        }
        if (!p.ok) std::cout << "          " << p.error << "\n";
        if (auto agent = outcome.agents.find(p.project); agent != outcome.agents.end()) {
            const auto& a = agent->second;
            std::cout << "          PM agent " << (a.agent_id.empty() ? "-" : a.agent_id) << ": "
                      << service::format_agent_counts(a);
            if (!a.ok) std::cout << ", DEGRADED: " << a.error;
            std::cout << "\n";
        }
    }
    if (!outcome.letta_error.empty()) std::cout << "Letta: " << outcome.letta_error << "\n";
    const auto& r = outcome.record;
    std::cout << "cycle " << r.outcome << ": " << r.projects_ok << " projects ok, " << r.projects_failed
              << " failed; tasks created " << r.tasks_created << ", tasks updated " << r.tasks_updated
              << ", Huly issues updated " << r.issues_updated << ", conflicts " << r.conflicts << "\n";
    if (!outcome.agents.empty()) {
        auto failed = std::count_if(outcome.agents.begin(), outcome.agents.end(),
                                    [](const auto& entry) { return !entry.second.ok; });
        std::cout << "PM agents: " << outcome.agents.size() << ", " << failed << " failed; "
                  << service::format_agent_counts(service::sum_agent_counts(outcome.agents)) << "\n";
    }
    if (!outcome.error.empty()) std::cout << "error: " << outcome.error << "\n";
}

net::task<int> one_cycle(service::runtime& rt, bool dry_run, std::string vibe_url) {
    int usable = co_await refuse_unusable_vibe(rt.context().vibe, std::move(vibe_url));
    if (usable != exit_ok) co_return usable;
    auto options = rt.cycle_settings();
    // On a terminal, a line as each project's step ends; scripts and cron see only the summary.
    if (isatty(STDERR_FILENO) == 1) {
        options.on_progress = [](const service::project_progress& progress) {
            std::cerr << service::progress_line(progress) << std::endl;
        };
    }
    if (rt.leases()) rt.leases()->start();
    auto outcome = co_await service::run_cycle(rt.context(), std::move(options), rt.letta());
    if (rt.leases()) co_await rt.leases()->finish();
    print_summary(outcome, dry_run);
    co_return outcome.ok ? exit_ok : exit_failed;
}

int once_command(const core::config& cfg, lock_wait wait) {
    auto lock = hold_database_unless(cfg.dry_run, cfg, "once", wait, store::writer_kind::cycle);
    if (!lock) {
        std::cerr << "huly-vibe-sync: " << lock.error().message << "\n";
        return exit_failed;
    }
    asio::io_context ioc;
    auto rt = service::runtime::create(ioc.get_executor(), cfg, &std::cout);
    if (!rt) {
        std::cerr << "huly-vibe-sync: " << rt.error().message << "\n";
        return rt.error().kind == error_kind::invalid ? exit_usage : exit_failed;
    }
    return run_to_completion(ioc, one_cycle(**rt, cfg.dry_run, cfg.vibe_api_url));
}

int run_command(const core::config& cfg, lock_wait wait) {
    auto lock = hold_database_unless(cfg.dry_run, cfg, "run", wait, store::writer_kind::cycle);
    if (!lock) {
        std::cerr << "huly-vibe-sync: " << lock.error().message << "\n";
        return exit_failed;
    }
    asio::io_context ioc;
    auto rt = service::runtime::create(ioc.get_executor(), cfg, cfg.dry_run ? &std::cout : nullptr);
    if (!rt) {
        std::cerr << "huly-vibe-sync: " << rt.error().message << "\n";
        return rt.error().kind == error_kind::invalid ? exit_usage : exit_failed;
    }
    if (int usable = run_to_completion(ioc, refuse_unusable_vibe((*rt)->context().vibe, cfg.vibe_api_url));
        usable != exit_ok) {
        return usable;
    }
    ioc.restart();
    service::service_status status;
    if ((*rt)->leases()) status.replica_id = (*rt)->leases()->replica_id();
    service::scheduler loop(**rt, service::schedule_of(cfg), status);
    auto feeds = service::feeds_for(loop, **rt, cfg);
    if (!feeds) {
        std::cerr << "huly-vibe-sync: " << feeds.error().message << "\n";
        return exit_usage;
    }
    service::ops_server ops(**rt, loop, status, cfg);
    ops.attach_feeds(feeds->get());
    auto port = ops.listen(cfg.health_host, cfg.health_port);
    if (!port) {
        std::cerr << "huly-vibe-sync: ops server (HEALTH_HOST/HEALTH_PORT): " << port.error().message << "\n";
        return exit_failed;
    }
    log::logger lg("ops");
    HVS_LOG(lg, info) << "ops server on " << cfg.health_host << ":" << *port << " (/health, /livez, /ready, /metrics, /api/sync"
                      << ((*feeds)->receives_huly_webhooks() ? ", /api/webhooks/huly)" : ")");

    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    std::function<void(const boost::system::error_code&, int)> on_signal = [&](const boost::system::error_code& ec,
                                                                               int) {
        if (ec) return;
        loop.stop();
        signals.async_wait(on_signal);  // a second signal stops at once
    };
    signals.async_wait(on_signal);

    int code = exit_failed;
    asio::co_spawn(ioc, net::cancellation_as_values(service::run_with_feeds(loop, **feeds)),
                   [&](std::exception_ptr e, int result) {
        code = e ? exit_failed : result;
        signals.cancel();
        ops.stop();
    });
    ioc.run();
    return code;
}

// `once` and `run`: their one flag is --wait (--dry-run is the DRY_RUN setting).
command cycle_command(CLI::App& root, const std::string& name, const std::string& description,
                      int (*run)(const core::config&, lock_wait)) {
    CLI::App* app = root.add_subcommand(name, description);
    auto wait = std::make_shared<lock_wait>();
    add_wait_flag(*app, *wait);
    return {app, [wait, run](const core::config& cfg) { return run(cfg, *wait); }};
}

}  // namespace

command add_once_command(CLI::App& root) {
    return cycle_command(root, "once",
                         "Run one sync cycle and exit: 0 when every project and PM agent succeeded, 1 otherwise "
                         "(--dry-run prints the plan and writes nothing)",
                         once_command);
}

command add_run_command(CLI::App& root) {
    return cycle_command(root, "run",
                         "Run the service: a sync cycle, then another SYNC_INTERVAL ms after each ends, until SIGTERM "
                         "(--dry-run prints plans and writes nothing)",
                         run_command);
}

}  // namespace hvs::app
