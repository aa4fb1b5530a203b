// `huly-vibe-sync import-legacy --db FILE`: brings the original service's state over so the
// first cycle links instead of duplicating.

#include "app/cli.hpp"
#include "app/command_io.hpp"
#include "hvs/store/open.hpp"

#include "hvs/core/flags.hpp"
#include "hvs/sync/legacy_import.hpp"

#include <iostream>

namespace hvs::app {

int import_command(const core::config& cfg, const std::vector<std::string>& given) {
    auto args = given;
    auto wait = take_wait_flag(args);
    if (!wait) {
        std::cerr << "huly-vibe-sync import-legacy: " << wait.error().message << "\n";
        return exit_usage;
    }
    std::string legacy;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (core::is_flag_named(args[i], "--db")) {
            auto db = core::take_flag_value(args, i);
            if (!db) {
                std::cerr << "huly-vibe-sync import-legacy: " << db.error().message << "\n";
                return exit_usage;
            }
            legacy = *db;
        } else {
            std::cerr << "huly-vibe-sync import-legacy: unknown argument '" << args[i] << "'\n";
            return exit_usage;
        }
    }
    if (legacy.empty()) {
        std::cerr << "huly-vibe-sync import-legacy: --db FILE (the original service's sync-state.db) is required\n";
        return exit_usage;
    }
    auto lock = hold_database(cfg, "import-legacy", *wait);
    if (!lock) {
        std::cerr << "huly-vibe-sync: " << lock.error().message << "\n";
        return exit_failed;
    }
    auto db = open_database_for_writing(cfg);
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

}  // namespace hvs::app
