#pragma once
// A change feed: an upstream's event stream read as triggers, never as data. Each event is turned
// into signals by the upstream's interpreter — a project changed, the project list changed, or
// "resync everything" when the feed cannot say what changed (a (re)connect, a lost or unreadable
// event). event_feed keeps one stream open: it reconnects with backoff after every end and counts
// what happened for /health and /metrics.

#include "hvs/net/retry_policy.hpp"
#include "hvs/net/sse.hpp"

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hvs::net {

struct feed_signal {
    std::optional<std::string> project;   // the project that changed (Vibe: its id; Huly: its identifier)
    bool resync_all = false;              // what changed is unknown: every project may have
    std::chrono::system_clock::time_point at;  // when the change happened, or when the event arrived
    bool refresh_projects = false;        // the list of projects may have changed (Huly project.*)
};

[[nodiscard]] feed_signal resync_signal(std::chrono::system_clock::time_point at);
[[nodiscard]] feed_signal project_signal(std::string project, std::chrono::system_clock::time_point at);

// Turns one upstream's events into signals. Pure: no I/O, so its rules are tested without sockets.
class feed_interpreter {
public:
    virtual ~feed_interpreter() = default;
    // The stream (re)opened: what to signal for everything that may have happened while it was not.
    virtual std::vector<feed_signal> opened(std::chrono::system_clock::time_point now) = 0;
    // One event of the stream.
    virtual std::vector<feed_signal> read(const sse_event& event, std::chrono::system_clock::time_point now) = 0;
};

struct feed_params {
    sse_params stream;
    // The wait before reconnecting: backoff_delay(reconnect, failures in a row, jitter); a stream
    // that opened resets the count. max_attempts is not used: a feed never gives up.
    retry_policy reconnect{.max_attempts = 0, .base = milliseconds{500}, .max = milliseconds{30'000}};
};

struct feed_stats {
    bool connected = false;
    std::uint64_t events = 0;       // events received
    std::uint64_t signals = 0;      // signals delivered, resyncs included
    std::uint64_t reconnects = 0;   // connection attempts after the first
    std::uint64_t resyncs = 0;      // resync_all signals (connects and lost or unreadable events)
    std::optional<std::chrono::system_clock::time_point> last_event;
    // When `connected` last changed: connected since, or disconnected since (the feed's creation
    // until its first stream opens).
    std::optional<std::chrono::system_clock::time_point> since;
    std::string last_error;         // what ended the last stream (never a secret)
};

class event_feed {
public:
    using signal_handler = std::function<void(const feed_signal&)>;

    // Streams `url` (its path is the request target, "/" when empty).
    static result<std::unique_ptr<event_feed>> create(executor ex, const base_url& url, feed_params params,
                                                      std::unique_ptr<feed_interpreter> interpreter,
                                                      signal_handler on_signal);

    // Keeps the stream open until cancelled or stopped (then returns; nothing is thrown).
    task<void> run();
    // Makes run() return soon: ends the stream being read and the wait before a reconnect (a
    // connect in progress ends by its own timeout).
    void stop();

    [[nodiscard]] const feed_stats& stats() const { return stats_; }
    // Test hook: a source of numbers in [0, 1) for backoff jitter.
    void set_jitter_source(std::function<double()> source) { jitter_ = std::move(source); }

private:
    event_feed(std::string target, feed_params params, std::unique_ptr<sse_client> client,
               std::unique_ptr<feed_interpreter> interpreter, signal_handler on_signal);
    void deliver(const std::vector<feed_signal>& signals);
    void set_connected(bool connected);

    std::string target_;
    feed_params params_;
    std::unique_ptr<sse_client> client_;
    std::unique_ptr<feed_interpreter> interpreter_;
    signal_handler on_signal_;
    feed_stats stats_;
    std::function<double()> jitter_;
    std::optional<asio::steady_timer> backoff_;
    bool stopping_ = false;
};

}  // namespace hvs::net
