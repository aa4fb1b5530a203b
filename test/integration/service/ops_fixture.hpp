#pragma once
// The service as `run` wires it — runtime, scheduler, ops server — on the test's io_context against
// the simulators. The test thread keeps driving the io_context; each HTTP exchange with the ops
// server is made by a plain blocking client on a helper thread, so what is measured is the server
// as an operator's curl sees it.

#include "integration/sync/engine_fixture.hpp"

#include "hvs/service/ops_server.hpp"
#include "hvs/service/scheduler.hpp"

#include "support/blocking_http.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/json/parse.hpp>

#include <functional>
#include <future>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hvs::test {

class OpsTest : public EngineTest {
protected:
    using clock = std::chrono::steady_clock;
    using headers = std::vector<std::pair<boost::beast::http::field, std::string>>;

    void SetUp() override {
        EngineTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        cfg_.sync_interval = std::chrono::hours(1);  // only the first cycle and triggers run
        huly_.add_project("WEB", "Web", "");
        huly_.add_project("OPS", "Ops", "");
        huly_.add_issue("WEB", "Checkout bug", "Seen on iOS.", "Todo", "High");
        huly_.add_issue("WEB", "Apple Pay", "", "In Progress");
        huly_.add_issue("OPS", "Backups", "nightly", "Done");
    }

    void TearDown() override {
        if (loop_started_ && !loop_result_) {
            loop_->stop();
            if (!pump_until([&] { return loop_result_.has_value(); }, std::chrono::seconds(2))) {
                loop_->stop();  // the second stop cancels at once
                pump_until([&] { return loop_result_.has_value(); }, std::chrono::seconds(10));
            }
        }
        if (ops_) {
            ops_->stop();
            // Closed sessions finish (a handler still running uses the ops server) before it goes.
            EXPECT_TRUE(pump_until([&] { return ops_->server_stats().connections_open == 0; }, std::chrono::seconds(10)));
        }
        ioc_.restart();
        ioc_.poll();  // cancelled timers' handlers run
        ops_.reset();
        loop_.reset();
        EngineTest::TearDown();
    }

    [[nodiscard]] service::schedule schedule_with_grace(std::chrono::milliseconds grace) const {
        auto times = service::schedule_of(cfg_);
        times.grace = grace;
        return times;
    }

    // Builds the scheduler and the ops server from cfg_ (after any start_service) and listens on a
    // free port of `host` (loopback unless told; requests always go to 127.0.0.1).
    void start_ops(std::chrono::milliseconds grace = std::chrono::seconds(5), const std::string& host = "127.0.0.1") {
        loop_ = std::make_unique<service::scheduler>(*rt_, schedule_with_grace(grace), status_);
        ops_ = std::make_unique<service::ops_server>(*rt_, *loop_, status_, cfg_);
        auto port = ops_->listen(host, 0);
        ASSERT_TRUE(port) << port.error().describe();
        port_ = *port;
    }

    // Starts scheduler.run() as `run` does; its exit status lands in loop_result_.
    void start_loop() { start_loop(loop_->run()); }
    // The same for a body that runs the loop (service::run_with_feeds).
    void start_loop(net::task<int> body) {
        loop_started_ = true;
        boost::asio::co_spawn(ioc_, net::cancellation_as_values(std::move(body)), [this](std::exception_ptr e, int code) {
            loop_result_ = e ? -1 : code;
        });
    }

    // Drives the io_context until `done` or the limit; returns done().
    bool pump_until(const std::function<bool()>& done, clock::duration limit = std::chrono::seconds(30)) {
        auto deadline = clock::now() + limit;
        while (!done() && clock::now() < deadline) {
            if (ioc_.stopped()) ioc_.restart();
            ioc_.run_one_for(std::chrono::milliseconds(5));
        }
        return done();
    }
    void pump_for(clock::duration d) {
        auto deadline = clock::now() + d;
        pump_until([&] { return clock::now() >= deadline; }, d + std::chrono::seconds(1));
    }

    std::uint64_t cycles_recorded() const {
        std::uint64_t n = 0;
        for (const auto& [outcome, count] : status_.cycles_by_outcome) n += count;
        return n;
    }
    bool wait_for_cycles(std::uint64_t n) {
        return pump_until([&] { return cycles_recorded() >= n && !status_.running; });
    }

    // Runs `f` on a helper thread while this thread drives the io_context.
    template <class F>
    auto off_thread(F f) -> decltype(f()) {
        auto pending = std::async(std::launch::async, std::move(f));
        pump_until([&] { return pending.wait_for(std::chrono::seconds(0)) == std::future_status::ready; },
                   std::chrono::seconds(40));
        return pending.get();
    }

    raw_response call(boost::beast::http::verb method, const std::string& target, const headers& extra = {},
                      std::string body = "") {
        raw_request req{method, target, 11};
        for (const auto& [field, value] : extra) req.set(field, value);
        req.body() = std::move(body);
        const auto port = port_;
        return off_thread([port, req]() mutable { return blocking_exchange("127.0.0.1", port, std::move(req)); });
    }
    raw_response get(const std::string& target) { return call(boost::beast::http::verb::get, target); }
    boost::json::value get_json(const std::string& target) {
        auto res = get(target);
        boost::system::error_code ec;
        auto v = boost::json::parse(res.body(), ec);
        EXPECT_FALSE(ec) << target << " answered " << res.body();
        return v;
    }
    raw_response post_sync(const std::string& target = "/api/sync", std::optional<std::string> bearer = std::nullopt) {
        headers extra;
        if (bearer) extra.emplace_back(boost::beast::http::field::authorization, "Bearer " + *bearer);
        return call(boost::beast::http::verb::post, target, extra);
    }

    // Writes raw bytes to the ops server and reads one answer: its status, or nullopt when the
    // server closed the connection without one.
    std::optional<unsigned> raw_status(std::string bytes) {
        const auto port = port_;
        return off_thread([port, bytes]() -> std::optional<unsigned> {
            namespace beast = boost::beast;
            boost::asio::io_context io;
            beast::tcp_stream stream(io);
            stream.expires_after(std::chrono::seconds(15));
            boost::system::error_code ec;
            stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port), ec);
            if (ec) throw std::runtime_error("connect: " + ec.message());
            boost::asio::write(stream.socket(), boost::asio::buffer(bytes), ec);
            beast::flat_buffer buffer;
            beast::http::response_parser<beast::http::string_body> parser;
            beast::http::read(stream, buffer, parser, ec);
            if (ec) return std::nullopt;
            return parser.get().result_int();
        });
    }

    service::service_status status_;
    std::unique_ptr<service::scheduler> loop_;
    std::unique_ptr<service::ops_server> ops_;
    std::uint16_t port_ = 0;
    bool loop_started_ = false;
    std::optional<int> loop_result_;
};

}  // namespace hvs::test
