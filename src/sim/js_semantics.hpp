#pragma once
// Private to the Huly simulator: JavaScript's own semantics, as the Huly REST server (Node, V8)
// exhibits them. server.js hands query strings to `new Date()` and `parseInt`, trims and lowercases
// with String methods, tests JSON.parse'd bodies for truthiness, prints them in template literals and
// answers through JSON.stringify; each of these has corner cases a C++ equivalent would get wrong.

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hvs::sim::js {

namespace json = boost::json;

// The largest |time value| (ms since the epoch) a Date holds: ±100,000,000 days.
inline constexpr std::int64_t max_js_time = 8'640'000'000'000'000;

// ---------------------------------------------------------------------------------------------
// Dates (proleptic Gregorian, UTC: the server container's zone).

// Date.prototype.toISOString: "2025-11-03T12:34:56.789Z" (±YYYYYY outside years 0..9999).
std::string iso_string(std::int64_t ms);
// The Date header Node adds: "Mon, 03 Nov 2025 12:34:56 GMT".
std::string http_date(std::int64_t ms);
// `new Date(text).getTime()` as V8 computes it; nullopt where that is NaN.
std::optional<std::int64_t> parse_js_date(std::string_view text);

// ---------------------------------------------------------------------------------------------
// Text: UTF-8, JS string functions, URL escaping.

char ascii_lower(char c);
// The text with each invalid UTF-8 sequence replaced by U+FFFD, as Node's decoder reads a body.
std::string sanitize_utf8(std::string_view s);
// Node's req.url holds the request line's bytes as Latin-1 characters.
std::string latin1_to_utf8(std::string_view s);
// String.prototype.trim.
std::string js_trim(std::string_view s);
// String.prototype.toLowerCase for ASCII, Latin-1, Greek and Cyrillic capitals.
std::string js_lower(std::string_view s);
// The value of a hex digit; -1 for any other character.
int hex_value(char c);
// decodeURIComponent; nullopt where it throws URIError (bad escape, bad UTF-8 in escapes).
std::optional<std::string> decode_uri_component(std::string_view s);
// encodeurl 1.0.2 as finalhandler applies it to the path in "Cannot GET <path>".
std::string encode_url(std::string_view s);
// parseInt(text) (radix 10, or 16 after 0x); NaN when no digit is found.
double js_parse_int(std::string_view s);

// ---------------------------------------------------------------------------------------------
// JS values: JSON.parse'd bodies behave as JS values in the server's code.

bool js_truthy(const json::value& v);
// String(value), as a template literal `${value}` prints it.
std::string js_string(const json::value& v);
// JSON.stringify: numbers as JS prints them (1.5, 1e+21, no -0, null for non-finite), array-index
// keys first, lone surrogates (WTF-8) escaped.
std::string js_stringify(const json::value& v);

}  // namespace hvs::sim::js
