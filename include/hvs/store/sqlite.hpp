#pragma once
// A thin RAII layer over sqlite3: a database handle, prepared statements and transactions, each
// reporting failures as hvs::error values (kind io) with SQLite's own message.

#include "hvs/core/error.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace hvs::store {

class statement {
public:
    statement() = default;
    explicit statement(sqlite3_stmt* stmt);

    // 1-based parameter indexes, as in SQLite.
    statement& bind(int index, std::string_view value);
    statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
    statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
    statement& bind(int index, std::int64_t value);
    statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value ? 1 : 0)); }
    statement& bind(int index, std::nullptr_t);
    statement& bind(int index, const std::optional<std::string>& value);
    statement& bind(int index, const std::optional<std::int64_t>& value);

    // Advances: true when a row is available, false when done.
    result<bool> step();
    // Runs a statement that returns no rows.
    result<void> run();
    void reset();

    // 0-based column indexes, as in SQLite.
    [[nodiscard]] bool is_null(int column) const;
    [[nodiscard]] std::string text(int column) const;
    [[nodiscard]] std::optional<std::string> optional_text(int column) const;
    [[nodiscard]] std::int64_t integer(int column) const;
    [[nodiscard]] std::optional<std::int64_t> optional_integer(int column) const;

private:
    struct finalizer {
        void operator()(sqlite3_stmt* stmt) const;
    };
    std::unique_ptr<sqlite3_stmt, finalizer> stmt_;
};

class database {
public:
    // Opens (creating if missing) the file; the directory must exist. Enables WAL, foreign keys
    // and a busy timeout. A file that is not a database, or is read-only, is an error here.
    static result<database> open(const std::string& path);
    // Opens an existing file for reading only; nothing about it (journal mode included) changes.
    // `immutable` also skips locking and the WAL index, for a file in a read-only directory
    // whose writer is stopped (an uncheckpointed WAL would then be ignored).
    static result<database> open_read_only(const std::string& path, bool immutable = false);

    result<void> exec(std::string_view sql);
    result<statement> prepare(std::string_view sql);

    // Runs fn(database&) -> result<T> inside BEGIN IMMEDIATE … COMMIT; rolls back on error.
    template <class F>
    auto transaction(F&& fn) -> decltype(fn(*this)) {
        if (auto begun = exec("BEGIN IMMEDIATE"); !begun) return begun.error();
        // A job that throws (a bug, bad_alloc) must not leave the transaction open: the next
        // BEGIN would fail and every later step of every project with it.
        struct rollback_unless_done {
            database& db;
            bool done = false;
            ~rollback_unless_done() {
                if (!done) (void)db.exec("ROLLBACK");
            }
        } guard{*this};
        auto outcome = fn(*this);
        guard.done = true;
        if (!outcome) {
            (void)exec("ROLLBACK");
            return outcome;
        }
        if (auto committed = exec("COMMIT"); !committed) {
            (void)exec("ROLLBACK");
            return committed.error();
        }
        return outcome;
    }

    [[nodiscard]] std::int64_t last_insert_rowid() const;
    [[nodiscard]] int changes() const;
    [[nodiscard]] const std::string& path() const { return path_; }

private:
    struct closer {
        void operator()(sqlite3* db) const;
    };
    std::unique_ptr<sqlite3, closer> db_;
    std::string path_;
};

}  // namespace hvs::store
