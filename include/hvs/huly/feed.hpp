#pragma once
// Huly's change feed: huly-change-watcher's GET /events (HULY_EVENTS_URL; oculairmedia/
// huly-webhook-implementation huly-change-watcher/src/index.js; upstreams-2026.md). Each SSE
// message is `{"connected": true}` (on connect) or `{"events":[{"type","timestamp","data"}]}`, one
// per poll of Huly's database with changes. What it tells the engine:
//   * `issue.updated` → the issue's project, the prefix of `data.identifier` ("PROJ-12" → "PROJ"),
//     at `data.modifiedOn` (the change's time), once per project per message;
//   * `project.updated` → the project list may have changed (refresh_projects, for that project);
//   * `task.updated` (other Huly classes) and unknown types → nothing;
//   * a message with 100 task rows or 50 project rows (the poll's LIMITs: more changes than that
//     were cut off and are never sent), an unreadable message or event → resync everything;
//   * a (re)connect → resync everything: the watcher has no replay and no ids, so what changed
//     while the stream was down is unknown.
// The watcher sends no keep-alive: a quiet Huly is a silent stream, so the default idle timeout is
// none and a half-open connection is only noticed by the kernel.

#include "hvs/net/feed.hpp"

#include <memory>
#include <string_view>

namespace hvs::huly {

class feed_interpreter final : public net::feed_interpreter {
public:
    std::vector<net::feed_signal> opened(std::chrono::system_clock::time_point now) override;
    std::vector<net::feed_signal> read(const net::sse_event& event, std::chrono::system_clock::time_point now) override;
};

// What one watcher message says: the data of an SSE message, or the body of a webhook delivery
// ({"source","timestamp","events"}: the same `events`). Pure; `now` stamps what has no time.
[[nodiscard]] std::vector<net::feed_signal> read_change_message(std::string_view json,
                                                                std::chrono::system_clock::time_point now);

// The body of a webhook delivery ({"source","timestamp","events"}) read as read_change_message
// reads it, except that an unreadable body is an error (error_kind::invalid, one line saying why)
// for the caller to refuse, instead of a resync signal. Pure.
[[nodiscard]] result<std::vector<net::feed_signal>> read_webhook_delivery(std::string_view body,
                                                                          std::chrono::system_clock::time_point now);

// The project identifier of an issue identifier ("PROJ-12" → "PROJ"); empty when it has none.
[[nodiscard]] std::string_view project_of_issue(std::string_view identifier);

// Defaults: name "huly feed", no idle timeout (see above).
[[nodiscard]] net::feed_params default_feed_params();

// The feed at `events_url`, the watcher's /events URL (e.g. http://huly-change-watcher:3459/events).
[[nodiscard]] result<std::unique_ptr<net::event_feed>> make_feed(net::executor ex, const net::base_url& events_url,
                                                                 net::feed_params params,
                                                                 net::event_feed::signal_handler on_signal);

}  // namespace hvs::huly
