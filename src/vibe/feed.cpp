#include "hvs/vibe/feed.hpp"

#include <boost/json/parse.hpp>

#include <charconv>

namespace hvs::vibe {
namespace {

namespace json = boost::json;

constexpr std::string_view entries_prefix = "/entries/";

std::optional<std::uint64_t> patch_entry_number(std::string_view path) {
    if (!path.starts_with(entries_prefix)) return std::nullopt;
    path.remove_prefix(entries_prefix.size());
    std::uint64_t n = 0;
    auto [ptr, ec] = std::from_chars(path.data(), path.data() + path.size(), n);
    if (ec != std::errc() || ptr != path.data() + path.size()) return std::nullopt;
    return n;
}

const json::string* patch_string(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? &v->as_string() : nullptr;
}

// One `add` operation of the patch; false when it is not one this reader understands.
bool read_patch_operation(const json::value& op, feed_reading& out) {
    if (!op.is_object()) return false;
    const auto& o = op.as_object();
    const auto* name = patch_string(o, "op");
    const auto* path = patch_string(o, "path");
    const auto* value = o.if_contains("value");
    if (!name || *name != "add" || !path || !value || !value->is_object()) return false;
    auto n = patch_entry_number(*path);
    if (!n) return false;
    out.entries.push_back(*n);
    const auto* record = value->as_object().if_contains("record");
    if (!record || !record->is_object()) return false;
    const auto* type = patch_string(record->as_object(), "type");
    if (!type) return false;
    if (*type == "DELETED_TASK") {
        out.resync_all = true;
        return true;
    }
    if (*type != "TASK") return true;  // attempts, execution processes: nothing the sync reads
    const auto* data = record->as_object().if_contains("data");
    const auto* project = data && data->is_object() ? patch_string(data->as_object(), "project_id") : nullptr;
    if (!project || project->empty()) return false;
    out.projects.emplace_back(*project);
    return true;
}

}  // namespace

feed_reading read_feed_event(const net::sse_event& event) {
    feed_reading out;
    if (event.type != "json_patch") {
        out.resync_all = true;
        return out;
    }
    boost::system::error_code ec;
    const json::value patch = json::parse(event.data, ec);
    if (ec || !patch.is_array() || patch.as_array().empty()) {
        out.resync_all = true;
        return out;
    }
    for (const auto& op : patch.as_array()) {
        if (!read_patch_operation(op, out)) out.resync_all = true;
    }
    return out;
}

std::vector<net::feed_signal> feed_interpreter::opened(std::chrono::system_clock::time_point now) {
    last_entry_.reset();
    return {net::resync_signal(now)};
}

std::vector<net::feed_signal> feed_interpreter::read(const net::sse_event& event,
                                                     std::chrono::system_clock::time_point now) {
    feed_reading reading = read_feed_event(event);
    // n counts every change the server saw: a jump past the next one means events were lost. (One
    // arriving late, below the highest, is not a loss: the server numbers them from concurrent tasks.)
    bool lost = false;
    for (auto n : reading.entries) {
        if (last_entry_ && n > *last_entry_ + 1) lost = true;
        if (!last_entry_ || n > *last_entry_) last_entry_ = n;
    }
    if (reading.resync_all || lost) return {net::resync_signal(now)};
    std::vector<net::feed_signal> signals;
    for (auto& project : reading.projects) {
        signals.push_back(net::project_signal(std::move(project), now));
    }
    return signals;
}

net::feed_params default_feed_params() {
    net::feed_params params;
    params.stream.name = "vibe feed";
    params.stream.idle_timeout = std::chrono::milliseconds{45'000};
    return params;
}

result<std::unique_ptr<net::event_feed>> make_feed(net::executor ex, const net::base_url& vibe_api,
                                                   net::feed_params params,
                                                   net::event_feed::signal_handler on_signal) {
    net::base_url events = vibe_api;
    events.path += "/events";
    return net::event_feed::create(std::move(ex), events, std::move(params), std::make_unique<feed_interpreter>(),
                                   std::move(on_signal));
}

}  // namespace hvs::vibe
