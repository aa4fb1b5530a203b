#include "hvs/store/instance_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <thread>

namespace hvs::store {
namespace {

std::string utc_now() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    char out[32];
    std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return out;
}

std::string host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
    return name;
}

std::optional<lock_holder> read_holder_once(int fd) {
    std::string text(4096, '\0');
    ssize_t n = ::pread(fd, text.data(), text.size(), 0);
    if (n <= 0) return std::nullopt;
    text.resize(static_cast<std::size_t>(n));
    return parse_lock_holder(text);
}

// The holder writes who it is just after it took the lock: one that has only just taken it may
// not have yet, so look a few more times (within half a second) before calling it unknown.
std::optional<lock_holder> read_holder(int fd) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
    for (;;) {
        auto holder = read_holder_once(fd);
        if (holder || std::chrono::steady_clock::now() >= give_up) return holder;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

void write_holder(int fd, const lock_holder& holder) {
    // Who holds it is information for the refused, not a correctness matter: failures are ignored.
    auto text = format_lock_holder(holder);
    if (::ftruncate(fd, 0) != 0) return;
    [[maybe_unused]] auto written = ::pwrite(fd, text.data(), text.size(), 0);
}

bool try_lock(int fd, int& err) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return true;
    err = errno;
    return false;
}

}  // namespace

std::string lock_path_of(const std::string& db_path) { return db_path + ".lock"; }

std::optional<lock_holder> parse_lock_holder(std::string_view text) {
    lock_holder holder;
    while (!text.empty()) {
        auto end = text.find('\n');
        auto line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        auto eq = line.find('=');
        if (eq == std::string_view::npos) continue;
        auto key = line.substr(0, eq);
        std::string value(line.substr(eq + 1));
        if (key == "pid") {
            char* parse_end = nullptr;
            long pid = std::strtol(value.c_str(), &parse_end, 10);
            if (parse_end && *parse_end == '\0' && pid > 0) holder.pid = pid;
        } else if (key == "host") {
            holder.host = value;
        } else if (key == "since") {
            holder.since = value;
        } else if (key == "command") {
            holder.command = value;
        }
    }
    if (holder.pid == 0) return std::nullopt;
    return holder;
}

std::string format_lock_holder(const lock_holder& holder) {
    return "pid=" + std::to_string(holder.pid) + "\nhost=" + holder.host + "\nsince=" + holder.since +
           "\ncommand=" + holder.command + "\n";
}

std::string describe_holder(const std::optional<lock_holder>& holder) {
    if (!holder) return "another process";
    std::string out = "pid " + std::to_string(holder->pid);
    if (!holder->host.empty()) out += " on host " + holder->host;
    if (!holder->since.empty()) out += " since " + holder->since;
    if (!holder->command.empty()) out += " (" + holder->command + ")";
    return out;
}

result<instance_lock> instance_lock::acquire(const std::string& db_path, const std::string& command,
                                             std::optional<std::chrono::seconds> wait) {
    const std::string path = lock_path_of(db_path);
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        return make_error(error_kind::io, "cannot open the database lock '" + path + "': " + std::strerror(errno));
    }
    instance_lock lock(fd);
    const auto deadline = std::chrono::steady_clock::now() + wait.value_or(std::chrono::seconds(0));
    int err = 0;
    while (!try_lock(fd, err)) {
        if (err != EWOULDBLOCK && err != EINTR) {
            return make_error(error_kind::io, "cannot lock '" + path + "': " + std::strerror(err));
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            std::string message = "the database '" + db_path + "' is in use by " + describe_holder(read_holder(fd)) +
                                  ": only one writing process at a time";
            message += wait ? "; waited " + std::to_string(wait->count()) + " s"
                            : "; stop it, or wait for it with --wait[=SECONDS]";
            return make_error(error_kind::io, std::move(message));
        }
        // The holder's exit is not signalled to us: look again a few times per second.
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    write_holder(fd, lock_holder{static_cast<long>(::getpid()), host_name(), utc_now(), command});
    return lock;
}

namespace {

// Beside the leases' own keys; one number for every huly-vibe-sync database on a server (the lock
// is per database: pg_locks rows carry the database's oid).
constexpr std::int64_t writers_lock_key = 48'173'500;

result<bool> try_advisory_lock(database& session, bool shared) {
    auto s = session.prepare(shared ? "SELECT pg_try_advisory_lock_shared(?1)" : "SELECT pg_try_advisory_lock(?1)");
    if (!s) return s.error();
    auto row = s->bind(1, writers_lock_key).step();
    if (!row) return row.error();
    return *row && s->text(0) == "t";
}

// Who holds the writers' lock: their application_name (what acquire_postgres set) and start.
std::string postgres_holders(database& session) {
    auto s = session.prepare(
        "SELECT a.application_name, to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
        "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
        "AND l.classid = 0 AND l.objid = ?1 AND l.objsubid = 1 AND l.database = "
        "(SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY a.backend_start");
    if (!s) return "another process";
    s->bind(1, writers_lock_key);
    std::string holders;
    for (;;) {
        auto row = s->step();
        if (!row || !*row) break;
        if (!holders.empty()) holders += ", ";
        holders += s->text(0) + " since " + s->text(1);
    }
    return holders.empty() ? "another process" : holders;
}

}  // namespace

result<instance_lock> instance_lock::acquire_postgres(const std::string& url, const std::string& where,
                                                      const std::string& command, writer_kind kind,
                                                      std::optional<std::chrono::seconds> wait) {
    const bool shared = kind == writer_kind::cycle;
    // application_name holds at most 63 bytes: the command, our pid and host, in that order.
    std::string name = "huly-vibe-sync " + command + " pid " + std::to_string(::getpid()) + " on " + host_name();
    name.resize(std::min<std::size_t>(name.size(), 63));
    auto session = database::open_postgres(url);
    if (!session) return session.error();
    auto named = session->prepare("SELECT set_config('application_name', ?1, false)");
    if (!named) return named.error();
    if (auto done = named->bind(1, name).step(); !done) return done.error();
    const auto deadline = std::chrono::steady_clock::now() + wait.value_or(std::chrono::seconds(0));
    for (;;) {
        auto locked = try_advisory_lock(*session, shared);
        if (!locked) return locked.error();
        if (*locked) return instance_lock(std::move(*session));
        if (std::chrono::steady_clock::now() >= deadline) {
            std::string message = "the database " + where + " is in use by " + postgres_holders(*session) +
                                  (shared ? ": a maintenance command holds it alone"
                                          : ": this command needs it alone, with no replica running");
            message += wait ? "; waited " + std::to_string(wait->count()) + " s"
                            : "; stop it, or wait for it with --wait[=SECONDS]";
            return make_error(error_kind::io, std::move(message));
        }
        // The holder's release is not signalled to us: look again a few times per second.
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

instance_lock& instance_lock::operator=(instance_lock&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.fd_;
        other.fd_ = -1;
        session_ = std::move(other.session_);
    }
    return *this;
}

instance_lock::~instance_lock() {
    // Closing the descriptor releases the lock; the file stays (removing it would race a waiter).
    // A PostgreSQL session's lock ends with its connection (session_'s destructor).
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace hvs::store
