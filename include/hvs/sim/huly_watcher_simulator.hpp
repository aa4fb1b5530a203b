#pragma once
// Simulator of huly-change-watcher (port 3459; oculairmedia/huly-webhook-implementation
// huly-change-watcher/src/index.js at 1f0568f; upstreams-2026.md "Huly change feed"): a Node service
// that polls Huly's database every POLL_INTERVAL ms and publishes what changed. Here it polls a Huly
// simulator's state (each issue's and project's modifiedOn) instead of CockroachDB. Reproduced:
//   * GET /events (any method, as `req.url === '/events'`): SSE without ids, keep-alives or replay:
//     `data: {"connected": true}` first, then one `data: {"events":[…]}` per poll with changes;
//     Node buffers writes to a slow subscriber without bound (nothing is dropped);
//   * POST /subscribe, POST /unsubscribe {"url"} and GET /subscribers: webhook subscribers kept in
//     memory only; each poll with changes POSTs {"source":"huly-change-watcher","timestamp",
//     "events"} to every one of them (5 s timeout, no retry, no signature; failures only logged);
//   * a poll: changes with modifiedOn after the previous poll's start, tasks newest first LIMIT 100
//     and projects LIMIT 50 (what is beyond is never reported), `issue.updated` for issues
//     (`task.updated` for other classes, which this simulator has none of), `project.updated`;
//     `status` is the status's reference, not its name;
//   * GET /health, GET /stats (pretty-printed), and `Not found` 404s without a content type;
//   * restart(): subscriptions back to WEBHOOK_URLS, streams end, and changes made while it was
//     down are never reported (lastChecked starts at the restart).
// The polling itself (a timer) and the webhook deliveries (HTTP POSTs) are I/O: run_watcher does
// them on the io_context; the simulator's poll() is the pure step.

#include "hvs/net/async.hpp"
#include "hvs/sim/event_stream.hpp"
#include "hvs/sim/simulator.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hvs::sim {

struct huly_watcher_options {
    std::chrono::milliseconds poll_interval{5'000};   // POLL_INTERVAL
    // WEBHOOK_URLS. The upstream's default, http://huly-vibe-sync:3000/webhook, names a host that
    // does not exist here, so the default is none.
    std::vector<std::string> webhook_urls;
    clock_fn clock;                                    // Date.now(); default: the system clock
};

struct huly_watcher_stats {
    std::uint64_t checks_performed = 0;
    std::uint64_t changes_detected = 0;
    std::uint64_t webhooks_sent = 0;
    std::uint64_t errors = 0;
};

class huly_watcher_simulator final : public simulator {
public:
    // Polls `huly`'s state() (the Huly simulator's shape), which must outlive this simulator.
    huly_watcher_simulator(const simulator& huly, huly_watcher_options options = {});

    [[nodiscard]] std::string_view name() const override { return "huly-watcher"; }
    [[nodiscard]] std::string route_of(const request& req) const override;
    response handle(const request& req) override;
    std::shared_ptr<event_stream> open_stream(const request& req) override;
    // The watcher has no state of its own to seed beyond its subscribers: {"webhookSubscribers":[…]}.
    void seed(const boost::json::value& document) override;
    [[nodiscard]] boost::json::value state() const override;

    // One poll (checkForChanges): the changes since the last one, sent to the SSE subscribers; the
    // webhook payload to POST to webhook_subscribers(), or nullopt when nothing changed.
    std::optional<boost::json::object> poll();
    // A delivery's outcome (emitWebhooks counts the successes).
    void delivered(bool ok);
    void restart();

    [[nodiscard]] std::vector<std::string> webhook_subscribers() const;
    [[nodiscard]] std::chrono::milliseconds poll_interval() const { return options_.poll_interval; }
    [[nodiscard]] const huly_watcher_stats& stats() const { return stats_; }

private:
    [[nodiscard]] std::int64_t now_ms() const;
    [[nodiscard]] boost::json::object stats_json() const;
    response change_subscription(const request& req, bool subscribe);

    const simulator& huly_;
    huly_watcher_options options_;
    std::vector<std::string> webhooks_;   // a JS Set: unique, in insertion order
    event_hub streams_;
    std::int64_t last_checked_ = 0;
    huly_watcher_stats stats_;
};

// Polls every poll_interval and POSTs each payload to the webhook subscribers (5 s timeout, no
// retry), until cancelled.
net::task<void> run_watcher(huly_watcher_simulator& watcher);

}  // namespace hvs::sim
