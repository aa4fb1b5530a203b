#include "vibe_format.hpp"
#include "utf8.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/string.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <utility>

namespace hvs::sim::vibe_format {

namespace http = boost::beast::http;
namespace json = boost::json;
using namespace std::chrono;

// ---------------------------------------------------------------------------------------------
// Text: UTF-8 validation, Rust's `{:?}` for strings and floats.

namespace {

// Length of the valid UTF-8 sequence at s[i] (Rust's str::from_utf8 rules), 0 when invalid.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const auto [n, lo, hi] = utf8::shape_of(byte(i));
    if (n <= 1) return n;
    if (i + n > s.size()) return 0;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
    }
    return n;
}

char32_t decode_utf8(std::string_view s, std::size_t i, std::size_t n) {
    const auto b = [&](std::size_t k) { return static_cast<char32_t>(static_cast<unsigned char>(s[i + k])); };
    switch (n) {
    case 1: return b(0);
    case 2: return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
    case 3: return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    default: return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
    }
}

// Approximates Rust's char::is_printable / grapheme-extend test for `{:?}` escaping.
bool debug_escapes(char32_t cp) {
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0xAD) return true;
    if (cp >= 0x300 && cp <= 0x36F) return true;                 // combining diacritics
    if ((cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E)) return true;
    if ((cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB)) return true;
    return cp >= 0xE000 && cp <= 0xF8FF;                         // private use
}

}  // namespace

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8_sequence_length(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string rust_debug(std::string_view s) {
    std::string out = "\"";
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8_sequence_length(s, i);
        const char32_t cp = decode_utf8(s, i, n);
        switch (cp) {
        case U'\0': out += "\\0"; break;
        case U'\t': out += "\\t"; break;
        case U'\r': out += "\\r"; break;
        case U'\n': out += "\\n"; break;
        case U'\\': out += "\\\\"; break;
        case U'"': out += "\\\""; break;
        default:
            if (debug_escapes(cp)) {
                char buf[16];
                std::snprintf(buf, sizeof buf, "\\u{%x}", static_cast<unsigned>(cp));
                out += buf;
            } else {
                out.append(s.substr(i, n));
            }
        }
        i += n;
    }
    return out + "\"";
}

