#pragma once
// Reading upstream JSON defensively: every accessor says which field of which upstream's answer
// was missing or of the wrong type, as an error value of kind parse.

#include "hvs/core/error.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hvs::core {

// Parses a body; `what` names it in errors ("vibe GET /api/projects").
[[nodiscard]] result<boost::json::value> parse_json(std::string_view body, std::string_view what);

// Typed field access on an object; `what` names the object in errors.
[[nodiscard]] result<const boost::json::object*> object_of(const boost::json::value& v, std::string_view what);
[[nodiscard]] result<const boost::json::array*> array_of(const boost::json::value& v, std::string_view what);
[[nodiscard]] result<std::string> string_field(const boost::json::object& o, std::string_view key, std::string_view what);
// Absent or null → nullopt; any other non-string → error.
[[nodiscard]] result<std::optional<std::string>> optional_string_field(const boost::json::object& o,
                                                                       std::string_view key, std::string_view what);
[[nodiscard]] result<std::int64_t> int_field(const boost::json::object& o, std::string_view key, std::string_view what);
[[nodiscard]] result<bool> bool_field(const boost::json::object& o, std::string_view key, std::string_view what);

// Milliseconds since the epoch as ISO-8601 UTC with milliseconds: 2025-11-03T10:00:00.000Z.
[[nodiscard]] std::string iso8601_ms(std::int64_t epoch_ms);
// Wall-clock now, as above.
[[nodiscard]] std::string now_iso8601();
// The inverse, for what JavaScript's Date.prototype.toISOString writes (YYYY-MM-DDTHH:MM:SS[.mmm]Z);
// nullopt for anything else.
[[nodiscard]] std::optional<std::int64_t> parse_iso8601_ms(std::string_view text);

}  // namespace hvs::core
