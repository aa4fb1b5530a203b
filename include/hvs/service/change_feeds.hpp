#pragma once
// The service's change feeds, as the configuration asks for them: Vibe's /events stream (VIBE_EVENTS,
// when the Vibe generation has one) and huly-change-watcher's stream (HULY_EVENTS_URL), or its
// webhooks to POST /api/webhooks/huly instead (HULY_WEBHOOK_URL, huly_webhook_feed). Each feed's
// signals go to the scheduler (note_change); what each feed is doing is read by /health and
// /metrics. The feeds trigger syncs, they are never read as data.

#include "hvs/core/config.hpp"
#include "hvs/net/feed.hpp"
#include "hvs/service/change_batch.hpp"
#include "hvs/service/huly_webhook_feed.hpp"
#include "hvs/vibe/generation.hpp"

#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hvs::service {

// One feed, as /health and /metrics show it.
struct feed_view {
    std::string name;     // "vibe" | "huly"
    std::string source;   // "stream" (SSE) | "webhooks"
    net::feed_stats stats;
};

class change_feeds {
public:
    using signal_sink = std::function<void(change_side, const net::feed_signal&)>;

    // The feeds `cfg` configures (none is an empty set). `vibe_generation`: what the start-up
    // check found; a generation known to have no /events gets no Vibe feed. An error when a feed's
    // address cannot be used.
    static result<std::unique_ptr<change_feeds>> create(net::executor ex, const core::config& cfg,
                                                        std::optional<vibe::api_generation> vibe_generation,
                                                        signal_sink on_signal);

    // Opens every feed (each keeps reconnecting until stop()).
    void start();
    // Returns once every feed has opened (its first signal, the resync of an opened stream, was
    // delivered) or `limit` passed: a full poll that starts after that covers what the feeds'
    // opening asks for, so the service's first cycle is not followed by a second one at once.
    net::task<void> wait_until_open(std::chrono::milliseconds limit);
    // Ends every feed; returns once each has.
    net::task<void> stop();

    // True when both sides have a feed and each is connected: full polls may then slow down.
    [[nodiscard]] bool both_sides_connected() const;
    [[nodiscard]] std::vector<feed_view> views() const;

    // True when Huly's feed is the watcher's webhooks (HULY_WEBHOOK_URL).
    [[nodiscard]] bool receives_huly_webhooks() const { return huly_webhooks_ != nullptr; }
    // One webhook delivery's body (POST /api/webhooks/huly), read by the webhook feed: an error
    // (one line saying why) when unreadable — a resync was signalled then. Only when
    // receives_huly_webhooks().
    result<void> receive_huly_webhook(std::string_view body);

private:
    struct running_feed {
        std::string name;
        std::string source;
        std::unique_ptr<net::event_feed> feed;            // a stream, or
        std::unique_ptr<huly_webhook_feed> webhooks;      // the watcher's webhooks
        bool ended = true;
        bool heard = false;  // a signal was delivered

        [[nodiscard]] net::task<void> run() { return feed ? feed->run() : webhooks->run(); }
        void stop() { feed ? feed->stop() : webhooks->stop(); }
        [[nodiscard]] const net::feed_stats& stats() const { return feed ? feed->stats() : webhooks->stats(); }
    };

    explicit change_feeds(net::executor ex);
    void feed_ended(running_feed& f);
    // The sink of the feed at `index`: forwards its signals and notes that the feed has opened.
    [[nodiscard]] net::event_feed::signal_handler forward(std::size_t index, change_side side, signal_sink sink);

    net::executor executor_;
    std::vector<running_feed> feeds_;
    huly_webhook_feed* huly_webhooks_ = nullptr;  // in feeds_, when Huly's feed is webhooks
    boost::asio::steady_timer all_ended_;  // never expires: cancelled when the last running feed ends
    boost::asio::steady_timer all_heard_;  // cancelled when every feed has delivered a signal
};

}  // namespace hvs::service