std::string rust_float(double v) {
    if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    if (ec != std::errc{}) return "0.0";
    std::string_view sci(buf, static_cast<std::size_t>(end - buf));
    const bool negative = sci.front() == '-';
    if (negative) sci.remove_prefix(1);
    const auto e = sci.find('e');
    std::string digits;
    for (char c : sci.substr(0, e)) {
        if (c != '.') digits.push_back(c);
    }
    int exponent = 0;
    std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+'), sci.data() + sci.size(), exponent);
    std::string out = negative ? "-" : "";
    const double magnitude = std::fabs(v);
    if (magnitude < 1e-4 || magnitude >= 1e16) {
        out += digits.substr(0, 1);
        if (digits.size() > 1) out += "." + digits.substr(1);
        return out + "e" + std::to_string(exponent);
    }
    const int point = exponent + 1;  // digits before the decimal point
    if (point <= 0) {
        out += "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
    } else if (static_cast<std::size_t>(point) >= digits.size()) {
        out += digits + std::string(static_cast<std::size_t>(point) - digits.size(), '0') + ".0";
    } else {
        out += digits.substr(0, static_cast<std::size_t>(point)) + "." + digits.substr(static_cast<std::size_t>(point));
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// UUIDs as the `uuid` 1.18 crate parses them and words its errors.

std::optional<std::string> parse_uuid(std::string_view input) {
    std::string_view hex = input;
    if (input.size() == 38 && input.front() == '{' && input.back() == '}') hex = input.substr(1, 36);
    else if (input.size() == 45 && input.starts_with("urn:uuid:")) hex = input.substr(9);
    else if (input.size() != 32 && input.size() != 36) return std::nullopt;
    std::string digits;
    for (std::size_t i = 0; i < hex.size(); ++i) {
        const char c = hex[i];
        const bool hyphen_slot = hex.size() == 36 && (i == 8 || i == 13 || i == 18 || i == 23);
        if (hyphen_slot) {
            if (c != '-') return std::nullopt;
            continue;
        }
        if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
        digits.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    if (digits.size() != 32) return std::nullopt;
    return digits.substr(0, 8) + "-" + digits.substr(8, 4) + "-" + digits.substr(12, 4) + "-" +
           digits.substr(16, 4) + "-" + digits.substr(20);
}

std::string uuid_error(std::string_view input) {
    if (!valid_utf8(input)) return "non-UTF8 input";
    std::string_view body = input;
    std::size_t offset = 0;
    bool simple = true;
    if (input.size() >= 2 && input.front() == '{' && input.back() == '}') {
        body = input.substr(1, input.size() - 2), offset = 1, simple = false;
    } else if (input.starts_with("urn:uuid:")) {
        body = input.substr(9), offset = 9, simple = false;
    }
    std::size_t hyphens = 0;
    std::array<std::size_t, 4> bounds{};
    for (std::size_t i = 0; i < body.size();) {
        const std::size_t n = std::max<std::size_t>(1, utf8_sequence_length(body, i));
        const char c = body[i];
        if (n == 1 && c == '-') {
            if (hyphens < 4) bounds[hyphens] = i;
            ++hyphens;
        } else if (n > 1 || !std::isxdigit(static_cast<unsigned char>(c))) {
            return "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `" +
                   std::string(body.substr(i, n)) + "` at " + std::to_string(i + offset + 1);
        }
        i += n;
    }
    if (hyphens == 0 && simple) {
        return "invalid length: expected length 32 for simple format, found " + std::to_string(input.size());
    }
    if (hyphens != 4) return "invalid group count: expected 5, found " + std::to_string(hyphens + 1);
    constexpr std::array<std::size_t, 5> starts = {0, 9, 14, 19, 24};
    constexpr std::array<std::size_t, 5> expected = {8, 4, 4, 4, 12};
    for (std::size_t g = 0; g < 4; ++g) {
        if (bounds[g] != starts[g + 1] - 1) {
            return "invalid group length in group " + std::to_string(g) + ": expected " + std::to_string(expected[g]) +
                   ", found " + std::to_string(bounds[g] - starts[g]);
        }
    }
    return "invalid group length in group 4: expected 12, found " + std::to_string(input.size() - starts[4]);
}

// ---------------------------------------------------------------------------------------------
// Time.

namespace {

std::string two(unsigned v) {
    char b[4];
    std::snprintf(b, sizeof b, "%02u", v % 100);
    return b;
}

}  // namespace

std::string format_timestamp(timestamp t) {
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{t - day};
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%s-%sT%s:%s:%s", static_cast<int>(ymd.year()),
                  two(static_cast<unsigned>(ymd.month())).c_str(), two(static_cast<unsigned>(ymd.day())).c_str(),
                  two(static_cast<unsigned>(hms.hours().count())).c_str(),
                  two(static_cast<unsigned>(hms.minutes().count())).c_str(),
                  two(static_cast<unsigned>(hms.seconds().count())).c_str());
    std::string out = buf;
    if (const auto ms = hms.subseconds().count(); ms != 0) {
        std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(ms));
        out += buf;
    }
    return out + "Z";
}

std::optional<timestamp> parse_timestamp(std::string_view s) {
    int y = 0;
    unsigned mo = 0, d = 0, h = 0, mi = 0, se = 0;
    int consumed = 0;
    const std::string text(s);
    if (std::sscanf(text.c_str(), "%4d-%2u-%2uT%2u:%2u:%2u%n", &y, &mo, &d, &h, &mi, &se, &consumed) != 6 ||
        consumed != 19) {
        return std::nullopt;
    }
    std::string_view rest = s.substr(19);
    int ms = 0;
    if (rest.starts_with('.')) {
        std::size_t digits = 1;
        while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) ++digits;
        if (digits == 1) return std::nullopt;
        std::string frac(rest.substr(1, digits - 1));
        frac.resize(3, '0');
        ms = (frac[0] - '0') * 100 + (frac[1] - '0') * 10 + (frac[2] - '0');
        rest.remove_prefix(digits);
    }
    const year_month_day ymd{year{y}, month{mo}, day{d}};
    if (rest != "Z" || !ymd.ok() || h > 23 || mi > 59 || se > 59) return std::nullopt;
    return sys_days{ymd} + hours{h} + minutes{mi} + seconds{se} + milliseconds{ms};
}

