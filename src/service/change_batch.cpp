#include "hvs/service/change_batch.hpp"

#include <algorithm>

namespace hvs::service {
namespace {

using system_time = std::chrono::system_clock::time_point;

void keep_earliest(std::optional<system_time>& slot, system_time at) {
    if (!slot || at < *slot) slot = at;
}

void keep_earliest(std::map<std::string, system_time>& dirty, const std::string& project, system_time at) {
    auto [it, added] = dirty.try_emplace(project, at);
    if (!added && at < it->second) it->second = at;
}

}  // namespace

std::optional<system_time> change_batch::changed_at(const std::string& identifier, const std::string& vibe_id) const {
    std::optional<system_time> earliest;
    if (auto it = huly.find(identifier); it != huly.end()) keep_earliest(earliest, it->second);
    if (auto it = vibe.find(vibe_id); !vibe_id.empty() && it != vibe.end()) keep_earliest(earliest, it->second);
    if (everything_since) keep_earliest(earliest, *everything_since);
    return earliest;
}

void change_debouncer::mark(change_side side, const net::feed_signal& signal, steady_time now) {
    if (!pending()) first_mark_ = now;
    last_mark_ = now;
    if (signal.resync_all || !signal.project) {
        batch_.everything = true;
        keep_earliest(batch_.everything_since, signal.at);
        return;
    }
    keep_earliest(side == change_side::huly ? batch_.huly : batch_.vibe, *signal.project, signal.at);
}

std::optional<change_debouncer::steady_time> change_debouncer::due() const {
    if (!pending()) return std::nullopt;
    return std::min(last_mark_ + quiet_, first_mark_ + max_wait_);
}

change_batch change_debouncer::take() {
    return std::exchange(batch_, change_batch{});
}

}  // namespace hvs::service
