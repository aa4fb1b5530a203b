#include "hvs/sim/event_stream.hpp"

#include <algorithm>
#include <utility>

namespace hvs::sim {

event_stream::event_stream(response head, std::size_t capacity, std::chrono::milliseconds keep_alive,
                           std::string keep_alive_frame)
    : head_(std::move(head)),
      capacity_(capacity),
      keep_alive_(keep_alive),
      keep_alive_frame_(std::move(keep_alive_frame)) {}

void event_stream::push(std::string frame) {
    if (closed_) return;
    if (capacity_ > 0 && frames_.size() >= capacity_) {
        frames_.pop_front();
        ++dropped_;
    }
    frames_.push_back(std::move(frame));
    notify();
}

void event_stream::replay(std::deque<std::string> frames) {
    replayed_ = std::move(frames);
    notify();
}

std::deque<std::string> event_stream::take() {
    std::deque<std::string> out = std::exchange(replayed_, {});
    for (auto& frame : frames_) out.push_back(std::move(frame));
    frames_.clear();
    return out;
}

void event_stream::close() {
    closed_ = true;
    notify();
}

void event_stream::notify() const {
    if (wake_) wake_();
}

std::shared_ptr<event_stream> event_hub::subscribe(response head, std::size_t capacity,
                                                   std::chrono::milliseconds keep_alive) {
    prune();
    auto stream = std::make_shared<event_stream>(std::move(head), capacity, keep_alive);
    streams_.push_back(stream);
    return stream;
}

void event_hub::publish(const std::string& frame) {
    prune();
    for (const auto& weak : streams_) {
        if (auto stream = weak.lock()) stream->push(frame);
    }
}

void event_hub::close_all() {
    for (const auto& weak : streams_) {
        if (auto stream = weak.lock()) stream->close();
    }
    streams_.clear();
}

std::size_t event_hub::subscribers() const {
    prune();
    return streams_.size();
}

void event_hub::prune() const {
    std::erase_if(streams_, [](const std::weak_ptr<event_stream>& weak) {
        auto stream = weak.lock();
        return !stream || stream->closed();
    });
}

std::string sse_frame(std::string_view type, std::string_view data) {
    std::string frame;
    frame.reserve(type.size() + data.size() + 16);
    if (!type.empty()) frame.append("event: ").append(type).append("\n");
    frame.append("data: ").append(data).append("\n\n");
    return frame;
}

}  // namespace hvs::sim
