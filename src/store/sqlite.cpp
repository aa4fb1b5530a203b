#include "hvs/store/sqlite.hpp"

#include <sqlite3.h>

#include <cstdio>

namespace hvs::store {
namespace {

error sqlite_error(sqlite3* db, int code, std::string_view what) {
    std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    return make_error(error_kind::io, std::string(what) + ": " + detail + " (sqlite code " + std::to_string(code) + ")");
}

}  // namespace

void statement::finalizer::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
void database::closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

statement::statement(sqlite3_stmt* stmt) : stmt_(stmt) {}

statement& statement::bind(int index, std::string_view value) {
    sqlite3_bind_text(stmt_.get(), index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    return *this;
}

statement& statement::bind(int index, std::int64_t value) {
    sqlite3_bind_int64(stmt_.get(), index, value);
    return *this;
}

statement& statement::bind(int index, std::nullptr_t) {
    sqlite3_bind_null(stmt_.get(), index);
    return *this;
}

statement& statement::bind(int index, const std::optional<std::string>& value) {
    return value ? bind(index, std::string_view(*value)) : bind(index, nullptr);
}

statement& statement::bind(int index, const std::optional<std::int64_t>& value) {
    return value ? bind(index, *value) : bind(index, nullptr);
}

result<bool> statement::step() {
    int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return sqlite_error(sqlite3_db_handle(stmt_.get()), rc, "database step failed");
}

result<void> statement::run() {
    auto stepped = step();
    reset();
    if (!stepped) return stepped.error();
    return {};
}

void statement::reset() {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
}

bool statement::is_null(int column) const { return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL; }

std::string statement::text(int column) const {
    auto* data = sqlite3_column_text(stmt_.get(), column);
    int size = sqlite3_column_bytes(stmt_.get(), column);
    return data ? std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size)) : std::string();
}

std::optional<std::string> statement::optional_text(int column) const {
    if (is_null(column)) return std::nullopt;
    return text(column);
}

std::int64_t statement::integer(int column) const { return sqlite3_column_int64(stmt_.get(), column); }

std::optional<std::int64_t> statement::optional_integer(int column) const {
    if (is_null(column)) return std::nullopt;
    return integer(column);
}

result<database> database::open(const std::string& path) {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    database db;
    db.db_.reset(raw);
    db.path_ = path;
    if (rc != SQLITE_OK) return sqlite_error(raw, rc, "cannot open database '" + path + "'");
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, 5000);
    // Reading the schema proves the file is a database; WAL needs a writable directory and file.
    for (std::string_view pragma : {"PRAGMA foreign_keys = ON", "PRAGMA journal_mode = WAL",
                                    "PRAGMA synchronous = NORMAL", "SELECT count(*) FROM sqlite_master"}) {
        if (auto done = db.exec(pragma); !done) {
            return make_error(error_kind::io, "cannot use database '" + path + "': " + done.error().message);
        }
    }
    if (sqlite3_db_readonly(raw, "main") == 1) {
        return make_error(error_kind::io, "cannot use database '" + path + "': the file is read-only");
    }
    return db;
}

result<database> database::open_read_only(const std::string& path, bool immutable) {
    sqlite3* raw = nullptr;
    std::string name = path;
    int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
    if (immutable) {
        std::string escaped;
        for (char c : path) {
            if (c == '%' || c == '?' || c == '#') {
                char buf[4];
                std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
                escaped += buf;
            } else {
                escaped += c;
            }
        }
        name = "file:" + escaped + "?immutable=1";
        flags |= SQLITE_OPEN_URI;
    }
    int rc = sqlite3_open_v2(name.c_str(), &raw, flags, nullptr);
    database db;
    db.db_.reset(raw);
    db.path_ = path;
    if (rc != SQLITE_OK) return sqlite_error(raw, rc, "cannot open database '" + path + "'");
    sqlite3_busy_timeout(raw, 5000);
    if (auto probe = db.exec("SELECT count(*) FROM sqlite_master"); !probe) {
        return make_error(error_kind::io, "cannot read database '" + path + "': " + probe.error().message);
    }
    return db;
}

result<void> database::exec(std::string_view sql) {
    std::string text(sql);
    char* message = nullptr;
    int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        std::string detail = message ? message : sqlite3_errstr(rc);
        sqlite3_free(message);
        return make_error(error_kind::io, detail + " (sqlite code " + std::to_string(rc) + ")");
    }
    return {};
}

result<statement> database::prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(db_.get(), rc, "cannot prepare statement");
    return statement(stmt);
}

std::int64_t database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }

int database::changes() const { return sqlite3_changes(db_.get()); }

}  // namespace hvs::store
