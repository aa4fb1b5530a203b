#pragma once
// One writing process per database: an exclusive flock(2) on "<DB_PATH>.lock", held for the whole
// run of a command that writes (once, run, import-legacy, tools sync, letta cleanup --apply). The
// kernel releases it when the holder exits, however it exits, so a crash leaves no stale lock; the
// file itself only says who holds it (pid, host, since, command) for the one who is refused.
//
// PostgreSQL (shared by replicas): a session advisory lock on a connection of its own, released by
// the server when the connection ends, however it ends. Cycles (once, run) hold it shared — replicas
// run side by side and split the projects through leases — and the other writing commands hold it
// exclusively: they wait for, or are refused by, every running replica, as with SQLite. The holder
// is named by its connection's application_name.

#include "hvs/core/error.hpp"
#include "hvs/store/database.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace hvs::store {

// Who takes the writers' lock. SQLite: either holds it alone. PostgreSQL: cycles share it with
// each other (replicas split the projects through leases), maintenance commands hold it alone.
enum class writer_kind { cycle, maintenance };

struct lock_holder {
    long pid = 0;
    std::string host;
    std::string since;    // ISO 8601, UTC
    std::string command;  // once, run, …
};

// The holder as written in a lock file (pure, for tests); nullopt when the text says nothing usable.
[[nodiscard]] std::optional<lock_holder> parse_lock_holder(std::string_view text);
[[nodiscard]] std::string format_lock_holder(const lock_holder& holder);
// "pid 42 on host h since 2026-12-04T12:00:00Z (once)", or "another process" when unknown.
[[nodiscard]] std::string describe_holder(const std::optional<lock_holder>& holder);

class instance_lock {
public:
    // Takes the lock of the database at `db_path` for `command`. When another process holds it:
    // waits up to `wait` (nullopt = not at all), then fails with error_kind::io naming the holder
    // and how to wait. error_kind::io too when the lock file cannot be opened.
    static result<instance_lock> acquire(const std::string& db_path, const std::string& command,
                                         std::optional<std::chrono::seconds> wait);

    // PostgreSQL (`where` names the server in messages).
    static result<instance_lock> acquire_postgres(const std::string& url, const std::string& where,
                                                  const std::string& command, writer_kind kind,
                                                  std::optional<std::chrono::seconds> wait);

    instance_lock(instance_lock&& other) noexcept : fd_(other.fd_), session_(std::move(other.session_)) {
        other.fd_ = -1;
    }
    instance_lock& operator=(instance_lock&& other) noexcept;
    instance_lock(const instance_lock&) = delete;
    instance_lock& operator=(const instance_lock&) = delete;
    ~instance_lock();

private:
    explicit instance_lock(int fd) : fd_(fd) {}
    explicit instance_lock(database session) : session_(std::move(session)) {}
    int fd_ = -1;
    std::optional<database> session_;  // PostgreSQL: the connection that holds the advisory lock
};

// The lock file of the database at `db_path`.
[[nodiscard]] std::string lock_path_of(const std::string& db_path);

}  // namespace hvs::store