std::string http_date(timestamp t) {
    static constexpr std::array<const char*, 7> weekdays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{floor<seconds>(t - day)};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d GMT",
                  weekdays[weekday{day}.c_encoding()], static_cast<unsigned>(ymd.day()),
                  months[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    return buf;
}

// ---------------------------------------------------------------------------------------------
// Responses.

namespace {

constexpr std::string_view html_type = "text/html";
constexpr std::string_view json_type = "application/json";

// The SPA's index.html, which the server answers for every GET it has no route for (1,204 bytes).
constexpr std::string_view spa_index_html =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\">\n"
    "<head>\n"
    "    <meta charset=\"UTF-8\"/>\n"
    "    <link rel=\"icon\" type=\"image/png\" sizes=\"32x32\" href=\"/favicon-32x32.png\" />\n"
    "    <link rel=\"icon\" type=\"image/png\" sizes=\"16x16\" href=\"/favicon-16x16.png\" />\n"
    "    <link rel=\"icon\" type=\"image/x-icon\" href=\"/favicon.ico\" />\n"
    "    <link rel=\"apple-touch-icon\" sizes=\"180x180\" href=\"/apple-touch-icon.png\" />\n"
    "    <link rel=\"manifest\" href=\"/site.webmanifest\" />\n"
    "    <link rel=\"icon\" type=\"image/png\" sizes=\"192x192\" href=\"/android-chrome-192x192.png\" />\n"
    "    <link rel=\"icon\" type=\"image/png\" sizes=\"512x512\" href=\"/android-chrome-512x512.png\" />\n"
    "    <link rel=\"preconnect\" href=\"https://fonts.googleapis.com\">\n"
    "    <link rel=\"preconnect\" href=\"https://fonts.gstatic.com\" crossorigin>\n"
    "    <link href=\"https://fonts.googleapis.com/css2?family=Chivo+Mono:ital,wght@0,100..900;1,100..900"
    "&family=VT323&display=swap\" rel=\"stylesheet\">\n"
    "    <meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0\"/>\n"
    "    <title>vibe-kanban</title>\n"
    "  <script type=\"module\" crossorigin src=\"/assets/index-MwA7tndJ.js\"></script>\n"
    "  <link rel=\"stylesheet\" crossorigin href=\"/assets/index-u0eKm3JP.css\">\n"
    "</head>\n"
    "<body>\n"
    "<div id=\"root\"></div>\n"
    "</body>\n"
    "</html>\n";

}  // namespace

json::value optional_string(const std::optional<std::string>& s) {
    return s ? json::value(json::string(*s)) : json::value(nullptr);
}

response envelope(status code, json::value data) {
    return json_response(code, json::object{{"success", true}, {"data", std::move(data)}, {"error_data", nullptr},
                                            {"message", nullptr}},
                         json_type);
}

response failure(status code, std::string_view message) {
    return json_response(code, json::object{{"success", false}, {"data", nullptr}, {"error_data", nullptr},
                                            {"message", message}},
                         json_type);
}

response method_not_allowed(std::string_view allow) {
    auto res = empty_response(status::method_not_allowed);
    res.set(http::field::allow, allow);
    return res;
}

response spa_page() { return text_response(status::ok, std::string(spa_index_html), html_type); }

// ---------------------------------------------------------------------------------------------
// axum's extractor rejections.

namespace {

constexpr std::size_t body_limit = 2 * 1024 * 1024;  // axum's DefaultBodyLimit

response plain(status code, std::string text) { return text_response(code, std::move(text)); }

// Percent-decoding as axum's Path (percent_decode_str) and form_urlencoded do it.
std::string percent_decode(std::string_view s, bool plus_is_space) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

// Bytes of the "maximal subpart" of an invalid sequence at s[i] (what one U+FFFD replaces).
std::size_t invalid_prefix_length(std::string_view s, std::size_t i) {
    auto [n, lo, hi] = utf8::shape_of(static_cast<unsigned char>(s[i]));
    if (n == 0) n = 1;
    std::size_t count = 1;
    while (count < n && i + count < s.size()) {
        const auto b = static_cast<unsigned char>(s[i + count]);
        if (b < (count == 1 ? lo : 0x80) || b > (count == 1 ? hi : 0xBF)) break;
        ++count;
    }
    return count;
}

// String::from_utf8_lossy.
std::string lossy_utf8(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        if (const std::size_t n = utf8_sequence_length(s, i); n != 0) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            out += "\xEF\xBF\xBD";
            i += invalid_prefix_length(s, i);
        }
    }
    return out;
}

bool mime_token(char c) {
    constexpr std::string_view symbols = "!#$%&'*+-.^_`|~";
    return std::isalnum(static_cast<unsigned char>(c)) || symbols.find(c) != std::string_view::npos;
}

