// The SQLite engine behind store::database: a file, one writing process (store/instance_lock.hpp).

#include "backend.hpp"

#include <sqlite3.h>

#include <cstdio>

namespace hvs::store {
namespace {

error sqlite_error(sqlite3* db, int code, std::string_view what) {
    std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    return make_error(error_kind::io, std::string(what) + ": " + detail + " (sqlite code " + std::to_string(code) + ")");
}

class sqlite_statement final : public statement_backend {
public:
    explicit sqlite_statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
    ~sqlite_statement() override { sqlite3_finalize(stmt_); }
    sqlite_statement(const sqlite_statement&) = delete;
    sqlite_statement& operator=(const sqlite_statement&) = delete;

    void bind_text(int index, std::string_view value) override {
        sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    }
    void bind_integer(int index, std::int64_t value) override { sqlite3_bind_int64(stmt_, index, value); }
    void bind_null(int index) override { sqlite3_bind_null(stmt_, index); }

    result<bool> step() override {
        int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        return sqlite_error(sqlite3_db_handle(stmt_), rc, "database step failed");
    }

    void reset() override {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }

    [[nodiscard]] bool is_null(int column) const override { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

    [[nodiscard]] std::string text(int column) const override {
        auto* data = sqlite3_column_text(stmt_, column);
        int size = sqlite3_column_bytes(stmt_, column);
        return data ? std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size)) : std::string();
    }

    [[nodiscard]] std::int64_t integer(int column) const override { return sqlite3_column_int64(stmt_, column); }

private:
    sqlite3_stmt* stmt_;
};

class sqlite_connection final : public connection_backend {
public:
    explicit sqlite_connection(sqlite3* db) : db_(db) {}
    ~sqlite_connection() override { sqlite3_close_v2(db_); }
    sqlite_connection(const sqlite_connection&) = delete;
    sqlite_connection& operator=(const sqlite_connection&) = delete;

    result<void> exec(std::string_view sql) override {
        std::string text(sql);
        char* message = nullptr;
        int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
        if (rc != SQLITE_OK) {
            std::string detail = message ? message : sqlite3_errstr(rc);
            sqlite3_free(message);
            return make_error(error_kind::io, detail + " (sqlite code " + std::to_string(rc) + ")");
        }
        return {};
    }

    result<std::unique_ptr<statement_backend>> prepare(std::string_view sql) override {
        sqlite3_stmt* stmt = nullptr;
        int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
        if (rc != SQLITE_OK) return sqlite_error(db_, rc, "cannot prepare statement");
        return std::unique_ptr<statement_backend>(std::make_unique<sqlite_statement>(stmt));
    }

    [[nodiscard]] int changes() const override { return sqlite3_changes(db_); }
    [[nodiscard]] engine kind() const override { return engine::sqlite; }

private:
    sqlite3* db_;
};

// A handle SQLite returned (possibly null, possibly failed): owned from here on either way.
std::unique_ptr<sqlite_connection> own(sqlite3* raw) { return raw ? std::make_unique<sqlite_connection>(raw) : nullptr; }

}  // namespace

result<database> database::open(const std::string& path) {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    auto connection = own(raw);
    if (rc != SQLITE_OK) return sqlite_error(raw, rc, "cannot open database '" + path + "'");
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, 5000);
    database db(std::move(connection), path);
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
    auto connection = own(raw);
    if (rc != SQLITE_OK) return sqlite_error(raw, rc, "cannot open database '" + path + "'");
    sqlite3_busy_timeout(raw, 5000);
    database db(std::move(connection), path);
    if (auto probe = db.exec("SELECT count(*) FROM sqlite_master"); !probe) {
        return make_error(error_kind::io, "cannot read database '" + path + "': " + probe.error().message);
    }
    return db;
}

}  // namespace hvs::store
