#pragma once
// The service's change feeds, as the configuration asks for them: Vibe's /events stream (VIBE_EVENTS,
// when the Vibe generation has one) and huly-change-watcher's stream (HULY_EVENTS_URL). Each feed's
// signals go to the scheduler (note_change); what each feed is doing is read by /health and
// /metrics. The feeds trigger syncs, they are never read as data.

#include "hvs/core/config.hpp"
#include "hvs/net/feed.hpp"
#include "hvs/service/change_batch.hpp"
#include "hvs/vibe/generation.hpp"

#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
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
    [[nodiscard]] bool empty() const { return feeds_.empty(); }

private:
    struct running_feed {
        std::string name;
        std::string source;
        std::unique_ptr<net::event_feed> feed;
        bool ended = true;
        bool heard = false;  // a signal was delivered
    };

    explicit change_feeds(net::executor ex);
    void feed_ended(running_feed& f);
    // The sink of the feed at `index`: forwards its signals and notes that the feed has opened.
    [[nodiscard]] net::event_feed::signal_handler forward(std::size_t index, change_side side, signal_sink sink);

    net::executor executor_;
    std::vector<running_feed> feeds_;
    boost::asio::steady_timer all_ended_;  // never expires: cancelled when the last running feed ends
    boost::asio::steady_timer all_heard_;  // cancelled when every feed has delivered a signal
};

}  // namespace hvs::service
