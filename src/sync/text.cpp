#include "hvs/sync/text.hpp"

#include <algorithm>
#include <cctype>

namespace hvs::sync {
namespace {

constexpr std::string_view marker_prefix = "---\nHuly Issue: ";

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// Where the marker starts in a normalised description, if it ends with one.
std::optional<std::size_t> marker_position(const std::string& text) {
    auto pos = text.rfind(marker_prefix);
    if (pos == std::string::npos) return std::nullopt;
    if (pos != 0 && text[pos - 1] != '\n') return std::nullopt;
    std::string_view id = trim(std::string_view(text).substr(pos + marker_prefix.size()));
    if (!is_issue_id(id)) return std::nullopt;
    return pos;
}

}  // namespace

std::string normalize_description(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r') {
            out += '\n';
            if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        } else {
            out += text[i];
        }
    }
    return std::string(trim(out));
}

bool is_issue_id(std::string_view id) {
    auto dash = id.rfind('-');
    if (dash == std::string_view::npos || dash == 0 || dash + 1 == id.size()) return false;
    for (std::size_t i = 0; i < dash; ++i) {
        if (!std::isalnum(static_cast<unsigned char>(id[i]))) return false;
    }
    for (std::size_t i = dash + 1; i < id.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(id[i]))) return false;
    }
    return true;
}

std::optional<std::string> marker_issue_id(std::string_view description) {
    std::string text = normalize_description(description);
    auto pos = marker_position(text);
    if (!pos) return std::nullopt;
    return std::string(trim(std::string_view(text).substr(*pos + marker_prefix.size())));
}

std::string strip_marker(std::string_view description) {
    std::string text = normalize_description(description);
    if (auto pos = marker_position(text)) text.resize(*pos);
    return std::string(trim(text));
}

std::string with_marker(std::string_view description, std::string_view issue_id) {
    std::string body = normalize_description(description);
    std::string marker = std::string(marker_prefix) + std::string(issue_id);
    return body.empty() ? marker : body + "\n\n" + marker;
}

std::string ascii_lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

}  // namespace hvs::sync
