#include "hvs/service/huly_webhook_feed.hpp"

#include "hvs/core/log.hpp"
#include "hvs/huly/feed.hpp"
#include "hvs/service/ops_requests.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace hvs::service {
namespace {

namespace webhook_http = boost::beast::http;
namespace webhook_json = boost::json;

constexpr std::string_view events_segment = "/events";

}  // namespace

net::base_url watcher_root(net::base_url events_url) {
    auto& path = events_url.path;
    if (path.size() >= events_segment.size() && path.compare(path.size() - events_segment.size(), events_segment.size(),
                                                             events_segment) == 0) {
        path.erase(path.size() - events_segment.size());
    }
    return events_url;
}

std::string subscribed_url(std::string_view webhook_url, std::string_view token) {
    if (token.empty()) return std::string(webhook_url);
    const char separator = webhook_url.find('?') == std::string_view::npos ? '?' : '&';
    return std::string(webhook_url) + separator + "token=" + boost::urls::encode(token, boost::urls::unreserved_chars);
}

result<bool> lists_subscriber(std::string_view subscribers_body, std::string_view url) {
    boost::system::error_code ec;
    const auto body = webhook_json::parse(subscribers_body, ec);
    const auto* object = ec ? nullptr : body.if_object();
    const auto* urls = object ? object->if_contains("webhookSubscribers") : nullptr;
    if (!urls || !urls->is_array()) {
        return make_error(error_kind::protocol, "the watcher's /subscribers answer has no \"webhookSubscribers\" array");
    }
    for (const auto& listed : urls->as_array()) {
        if (listed.is_string() && listed.as_string() == url) return true;
    }
    return false;
}

huly_webhook_feed::huly_webhook_feed(net::executor ex, huly_webhook_params params, signal_handler on_signal)
    : params_(std::move(params)), on_signal_(std::move(on_signal)), wait_(std::move(ex)) {
    stats_.since = std::chrono::system_clock::now();
}

void huly_webhook_feed::set_connected(bool connected) {
    if (stats_.connected == connected) return;
    stats_.connected = connected;
    stats_.since = std::chrono::system_clock::now();
}

result<std::unique_ptr<huly_webhook_feed>> huly_webhook_feed::create(net::executor ex, huly_webhook_params params,
                                                                     signal_handler on_signal) {
    std::unique_ptr<huly_webhook_feed> feed(new huly_webhook_feed(ex, std::move(params), std::move(on_signal)));
    auto client = net::http_client::create(ex, feed->params_.watcher, feed->params_.client, feed->unlimited_);
    if (!client) return client.error();
    feed->client_ = std::move(*client);
    return feed;
}

std::string huly_webhook_feed::hidden(std::string text) const {
    return hide_addresses(std::move(text), {params_.our_url, params_.token});
}

void huly_webhook_feed::deliver(const net::feed_signal& signal) {
    ++stats_.signals;
    if (signal.resync_all) ++stats_.resyncs;
    on_signal_(signal);
}

result<void> huly_webhook_feed::receive(std::string_view body, std::chrono::system_clock::time_point now) {
    ++stats_.events;
    stats_.last_event = now;
    auto signals = huly::read_webhook_delivery(body, now);
    if (!signals) {
        log::logger lg("feeds");
        HVS_LOG(lg, warning) << "huly change feed: unreadable webhook delivery (" << signals.error().message
                             << "): every project will be synced";
        deliver(net::resync_signal(now));  // something changed; what is unknown
        return signals.error();
    }
    for (const auto& signal : *signals) deliver(signal);
    return {};
}

net::task<result<bool>> huly_webhook_feed::subscribed() {
    net::http_request req{webhook_http::verb::get, net::build_target(params_.watcher.path, {"subscribers"}), 11};
    auto answer = co_await client_->send(std::move(req));
    if (!answer) co_return answer.error();
    co_return lists_subscriber(answer->body(), params_.our_url);
}

net::task<result<void>> huly_webhook_feed::subscribe() {
    net::http_request req{webhook_http::verb::post, net::build_target(params_.watcher.path, {"subscribe"}), 11};
    req.set(webhook_http::field::content_type, "application/json");
    req.body() = webhook_json::serialize(webhook_json::object{{"url", params_.our_url}});
    auto answer = co_await client_->send(std::move(req));  // a Set's add: sending it again is harmless
    if (!answer) co_return answer.error();
    co_return result<void>{};
}

net::task<void> huly_webhook_feed::check() {
    log::logger lg("feeds");
    auto listed = co_await subscribed();
    result<void> outcome;
    if (listed && !*listed) outcome = co_await subscribe();
    if (!listed || !outcome) {
        if (stopping_) co_return;
        const error failure = listed ? outcome.error() : listed.error();
        set_connected(false);
        stats_.last_error = hidden(failure.describe());
        HVS_LOG(lg, warning) << "huly change feed: checking the watcher's webhook subscription failed (again in "
                             << params_.check.count() << " ms): " << stats_.last_error;
        co_return;
    }
    set_connected(true);
    const bool first = !opened_;
    opened_ = true;
    if (!*listed) {
        if (subscriptions_++ > 0) ++stats_.reconnects;
        HVS_LOG(lg, info) << "huly change feed: subscribed " << without_query(params_.our_url) << " at "
                          << params_.watcher.where.to_string() << params_.watcher.path;
    }
    // What changed before this check is unknown: before the feed's start, or while the watcher
    // forgot us (its deliveries then were never sent).
    if (first || !*listed) deliver(net::resync_signal(std::chrono::system_clock::now()));
}

net::task<void> huly_webhook_feed::run() {
    stopping_ = false;
    auto ex = co_await boost::asio::this_coro::executor;
    while (!stopping_) {
        // In its own coroutine thread, so that stop() ends a check waiting on the watcher.
        co_await boost::asio::co_spawn(ex, net::cancellation_as_values(check()),
                                       boost::asio::bind_cancellation_slot(stop_check_.slot(), boost::asio::use_awaitable));
        if (stopping_) break;
        wait_.expires_after(params_.check);
        auto [ec] = co_await wait_.async_wait(net::use_nothrow);
        if (ec) break;  // stopped or cancelled
    }
    set_connected(false);
}

void huly_webhook_feed::stop() {
    stopping_ = true;
    wait_.cancel();
    stop_check_.emit(boost::asio::cancellation_type::terminal);
}

}  // namespace hvs::service
