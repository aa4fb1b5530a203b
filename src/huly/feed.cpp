#include "hvs/huly/feed.hpp"

#include <boost/json/parse.hpp>

#include <set>

namespace hvs::huly {
namespace {

namespace json = boost::json;

// huly-change-watcher's checkForChanges: `LIMIT 100` task rows, `LIMIT 50` project rows per poll.
constexpr std::size_t watcher_task_limit = 100;
constexpr std::size_t watcher_project_limit = 50;

std::chrono::system_clock::time_point change_time(const json::object& data, std::chrono::system_clock::time_point now) {
    const auto* modified = data.if_contains("modifiedOn");
    if (!modified || !(modified->is_int64() || modified->is_uint64() || modified->is_double())) return now;
    const auto ms = modified->to_number<std::int64_t>();
    return std::chrono::system_clock::time_point(std::chrono::milliseconds{ms});
}

}  // namespace

std::string_view project_of_issue(std::string_view identifier) {
    const auto dash = identifier.find('-');
    if (dash == std::string_view::npos || dash == 0) return {};
    return identifier.substr(0, dash);
}

std::vector<net::feed_signal> feed_interpreter::opened(std::chrono::system_clock::time_point now) {
    return {net::resync_signal(now)};
}

std::vector<net::feed_signal> feed_interpreter::read(const net::sse_event& event,
                                                     std::chrono::system_clock::time_point now) {
    return read_change_message(event.data, now);
}

namespace {

// The signals of a parsed watcher message; an error saying why when it cannot be read (the
// 100- and 50-row cuts are readable: they say "resync").
result<std::vector<net::feed_signal>> read_watcher_events(const json::object& message,
                                                         std::chrono::system_clock::time_point now) {
    const auto* events = message.if_contains("events");
    if (!events || !events->is_array()) return make_error(error_kind::invalid, "no \"events\" array");

    std::vector<net::feed_signal> signals;
    std::set<std::string, std::less<>> projects_seen;
    std::size_t task_rows = 0;
    std::size_t project_rows = 0;
    for (const auto& item : events->as_array()) {
        const auto* e = item.if_object();
        const auto* type = e ? e->if_contains("type") : nullptr;
        const auto* data = e ? e->if_contains("data") : nullptr;
        if (!type || !type->is_string() || !data || !data->is_object()) {
            return make_error(error_kind::invalid, "an event without a \"type\" string and a \"data\" object");
        }
        const auto* identifier = data->as_object().if_contains("identifier");
        const std::string_view id = identifier && identifier->is_string() ? std::string_view(identifier->as_string())
                                                                          : std::string_view();
        if (*type == "issue.updated" || *type == "task.updated") ++task_rows;
        if (*type == "project.updated") ++project_rows;
        if (*type == "issue.updated") {
            const auto project = project_of_issue(id);
            if (project.empty()) return make_error(error_kind::invalid, "an issue.updated without an issue identifier");
            if (projects_seen.insert(std::string(project)).second) {
                signals.push_back(net::project_signal(std::string(project), change_time(data->as_object(), now)));
            }
        } else if (*type == "project.updated") {
            net::feed_signal refresh;
            if (!id.empty()) refresh.project = std::string(id);
            refresh.refresh_projects = true;
            refresh.at = change_time(data->as_object(), now);
            signals.push_back(std::move(refresh));
        }
    }
    if (task_rows >= watcher_task_limit || project_rows >= watcher_project_limit) return std::vector{net::resync_signal(now)};
    return signals;
}

result<json::object> parse_watcher_message(std::string_view body) {
    boost::system::error_code ec;
    json::value message = json::parse(body, ec);
    if (ec) return make_error(error_kind::invalid, "not JSON (" + ec.message() + ")");
    if (!message.is_object()) return make_error(error_kind::invalid, "not a JSON object");
    return std::move(message.as_object());
}

}  // namespace

std::vector<net::feed_signal> read_change_message(std::string_view body, std::chrono::system_clock::time_point now) {
    auto message = parse_watcher_message(body);
    if (!message) return {net::resync_signal(now)};
    if (!message->if_contains("events") && message->if_contains("connected")) return {};  // the greeting
    auto signals = read_watcher_events(*message, now);
    if (!signals) return {net::resync_signal(now)};
    return std::move(*signals);
}

result<std::vector<net::feed_signal>> read_webhook_delivery(std::string_view body,
                                                            std::chrono::system_clock::time_point now) {
    auto message = parse_watcher_message(body);
    if (!message) return message.error();
    return read_watcher_events(*message, now);
}

net::feed_params default_feed_params() {
    net::feed_params params;
    params.stream.name = "huly feed";
    params.stream.idle_timeout = std::chrono::milliseconds{0};
    return params;
}

result<std::unique_ptr<net::event_feed>> make_feed(net::executor ex, const net::base_url& events_url,
                                                   net::feed_params params,
                                                   net::event_feed::signal_handler on_signal) {
    return net::event_feed::create(std::move(ex), events_url, std::move(params), std::make_unique<feed_interpreter>(),
                                   std::move(on_signal));
}

}  // namespace hvs::huly
