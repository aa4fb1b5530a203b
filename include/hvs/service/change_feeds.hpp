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
    };

    explicit change_feeds(net::executor ex);
    void feed_ended(running_feed& f);

    net::executor executor_;
    std::vector<running_feed> feeds_;
    boost::asio::steady_timer all_ended_;  // never expires: cancelled when the last running feed ends
};

}  // namespace hvs::service
