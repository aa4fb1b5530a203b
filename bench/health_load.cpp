// S4 health under load: while the S1-large tools sync runs, a separate client (its own thread, a
// plain blocking keep-alive connection, as a health checker would) polls GET /health at 500
// requests/s on the service's ops server, which serves on the same io_context as the sync.
//
// What /health shows during a tools sync: the ops server is built from the same runtime as the
// sync, so its Letta entry carries the sync's live request count, pool and limiter figures; no
// cycle has run yet ("cycle_running": false, "last_cycle": null) and the service has just started,
// so the status is "healthy". Every answer must be 200 with "status":"healthy"; anything else
// (another status, an I/O error, a timeout, a body that is not JSON) counts as a failure.

#include "tool_fanout.hpp"

#include "hvs/service/ops_server.hpp"
#include "hvs/service/scheduler.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

namespace hvs::bench {
namespace {

namespace json = boost::json;
namespace beast = boost::beast;
namespace http = beast::http;
using clock_type = std::chrono::steady_clock;

class health_poller final : public fanout_probe {
public:
    explicit health_poller(double rate) : rate_(rate) {}

    void start(boost::asio::io_context&, service::runtime& rt, const core::config& cfg) override {
        loop_ = std::make_unique<service::scheduler>(rt, service::schedule{.interval = cfg.sync_interval, .grace = std::chrono::seconds(5)}, status_);
        ops_ = std::make_unique<service::ops_server>(rt, *loop_, status_, cfg);
        auto port = ops_->listen("127.0.0.1", 0);
        if (!port) throw std::runtime_error("the ops server cannot listen: " + port.error().describe());
        started_ = clock_type::now();
        thread_ = std::thread([this, p = *port] { poll(p); });
    }

    void stop(boost::asio::io_context& ioc) override {
        stopping_ = true;
        // The poller may be waiting for an answer: keep serving until it has finished.
        while (!finished_) {
            if (ioc.stopped()) ioc.restart();
            ioc.run_one_for(std::chrono::milliseconds(5));
        }
        thread_.join();
        duration_ = std::chrono::duration<double>(clock_type::now() - started_).count();
        ops_->stop();
        ioc.restart();
        ioc.run_for(std::chrono::milliseconds(20));  // let the closed session finish
        ops_.reset();
        loop_.reset();
    }

    void report(figures& f) const override {
        std::vector<double> sorted = latencies_ms_;
        std::sort(sorted.begin(), sorted.end());
        auto percentile = [&](double q) {
            if (sorted.empty()) return 0.0;
            auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
            return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
        };
        json::object reasons;
        for (const auto& [reason, n] : failure_reasons_) reasons[reason] = n;
        f.parameters["health_poll_rate"] = rate_;
        f.extra["health"] = json::object{{"polls", polls_},
                                         {"failures", failures_},
                                         {"failure_reasons", std::move(reasons)},
                                         {"achieved_rate", duration_ > 0 ? static_cast<double>(polls_) / duration_ : 0.0},
                                         {"p50_ms", percentile(0.50)},
                                         {"p99_ms", percentile(0.99)},
                                         {"max_ms", sorted.empty() ? 0.0 : sorted.back()},
                                         {"letta_requests_seen_max", letta_requests_seen_}};
        f.errors += failures_;
        if (polls_ == 0) f.wrong.push_back("/health was never polled");
    }

private:
    void poll(std::uint16_t port) {
        boost::asio::io_context io;
        const boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"), port);
        std::optional<beast::tcp_stream> stream;
        const auto period = std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(1.0 / rate_));
        auto next = clock_type::now();
        while (!stopping_) {
            std::this_thread::sleep_until(next);
            next += period;
            if (next < clock_type::now()) next = clock_type::now();  // late: skip the missed slots
            ++polls_;
            const auto sent = clock_type::now();
            auto failure = exchange(io, endpoint, stream);
            const double ms = std::chrono::duration<double, std::milli>(clock_type::now() - sent).count();
            if (failure) {
                ++failures_;
                ++failure_reasons_[*failure];
                stream.reset();
            } else {
                latencies_ms_.push_back(ms);
            }
        }
        finished_ = true;
    }

    // One GET /health on the kept-alive connection (opened when there is none); the reason it
    // failed, or nullopt.
    std::optional<std::string> exchange(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
                                        std::optional<beast::tcp_stream>& stream) {
        boost::system::error_code ec;
        if (!stream) {
            stream.emplace(io);
            stream->expires_after(std::chrono::seconds(5));
            stream->connect(endpoint, ec);
            if (ec) return "connect: " + ec.message();
        }
        stream->expires_after(std::chrono::seconds(5));
        http::request<http::empty_body> req{http::verb::get, "/health", 11};
        req.set(http::field::host, "127.0.0.1");
        req.keep_alive(true);
        http::write(*stream, req, ec);
        if (ec) return "write: " + ec.message();
        beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(*stream, buffer, res, ec);
        if (ec) return "read: " + ec.message();
        if (!res.keep_alive()) stream.reset();
        if (res.result() != http::status::ok) return "HTTP " + std::to_string(res.result_int());
        auto body = json::parse(res.body(), ec);
        if (ec || !body.is_object()) return "body is not a JSON object";
        const auto* status = body.as_object().if_contains("status");
        if (!status || !status->is_string() || status->as_string() != "healthy") return "status is not healthy";
        if (const auto* letta = body.find_pointer("/upstreams/letta/requests", ec); letta && letta->is_number()) {
            letta_requests_seen_ = std::max(letta_requests_seen_, letta->to_number<std::uint64_t>());
        }
        return std::nullopt;
    }

    const double rate_;
    service::service_status status_;
    std::unique_ptr<service::scheduler> loop_;
    std::unique_ptr<service::ops_server> ops_;
    std::thread thread_;
    std::atomic<bool> stopping_{false}, finished_{false};
    clock_type::time_point started_;
    double duration_ = 0;
    // Written by the polling thread only, read after it was joined.
    std::uint64_t polls_ = 0, failures_ = 0, letta_requests_seen_ = 0;
    std::map<std::string, std::uint64_t> failure_reasons_;
    std::vector<double> latencies_ms_;
};

}  // namespace

figures health_under_load(const run_settings& run) {
    health_poller poller(500);
    return tool_fanout({"S4 health under load", 1000, 20, 50, 200, 20, 64}, run, &poller);
}

}  // namespace hvs::bench
