#include "hvs/service/change_batch.hpp"

#include <algorithm>

namespace hvs::service {
namespace {

using system_time = std::chrono::system_clock::time_point;

void keep_earliest(std::optional<system_time>& slot, system_time at) {
    if (!slot || at < *slot) slot = at;
}

}  // namespace

std::optional<system_time> change_batch::changed_at(const std::string& identifier, const std::string& vibe_id) const {
    std::optional<system_time> earliest;
    if (auto it = huly.find(identifier); it != huly.end()) keep_earliest(earliest, it->second);
    if (auto it = vibe.find(vibe_id); !vibe_id.empty() && it != vibe.end()) keep_earliest(earliest, it->second);
    if (everything_since) keep_earliest(earliest, *everything_since);
    return earliest;
}

void change_debouncer::note(std::optional<dirty>& slot, system_time changed, steady_time now) {
    if (!slot) {
        slot = dirty{changed, now, now};
        return;
    }
    slot->changed = std::min(slot->changed, changed);
    slot->last = now;
}

void change_debouncer::mark(change_side side, const net::feed_signal& signal, steady_time now) {
    if (signal.resync_all || !signal.project) {
        note(everything_, signal.at, now);
        return;
    }
    auto& map = side == change_side::huly ? huly_ : vibe_;
    std::optional<dirty> slot;
    if (auto it = map.find(*signal.project); it != map.end()) slot = it->second;
    note(slot, signal.at, now);
    map.insert_or_assign(*signal.project, *slot);
}

std::optional<change_debouncer::steady_time> change_debouncer::due() const {
    std::optional<steady_time> first;
    auto consider = [&](const dirty& d) {
        if (!first || due_of(d) < *first) first = due_of(d);
    };
    if (everything_) consider(*everything_);
    for (const auto& [project, d] : huly_) consider(d);
    for (const auto& [project, d] : vibe_) consider(d);
    return first;
}

void change_debouncer::take_into(dirty_map& from, std::map<std::string, system_time>& to,
                                 const std::function<bool(const dirty&)>& wanted) {
    for (auto it = from.begin(); it != from.end();) {
        if (!wanted(it->second)) {
            ++it;
            continue;
        }
        to.emplace(it->first, it->second.changed);
        it = from.erase(it);
    }
}

change_batch change_debouncer::take_due(steady_time now) {
    if (everything_ && due_of(*everything_) <= now) return take_all();
    change_batch batch;
    auto is_due = [&](const dirty& d) { return due_of(d) <= now; };
    take_into(huly_, batch.huly, is_due);
    take_into(vibe_, batch.vibe, is_due);
    return batch;
}

change_batch change_debouncer::take_all() {
    change_batch batch;
    if (everything_) {
        batch.everything = true;
        batch.everything_since = everything_->changed;
    }
    everything_.reset();
    auto all = [](const dirty&) { return true; };
    take_into(huly_, batch.huly, all);
    take_into(vibe_, batch.vibe, all);
    return batch;
}

}  // namespace hvs::service
