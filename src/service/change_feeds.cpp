#include "hvs/service/change_feeds.hpp"

#include "hvs/core/log.hpp"
#include "hvs/huly/feed.hpp"
#include "hvs/service/ops_requests.hpp"
#include "hvs/service/runtime.hpp"
#include "hvs/vibe/feed.hpp"

#include <boost/asio/co_spawn.hpp>

#include <algorithm>

namespace hvs::service {
namespace {

namespace asio = boost::asio;

net::tls_options feed_tls(const core::config& cfg) {
    return net::tls_options{cfg.tls_verify, cfg.tls_ca_file};
}

// Vibe's /events exists in 0.0.71 up to the single-repo generation (vibe/feed.hpp).
bool vibe_has_feed(std::optional<vibe::api_generation> generation) {
    return !generation || *generation == vibe::api_generation::single_repo;
}

// The watcher's subscription: its root from HULY_EVENTS_URL, our URL with the token the watcher
// cannot send as a header, its HTTP client as Huly's (client_params_for).
huly_webhook_params huly_webhook_params_of(const core::config& cfg, const net::base_url& events_url) {
    huly_webhook_params params;
    params.watcher = watcher_root(events_url);
    params.our_url = subscribed_url(cfg.huly_webhook_url, cfg.api_token);
    params.token = cfg.api_token;
    params.check = cfg.huly_webhook_check;
    params.client = client_params_for("huly-change-watcher", cfg.huly, cfg);
    return params;
}

}  // namespace

change_feeds::change_feeds(net::executor ex) : executor_(ex), all_ended_(ex), all_heard_(ex) {}

net::event_feed::signal_handler change_feeds::forward(std::size_t index, change_side side, signal_sink sink) {
    return [this, index, side, sink = std::move(sink)](const net::feed_signal& signal) {
        if (!feeds_[index].heard) {
            feeds_[index].heard = true;
            if (std::all_of(feeds_.begin(), feeds_.end(), [](const running_feed& f) { return f.heard; })) {
                all_heard_.cancel();
            }
        }
        sink(side, signal);
    };
}

result<std::unique_ptr<change_feeds>> change_feeds::create(net::executor ex, const core::config& cfg,
                                                           std::optional<vibe::api_generation> vibe_generation,
                                                           signal_sink on_signal) {
    std::unique_ptr<change_feeds> feeds(new change_feeds(ex));
    if (cfg.vibe_events && !cfg.vibe_api_url.empty() && vibe_has_feed(vibe_generation)) {
        auto url = net::parse_base_url(cfg.vibe_api_url);
        if (!url) return make_error(error_kind::invalid, "VIBE_API_URL: " + url.error().message);
        auto params = vibe::default_feed_params();
        params.stream.tls = feed_tls(cfg);
        auto feed = vibe::make_feed(ex, *url, std::move(params),
                                    feeds->forward(feeds->feeds_.size(), change_side::vibe, on_signal));
        if (!feed) return feed.error();
        feeds->feeds_.push_back({"vibe", "stream", std::move(*feed), nullptr});
    }
    if (!cfg.huly_webhook_url.empty() && cfg.huly_events_url.empty()) {
        return make_error(error_kind::invalid,
                          "HULY_WEBHOOK_URL needs HULY_EVENTS_URL: the watcher's address (its /subscribe) comes from it");
    }
    if (!cfg.huly_webhook_url.empty() && cfg.api_token.empty() && !is_loopback_address(cfg.health_host)) {
        return make_error(error_kind::invalid, "HULY_WEBHOOK_URL needs API_TOKEN when HEALTH_HOST (" + cfg.health_host +
                                                   ") is not a loopback address: the ops server refuses "
                                                   "deliveries without the token there");
    }
    if (!cfg.huly_events_url.empty()) {
        auto url = net::parse_base_url(cfg.huly_events_url);
        if (!url) return make_error(error_kind::invalid, "HULY_EVENTS_URL: " + url.error().message);
        auto on_huly_signal = feeds->forward(feeds->feeds_.size(), change_side::huly, on_signal);
        if (!cfg.huly_webhook_url.empty()) {
            auto webhooks = huly_webhook_feed::create(ex, huly_webhook_params_of(cfg, *url), std::move(on_huly_signal));
            if (!webhooks) return webhooks.error();
            feeds->huly_webhooks_ = webhooks->get();
            feeds->feeds_.push_back({"huly", "webhooks", nullptr, std::move(*webhooks)});
        } else {
            auto params = huly::default_feed_params();
            params.stream.tls = feed_tls(cfg);
            auto feed = huly::make_feed(ex, *url, std::move(params), std::move(on_huly_signal));
            if (!feed) return feed.error();
            feeds->feeds_.push_back({"huly", "stream", std::move(*feed), nullptr});
        }
    }
    return feeds;
}

void change_feeds::start() {
    log::logger lg("feeds");
    all_ended_.expires_at(std::chrono::steady_clock::time_point::max());
    for (auto& f : feeds_) {
        if (!f.ended) continue;
        f.ended = false;
        HVS_LOG(lg, info) << f.name << " change feed: opening";
        asio::co_spawn(executor_, net::cancellation_as_values(f.run()),
                       [this, &f](std::exception_ptr) { feed_ended(f); });
    }
}

net::task<void> change_feeds::wait_until_open(std::chrono::milliseconds limit) {
    if (std::all_of(feeds_.begin(), feeds_.end(), [](const running_feed& f) { return f.heard; })) co_return;
    all_heard_.expires_after(limit);
    co_await all_heard_.async_wait(net::use_nothrow);
}

void change_feeds::feed_ended(running_feed& f) {
    f.ended = true;
    if (std::all_of(feeds_.begin(), feeds_.end(), [](const running_feed& g) { return g.ended; })) all_ended_.cancel();
}

net::task<void> change_feeds::stop() {
    for (auto& f : feeds_) f.stop();
    // A feed ends at its next step; a connect in progress, by its own timeout.
    if (std::any_of(feeds_.begin(), feeds_.end(), [](const running_feed& f) { return !f.ended; })) {
        co_await all_ended_.async_wait(net::use_nothrow);
    }
}

bool change_feeds::both_sides_connected() const {
    bool vibe = false, huly = false;
    for (const auto& f : feeds_) {
        if (!f.stats().connected) continue;
        (f.name == "vibe" ? vibe : huly) = true;
    }
    return vibe && huly;
}

std::vector<feed_view> change_feeds::views() const {
    std::vector<feed_view> out;
    for (const auto& f : feeds_) out.push_back({f.name, f.source, f.stats()});
    return out;
}

result<void> change_feeds::receive_huly_webhook(std::string_view body) {
    return huly_webhooks_->receive(body, std::chrono::system_clock::now());
}

}  // namespace hvs::service
