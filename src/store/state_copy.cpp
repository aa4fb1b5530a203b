#include "hvs/store/state_copy.hpp"

#include "hvs/store/migrations.hpp"

#include <cstdlib>
#include <system_error>

namespace hvs::store {
namespace {

result<std::int64_t> rows_in_table(database& db, std::string_view table) {
    auto stmt = db.prepare("SELECT count(*) FROM " + std::string(table));
    if (!stmt) return stmt.error();
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) return make_error(error_kind::io, "no count from table " + std::string(table));
    return stmt->integer(0);
}

std::string column_list(const state_table& table) {
    std::string out;
    for (const auto& column : table.columns) {
        if (!out.empty()) out += ", ";
        out += column.name;
    }
    return out;
}

std::string insert_sql(const state_table& table) {
    std::string placeholders;
    for (std::size_t i = 1; i <= table.columns.size(); ++i) {
        if (i > 1) placeholders += ", ";
        placeholders += "?" + std::to_string(i);
    }
    return "INSERT INTO " + std::string(table.name) + " (" + column_list(table) + ") VALUES (" + placeholders + ")";
}

// Binds column `index` of the current row of `source` as parameter index + 1 of `target`.
void bind_copied_value(statement& target, const statement& source, int index, column_type type) {
    if (source.is_null(index)) {
        target.bind(index + 1, nullptr);
    } else if (type == column_type::integer) {
        target.bind(index + 1, source.integer(index));
    } else {
        target.bind(index + 1, source.text(index));
    }
}

result<std::int64_t> copy_table_rows(database& from, database& to, const state_table& table) {
    auto select = from.prepare("SELECT " + column_list(table) + " FROM " + std::string(table.name) + " ORDER BY " +
                               std::string(table.order_by));
    if (!select) return select.error();
    auto insert = to.prepare(insert_sql(table));
    if (!insert) return insert.error();
    std::int64_t copied = 0;
    for (;;) {
        auto row = select->step();
        if (!row) return row.error();
        if (!*row) return copied;
        for (std::size_t i = 0; i < table.columns.size(); ++i) {
            bind_copied_value(*insert, *select, static_cast<int>(i), table.columns[i].type);
        }
        if (auto inserted = insert->run(); !inserted) {
            return make_error(inserted.error().kind,
                              "copying " + std::string(table.name) + ": " + inserted.error().message);
        }
        ++copied;
    }
}

result<copy_report> copy_into(database& from, database& to, const state_counts& expected) {
    auto held = count_state(to);
    if (!held) return held.error();
    if (held->total() != 0) {
        return make_error(error_kind::invalid,
                          "'" + to.path() + "' already holds a state (" + held->describe_nonempty() +
                              "); migrate-store copies into an empty database only, as two states of one "
                              "workspace would duplicate its tasks");
    }
    for (const auto& table : state_tables()) {
        if (auto copied = copy_table_rows(from, to, table); !copied) return copied.error();
    }
    auto copied = count_state(to);
    if (!copied) return copied.error();
    for (std::size_t i = 0; i < expected.tables.size(); ++i) {
        const auto& want = expected.tables[i];
        const auto& got = copied->tables[i];
        if (got.rows != want.rows) {
            return make_error(error_kind::io, "after copying, " + want.table + " has " + std::to_string(got.rows) +
                                                  " rows in '" + to.path() + "' instead of " +
                                                  std::to_string(want.rows) + "; nothing was written");
        }
    }
    return *copied;
}

}  // namespace

std::int64_t state_counts::total() const {
    std::int64_t sum = 0;
    for (const auto& table : tables) sum += table.rows;
    return sum;
}

std::string state_counts::describe_nonempty() const {
    std::string out;
    for (const auto& table : tables) {
        if (table.rows == 0) continue;
        if (!out.empty()) out += ", ";
        out += table.table + " " + std::to_string(table.rows);
    }
    return out.empty() ? "nothing" : out;
}

