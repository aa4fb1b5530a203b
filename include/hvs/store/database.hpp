#pragma once
// The state database, whichever engine holds it: SQLite (a file, one writing process) or PostgreSQL
// (a server shared by replicas). Callers see one interface — a database handle, prepared statements
// and transactions — and write SQL both engines accept: `?N` parameters (1-based), `ON CONFLICT`
// upserts, no engine-specific functions in statements. Failures are hvs::error values (kind io) with
// the engine's own message; nothing here ever names a password.

#include "hvs/core/error.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace hvs::store {

enum class engine { sqlite, postgres };

class statement_backend;
class connection_backend;

class statement {
public:
    statement();
    explicit statement(std::unique_ptr<statement_backend> backend);
    statement(statement&&) noexcept;
    statement& operator=(statement&&) noexcept;
    ~statement();

    // 1-based parameter indexes (`?1` in the SQL).
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
    // Runs a statement that returns no rows; its bindings are cleared for the next run.
    result<void> run();
    // Back to before the first step, bindings cleared.
    void reset();

    // 0-based column indexes.
    [[nodiscard]] bool is_null(int column) const;
    [[nodiscard]] std::string text(int column) const;
    [[nodiscard]] std::optional<std::string> optional_text(int column) const;
    [[nodiscard]] std::int64_t integer(int column) const;
    [[nodiscard]] std::optional<std::int64_t> optional_integer(int column) const;

private:
    std::unique_ptr<statement_backend> backend_;
};

class database {
public:
    // SQLite: opens (creating if missing) the file; the directory must exist. Enables WAL, foreign
    // keys and a busy timeout. A file that is not a database, or is read-only, is an error here.
    static result<database> open(const std::string& path);
    // SQLite: opens an existing file for reading only; nothing about it (journal mode included)
    // changes. `immutable` also skips locking and the WAL index, for a file in a read-only directory
    // whose writer is stopped (an uncheckpointed WAL would then be ignored).
    static result<database> open_read_only(const std::string& path, bool immutable = false);
    // PostgreSQL: connects to the server a postgresql:// URL (or libpq key=value string) names.
    static result<database> open_postgres(const std::string& url);

    database(database&&) noexcept;
    database& operator=(database&&) noexcept;
    ~database();

    result<void> exec(std::string_view sql);
    result<statement> prepare(std::string_view sql);

    // Runs fn(database&) -> result<T> as one transaction; rolls back on error. Nested calls are
    // savepoints inside the outer transaction.
    template <class F>
    auto transaction(F&& fn) -> decltype(fn(*this)) {
        if (auto begun = begin(); !begun) return begun.error();
        // A job that throws (a bug, bad_alloc) must not leave the transaction open: the next
        // BEGIN would fail and every later step of every project with it.
        struct rollback_unless_done {
            database& db;
            bool done = false;
            ~rollback_unless_done() {
                if (!done) (void)db.end(false);
            }
        } guard{*this};
        auto outcome = fn(*this);
        guard.done = true;
        if (!outcome) {
            (void)end(false);
            return outcome;
        }
        if (auto committed = end(true); !committed) return committed.error();
        return outcome;
    }

    // Rows the last statement inserted, updated or deleted.
    [[nodiscard]] int changes() const;
    [[nodiscard]] engine kind() const;
    // The file's path, or the server as user@host:port/database (never a password): for messages.
    [[nodiscard]] const std::string& path() const { return where_; }

private:
    database(std::unique_ptr<connection_backend> backend, std::string where);
    result<void> begin();
    // Commits (or rolls back) the innermost open transaction; a failed commit rolls it back.
    result<void> end(bool commit);

    std::unique_ptr<connection_backend> backend_;
    std::string where_;
    int depth_ = 0;  // open transactions: 1 = BEGIN, more = savepoints
};

}  // namespace hvs::store
