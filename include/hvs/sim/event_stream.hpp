#pragma once
// What a simulator streams to one subscriber of an event feed (Server-Sent Events), kept apart
// from the sockets: the simulator pushes frames (the SSE text of an event), sim::host sends them.
// A queue with a capacity drops its oldest frame when full, as a lagging receiver of a bounded
// broadcast channel loses the oldest messages (tokio::sync::broadcast, which Vibe Kanban uses).

#include "hvs/sim/simulator.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace hvs::sim {

class event_stream {
public:
    // `capacity` 0 = unbounded. `keep_alive` 0 = none; otherwise `keep_alive_frame` is sent after
    // each such silence.
    event_stream(response head, std::size_t capacity, std::chrono::milliseconds keep_alive = {},
                 std::string keep_alive_frame = ":\n\n");

    // Queues a frame; a full queue first drops its oldest one (counted in dropped()).
    void push(std::string frame);
    // Queues frames ahead of the live ones, outside the capacity (a history replayed on connect).
    void replay(std::deque<std::string> frames);
    // The frames queued so far, oldest first; the queue is empty afterwards.
    [[nodiscard]] std::deque<std::string> take();
    [[nodiscard]] bool pending() const { return !replayed_.empty() || !frames_.empty(); }
    // Ends the stream once the frames already queued are sent.
    void close();
    [[nodiscard]] bool closed() const { return closed_; }
    [[nodiscard]] std::uint64_t dropped() const { return dropped_; }

    [[nodiscard]] const response& head() const { return head_; }
    [[nodiscard]] std::chrono::milliseconds keep_alive() const { return keep_alive_; }
    [[nodiscard]] const std::string& keep_alive_frame() const { return keep_alive_frame_; }
    // Called after each push and on close (the sender's wake-up); empty to stop.
    void on_ready(std::function<void()> wake) { wake_ = std::move(wake); }

private:
    void notify() const;

    response head_;
    std::size_t capacity_;
    std::chrono::milliseconds keep_alive_;
    std::string keep_alive_frame_;
    std::deque<std::string> replayed_;
    std::deque<std::string> frames_;
    bool closed_ = false;
    std::uint64_t dropped_ = 0;
    std::function<void()> wake_;
};

// The subscribers of one feed: each published frame goes to every stream still being sent.
class event_hub {
public:
    std::shared_ptr<event_stream> subscribe(response head, std::size_t capacity,
                                            std::chrono::milliseconds keep_alive = {});
    void publish(const std::string& frame);
    // Closes every stream (a server restart, or a dropped connection in a test).
    void close_all();
    [[nodiscard]] std::size_t subscribers() const;

private:
    void prune() const;

    mutable std::vector<std::weak_ptr<event_stream>> streams_;
};

// "event: <type>\ndata: <data>\n\n" (no type line when `type` is empty); `data` holds no newline.
[[nodiscard]] std::string sse_frame(std::string_view type, std::string_view data);

}  // namespace hvs::sim
