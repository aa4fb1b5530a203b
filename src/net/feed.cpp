#include "hvs/net/feed.hpp"

#include <boost/asio/this_coro.hpp>

#include <random>

namespace hvs::net {

feed_signal resync_signal(std::chrono::system_clock::time_point at) {
    feed_signal signal;
    signal.resync_all = true;
    signal.at = at;
    return signal;
}

feed_signal project_signal(std::string project, std::chrono::system_clock::time_point at) {
    feed_signal signal;
    signal.project = std::move(project);
    signal.at = at;
    return signal;
}

result<std::unique_ptr<event_feed>> event_feed::create(executor ex, const base_url& url, feed_params params,
                                                       std::unique_ptr<feed_interpreter> interpreter,
                                                       signal_handler on_signal) {
    auto client = sse_client::create(std::move(ex), url.where, params.stream);
    if (!client) return client.error();
    std::string target = url.path.empty() ? "/" : url.path;
    return std::unique_ptr<event_feed>(new event_feed(std::move(target), std::move(params), std::move(*client),
                                                      std::move(interpreter), std::move(on_signal)));
}

event_feed::event_feed(std::string target, feed_params params, std::unique_ptr<sse_client> client,
                       std::unique_ptr<feed_interpreter> interpreter, signal_handler on_signal)
    : target_(std::move(target)),
      params_(std::move(params)),
      client_(std::move(client)),
      interpreter_(std::move(interpreter)),
      on_signal_(std::move(on_signal)) {
    stats_.since = std::chrono::system_clock::now();
    jitter_ = [engine = std::minstd_rand(std::random_device{}())]() mutable {
        return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
    };
}

void event_feed::deliver(const std::vector<feed_signal>& signals) {
    for (const auto& signal : signals) {
        ++stats_.signals;
        if (signal.resync_all) ++stats_.resyncs;
        on_signal_(signal);
    }
}

void event_feed::set_connected(bool connected) {
    if (stats_.connected == connected) return;
    stats_.connected = connected;
    stats_.since = std::chrono::system_clock::now();
}

void event_feed::stop() {
    stopping_ = true;
    client_->abort();
    if (backoff_) backoff_->cancel();
}

task<void> event_feed::run() {
    unsigned failures = 0;
    backoff_.emplace(co_await asio::this_coro::executor);
    for (bool first = true; !stopping_; first = false) {
        if (!first) ++stats_.reconnects;
        bool opened = false;
        std::function<void()> on_open = [&] {
            opened = true;
            set_connected(true);
            deliver(interpreter_->opened(std::chrono::system_clock::now()));
        };
        std::function<void(const sse_event&)> on_event = [&](const sse_event& event) {
            const auto now = std::chrono::system_clock::now();
            ++stats_.events;
            stats_.last_event = now;
            deliver(interpreter_->read(event, now));
        };
        error ended = co_await client_->stream(target_, std::move(on_open), std::move(on_event));
        set_connected(false);
        stats_.last_error = ended.describe();
        // A cancellation that arrived while no operation was pending cancels none: ask for it.
        const auto cancelled = (co_await asio::this_coro::cancellation_state).cancelled();
        if (stopping_ || ended.kind == error_kind::cancelled || cancelled != asio::cancellation_type::none) co_return;
        failures = opened ? 1 : failures + 1;
        backoff_->expires_after(backoff_delay(params_.reconnect, failures, jitter_()));
        auto [ec] = co_await backoff_->async_wait(use_nothrow);
        if (ec || (co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) co_return;
    }
}

}  // namespace hvs::net