result<state_counts> count_state(database& db) {
    state_counts counts;
    for (const auto& table : state_tables()) {
        auto rows = rows_in_table(db, table.name);
        if (!rows) return rows.error();
        counts.tables.push_back({std::string(table.name), *rows});
    }
    return counts;
}

result<copy_report> copy_state(database& from, database& to) {
    for (auto* db : {&from, &to}) {
        auto version = schema_version(*db);
        if (!version) return version.error();
        if (*version != latest_schema_version()) {
            return make_error(error_kind::invalid, "'" + db->path() + "' is at schema version " +
                                                       std::to_string(*version) + ", not this binary's " +
                                                       std::to_string(latest_schema_version()));
        }
    }
    // One read transaction on the source: the counts and the rows are the same snapshot.
    return from.transaction([&](database& source) -> result<copy_report> {
        auto expected = count_state(source);
        if (!expected) return expected.error();
        return to.transaction([&](database& target) { return copy_into(source, target, *expected); });
    });
}

result<sqlite_source> sqlite_source::open(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        return make_error(error_kind::invalid, "no SQLite state at '" + path + "' (--from, default DB_PATH)");
    }
    auto file = database::open_read_only(path);
    if (!file) return file.error();
    auto version = schema_version(*file);
    if (!version) return version.error();
    if (*version == 0) {
        return make_error(error_kind::invalid, "'" + path + "' holds no huly-vibe-sync state (schema version 0)");
    }
    if (*version > latest_schema_version()) {
        return make_error(error_kind::invalid, "'" + path + "' has schema version " + std::to_string(*version) +
                                                   ", newer than this binary's " +
                                                   std::to_string(latest_schema_version()) +
                                                   "; use a newer huly-vibe-sync");
    }
    if (*version == latest_schema_version()) return sqlite_source(std::nullopt, std::move(*file), *version);

    // Older: migrate a consistent snapshot, never the file (the binary that wrote it may still need it).
    std::string scratch_template = (std::filesystem::temp_directory_path(ec) / "hvs-migrate-store-XXXXXX").string();
    if (ec || !::mkdtemp(scratch_template.data())) {
        return make_error(error_kind::io, "cannot create a temporary directory for a snapshot of '" + path + "'");
    }
    const std::filesystem::path scratch = scratch_template;
    const std::string snapshot_path = (scratch / "state.db").string();
    auto remove_scratch = [&] { std::filesystem::remove_all(scratch, ec); };
    auto vacuum = file->prepare("VACUUM INTO ?1");
    if (!vacuum) {
        remove_scratch();
        return vacuum.error();
    }
    if (auto copied = vacuum->bind(1, snapshot_path).run(); !copied) {
        remove_scratch();
        return make_error(copied.error().kind, "snapshot of '" + path + "': " + copied.error().message);
    }
    auto snapshot = database::open(snapshot_path);
    if (snapshot) {
        if (auto migrated = migrate(*snapshot); !migrated) snapshot = migrated.error();
    }
    if (!snapshot) {
        remove_scratch();
        return make_error(snapshot.error().kind,
                          "migrating a snapshot of '" + path + "' to schema version " +
                              std::to_string(latest_schema_version()) + ": " + snapshot.error().message);
    }
    return sqlite_source(scratch, std::move(*snapshot), *version);
}

sqlite_source::sqlite_source(std::optional<std::filesystem::path> scratch, database db, int found_version)
    : scratch_(std::move(scratch)), db_(std::move(db)), found_version_(found_version) {}

sqlite_source::sqlite_source(sqlite_source&& other) noexcept
    : scratch_(std::exchange(other.scratch_, std::nullopt)), db_(std::move(other.db_)),
      found_version_(other.found_version_) {}

sqlite_source::~sqlite_source() {
    db_.reset();  // closed before its directory goes
    if (scratch_) {
        std::error_code ec;
        std::filesystem::remove_all(*scratch_, ec);
    }
}

}  // namespace hvs::store
