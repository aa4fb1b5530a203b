#include "hvs/service/feed_driven.hpp"

namespace hvs::service {

result<std::unique_ptr<change_feeds>> feeds_for(scheduler& loop, runtime& rt, const core::config& cfg) {
    core::config wanted = cfg;
    if (cfg.dry_run) {
        wanted.vibe_events = false;
        wanted.huly_events_url.clear();
        wanted.huly_webhook_url.clear();
    }
    auto feeds = change_feeds::create(rt.executor(), wanted, rt.context().vibe.generation(),
                                      [&loop](change_side side, const net::feed_signal& signal) {
                                          loop.note_change(side, signal);
                                      });
    if (!feeds) return feeds.error();
    loop.set_feeds_healthy([raw = feeds->get()] { return raw->both_sides_connected(); });
    return feeds;
}

net::task<int> run_with_feeds(scheduler& loop, change_feeds& feeds, std::chrono::milliseconds open_limit) {
    feeds.start();
    co_await feeds.wait_until_open(open_limit);
    int code = co_await loop.run();
    co_await feeds.stop();  // they trigger nothing once the loop has stopped
    co_return code;
}

}  // namespace hvs::service
