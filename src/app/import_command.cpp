// `huly-vibe-sync import-legacy --db FILE`: brings the original service's state over so the
// first cycle links instead of duplicating.

#include "app/cli.hpp"
#include "app/command_line.hpp"
#include "app/command_io.hpp"
#include "hvs/store/open.hpp"

#include "hvs/sync/legacy_import.hpp"

#include <iostream>
#include <memory>

namespace hvs::app {

namespace {

struct import_flags {
    std::string legacy_db;  // --db, required
    lock_wait wait;
};

int import_command(const core::config& cfg, const import_flags& flags) {
    const std::string& legacy = flags.legacy_db;
    auto lock = hold_database(cfg, "import-legacy", flags.wait);
    if (!lock) {
        std::cerr << "huly-vibe-sync: " << lock.error().message << "\n";
        return exit_failed;
    }
    auto db = store::open_for_writing(cfg);
    if (!db) {
        std::cerr << "huly-vibe-sync: " << db.error().message << "\n";
        return exit_failed;
    }
    auto report = sync::import_legacy(*db, legacy);
    if (!report) {
        std::cerr << "huly-vibe-sync import-legacy: " << report.error().message << "\n";
        return report.error().kind == error_kind::invalid ? exit_usage : exit_failed;
    }
    std::cout << "imported " << report->projects << " projects, " << report->links << " issue-task links and "
              << report->agents << " agent bindings into "
              << store::describe_database(cfg) << "; " << report->skipped_links << " issues had no task; " << report->kept_existing
              << " entries were already known and left unchanged\n";
    return exit_ok;
}

}  // namespace

command add_import_command(CLI::App& root) {
    CLI::App* app = root.add_subcommand(
        "import-legacy", "Import the original service's sync-state.db (projects, issue-task links) into DB_PATH");
    auto flags = std::make_shared<import_flags>();
    add_value_option(*app, "--db", flags->legacy_db, "the original service's sync-state.db (read only, never modified)")
        ->required();
    add_wait_flag(*app, flags->wait);
    return {app, [flags](const core::config& cfg) { return import_command(cfg, *flags); }};
}

}  // namespace hvs::app
