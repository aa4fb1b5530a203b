// `huly-vibe-sync migrate-store [--from PATH] [--wait[=S]] [--dry-run]`: copies the SQLite state at
// --from (default DB_PATH) into the PostgreSQL store DATABASE_URL names, which must hold no state.
// The copy is store::copy_state's; this parses the flags, opens both databases, holds their locks
// and prints one line per table.

#include "app/cli.hpp"
#include "app/command_line.hpp"
#include "app/command_io.hpp"

#include "hvs/store/migrations.hpp"
#include "hvs/store/open.hpp"
#include "hvs/store/state_copy.hpp"

#include <iomanip>
#include <iostream>
#include <memory>

namespace hvs::app {
namespace {

void print_table_counts(const store::state_counts& counts) {
    for (const auto& table : counts.tables) {
        std::cout << "  " << std::left << std::setw(18) << table.table << std::right << std::setw(10) << table.rows
                  << "\n";
    }
}

// The dry run: what the target holds now, read without migrating or locking it.
result<store::state_counts> target_state_now(const core::config& cfg) {
    auto target = store::open_for_reading(cfg);
    if (!target) return target.error();
    auto version = store::schema_version(*target);
    if (!version) return version.error();
    if (*version == 0) return store::state_counts{};  // no schema yet: nothing in it
    return store::count_state(*target);
}

int fail_with(const error& e) {
    std::cerr << "huly-vibe-sync migrate-store: " << e.message << "\n";
    return exit_failed;
}

struct migrate_flags {
    std::string from;  // --from; empty: DB_PATH
    lock_wait wait;
};

int migrate_store_command(const core::config& cfg, const migrate_flags& flags) {
    const std::string from = flags.from.empty() ? cfg.db_path : flags.from;
    const lock_wait wait = flags.wait;
    if (!store::uses_postgres(cfg)) {
        std::cerr << "huly-vibe-sync migrate-store: DATABASE_URL is required: the PostgreSQL store to copy the "
                     "SQLite state at '"
                  << from << "' into\n";
        return exit_usage;
    }
    const std::string into = store::describe_database(cfg);  // never the password

    // Writing: exclusive on the target (refused while any replica runs) and on the source (refused
    // while a service still writes it). A dry run reads only and is never blocked.
    auto target_lock = hold_database_unless(cfg.dry_run, cfg, "migrate-store", wait);
    if (!target_lock) return fail_with(target_lock.error());
    std::optional<store::instance_lock> source_lock;
    if (!cfg.dry_run) {
        auto held = store::instance_lock::acquire(from, "migrate-store", wait);
        if (!held) return fail_with(held.error());
        source_lock.emplace(std::move(*held));
    }

    auto source = store::sqlite_source::open(from);
    if (!source) return fail_with(source.error());
    std::cout << "migrate-store: from " << from << " (schema version " << source->found_version();
    if (source->found_version() < store::latest_schema_version()) {
        std::cout << ", copied from a snapshot migrated to " << store::latest_schema_version()
                  << "; the file is unchanged";
    }
    std::cout << ") into " << into << "\n";

    if (cfg.dry_run) {
        auto counts = store::count_state(source->db());
        if (!counts) return fail_with(counts.error());
        auto held = target_state_now(cfg);
        if (!held) return fail_with(held.error());
        print_table_counts(*counts);
        if (held->total() != 0) {
            std::cerr << "huly-vibe-sync migrate-store: '" << into << "' already holds a state ("
                      << held->describe_nonempty() << "); migrate-store would refuse it\n";
            return exit_failed;
        }
        std::cout << "dry run: would copy " << counts->total() << " rows in " << counts->tables.size()
                  << " tables; nothing written\n";
        return exit_ok;
    }

    auto target = store::open_for_writing(cfg);
    if (!target) return fail_with(target.error());
    auto copied = store::copy_state(source->db(), *target);
    if (!copied) return fail_with(copied.error());
    print_table_counts(*copied);
    std::cout << "copied " << copied->total() << " rows in " << copied->tables.size()
              << " tables; every table's row count verified equal in " << into << "\n";
    return exit_ok;
}

}  // namespace

command add_migrate_store_command(CLI::App& root) {
    CLI::App* app = root.add_subcommand(
        "migrate-store", "Copy the SQLite state at --from (default DB_PATH, never written) into the empty PostgreSQL "
                         "store DATABASE_URL names, in one transaction; exit 1 if it already holds a state "
                         "(--dry-run prints the row counts it would copy and writes nothing)");
    auto flags = std::make_shared<migrate_flags>();
    add_value_option(*app, "--from", flags->from, "the SQLite state file to copy (default DB_PATH)");
    add_wait_flag(*app, flags->wait, "DATABASE_URL (a replica or another command)");
    return {app, [flags](const core::config& cfg) { return migrate_store_command(cfg, *flags); }};
}

}  // namespace hvs::app
