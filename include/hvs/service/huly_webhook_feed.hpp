#pragma once
// Huly's change feed as webhooks (HULY_WEBHOOK_URL): huly-change-watcher POSTs each poll's changes
// to the ops server's POST /api/webhooks/huly (oculairmedia/huly-webhook-implementation
// huly-change-watcher/src/index.js emitWebhooks: JSON body, 5 s timeout, no retry, no headers of
// ours), instead of the service reading its SSE stream. Two halves:
//   * receive(): a delivery's body read by huly::read_webhook_delivery → the signals, delivered
//     to the sink at once (no I/O); an unreadable body is refused AND signals a resync (something
//     changed and what is unknown);
//   * run(): keeps the subscription. The watcher keeps subscribers in memory only, so a restart
//     forgets us: at start and every `check` it GETs <watcher>/subscribers; when our URL is not
//     listed it POSTs /subscribe {"url"} and signals ONE resync (what changed while it forgot us
//     was never sent). The first successful check signals a resync too, as an opened stream does
//     (change_feeds::wait_until_open waits for it). A failed check is logged, counted and tried
//     again at the next one.
// Our URL carries ?token=<API_TOKEN> when the token is set (the watcher cannot send headers): it
// is never logged nor shown (logs say "subscribed <URL without its query>").

#include "hvs/net/feed.hpp"
#include "hvs/net/http_client.hpp"
#include "hvs/net/rate_limiter.hpp"

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace hvs::service {

struct huly_webhook_params {
    net::base_url watcher;            // the watcher's root: HULY_EVENTS_URL without its /events
    std::string our_url;              // HULY_WEBHOOK_URL, with ?token= when API_TOKEN is set
    std::string token;                // API_TOKEN (hidden from error text), empty when unset
    std::chrono::milliseconds check{30'000};
    net::client_params client;        // for the watcher's /subscribers and /subscribe
};

// The watcher's root of its events URL: ".../events" → "...", other paths as given.
[[nodiscard]] net::base_url watcher_root(net::base_url events_url);
// HULY_WEBHOOK_URL as subscribed: with `token` as its `token` query parameter when not empty.
[[nodiscard]] std::string subscribed_url(std::string_view webhook_url, std::string_view token);
// Whether the body of GET /subscribers ({"webhookSubscribers":[…],"count"}) lists `url`; an error
// when the body is not that shape.
[[nodiscard]] result<bool> lists_subscriber(std::string_view subscribers_body, std::string_view url);

class huly_webhook_feed {
public:
    using signal_handler = std::function<void(const net::feed_signal&)>;

    static result<std::unique_ptr<huly_webhook_feed>> create(net::executor ex, huly_webhook_params params,
                                                             signal_handler on_signal);

    // Checks the subscription now and every `check` until stopped or cancelled (nothing thrown).
    net::task<void> run();
    // Makes run() return soon (a check in progress is cancelled).
    void stop();

    // One delivery's body: its signals go to the sink; an unreadable body is an error saying why
    // (one line), after a resync was signalled.
    result<void> receive(std::string_view body, std::chrono::system_clock::time_point now);

    [[nodiscard]] const net::feed_stats& stats() const { return stats_; }

private:
    huly_webhook_feed(net::executor ex, huly_webhook_params params, signal_handler on_signal);
    net::task<void> check();
    net::task<result<bool>> subscribed();
    net::task<result<void>> subscribe();
    void deliver(const net::feed_signal& signal);
    void set_connected(bool connected);
    [[nodiscard]] std::string hidden(std::string text) const;

    huly_webhook_params params_;
    signal_handler on_signal_;
    net::rate_limiter unlimited_{0, 1};
    std::unique_ptr<net::http_client> client_;
    boost::asio::steady_timer wait_;
    boost::asio::cancellation_signal stop_check_;
    net::feed_stats stats_;
    std::uint64_t subscriptions_ = 0;
    bool opened_ = false;  // a check succeeded
    bool stopping_ = false;
};

}  // namespace hvs::service
