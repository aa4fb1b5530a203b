#pragma once
// Server-Sent Events (text/event-stream, WHATWG HTML §9.2): a pure incremental parser — bytes in,
// events out — and a client that reads one event stream over HTTP/1.1 (TLS as net::http_client)
// on the io_context as its chunks arrive, never buffering the whole body.

#include "hvs/net/async.hpp"
#include "hvs/net/connection_pool.hpp"
#include "hvs/net/tls.hpp"
#include "hvs/net/url.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hvs::net {

struct sse_event {
    std::string type = "message";      // the `event:` field, "message" when absent
    std::string data;                  // the `data:` lines joined with '\n'
    std::optional<std::string> id;     // the last `id:` seen on the stream so far (spec: it persists)
};

struct sse_limits {
    std::size_t max_line = 8 * 1024 * 1024;    // one line, its terminator excluded
    std::size_t max_event = 8 * 1024 * 1024;   // the data of one event
};

class sse_parser {
public:
    explicit sse_parser(sse_limits limits = {}) : limits_(limits) {}

    // Feeds the next bytes of the stream; appends each event they complete to `out`. Lines end in
    // CRLF, LF or CR (also split across calls); `:` lines are comments; unknown fields are ignored;
    // an event without data is not dispatched. A line or an event over its limit is
    // error_kind::protocol, after which the parser must not be fed again.
    result<void> feed(std::string_view bytes, std::vector<sse_event>& out);

    // The last valid `retry:` value (milliseconds), if any.
    [[nodiscard]] std::optional<milliseconds> retry() const { return retry_; }

private:
    result<void> line_done(std::vector<sse_event>& out);

    sse_limits limits_;
    std::string line_;
    bool after_cr_ = false;       // the last byte was CR: an LF right after it ends nothing
    bool first_line_ = true;      // a UTF-8 BOM may open the stream's first line
    std::string type_;
    std::string data_;
    bool has_data_ = false;
    std::optional<std::string> last_id_;
    std::optional<milliseconds> retry_;
};

struct sse_params {
    std::string name;                      // "vibe feed", "huly feed": used in error messages
    milliseconds connect_timeout{10'000};  // resolve, connect, TLS and the response header
    milliseconds idle_timeout{60'000};     // longest silence (no byte, keep-alives count); 0 = none
    sse_limits limits;
    std::size_t header_limit = 64 * 1024;
    std::string user_agent = "huly-vibe-sync/" HVS_VERSION;
    tls_options tls;
    resolve_step resolve;                  // empty: the system resolver
};

// Reads event streams from one origin. Not for concurrent use: one stream at a time.
class sse_client {
public:
    static result<std::unique_ptr<sse_client>> create(executor ex, const origin& where, sse_params params);

    // GETs `target` with `Accept: text/event-stream`; once a 200 text/event-stream header arrived
    // calls `on_open`, then `on_event` for each event as its bytes come. Returns only when the
    // stream ends, always with the error that ended it: closed (the server ended it), timeout
    // (connect or idle), protocol (not an event stream, an oversized line or event), http_* (a
    // status other than 200), cancelled (the caller's cancellation).
    task<error> stream(std::string target, std::function<void()> on_open,
                       std::function<void(const sse_event&)> on_event);
    // Ends the stream being read, if any, at once: stream() returns error_kind::cancelled. (Does
    // not depend on the caller's cancellation slot reaching the pending read.)
    void abort();

private:
    sse_client(origin where, sse_params params, std::unique_ptr<connection_pool> pool);

    origin where_;
    sse_params params_;
    std::unique_ptr<connection_pool> pool_;
    connection* reading_ = nullptr;  // the connection of the stream being read
    bool aborted_ = false;
};

}  // namespace hvs::net
