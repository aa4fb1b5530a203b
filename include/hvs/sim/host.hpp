#pragma once
// Serves one simulator over HTTP on the caller's io_context and adds what a real deployment
// adds around an API: latency, an admitted request rate (beyond it: 429 with Retry-After),
// injected faults, and request counts by route. An admin API under /__admin/ exposes the same
// controls to other processes (it is neither counted, paced nor delayed):
//   GET    /__admin/state      the simulator's whole state
//   POST   /__admin/seed       replace the state from a seed document
//   GET    /__admin/requests   {"total":N,"rejected":N,"by_route":{route:N}}
//   DELETE /__admin/requests   reset the counters
//   POST   /__admin/faults     {"route":"GET /api/projects"|"*","kind":"error|stall|close|malformed",
//                               "count":N,"stall_ms":M}
//   DELETE /__admin/faults     clear pending faults
//   POST   /__admin/drop-streams  close every open event stream (a dropped feed connection)
// Event feeds (simulator::open_stream) are streamed as they are published; they are counted by
// route but neither paced nor faulted.

#include "hvs/net/http_server.hpp"
#include "hvs/net/token_bucket.hpp"
#include "hvs/sim/event_stream.hpp"
#include "hvs/sim/simulator.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace hvs::sim {

struct host_options {
    std::chrono::milliseconds latency{0};  // added before every answer
    double rate = 0;                       // admitted requests per second; 0 = unlimited
    unsigned burst = 1;
};

enum class fault_kind { error, stall, close, malformed };

struct fault {
    std::string route = "*";               // a route template from simulator::route_of, or "*"
    fault_kind kind = fault_kind::error;
    unsigned count = 1;                    // how many matching requests it affects
    unsigned skip = 0;                     // matching requests let through before the first affected
    std::chrono::milliseconds stall{0};    // for stall: the delay before the normal answer
};

struct request_counts {
    std::uint64_t total = 0;
    std::uint64_t rejected = 0;            // answered 429 by the admission rate
    std::map<std::string, std::uint64_t> by_route;           // every request, 429s included
    std::map<std::string, std::uint64_t> rejected_by_route;  // of those, the ones answered 429
};

class host {
public:
    host(net::executor ex, simulator& sim, host_options options, net::server_params params = {});

    // Binds 127.0.0.1 (or `address`) on `port` (0 = a free port) and starts serving.
    result<std::uint16_t> listen(std::uint16_t port, const std::string& address = "127.0.0.1");
    void stop();
    [[nodiscard]] std::uint16_t port() const { return server_.port(); }

    // Closes every event stream being sent (the connections end; subscribers must reconnect).
    void drop_streams();
    [[nodiscard]] std::size_t open_streams() const;

    void inject(fault f);
    void clear_faults();
    [[nodiscard]] request_counts counts() const { return counts_; }
    void reset_counts() { counts_ = {}; }
    // Requests being answered now (admin requests aside), stalled ones included: a test waits for
    // zero to know that requests its client gave up on have reached the simulator. (An observation
    // for tests, not an upstream behaviour: a real upstream also applies a request whose client
    // left, which is what the stall fault reproduces.)
    [[nodiscard]] std::uint64_t requests_in_progress() const { return *in_progress_; }
    void set_latency(std::chrono::milliseconds latency) { options_.latency = latency; }
    void set_rate(double rate, unsigned burst);

    [[nodiscard]] simulator& sim() { return sim_; }
    [[nodiscard]] const net::server_stats server_stats() const { return server_.stats(); }

private:
    net::task<std::optional<response>> serve(request req);
    std::optional<response> admin(const request& req);
    std::optional<fault> take_fault(const std::string& route);
    std::optional<net::streamed_reply> claim_stream(const request& req);

    simulator& sim_;
    host_options options_;
    net::token_bucket admission_;
    std::deque<fault> faults_;
    request_counts counts_;
    std::shared_ptr<std::uint64_t> in_progress_ = std::make_shared<std::uint64_t>(0);
    std::vector<std::weak_ptr<event_stream>> streams_;
    net::http_server server_;
};

}  // namespace hvs::sim
