#include "hvs/sim/host.hpp"

#include "hvs/sim/http_util.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cmath>

namespace hvs::sim {
namespace {

namespace json = boost::json;
namespace http = boost::beast::http;
using steady_clock = std::chrono::steady_clock;

constexpr std::string_view admin_prefix = "/__admin/";

net::task<void> pause(std::chrono::milliseconds delay) {
    if (delay.count() <= 0) co_return;
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, delay);
    co_await timer.async_wait(net::use_nothrow);
}

response admin_error(std::string message) {
    return json_response(status::bad_request, json::object{{"error", std::move(message)}});
}

std::optional<fault_kind> fault_kind_named(std::string_view name) {
    if (name == "error") return fault_kind::error;
    if (name == "stall") return fault_kind::stall;
    if (name == "close") return fault_kind::close;
    if (name == "malformed") return fault_kind::malformed;
    return std::nullopt;
}

// Sends a stream's frames as they are pushed, and its keep-alive frame after each silence, until
// it is closed or the connection fails.
// Unhooks the sender's wake-up from a stream however the sender ends (its timer dies with it).
class wake_hook {
public:
    wake_hook(event_stream& stream, boost::asio::steady_timer& timer) : stream_(stream) {
        stream_.on_ready([&timer] { timer.cancel(); });
    }
    wake_hook(const wake_hook&) = delete;
    wake_hook& operator=(const wake_hook&) = delete;
    ~wake_hook() { stream_.on_ready({}); }

private:
    event_stream& stream_;
};

net::task<void> pump_stream(std::shared_ptr<event_stream> stream, net::body_writer& out) {
    boost::asio::steady_timer wake(co_await boost::asio::this_coro::executor);
    wake_hook hook(*stream, wake);
    bool open = true;
    while (open) {
        while (open && stream->pending()) {
            for (const auto& frame : stream->take()) {
                open = co_await out.write(frame);
                if (!open) break;
            }
        }
        if (!open || stream->closed()) break;
        if (stream->keep_alive().count() > 0) {
            wake.expires_after(stream->keep_alive());
        } else {
            wake.expires_at(steady_clock::time_point::max());
        }
        auto [ec] = co_await wake.async_wait(net::use_nothrow);
        if (!ec) open = co_await out.write(stream->keep_alive_frame());
    }
    stream->close();
}

json::object counts_json(const request_counts& counts) {
    json::object by_route;
    for (const auto& [route, n] : counts.by_route) by_route[route] = n;
    return {{"total", counts.total}, {"rejected", counts.rejected}, {"by_route", std::move(by_route)}};
}

}  // namespace

host::host(net::executor ex, simulator& sim, host_options options, net::server_params params)
    : sim_(sim),
      options_(options),
      admission_(options.rate, options.burst, steady_clock::now()),
      server_(std::move(ex), params, [this](request req) { return serve(std::move(req)); }) {
    server_.stream_with([this](const request& req) { return claim_stream(req); });
}

std::optional<net::streamed_reply> host::claim_stream(const request& req) {
    if (req.target().starts_with(admin_prefix)) return std::nullopt;
    auto stream = sim_.open_stream(req);
    if (!stream) return std::nullopt;
    ++counts_.total;
    ++counts_.by_route[sim_.route_of(req)];
    std::erase_if(streams_, [](const std::weak_ptr<event_stream>& s) { return s.expired(); });
    streams_.push_back(stream);
    response head = stream->head();
    return net::streamed_reply{std::move(head), [stream](net::body_writer& out) { return pump_stream(stream, out); }};
}

void host::drop_streams() {
    for (const auto& weak : streams_) {
        if (auto stream = weak.lock()) stream->close();
    }
    streams_.clear();
}

std::size_t host::open_streams() const {
    return static_cast<std::size_t>(std::count_if(streams_.begin(), streams_.end(), [](const auto& weak) {
        auto stream = weak.lock();
        return stream && !stream->closed();
    }));
}

result<std::uint16_t> host::listen(std::uint16_t port, const std::string& address) {
    return server_.listen(address, port);
}

void host::stop() {
    drop_streams();
    server_.stop();
}

void host::inject(fault f) {
    if (f.count > 0) faults_.push_back(std::move(f));
}

void host::clear_faults() { faults_.clear(); }

void host::set_rate(double rate, unsigned burst) {
    options_.rate = rate;
    options_.burst = burst;
    admission_ = net::token_bucket(rate, burst, steady_clock::now());
}

std::optional<fault> host::take_fault(const std::string& route) {
    for (auto it = faults_.begin(); it != faults_.end(); ++it) {
        if (it->route != "*" && it->route != route) continue;
        if (it->skip > 0) {
            --it->skip;
            return std::nullopt;
        }
        fault taken = *it;
        if (--it->count == 0) faults_.erase(it);
        return taken;
    }
    return std::nullopt;
}

