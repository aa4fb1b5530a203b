#pragma once
// The decisions of a connection pool as pure state (after Boost.MySQL's sansio_connection_node):
// how many connections are open, which idle one serves next, when a new one may be opened, who
// waits in which order, and which idle ones are closed. It holds no socket and reads no clock:
// the pool passes `now`, asks the socket whether an idle connection still looks alive through
// `alive`, and closes what `close` is handed. `Conn` is the pool's connection handle, `Waiter`
// its parked caller; tests drive it with plain values and a hand-set clock.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

namespace hvs::net {

struct pool_stats {
    std::uint64_t open = 0;        // connections open now (idle + in use + connecting)
    std::uint64_t idle = 0;        // open and waiting for a request
    std::uint64_t waiting = 0;     // callers waiting for a connection
    std::uint64_t created = 0;     // connections opened since start
    std::uint64_t reused = 0;      // acquisitions served by an idle connection
    std::uint64_t discarded = 0;   // connections closed as broken, expired or dead
};

// What becomes of a connection given back (or of the slot of one that failed to open).
template <class Conn, class Waiter>
struct pool_release {
    enum class action {
        hand_to_waiter,  // give `conn` to `waiter`, the longest waiting caller
        keep_idle,       // the pool keeps it for the next caller
        close,           // close `conn` (if any); `waiter`, if any, may open a new one in its place
    };
    action what = action::close;
    std::optional<Conn> conn;
    std::optional<Waiter> waiter;
};

template <class Conn, class Waiter>
class pool_state {
public:
    using time_point = std::chrono::steady_clock::time_point;
    using duration = std::chrono::steady_clock::duration;
    using release_decision = pool_release<Conn, Waiter>;

    pool_state(unsigned max_connections, duration idle_timeout)
        : max_connections_(std::max(1u, max_connections)), idle_timeout_(idle_timeout) {}

    // acquire, first: the most recently used idle connection that may serve again. Expired and
    // dead ones met on the way are handed to `close` and counted out.
    template <class Alive, class Close>
    std::optional<Conn> take_idle(time_point now, Alive&& alive, Close&& close) {
        while (!idle_.empty()) {
            auto entry = std::move(idle_.back());
            idle_.pop_back();
            if (usable(entry, now, alive)) {
                ++totals_.reused;
                return std::move(entry.conn);
            }
            discard(std::move(entry.conn), close);
        }
        return std::nullopt;
    }

    // acquire, when no idle connection serves: true reserves a slot for a new connection (it
    // counts as open from now); false means the caller queues (all slots taken, or others
    // already wait and come first).
    bool reserve_slot() {
        if (open_ >= max_connections_ || !waiters_.empty()) return false;
        ++open_;
        return true;
    }
    void enqueue(Waiter w) { waiters_.push_back(std::move(w)); }
    // A waiter gave up (deadline, cancellation) before anything was handed to it.
    void withdraw(const Waiter& w) { std::erase(waiters_, w); }

    // A reserved slot became a connection.
    void opened() { ++totals_.created; }
    // A reserved slot did not become a connection: the slot passes to the first waiter, if any.
    release_decision open_failed() { return free_slot(std::nullopt); }

    // A connection comes back at `now`; `healthy` is false when it is broken or its socket closed.
    release_decision release(Conn conn, bool healthy, time_point now) {
        if (!healthy) {
            ++totals_.discarded;
            return free_slot(std::move(conn));
        }
        if (!waiters_.empty()) {
            ++totals_.reused;
            return {release_decision::action::hand_to_waiter, std::move(conn), pop_waiter()};
        }
        idle_.push_back({std::move(conn), now});
        return {release_decision::action::keep_idle, std::nullopt, std::nullopt};
    }

    // Hands to `close` every idle connection that has expired by `now` or no longer looks alive.
    template <class Alive, class Close>
    void sweep(time_point now, Alive&& alive, Close&& close) {
        std::vector<idle_entry> kept;
        for (auto& entry : idle_) {
            if (usable(entry, now, alive)) {
                kept.push_back(std::move(entry));
            } else {
                discard(std::move(entry.conn), close);
            }
        }
        idle_ = std::move(kept);
    }

    // Hands every idle connection to `close` (shutting down; not counted as discarded).
    template <class Close>
    void close_idle(Close&& close) {
        for (auto& entry : idle_) {
            close(std::move(entry.conn));
            --open_;
        }
        idle_.clear();
    }

    [[nodiscard]] pool_stats stats() const {
        pool_stats s = totals_;
        s.open = open_;
        s.idle = idle_.size();
        s.waiting = waiters_.size();
        return s;
    }

private:
    struct idle_entry {
        Conn conn;
        time_point since;  // when it was given back
    };

    // Within the idle timeout, and (only then asked, as it touches the socket) alive.
    template <class Alive>
    bool usable(const idle_entry& entry, time_point now, Alive& alive) const {
        return now - entry.since < idle_timeout_ && alive(entry.conn);
    }

    template <class Close>
    void discard(Conn conn, Close& close) {
        close(std::move(conn));
        --open_;
        ++totals_.discarded;
    }

    release_decision free_slot(std::optional<Conn> closing) {
        if (waiters_.empty()) {
            --open_;
            return {release_decision::action::close, std::move(closing), std::nullopt};
        }
        return {release_decision::action::close, std::move(closing), pop_waiter()};  // the slot stays counted
    }

    Waiter pop_waiter() {
        Waiter next = std::move(waiters_.front());
        waiters_.pop_front();
        return next;
    }

    unsigned max_connections_;
    duration idle_timeout_;
    std::vector<idle_entry> idle_;  // most recently used last
    std::deque<Waiter> waiters_;
    std::uint64_t open_ = 0;
    pool_stats totals_;
};

}  // namespace hvs::net
