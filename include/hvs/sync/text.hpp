#pragma once
// Descriptions as each side stores them, and the link marker the service adds on the Vibe side:
// "\n\n---\nHuly Issue: <ID>" at the end of a task's description.

#include <optional>
#include <string>
#include <string_view>

namespace hvs::sync {

// CRLF and CR become LF, then surrounding whitespace is trimmed (Huly trims what it stores).
[[nodiscard]] std::string normalize_description(std::string_view text);

// The issue id named by the marker at the end of a description ("PROJ-12", digits allowed in the
// prefix), or nullopt when the description carries no marker.
[[nodiscard]] std::optional<std::string> marker_issue_id(std::string_view description);

// The description without its marker, normalised.
[[nodiscard]] std::string strip_marker(std::string_view description);

// A task description: the (normalised) issue description followed by the marker.
[[nodiscard]] std::string with_marker(std::string_view description, std::string_view issue_id);

// True for identifiers shaped like Huly issue ids: an alphanumeric prefix, '-', a number.
[[nodiscard]] bool is_issue_id(std::string_view id);

// ASCII letters lowered, everything else kept: how names are compared case-insensitively.
[[nodiscard]] std::string ascii_lower(std::string_view text);

}  // namespace hvs::sync