namespace {

// Counts a request in progress for as long as its handler's frame lives (answered, closed or dropped).
// It shares the counter: a frame the io_context destroys after the host (a test's teardown) must
// not touch the host.
class in_progress_guard {
public:
    explicit in_progress_guard(std::shared_ptr<std::uint64_t> count) : count_(std::move(count)) { ++*count_; }
    in_progress_guard(const in_progress_guard&) = delete;
    in_progress_guard& operator=(const in_progress_guard&) = delete;
    ~in_progress_guard() { --*count_; }

private:
    std::shared_ptr<std::uint64_t> count_;
};

}  // namespace

net::task<std::optional<response>> host::serve(request req) {
    if (req.target().starts_with(admin_prefix)) co_return admin(req);
    in_progress_guard answering(in_progress_);

    const std::string route = sim_.route_of(req);
    ++counts_.total;
    ++counts_.by_route[route];

    auto now = steady_clock::now();
    if (!admission_.try_take(now)) {
        ++counts_.rejected;
        ++counts_.rejected_by_route[route];
        auto wait = std::chrono::duration<double>(admission_.until_available(now)).count();
        auto res = json_response(status::too_many_requests, json::object{{"detail", "Too many requests"}});
        res.set(http::field::retry_after, std::to_string(std::max(1L, static_cast<long>(std::ceil(wait)))));
        co_return res;
    }

    if (auto f = take_fault(route)) {
        switch (f->kind) {
        case fault_kind::error:
            co_return text_response(status::internal_server_error, "injected fault");
        case fault_kind::close:
            co_return std::nullopt;
        case fault_kind::stall:
            co_await pause(f->stall);
            break;
        case fault_kind::malformed: {
            co_await pause(options_.latency);
            auto res = sim_.handle(req);
            std::string body = res.body();
            res.body() = body.substr(0, body.size() / 2) + "\x01{";
            res.prepare_payload();
            co_return res;
        }
        }
    }
    co_await pause(options_.latency);
    co_return sim_.handle(req);
}

std::optional<response> host::admin(const request& req) {
    auto target = parse_target(req.target());
    std::string what = target ? target->path.substr(admin_prefix.size()) : std::string();
    const auto method = req.method();

    if (what == "state" && method == http::verb::get) return json_response(status::ok, sim_.state());
    if (what == "seed" && method == http::verb::post) {
        boost::system::error_code ec;
        auto document = json::parse(req.body(), ec);
        if (ec) return admin_error("seed is not JSON: " + ec.message());
        try {
            sim_.seed(document);
        } catch (const std::exception& ex) {
            return admin_error(std::string("seed rejected: ") + ex.what());
        }
        return json_response(status::ok, json::object{{"seeded", true}});
    }
    if (what == "drop-streams" && method == http::verb::post) {
        drop_streams();
        return json_response(status::ok, json::object{{"dropped", true}});
    }
    if (what == "requests" && method == http::verb::get) return json_response(status::ok, counts_json(counts_));
    if (what == "requests" && method == http::verb::delete_) {
        reset_counts();
        return json_response(status::ok, json::object{{"reset", true}});
    }
    if (what == "faults" && method == http::verb::delete_) {
        clear_faults();
        return json_response(status::ok, json::object{{"cleared", true}});
    }
    if (what == "faults" && method == http::verb::post) {
        boost::system::error_code ec;
        auto document = json::parse(req.body(), ec);
        if (ec || !document.is_object()) return admin_error("fault must be a JSON object");
        const auto& obj = document.as_object();
        fault f;
        if (auto* route = obj.if_contains("route"); route && route->is_string()) f.route = route->as_string();
        auto* kind = obj.if_contains("kind");
        auto parsed_kind = kind && kind->is_string() ? fault_kind_named(kind->as_string()) : std::nullopt;
        if (!parsed_kind) return admin_error("kind must be one of error|stall|close|malformed");
        f.kind = *parsed_kind;
        if (auto* count = obj.if_contains("count")) {
            if (!count->is_int64() || count->as_int64() < 1 || count->as_int64() > 1'000'000) {
                return admin_error("count must be an integer from 1 to 1000000");
            }
            f.count = static_cast<unsigned>(count->as_int64());
        }
        if (auto* skip = obj.if_contains("skip")) {
            if (!skip->is_int64() || skip->as_int64() < 0 || skip->as_int64() > 1'000'000) {
                return admin_error("skip must be an integer from 0 to 1000000");
            }
            f.skip = static_cast<unsigned>(skip->as_int64());
        }
        if (auto* stall = obj.if_contains("stall_ms")) {
            if (!stall->is_int64() || stall->as_int64() < 0 || stall->as_int64() > 600'000) {
                return admin_error("stall_ms must be an integer from 0 to 600000");
            }
            f.stall = std::chrono::milliseconds{stall->as_int64()};
        }
        inject(f);
        return json_response(status::ok, json::object{{"injected", true}, {"pending", faults_.size()}});
    }
    return json_response(status::not_found, json::object{{"error", "unknown admin endpoint"}});
}

}  // namespace hvs::sim
