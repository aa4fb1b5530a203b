// The Vibe simulator's change feed, GET /api/events, as Vibe Kanban 0.0.71 serves it (BloopAI/vibe-kanban
// tag v0.0.71-20250901223354):
//   * crates/services/src/services/events.rs: an SQLite update hook turns each change of a `tasks` row
//     into one JSON patch `[{"op":"add","path":"/entries/{n}","value":{"db_op":…,"record":…}}]`, n a
//     counter from 1 since the process started; an insert or update carries the task as
//     `{"type":"TASK","data":{…}}`, a delete only `{"type":"DELETED_TASK","data":{"rowid":…}}`. The
//     patch goes through serde_json::Value, so every object's keys come out in alphabetical order.
//     The hook reads the row back on another connection, possibly before the write commits: the real
//     server then sends an insert as {"db_op":"insert","record":{"type":"DELETED_TASK",…}} (seen by
//     VibeContract.EventsReplayTheHistoryThenStreamTaskWritesAsJsonPatches/real) or an update with the
//     old row. That race is not reproduced: the simulator always sends the row as written.
//   * crates/utils/src/msg_store.rs: the history (a 100 MB byte budget, oldest dropped first) is
//     replayed to each new subscriber, then live messages come through tokio::sync::broadcast::channel(10000)
//     wrapped in a BroadcastStream whose Lagged errors are filtered out: a subscriber that falls
//     behind silently loses the oldest messages. approx_bytes = len("json_patch") + JSON length + 8.
//   * crates/utils/src/log_msg.rs + crates/server/src/routes/events.rs: each message is the SSE event
//     `json_patch`, no id; axum's Sse with KeepAlive::default() (a `:` comment after 15 s of silence).

#include "hvs/sim/vibe_simulator.hpp"

#include "hvs/sim/http_util.hpp"

#include "vibe_format.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

namespace hvs::sim {
namespace {

namespace vibe_http = boost::beast::http;
namespace vibe_json = boost::json;

constexpr std::string_view json_patch_event = "json_patch";
constexpr std::size_t approx_overhead = 8;  // LogMsg::approx_bytes' OVERHEAD

}  // namespace

bool vibe_simulator::is_events_request(const request& req) const {
    if (options_.generation != vibe_generation::v0_0_71 || req.method() != vibe_http::verb::get) return false;
    auto target = parse_target(req.target());
    return target && target->path == "/api/events";
}

std::shared_ptr<event_stream> vibe_simulator::open_stream(const request& req) {
    if (!is_events_request(req)) return nullptr;
    response head{status::ok, 11};
    head.set(vibe_http::field::content_type, "text/event-stream");
    head.set(vibe_http::field::cache_control, "no-cache");
    head.set(vibe_http::field::date, vibe_format::http_date(now()));
    auto stream = events_.subscribe(std::move(head), options_.events_capacity, options_.events_keep_alive);
    // History first, outside the live queue (msg_store.rs history_plus_stream: iter(history).chain(live)).
    std::deque<std::string> replay;
    for (const auto& [frame, bytes] : events_history_) replay.push_back(frame);
    stream->replay(std::move(replay));
    return stream;
}

void vibe_simulator::restart_events() {
    events_.close_all();
    events_history_.clear();
    events_history_size_ = 0;
    entry_count_ = 0;
}

void vibe_simulator::publish_task(const task_record& t, std::string_view db_op) {
    // Task's fields (crates/db/src/models/task.rs) in serde_json::Value's alphabetical order.
    vibe_json::object data{{"created_at", vibe_format::format_timestamp(t.created_at)},
                           {"description", vibe_format::optional_string(t.description)},
                           {"id", t.id},
                           {"parent_task_attempt", vibe_format::optional_string(t.parent_task_attempt)},
                           {"project_id", t.project_id},
                           {"status", t.status},
                           {"title", t.title},
                           {"updated_at", vibe_format::format_timestamp(t.updated_at)}};
    publish_patch(db_op, vibe_json::object{{"data", std::move(data)}, {"type", "TASK"}});
}

void vibe_simulator::publish_deleted_task(std::uint64_t rowid) {
    publish_patch("delete", vibe_json::object{{"data", vibe_json::object{{"rowid", rowid}}}, {"type", "DELETED_TASK"}});
}

void vibe_simulator::publish_patch(std::string_view db_op, vibe_json::object record) {
    if (options_.generation != vibe_generation::v0_0_71) return;
    ++entry_count_;
    vibe_json::object value{{"db_op", db_op}, {"record", std::move(record)}};
    vibe_json::object add{{"op", "add"}, {"path", "/entries/" + std::to_string(entry_count_)}, {"value", std::move(value)}};
    const std::string data = vibe_json::serialize(vibe_json::array{std::move(add)});
    std::string frame = sse_frame(json_patch_event, data);

    events_.publish(frame);
    const std::size_t bytes = json_patch_event.size() + data.size() + approx_overhead;
    while (!events_history_.empty() && events_history_size_ + bytes > options_.events_history_bytes) {
        events_history_size_ -= events_history_.front().second;
        events_history_.pop_front();
    }
    events_history_.emplace_back(std::move(frame), bytes);
    events_history_size_ += bytes;
}

}  // namespace hvs::sim