// The parameters after "type/subtype;" as the `mime` 0.3 crate accepts them.
bool mime_params_valid(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] == ' ') {
            ++i;
            continue;
        }
        const std::size_t name = i;
        while (i < s.size() && mime_token(s[i])) ++i;
        if (i == s.size() || s[i] != '=' || i == name) return false;
        ++i;
        if (i < s.size() && s[i] == '"') {
            const auto close = s.find('"', i + 1);
            if (close == std::string_view::npos || close == i + 1) return false;
            for (std::size_t k = i + 1; k < close; ++k) {
                if (static_cast<unsigned char>(s[k]) < 32 || s[k] == 127) return false;
            }
            i = close + 1;
            while (i < s.size() && s[i] == ' ') ++i;
            if (i < s.size() && s[i] != ';') return false;
            ++i;
            continue;
        }
        const std::size_t value = i;
        while (i < s.size() && mime_token(s[i])) ++i;
        if (i == s.size()) return true;
        if (s[i] != ';' || i == value) return false;
        ++i;
    }
    return true;
}

// axum's json_content_type: the header parses as a MIME type (mime 0.3 rules, case-insensitive)
// that is application/json or application/<x>+json.
bool json_content_type(std::string_view value) {
    if (std::any_of(value.begin(), value.end(), [](char c) {
            const auto b = static_cast<unsigned char>(c);
            return (b < 0x20 && b != '\t') || b >= 0x7F;  // HeaderValue::to_str fails
        })) {
        return false;
    }
    std::string v;
    for (char c : value) v.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    const auto slash = v.find('/');
    if (slash == std::string::npos || slash == 0) return false;
    if (!std::all_of(v.begin(), v.begin() + static_cast<long>(slash), mime_token)) return false;
    const auto semicolon = v.find(';', slash);
    const std::string subtype =
        v.substr(slash + 1, semicolon == std::string::npos ? std::string::npos : semicolon - slash - 1);
    if (subtype.empty() || !std::all_of(subtype.begin(), subtype.end(), mime_token)) return false;
    if (semicolon != std::string::npos && !mime_params_valid(std::string_view(v).substr(semicolon + 1))) return false;
    if (v.substr(0, slash) != "application") return false;
    const auto plus = subtype.rfind('+');
    return subtype == "json" || (plus != std::string::npos && plus > 0 && subtype.substr(plus + 1) == "json");
}

}  // namespace

std::variant<std::string, response> path_uuid(std::string_view raw, std::string_view param) {
    const std::string decoded = percent_decode(raw, false);
    if (!valid_utf8(decoded)) {
        return plain(status::bad_request, "Invalid URL: Invalid UTF-8 in `" + std::string(param) + "`");
    }
    if (auto id = parse_uuid(decoded)) return *id;
    return plain(status::bad_request, "Invalid URL: Cannot parse `" + std::string(param) + "` with value `" + decoded +
                                          "`: UUID parsing failed: " + uuid_error(decoded));
}

std::variant<std::string, response> query_project_id(std::string_view query) {
    std::optional<std::string> project;
    const auto reject = [](std::string why) {
        return plain(status::bad_request, "Failed to deserialize query string: " + std::move(why));
    };
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view piece = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (piece.empty()) continue;
        const auto eq = piece.find('=');
        const std::string key = lossy_utf8(percent_decode(piece.substr(0, eq), true));
        if (key != "project_id") continue;
        if (project) return reject("duplicate field `project_id`");
        const std::string value =
            eq == std::string_view::npos ? std::string() : lossy_utf8(percent_decode(piece.substr(eq + 1), true));
        auto id = parse_uuid(value);
        if (!id) return reject("project_id: UUID parsing failed: " + uuid_error(value));
        project = *id;
    }
    if (!project) return reject("missing field `project_id`");
    return *project;
}

std::optional<response> json_precheck(const std::optional<std::string>& content_type, std::string_view body) {
    if (!content_type || !json_content_type(*content_type)) {
        return plain(status::unsupported_media_type, "Expected request with `Content-Type: application/json`");
    }
    if (body.size() > body_limit) {
        return plain(status::payload_too_large, "Failed to buffer the request body: length limit exceeded");
    }
    return std::nullopt;
}

response json_rejection(bool syntax_error, std::string_view message) {
    if (syntax_error) {
        return plain(status::bad_request, "Failed to parse the request body as JSON: " + std::string(message));
    }
    return plain(status::unprocessable_entity,
                 "Failed to deserialize the JSON body into the target type: " + std::string(message));
}

}  // namespace hvs::sim::vibe_format
