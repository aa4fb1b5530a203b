#pragma once
// Private to the Vibe simulator: how Vibe Kanban 0.0.71 (Rust: axum 0.8, serde_json, uuid 1.18,
// chrono) writes what a client sees, and the Rust text primitives its messages are made of.
//   * text: UTF-8 as Rust checks it, `{:?}` for strings and floats, UUIDs as the uuid crate reads
//     them and words its errors;
//   * timestamps with millisecond precision and no fraction when ms == 0, the Date header;
//   * the envelope {"success","data","error_data","message"} (compact, keys in that order,
//     `application/json` without charset), project and task objects in the server's key order;
//   * empty 405s with `allow`, and the SPA's index.html (200 text/html) for any unmatched GET;
//   * axum's plain-text rejections (`text/plain; charset=utf-8`) of Path<Uuid>, Query<TaskQuery>
//     and Json<T>.

#include "hvs/sim/http_util.hpp"
#include "hvs/sim/simulator.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace hvs::sim::vibe_format {

using timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

// ---------------------------------------------------------------------------------------------
// Text.

// 0-15 for a hex digit, -1 otherwise.
int hex_value(char c);
// Rust's str::from_utf8 rules (no surrogates, no overlongs, nothing above U+10FFFF).
bool valid_utf8(std::string_view s);
// Rust's `format!("{:?}", s)` for a valid UTF-8 string.
std::string rust_debug(std::string_view s);
// Rust's `{:?}` for a finite f64, which serde's Unexpected::Float prints: shortest round-trip
// digits, scientific when |v| < 1e-4 or >= 1e16 ("1e23", "-9.223372036854776e18"), else decimal
// with at least one fractional digit ("100000.0", "0.0025").
std::string rust_float(double v);
// The canonical (lowercase, hyphenated) form of a UUID in any form uuid 1.18 parses: simple,
// hyphenated, braced or urn:uuid:; nullopt when it rejects the input.
std::optional<std::string> parse_uuid(std::string_view input);
// uuid's InvalidUuid::into_err + Display for an input parse_uuid rejected.
std::string uuid_error(std::string_view input);

// ---------------------------------------------------------------------------------------------
// Time.

// RFC 3339 as chrono's AutoSi prints a millisecond timestamp: no fraction when ms == 0.
std::string format_timestamp(timestamp t);
// "YYYY-MM-DDTHH:MM:SS[.f…]Z" (seed documents); nullopt when malformed.
std::optional<timestamp> parse_timestamp(std::string_view s);
// IMF-fixdate for the Date header.
std::string http_date(timestamp t);

// ---------------------------------------------------------------------------------------------
// Responses.

// {"success":true,"data":…,"error_data":null,"message":null}
response envelope(status code, boost::json::value data);
// {"success":false,"data":null,"error_data":null,"message":…}: soft errors (200) and database errors (500).
response failure(status code, std::string_view message);
// An empty 405 with its `allow` header.
response method_not_allowed(std::string_view allow);
// The SPA's index.html, which the server answers for every GET it has no route for.
response spa_page();

boost::json::value optional_string(const std::optional<std::string>& s);

// Project and task objects in the server's key order (templates over the simulator's records).
template <class Project>
boost::json::object project_json(const Project& p) {
    return boost::json::object{{"id", p.id},
                               {"name", p.name},
                               {"git_repo_path", p.git_repo_path},
                               {"setup_script", optional_string(p.setup_script)},
                               {"dev_script", optional_string(p.dev_script)},
                               {"cleanup_script", optional_string(p.cleanup_script)},
                               {"copy_files", optional_string(p.copy_files)},
                               {"created_at", format_timestamp(p.created_at)},
                               {"updated_at", format_timestamp(p.updated_at)}};
}

template <class Task>
boost::json::object task_json(const Task& t) {
    return boost::json::object{{"id", t.id},
                               {"project_id", t.project_id},
                               {"title", t.title},
                               {"description", optional_string(t.description)},
                               {"status", t.status},
                               {"parent_task_attempt", optional_string(t.parent_task_attempt)},
                               {"created_at", format_timestamp(t.created_at)},
                               {"updated_at", format_timestamp(t.updated_at)}};
}

// A task as GET /api/tasks lists it: with the four attempt fields.
template <class Task>
boost::json::object task_list_json(const Task& t) {
    boost::json::object o = task_json(t);
    o["has_in_progress_attempt"] = false;
    o["has_merged_attempt"] = false;
    o["last_attempt_failed"] = false;
    o["profile"] = "";
    return o;
}

// ---------------------------------------------------------------------------------------------
// axum's extractor rejections (plain text).

// Path<Uuid>: the canonical UUID of a raw (percent-encoded) segment, or the 400 it answers.
std::variant<std::string, response> path_uuid(std::string_view raw, std::string_view param);
// Query<TaskQuery>: the project id of a raw query string, or the 400 it answers.
std::variant<std::string, response> query_project_id(std::string_view query);
// Json<T> before deserialising: the 415 for a missing or non-JSON Content-Type, then the 413 for a
// body over 2 MiB; nullopt when the body goes on to serde_json.
std::optional<response> json_precheck(const std::optional<std::string>& content_type, std::string_view body);
// Json<T> after: the 400 for a syntax (or EOF) error, the 422 for a data error, with serde_json's text.
response json_rejection(bool syntax_error, std::string_view message);

}  // namespace hvs::sim::vibe_format
