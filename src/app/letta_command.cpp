// `huly-vibe-sync letta cleanup [--apply] [--what folders|agents|all]`: deletes this service's
// Huly-… folders (files first) and duplicate PM agents (agents/letta_cleanup.hpp). A dry run unless
// --apply: it prints exactly what would be deleted. Ends with a table of what was found, deleted,
// skipped, phantom (404: gone already) and failed; exits 1 when a delete failed, 2 on bad
// arguments or configuration.

#include "app/cli.hpp"
#include "app/command_io.hpp"
#include "app/command_line.hpp"
#include "hvs/store/open.hpp"
#include "app/table.hpp"

#include "hvs/agents/letta_cleanup.hpp"

#include <iostream>
#include <map>
#include <memory>

namespace hvs::app {
namespace {

namespace asio = boost::asio;

struct cleanup_flags {
    std::string what = "all";  // checked by agents::parse_cleanup_scope
    bool apply = false;
    lock_wait wait;
};

std::string label(const agents::planned_delete& item) {
    return std::string(agents::to_string(item.kind)) + " " + item.name + " (" + item.id + ")";
}

std::string recorded_note(const agents::planned_delete& item) {
    return item.recorded ? "recorded as created by this service" : "not recorded in the database";
}

void print_plan(std::ostream& out, const agents::cleanup_plan& plan, bool applying) {
    const bool nothing = plan.folders.empty() && plan.agents.empty();
    out << (nothing ? "Nothing to delete.\n" : applying ? "Deleting:\n" : "Would delete:\n");
    for (const auto& unit : plan.folders) {
        out << "  " << label(unit.folder) << ": " << unit.folder.why << "; " << recorded_note(unit.folder) << "\n";
        for (const auto& file : unit.files) out << "    " << label(file) << "\n";
    }
    for (const auto& a : plan.agents) out << "  " << label(a) << ": " << a.why << "; " << recorded_note(a) << "\n";

    // Skipped: the routine reasons as counts, the others one by one (an operator should see them).
    std::map<std::pair<agents::resource_kind, agents::skip_reason>, unsigned> routine;
    std::vector<const agents::skipped_resource*> notable;
    for (const auto& s : plan.skipped) {
        if (s.reason == agents::skip_reason::not_service_folder || s.reason == agents::skip_reason::bound ||
            s.reason == agents::skip_reason::no_bindings) {
            ++routine[{s.kind, s.reason}];
        } else {
            notable.push_back(&s);
        }
    }
    if (plan.skipped.empty()) return;
    out << "Skipped:\n";
    for (const auto& [key, count] : routine) {
        out << "  " << count << " " << agents::to_string(key.first) << (count == 1 ? "" : "s") << ": "
            << agents::describe(key.second) << "\n";
    }
    for (const auto* s : notable) {
        out << "  " << agents::to_string(s->kind) << " " << s->name << " (" << s->id << "): "
            << agents::describe(s->reason) << "\n";
    }
}

void print_results(std::ostream& out, const std::vector<agents::delete_result>& results) {
    for (const auto& r : results) {
        switch (r.outcome) {
        case agents::delete_outcome::deleted: out << "  deleted  " << label(r.item) << "\n"; break;
        case agents::delete_outcome::phantom:
            out << "  phantom  " << label(r.item) << ": already gone (404)\n";
            break;
        case agents::delete_outcome::failed:
            out << "  FAILED   " << label(r.item) << ": " << one_line(r.error, 300) << "\n";
            break;
        }
    }
}

void print_tally(std::ostream& out, const agents::cleanup_report& report) {
    auto row = [](std::string kind, const agents::cleanup_tally& t, bool applied) {
        return std::vector<std::string>{std::move(kind), std::to_string(t.found),
                                        std::to_string(applied ? t.deleted : t.planned), std::to_string(t.skipped),
                                        std::to_string(t.phantom), std::to_string(t.failed)};
    };
    print_table(out,
                {"", "FOUND", report.applied ? "DELETED" : "WOULD DELETE", "SKIPPED", "PHANTOM", "FAILED"},
                {row("folders", report.folders, report.applied), row("files", report.files, report.applied),
                 row("agents", report.agents, report.applied)});
}

net::task<int> cleanup(letta::client& letta, agents::cleanup_request request, agents::cleanup_facts facts,
                       store::database* db) {
    auto report = co_await agents::run_letta_cleanup(letta, request, std::move(facts));
    if (!report) {
        std::cerr << "letta cleanup: " << report.error().describe() << " (nothing was deleted)\n";
        co_return exit_failed;
    }
    print_plan(std::cout, report->plan, report->applied);
    if (report->plan.agents_refused) {
        std::cout << "Agents refused: the database at DB_PATH binds no agent, so no PM agent can be told from a "
                     "duplicate; point DB_PATH at the service's database.\n";
    }
    int code = exit_ok;
    if (report->applied) {
        std::cout << "Results:\n";
        print_results(std::cout, report->results);
        if (db) {
            auto forgotten = agents::forget_deleted(*db, *report);
            if (forgotten) {
                std::cout << "Forgot " << *forgotten << " database rows about deleted resources.\n";
            } else {
                std::cerr << "letta cleanup: updating the database: " << forgotten.error().message << "\n";
                code = exit_failed;
            }
        }
    } else {
        std::cout << "Dry run: nothing was deleted; add --apply to delete.\n";
    }
    std::cout << "\n";
    print_tally(std::cout, *report);
    if (report->any_failed()) code = exit_failed;
    co_return code;
}

int letta_command(const core::config& cfg, const cleanup_flags* flags) {
    const agents::cleanup_scope scope = agents::parse_cleanup_scope(flags->what).value_or(agents::cleanup_scope::all);
    if (flags->apply && cfg.dry_run) {
        std::cerr << "huly-vibe-sync letta cleanup: --apply contradicts DRY_RUN/--dry-run\n";
        return exit_usage;
    }
    auto lock = hold_database_unless(!flags->apply || !store::database_exists(cfg), cfg, "letta cleanup", flags->wait);
    if (!lock) {
        std::cerr << "huly-vibe-sync letta cleanup: " << lock.error().message << "\n";
        return exit_failed;
    }
    // The database says which agents are bound and which resources this service created. Without
    // one, no agent is deleted (the plan refuses) and there are no rows to forget.
    agents::cleanup_facts facts;
    std::optional<store::database> db;
    if (store::database_exists(cfg)) {
        auto opened = flags->apply ? store::open_for_writing(cfg) : store::open_for_reading(cfg);
        if (!opened) {
            std::cerr << "huly-vibe-sync letta cleanup: " << opened.error().message << "\n";
            return exit_failed;
        }
        auto loaded = agents::load_cleanup_facts(*opened);
        if (!loaded) {
            std::cerr << "huly-vibe-sync letta cleanup: reading '" << store::describe_database(cfg) << "': " << loaded.error().message
                      << "\n";
            return exit_failed;
        }
        facts = std::move(*loaded);
        db.emplace(std::move(*opened));
    } else if (agents::covers_agents(scope)) {
        std::cerr << "note: no database at '" << cfg.db_path << "' (DB_PATH): no agent will be deleted\n";
    }
    asio::io_context ioc;
    auto letta = connect_letta(ioc, cfg);
    if (!letta) {
        std::cerr << "huly-vibe-sync letta: " << letta.error().message << "\n";
        return exit_usage;
    }
    std::cout << "Letta cleanup of " << (scope == agents::cleanup_scope::all ? "folders and agents"
                                         : scope == agents::cleanup_scope::folders ? "folders"
                                                                                          : "agents")
              << (flags->apply ? "" : " (dry run)") << "\n";
    agents::cleanup_request request{scope, cfg.letta_control_agent, flags->apply};
    return run_to_completion(ioc, cleanup(*(*letta)->client, request, std::move(facts), db ? &*db : nullptr));
}

}  // namespace

command add_letta_command(CLI::App& root) {
    CLI::App* app = root.add_subcommand(
        "letta", "letta cleanup: delete this service's Huly-… folders and duplicate PM agents (dry run unless --apply)");
    CLI::App* cleanup = add_verb(*app, "cleanup", "Delete this service's Huly-… folders and duplicate PM agents");
    auto flags = std::make_shared<cleanup_flags>();
    cleanup->add_flag("--apply", flags->apply, "delete; without it, print what would be deleted and change nothing");
    add_value_option(*cleanup, "--what", flags->what, "what to clean up: folders, agents or all (default all)")
        ->check(accepted_by(agents::parse_cleanup_scope, "folders, agents or all"));
    add_wait_flag(*cleanup, flags->wait);
    return {app, [flags](const core::config& cfg) { return letta_command(cfg, flags.get()); }};
}

}  // namespace hvs::app
