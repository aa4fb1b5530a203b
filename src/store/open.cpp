#include "hvs/store/open.hpp"

#include "hvs/store/migrations.hpp"

#include <filesystem>

namespace hvs::store {
result<void> sqlite_directory_exists(const std::string& path) {
    auto parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
        return make_error(error_kind::io,
                          "database directory '" + parent.string() + "' does not exist; create it or set DB_PATH");
    }
    return {};
}

bool uses_postgres(const core::config& cfg) { return !cfg.database_url.empty(); }

std::string describe_database(const core::config& cfg) {
    return uses_postgres(cfg) ? describe_postgres_target(cfg.database_url) : cfg.db_path;
}

bool database_exists(const core::config& cfg) {
    if (uses_postgres(cfg)) return true;
    std::error_code ec;
    return std::filesystem::is_regular_file(cfg.db_path, ec);
}

result<database> open_for_writing(const core::config& cfg) {
    auto db = uses_postgres(cfg) ? database::open_postgres(cfg.database_url) : [&]() -> result<database> {
        if (auto dir = sqlite_directory_exists(cfg.db_path); !dir) return dir.error();
        return database::open(cfg.db_path);
    }();
    if (!db) return db.error();
    if (auto migrated = migrate(*db); !migrated) return migrated.error();
    return db;
}

result<database> open_for_reading(const core::config& cfg) {
    if (uses_postgres(cfg)) return database::open_postgres(cfg.database_url);
    if (!database_exists(cfg)) {
        // Opening would fail anyway; say what to do instead of SQLite's "unable to open".
        return make_error(error_kind::io, "no database at '" + cfg.db_path +
                                              "' (DB_PATH); run a sync first or point DB_PATH at the service's database");
    }
    return database::open_read_only(cfg.db_path);
}

}  // namespace hvs::store
