#include "hvs/sim/vibe_simulator.hpp"

#include "hvs/sim/http_util.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/array.hpp>
#include <boost/json/string.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <utility>
#include <variant>

namespace hvs::sim {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;
using namespace std::chrono;

constexpr std::size_t body_limit = 2 * 1024 * 1024;  // axum's DefaultBodyLimit
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

constexpr std::array<std::string_view, 5> task_statuses = {"todo", "inprogress", "inreview", "done", "cancelled"};
constexpr std::string_view fk_failed =
    "DatabaseError: error returned from database: (code: 787) FOREIGN KEY constraint failed";
constexpr std::string_view database_locked =
    "DatabaseError: error returned from database: (code: 5) database is locked";
constexpr std::string_view duplicate_path = "A project with this git repository path already exists";

bool is_status(std::string_view s) {
    return std::find(task_statuses.begin(), task_statuses.end(), s) != task_statuses.end();
}

// ---------------------------------------------------------------------------------------------
// Text helpers: UTF-8 validation, Rust's `{:?}` for strings and `{}` for floats.

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Length of the valid UTF-8 sequence at s[i] (Rust's str::from_utf8 rules), 0 when invalid.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80) return 1;
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) n = 2;
    else if (lead == 0xE0) n = 3, lo = 0xA0;
    else if (lead == 0xED) n = 3, hi = 0x9F;
    else if (lead >= 0xE1 && lead <= 0xEF) n = 3;
    else if (lead == 0xF0) n = 4, lo = 0x90;
    else if (lead >= 0xF1 && lead <= 0xF3) n = 4;
    else if (lead == 0xF4) n = 4, hi = 0x8F;
    else return 0;
    if (i + n > s.size()) return 0;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
    }
    return n;
}

bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8_sequence_length(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
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

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
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

// Rust's `format!("{:?}", s)` for a valid UTF-8 string.
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

// Rust's `{:?}` for a finite f64, which serde's Unexpected::Float prints: shortest round-trip
// digits, scientific when |v| < 1e-4 or >= 1e16 ("1e23", "-9.223372036854776e18"), else decimal
// with at least one fractional digit ("100000.0", "0.0025").
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

// uuid's InvalidUuid::into_err + Display for an input parse_uuid rejected.
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
// Request bodies, deserialised the way axum's Json<T> does it: serde_json's streaming
// Deserializer (from_slice, no end() check, so trailing bytes are ignored) wrapped in
// serde_path_to_error, into a #[derive(Deserialize)] struct. Reproducing the streaming order
// matters: a type error early in the body wins over a syntax error later on, and every message
// carries the byte position serde_json had reached.

enum class error_kind { data, syntax };

struct de_error {
    error_kind kind = error_kind::syntax;
    std::string message;
    std::size_t line = 0;  // 0: no position yet (custom errors get one where serde_json fixes it)
    std::size_t column = 0;
    bool path_set = false;
    std::string path;      // rendered serde_path_to_error path; empty: no prefix
};

enum class field_kind { string, opt_string, boolean, uuid, opt_uuid, opt_uuid_list, opt_status };

struct field_spec {
    std::string_view name;
    field_kind kind;
};

struct field_value {
    bool present = false;  // given (and not null, for Option fields)
    std::string text;      // string, canonical uuid or status
    bool flag = false;
    std::vector<std::string> list;
};

using struct_values = std::vector<field_value>;

constexpr std::array<field_spec, 7> create_project_fields = {{
    {"name", field_kind::string},
    {"git_repo_path", field_kind::string},
    {"use_existing_repo", field_kind::boolean},
    {"setup_script", field_kind::opt_string},
    {"dev_script", field_kind::opt_string},
    {"cleanup_script", field_kind::opt_string},
    {"copy_files", field_kind::opt_string},
}};
constexpr std::array<field_spec, 6> update_project_fields = {{
    {"name", field_kind::opt_string},
    {"git_repo_path", field_kind::opt_string},
    {"setup_script", field_kind::opt_string},
    {"dev_script", field_kind::opt_string},
    {"cleanup_script", field_kind::opt_string},
    {"copy_files", field_kind::opt_string},
}};
constexpr std::array<field_spec, 5> create_task_fields = {{
    {"project_id", field_kind::uuid},
    {"title", field_kind::string},
    {"description", field_kind::opt_string},
    {"parent_task_attempt", field_kind::opt_uuid},
    {"image_ids", field_kind::opt_uuid_list},
}};
constexpr std::array<field_spec, 5> update_task_fields = {{
    {"title", field_kind::opt_string},
    {"description", field_kind::opt_string},
    {"status", field_kind::opt_status},
    {"parent_task_attempt", field_kind::opt_uuid},
    {"image_ids", field_kind::opt_uuid_list},
}};

bool is_optional(field_kind kind) {
    return kind != field_kind::string && kind != field_kind::boolean && kind != field_kind::uuid;
}

class body_reader {
public:
    explicit body_reader(std::string_view src) : src_(src) {}

    // serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(body)) for a struct.
    struct_values read_struct(std::string_view name, std::span<const field_spec> fields) {
        try {
            return deserialize_struct(name, fields);
        } catch (de_error& e) {
            trigger(e);
            throw;
        }
    }

private:
    struct segment {
        bool is_index = false;
        std::string key;
        std::size_t index = 0;
    };

    // --- positions and errors (serde_json's SliceRead / Deserializer::error / peek_error)
    [[nodiscard]] int peek() const { return index_ < src_.size() ? static_cast<unsigned char>(src_[index_]) : -1; }
    void eat() { ++index_; }
    int next() { return index_ < src_.size() ? static_cast<unsigned char>(src_[index_++]) : -1; }

    int parse_whitespace() {
        while (index_ < src_.size()) {
            const char c = src_[index_];
            if (c != ' ' && c != '\n' && c != '\t' && c != '\r') break;
            ++index_;
        }
        return peek();
    }

    void set_position(de_error& e, std::size_t i) const {
        const auto line_start = src_.substr(0, i).rfind('\n');
        const std::size_t start = line_start == std::string_view::npos ? 0 : line_start + 1;
        e.line = 1 + static_cast<std::size_t>(std::count(src_.begin(), src_.begin() + static_cast<long>(start), '\n'));
        e.column = i - start;
    }

    [[nodiscard]] de_error syntax_at(std::string message, std::size_t i) const {
        de_error e;
        e.message = std::move(message);
        set_position(e, i);
        return e;
    }
    [[nodiscard]] de_error error(std::string message) const { return syntax_at(std::move(message), index_); }
    [[nodiscard]] de_error peek_error(std::string message) const {
        return syntax_at(std::move(message), std::min(src_.size(), index_ + 1));
    }
    static de_error custom(std::string message) {
        de_error e;
        e.kind = error_kind::data;
        e.message = std::move(message);
        return e;
    }
    void fix_position(de_error& e) const {
        if (e.line == 0) set_position(e, index_);
    }
    // serde_path_to_error's Track::trigger: the innermost tracked boundary names the path.
    void trigger(de_error& e) const {
        if (e.path_set) return;
        e.path_set = true;
        bool known = false;
        std::string path;
        for (const auto& s : chain_) {
            if (s.is_index) {
                path += "[" + std::to_string(s.index) + "]";
            } else {
                if (!path.empty()) path += ".";
                path += s.key;
            }
            known = true;
        }
        e.path = known ? path : std::string();
    }

    template <class F>
    auto tracked(segment s, F&& read) {
        chain_.push_back(std::move(s));
        try {
            auto value = read();
            chain_.pop_back();
            return value;
        } catch (de_error& e) {
            trigger(e);
            chain_.pop_back();
            throw;
        }
    }

    void parse_ident(std::string_view rest) {
        for (char expected : rest) {
            const int c = next();
            if (c < 0) throw error("EOF while parsing a value");
            if (c != static_cast<unsigned char>(expected)) throw error("expected ident");
        }
    }

    // --- strings
    std::uint16_t decode_hex_escape() {
        if (src_.size() - index_ < 4) {
            index_ = src_.size();
            throw error("EOF while parsing a string");
        }
        std::uint16_t value = 0;
        bool ok = true;
        for (std::size_t k = 0; k < 4; ++k) {
            const int digit = hex_value(src_[index_ + k]);
            ok = ok && digit >= 0;
            value = static_cast<std::uint16_t>(value * 16 + std::max(digit, 0));
        }
        index_ += 4;
        if (!ok) throw error("invalid escape");
        return value;
    }

    void parse_unicode_escape(std::string& out) {
        std::uint16_t n = decode_hex_escape();
        if (n >= 0xDC00 && n <= 0xDFFF) throw error("lone leading surrogate in hex escape");
        if (n < 0xD800 || n > 0xDBFF) {
            append_utf8(out, n);
            return;
        }
        if (peek() < 0) throw error("EOF while parsing a string");
        if (peek() != '\\') {
            eat();
            throw error("unexpected end of hex escape");
        }
        eat();
        if (peek() < 0) throw error("EOF while parsing a string");
        if (peek() != 'u') {
            eat();
            throw error("unexpected end of hex escape");
        }
        eat();
        const std::uint16_t n2 = decode_hex_escape();
        if (n2 < 0xDC00 || n2 > 0xDFFF) throw error("lone leading surrogate in hex escape");
        append_utf8(out, 0x10000 + ((static_cast<char32_t>(n - 0xD800) << 10) | static_cast<char32_t>(n2 - 0xDC00)));
    }

    void parse_escape(std::string* out) {
        const int c = next();
        if (c < 0) throw error("EOF while parsing a string");
        char plain = 0;
        switch (c) {
        case '"': plain = '"'; break;
        case '\\': plain = '\\'; break;
        case '/': plain = '/'; break;
        case 'b': plain = '\b'; break;
        case 'f': plain = '\f'; break;
        case 'n': plain = '\n'; break;
        case 'r': plain = '\r'; break;
        case 't': plain = '\t'; break;
        case 'u':
            if (out) parse_unicode_escape(*out);
            else decode_hex_escape();
            return;
        default: throw error("invalid escape");
        }
        if (out) out->push_back(plain);
    }

    // After the opening quote. `out == nullptr`: ignore_str (no UTF-8 or surrogate checks).
    void scan_string(std::string* out) {
        for (;;) {
            const std::size_t start = index_;
            while (index_ < src_.size()) {
                const auto c = static_cast<unsigned char>(src_[index_]);
                if (c == '"' || c == '\\' || c < 0x20) break;
                ++index_;
            }
            if (index_ == src_.size()) throw error("EOF while parsing a string");
            if (out) out->append(src_.substr(start, index_ - start));
            const char c = src_[index_];
            if (c == '"') {
                ++index_;
                if (out && !valid_utf8(*out)) throw error("invalid unicode code point");
                return;
            }
            if (c == '\\') {
                ++index_;
                parse_escape(out);
                continue;
            }
            if (out) ++index_;
            throw error("control character (\\u0000-\\u001F) found while parsing a string");
        }
    }

    std::string parse_string() {
        std::string out;
        scan_string(&out);
        return out;
    }

    // --- numbers (serde_json without arbitrary_precision / float_roundtrip)
    struct number {
        enum class type { unsigned_int, signed_int, floating } kind = type::unsigned_int;
        std::uint64_t u = 0;
        std::int64_t i = 0;
        double f = 0;
    };

    static bool overflows(std::uint64_t sig, unsigned digit) {
        constexpr std::uint64_t max = UINT64_MAX;
        return sig >= max / 10 && (sig > max / 10 || digit > max % 10);
    }

    // serde_json's POW10 table entry: the double nearest to 10^n (n <= 308).
    static double power_of_ten(unsigned n) {
        const std::string text = "1e" + std::to_string(n);
        double value = 0;
        std::from_chars(text.data(), text.data() + text.size(), value);
        return value;
    }

    double f64_from_parts(bool positive, std::uint64_t significand, int exponent) {
        double f = static_cast<double>(significand);
        for (;;) {
            const long long magnitude = exponent < 0 ? -static_cast<long long>(exponent) : exponent;
            if (magnitude <= 308) {
                const double pow = power_of_ten(static_cast<unsigned>(magnitude));
                if (exponent >= 0) {
                    f *= pow;
                    if (std::isinf(f)) throw error("number out of range");
                } else {
                    f /= pow;
                }
                break;
            }
            if (f == 0) break;
            if (exponent >= 0) throw error("number out of range");
            f /= 1e308;
            exponent += 308;
        }
        return positive ? f : -f;
    }

    double parse_exponent(bool positive, std::uint64_t significand, int starting_exp) {
        eat();
        bool positive_exp = true;
        if (peek() == '+') eat();
        else if (peek() == '-') eat(), positive_exp = false;
        const int c = next();
        if (c < 0) throw error("EOF while parsing a value");
        if (c < '0' || c > '9') throw error("invalid number");
        std::int64_t exp = c - '0';
        while (peek() >= '0' && peek() <= '9') {
            const int digit = next() - '0';
            if (exp >= INT32_MAX / 10 && (exp > INT32_MAX / 10 || digit > INT32_MAX % 10)) {
                if (significand != 0 && positive_exp) throw error("number out of range");
                while (peek() >= '0' && peek() <= '9') eat();
                return positive ? 0.0 : -0.0;
            }
            exp = exp * 10 + digit;
        }
        const std::int64_t total = positive_exp ? starting_exp + exp : starting_exp - exp;
        const auto clamped = static_cast<int>(std::clamp<std::int64_t>(total, INT32_MIN, INT32_MAX));  // saturating
        return f64_from_parts(positive, significand, clamped);
    }

    double parse_decimal(bool positive, std::uint64_t significand, int exponent_before) {
        eat();
        int after = 0;
        while (peek() >= '0' && peek() <= '9') {
            const auto digit = static_cast<unsigned>(peek() - '0');
            if (overflows(significand, digit)) {
                while (peek() >= '0' && peek() <= '9') eat();
                const int exponent = exponent_before + after;
                if (peek() == 'e' || peek() == 'E') return parse_exponent(positive, significand, exponent);
                return f64_from_parts(positive, significand, exponent);
            }
            eat();
            significand = significand * 10 + digit;
            --after;
        }
        if (after == 0) {
            throw peek() < 0 ? peek_error("EOF while parsing a value") : peek_error("invalid number");
        }
        if (peek() == 'e' || peek() == 'E') return parse_exponent(positive, significand, exponent_before + after);
        return f64_from_parts(positive, significand, exponent_before + after);
    }

    number parse_number(bool positive, std::uint64_t significand) {
        number n;
        if (peek() == '.' || peek() == 'e' || peek() == 'E') {
            n.kind = number::type::floating;
            n.f = peek() == '.' ? parse_decimal(positive, significand, 0) : parse_exponent(positive, significand, 0);
            return n;
        }
        if (positive) {
            n.u = significand;
            return n;
        }
        const auto neg = static_cast<std::int64_t>(0 - significand);  // wrapping_neg of `as i64`
        if (neg >= 0) {
            n.kind = number::type::floating;
            n.f = -static_cast<double>(significand);
        } else {
            n.kind = number::type::signed_int;
            n.i = neg;
        }
        return n;
    }

    number parse_integer(bool positive) {
        const int c = next();
        if (c < 0) throw error("EOF while parsing a value");
        if (c == '0') {
            if (peek() >= '0' && peek() <= '9') throw peek_error("invalid number");
            return parse_number(positive, 0);
        }
        if (c < '1' || c > '9') throw error("invalid number");
        std::uint64_t significand = static_cast<unsigned>(c - '0');
        for (;;) {
            const int p = peek();
            if (p < '0' || p > '9') return parse_number(positive, significand);
            const auto digit = static_cast<unsigned>(p - '0');
            if (overflows(significand, digit)) {
                // parse_long_integer: the remaining digits only scale the value.
                int exponent = 0;
                while (peek() >= '0' && peek() <= '9') eat(), ++exponent;
                number n;
                n.kind = number::type::floating;
                if (peek() == '.') n.f = parse_decimal(positive, significand, exponent);
                else if (peek() == 'e' || peek() == 'E') n.f = parse_exponent(positive, significand, exponent);
                else n.f = f64_from_parts(positive, significand, exponent);
                return n;
            }
            eat();
            significand = significand * 10 + digit;
        }
    }

    // ignore_integer / ignore_decimal / ignore_exponent: same grammar, slightly different errors.
    void ignore_number() {
        const int c = peek();
        if (c >= 0) eat();
        if (c == '0') {
            if (peek() >= '0' && peek() <= '9') throw peek_error("invalid number");
        } else if (c >= '1' && c <= '9') {
            while (peek() >= '0' && peek() <= '9') eat();
        } else {
            throw error("invalid number");
        }
        if (peek() == '.') {
            eat();
            bool digits = false;
            while (peek() >= '0' && peek() <= '9') eat(), digits = true;
            if (!digits) throw peek_error("invalid number");
        }
        if (peek() == 'e' || peek() == 'E') {
            eat();
            if (peek() == '+' || peek() == '-') eat();
            const int d = peek();
            if (d >= 0) eat();
            if (d < '0' || d > '9') throw error("invalid number");
            while (peek() >= '0' && peek() <= '9') eat();
        }
    }

    // --- typed values
    de_error peek_invalid_type(std::string_view expected) {
        std::string unexpected;
        switch (peek()) {
        case 'n': eat(); parse_ident("ull"); unexpected = "null"; break;
        case 't': eat(); parse_ident("rue"); unexpected = "boolean `true`"; break;
        case 'f': eat(); parse_ident("alse"); unexpected = "boolean `false`"; break;
        case '-':
        case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9': {
            const bool positive = peek() != '-';
            if (!positive) eat();
            const number n = parse_integer(positive);
            if (n.kind == number::type::unsigned_int) unexpected = "integer `" + std::to_string(n.u) + "`";
            else if (n.kind == number::type::signed_int) unexpected = "integer `" + std::to_string(n.i) + "`";
            else unexpected = "floating point `" + rust_float(n.f) + "`";
            break;
        }
        case '"': eat(); unexpected = "string " + rust_debug(parse_string()); break;
        case '[': unexpected = "sequence"; break;
        case '{': unexpected = "map"; break;
        default: return peek_error("expected value");
        }
        de_error e = custom("invalid type: " + unexpected + ", expected " + std::string(expected));
        fix_position(e);
        return e;
    }

    std::string read_str(std::string_view expected) {
        const int c = parse_whitespace();
        if (c < 0) throw peek_error("EOF while parsing a value");
        if (c != '"') throw peek_invalid_type(expected);
        eat();
        return parse_string();
    }

    std::string read_uuid() {
        std::string text = read_str("a UUID string");
        auto id = parse_uuid(text);
        if (!id) {
            de_error e = custom("UUID parsing failed: " + uuid_error(text));
            fix_position(e);
            throw e;
        }
        return *id;
    }

    bool read_bool() {
        const int c = parse_whitespace();
        if (c < 0) throw peek_error("EOF while parsing a value");
        if (c == 't') return eat(), parse_ident("rue"), true;
        if (c == 'f') return eat(), parse_ident("alse"), false;
        throw peek_invalid_type("a boolean");
    }

    std::string read_variant() {
        std::string name = read_str("variant identifier");
        if (!is_status(name)) {
            de_error e = custom("unknown variant `" + name +
                                "`, expected one of `todo`, `inprogress`, `inreview`, `done`, `cancelled`");
            fix_position(e);
            throw e;
        }
        return name;
    }

    void parse_object_colon() {
        const int c = parse_whitespace();
        if (c == ':') return eat();
        throw c < 0 ? peek_error("EOF while parsing an object") : peek_error("expected `:`");
    }

    // deserialize_enum for a unit-only enum: "variant" or {"variant": null}.
    std::string read_status() {
        const int c = parse_whitespace();
        if (c < 0) throw peek_error("EOF while parsing a value");
        if (c == '"') return read_variant();
        if (c != '{') throw peek_error("expected value");
        eat();
        std::string name = read_variant();
        parse_object_colon();
        // The variant's content is tracked under the variant name ("status.done: …").
        tracked(segment{false, name, 0}, [&] {
            const int u = parse_whitespace();
            if (u < 0) throw peek_error("EOF while parsing a value");
            if (u != 'n') throw peek_invalid_type("unit");
            eat();
            parse_ident("ull");
            return 0;
        });
        const int close = parse_whitespace();
        if (close == '}') return eat(), name;
        throw close < 0 ? error("EOF while parsing an object") : error("expected value");
    }

    // SeqAccess::has_next_element.
    bool has_next_element(bool& first) {
        const int c = parse_whitespace();
        if (c < 0) throw peek_error("EOF while parsing a list");
        if (c == ']') return false;
        if (first) return first = false, true;
        if (c != ',') throw peek_error("expected `,` or `]`");
        eat();
        const int n = parse_whitespace();
        if (n == ']') throw peek_error("trailing comma");
        if (n < 0) throw peek_error("EOF while parsing a value");
        return true;
    }

    std::optional<de_error> end_seq() {
        const int c = parse_whitespace();
        if (c == ']') return eat(), std::nullopt;
        if (c == ',') {
            eat();
            return parse_whitespace() == ']' ? peek_error("trailing comma") : peek_error("trailing characters");
        }
        return c < 0 ? peek_error("EOF while parsing a list") : peek_error("trailing characters");
    }

    std::optional<de_error> end_map() {
        const int c = parse_whitespace();
        if (c == '}') return eat(), std::nullopt;
        if (c == ',') return peek_error("trailing comma");
        return c < 0 ? peek_error("EOF while parsing an object") : peek_error("trailing characters");
    }

    std::vector<std::string> read_uuid_list() {
        const int c = parse_whitespace();
        if (c < 0) throw peek_error("EOF while parsing a value");
        if (c != '[') throw peek_invalid_type("a sequence");
        eat();
        std::vector<std::string> ids;
        std::optional<de_error> failure;
        try {
            bool first = true;
            while (has_next_element(first)) {
                ids.push_back(tracked(segment{true, {}, ids.size()}, [&] { return read_uuid(); }));
            }
        } catch (de_error& e) {
            failure = std::move(e);
        }
        auto end = end_seq();
        if (!failure) failure = std::move(end);
        if (failure) {
            fix_position(*failure);
            throw *failure;
        }
        return ids;
    }

    // deserialize_option: `null` is None, anything else is the inner type.
    template <class F>
    bool read_option(F&& inner) {
        if (parse_whitespace() == 'n') {
            eat();
            parse_ident("ull");
            return false;
        }
        inner();
        return true;
    }

    field_value read_field(field_kind kind) {
        field_value v;
        switch (kind) {
        case field_kind::string: v.text = read_str("a string"); v.present = true; break;
        case field_kind::boolean: v.flag = read_bool(); v.present = true; break;
        case field_kind::uuid: v.text = read_uuid(); v.present = true; break;
        case field_kind::opt_string: v.present = read_option([&] { v.text = read_str("a string"); }); break;
        case field_kind::opt_uuid: v.present = read_option([&] { v.text = read_uuid(); }); break;
        case field_kind::opt_status: v.present = read_option([&] { v.text = read_status(); }); break;
        case field_kind::opt_uuid_list: v.present = read_option([&] { v.list = read_uuid_list(); }); break;
        }
        return v;
    }

    // Deserializer::ignore_value (IgnoredAny): validates syntax, no depth limit, no UTF-8 checks.
    void ignore_value() {
        std::string stack;          // enclosing '[' / '{'
        std::optional<char> enclosing;
        for (;;) {
            const int c = parse_whitespace();
            if (c < 0) throw peek_error("EOF while parsing a value");
            std::optional<char> frame;
            switch (c) {
            case 'n': eat(); parse_ident("ull"); break;
            case 't': eat(); parse_ident("rue"); break;
            case 'f': eat(); parse_ident("alse"); break;
            case '-': eat(); ignore_number(); break;
            case '"': eat(); scan_string(nullptr); break;
            case '[':
            case '{':
                if (enclosing) stack.push_back(*enclosing), enclosing.reset();
                eat();
                frame = static_cast<char>(c);
                break;
            default:
                if (c >= '0' && c <= '9') {
                    ignore_number();
                    break;
                }
                throw peek_error("expected value");
            }
            bool accept_comma = false;
            char current = 0;
            if (frame) {
                current = *frame;
            } else if (enclosing) {
                current = *enclosing, enclosing.reset(), accept_comma = true;
            } else if (!stack.empty()) {
                current = stack.back(), stack.pop_back(), accept_comma = true;
            } else {
                return;
            }
            for (;;) {
                const int p = parse_whitespace();
                if (p == ',' && accept_comma) {
                    eat();
                    break;
                }
                if ((p == ']' && current == '[') || (p == '}' && current == '{')) {
                    eat();
                    if (stack.empty()) return;
                    current = stack.back();
                    stack.pop_back();
                    accept_comma = true;
                    continue;
                }
                const bool list = current == '[';
                if (p < 0) throw peek_error(list ? "EOF while parsing a list" : "EOF while parsing an object");
                if (accept_comma) throw peek_error(current == '[' ? "expected `,` or `]`" : "expected `,` or `}`");
                break;
            }
            if (current == '{') {
                const int k = parse_whitespace();
                if (k < 0) throw peek_error("EOF while parsing an object");
                if (k != '"') throw peek_error("key must be a string");
                eat();
                scan_string(nullptr);
                const int colon = parse_whitespace();
                if (colon < 0) throw peek_error("EOF while parsing an object");
                if (colon != ':') throw peek_error("expected `:`");
                eat();
            }
            enclosing = current;
        }
    }

    // MapAccess::has_next_key.
    bool has_next_key(bool& first) {
        int c = parse_whitespace();
        if (c == '}') return false;
        if (c == ',' && !first) {
            eat();
            c = parse_whitespace();
        } else if (c >= 0) {
            if (!first) throw peek_error("expected `,` or `}`");
            first = false;
        } else {
            throw peek_error("EOF while parsing an object");
        }
        if (c == '"') return true;
        if (c == '}') throw peek_error("trailing comma");
        if (c < 0) throw peek_error("EOF while parsing a value");
        throw peek_error("key must be a string");
    }

    struct_values visit_map(std::string_view, std::span<const field_spec> fields) {
        struct_values values(fields.size());
        std::vector<bool> seen(fields.size(), false);
        bool first = true;
        while (has_next_key(first)) {
            eat();
            std::string key = parse_string();
            const auto it = std::find_if(fields.begin(), fields.end(), [&](const field_spec& f) {
                return f.name == key;
            });
            if (it == fields.end()) {
                parse_object_colon();
                tracked(segment{false, key, 0}, [&] { ignore_value(); return 0; });
                continue;
            }
            const auto i = static_cast<std::size_t>(it - fields.begin());
            if (seen[i]) throw custom("duplicate field `" + key + "`");
            seen[i] = true;
            parse_object_colon();
            values[i] = tracked(segment{false, key, 0}, [&] { return read_field(it->kind); });
        }
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (!seen[i] && !is_optional(fields[i].kind)) {
                throw custom("missing field `" + std::string(fields[i].name) + "`");
            }
        }
        return values;
    }

    struct_values visit_seq(std::string_view name, std::span<const field_spec> fields) {
        struct_values values(fields.size());
        bool first = true;
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (!has_next_element(first)) {
                throw custom("invalid length " + std::to_string(i) + ", expected struct " + std::string(name) +
                             " with " + std::to_string(fields.size()) + " elements");
            }
            values[i] = tracked(segment{true, {}, i}, [&] { return read_field(fields[i].kind); });
        }
        return values;
    }

    struct_values deserialize_struct(std::string_view name, std::span<const field_spec> fields) {
        const int c = parse_whitespace();
        if (c < 0) throw peek_error("EOF while parsing a value");
        if (c != '[' && c != '{') throw peek_invalid_type("struct " + std::string(name));
        eat();
        std::optional<de_error> failure;
        struct_values values;
        try {
            values = c == '[' ? visit_seq(name, fields) : visit_map(name, fields);
        } catch (de_error& e) {
            failure = std::move(e);
        }
        auto end = c == '[' ? end_seq() : end_map();
        if (!failure) failure = std::move(end);
        if (failure) {
            fix_position(*failure);
            throw *failure;
        }
        return values;
    }

    std::string_view src_;
    std::size_t index_ = 0;
    std::vector<segment> chain_;
};

std::string render(const de_error& e) {
    std::string text = e.path.empty() ? std::string() : e.path + ": ";
    text += e.message;
    if (e.line != 0) text += " at line " + std::to_string(e.line) + " column " + std::to_string(e.column);
    return text;
}

// ---------------------------------------------------------------------------------------------
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
    const auto lead = static_cast<unsigned char>(s[i]);
    unsigned char lo = 0x80, hi = 0xBF;
    std::size_t n = 1;
    if (lead >= 0xC2 && lead <= 0xDF) n = 2;
    else if (lead == 0xE0) n = 3, lo = 0xA0;
    else if (lead == 0xED) n = 3, hi = 0x9F;
    else if (lead >= 0xE1 && lead <= 0xEF) n = 3;
    else if (lead == 0xF0) n = 4, lo = 0x90;
    else if (lead >= 0xF1 && lead <= 0xF3) n = 4;
    else if (lead == 0xF4) n = 4, hi = 0x8F;
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

// ---------------------------------------------------------------------------------------------
// Time.

std::string two(unsigned v) {
    char b[4];
    std::snprintf(b, sizeof b, "%02u", v % 100);
    return b;
}

// RFC 3339 as chrono's AutoSi prints a millisecond timestamp: no fraction when ms == 0.
std::string format_timestamp(sys_time<milliseconds> t) {
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

// "YYYY-MM-DDTHH:MM:SS[.f…]Z" (seed documents); nullopt when malformed.
std::optional<sys_time<milliseconds>> parse_timestamp(std::string_view s) {
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

// IMF-fixdate for the Date header.
std::string http_date(sys_time<milliseconds> t) {
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

response plain(status code, std::string text) { return text_response(code, std::move(text)); }

response method_not_allowed(std::string_view allow) {
    auto res = empty_response(status::method_not_allowed);
    res.set(http::field::allow, allow);
    return res;
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

// ---------------------------------------------------------------------------------------------
// The request as the router sees it.

struct vibe_simulator::parsed_request {
    http::verb method = http::verb::unknown;
    bool head = false;
    std::vector<std::string> segments;  // raw (still percent-encoded), leading '/' dropped
    std::string query;                  // raw query, without '?'
    std::string body;
    std::optional<std::string> content_type;
};

namespace {

enum class route_id { unmatched, health, projects, project, tasks, create_and_start, task };

struct route_match {
    route_id id = route_id::unmatched;
    std::string raw_param;  // the {id} / {task_id} segment, still percent-encoded
};

route_match match_route(const std::vector<std::string>& s) {
    if (s.size() < 2 || s[0] != "api") return {};
    if (s.size() == 2 && s[1] == "health") return {route_id::health, {}};
    if (s.size() == 2 && s[1] == "projects") return {route_id::projects, {}};
    if (s.size() == 2 && s[1] == "tasks") return {route_id::tasks, {}};
    if (s.size() == 3 && s[1] == "tasks" && s[2] == "create-and-start") return {route_id::create_and_start, {}};
    if (s.size() == 3 && !s[2].empty() && s[1] == "projects") return {route_id::project, s[2]};
    if (s.size() == 3 && !s[2].empty() && s[1] == "tasks") return {route_id::task, s[2]};
    return {};
}

std::string_view allow_of(route_id id) {
    switch (id) {
    case route_id::health: return "GET,HEAD";
    case route_id::projects:
    case route_id::tasks: return "GET,HEAD,POST";
    case route_id::create_and_start: return "POST";
    case route_id::project:
    case route_id::task: return "GET,HEAD,PUT,DELETE";
    case route_id::unmatched: break;
    }
    return "GET,HEAD";
}

bool method_allowed(route_id id, http::verb m) {
    const bool get = m == http::verb::get || m == http::verb::head;
    switch (id) {
    case route_id::health: return get;
    case route_id::projects:
    case route_id::tasks: return get || m == http::verb::post;
    case route_id::create_and_start: return m == http::verb::post;
    case route_id::project:
    case route_id::task: return get || m == http::verb::put || m == http::verb::delete_;
    case route_id::unmatched: return get;
    }
    return false;
}

std::string template_of(route_id id) {
    switch (id) {
    case route_id::health: return "/api/health";
    case route_id::projects: return "/api/projects";
    case route_id::project: return "/api/projects/{id}";
    case route_id::tasks: return "/api/tasks";
    case route_id::create_and_start: return "/api/tasks/create-and-start";
    case route_id::task: return "/api/tasks/{id}";
    case route_id::unmatched: break;
    }
    return {};
}

// Splits an origin-form target into raw path segments and the raw query.
bool split_target(std::string_view target, std::vector<std::string>& segments, std::string& query) {
    for (std::string_view scheme : {"http://", "https://"}) {  // absolute-form: hyper routes on its path
        if (target.starts_with(scheme)) {
            const auto slash = target.find('/', scheme.size());
            target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
        }
    }
    if (!target.starts_with('/')) return false;
    const auto mark = target.find('?');
    std::string_view path = target.substr(0, mark);
    if (mark != std::string_view::npos) query = std::string(target.substr(mark + 1));
    path.remove_prefix(1);
    for (;;) {
        const auto slash = path.find('/');
        segments.emplace_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return true;
}

// axum's Path<Uuid> extraction: the decoded UUID, or the 400 it answers.
std::variant<std::string, response> path_uuid(std::string_view raw, std::string_view param) {
    const std::string decoded = percent_decode(raw, false);
    if (!valid_utf8(decoded)) {
        return plain(status::bad_request, "Invalid URL: Invalid UTF-8 in `" + std::string(param) + "`");
    }
    if (auto id = parse_uuid(decoded)) return *id;
    return plain(status::bad_request, "Invalid URL: Cannot parse `" + std::string(param) + "` with value `" + decoded +
                                          "`: UUID parsing failed: " + uuid_error(decoded));
}

// Query<TaskQuery>: the project id, or the 400 it answers.
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

// Json<T> extraction: the struct's fields, or the 415/413/400/422 axum answers.
std::variant<struct_values, response> json_body(const std::optional<std::string>& content_type, std::string_view body,
                                                std::string_view name, std::span<const field_spec> fields) {
    if (!content_type || !json_content_type(*content_type)) {
        return plain(status::unsupported_media_type, "Expected request with `Content-Type: application/json`");
    }
    if (body.size() > body_limit) {
        return plain(status::payload_too_large, "Failed to buffer the request body: length limit exceeded");
    }
    try {
        return body_reader(body).read_struct(name, fields);
    } catch (const de_error& e) {
        if (e.kind == error_kind::data) {
            return plain(status::unprocessable_entity,
                         "Failed to deserialize the JSON body into the target type: " + render(e));
        }
        return plain(status::bad_request, "Failed to parse the request body as JSON: " + render(e));
    }
}

std::optional<std::string> opt_field(const field_value& v) {
    return v.present ? std::optional<std::string>(v.text) : std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// vibe_simulator

vibe_simulator::vibe_simulator(vibe_options options) : options_(std::move(options)), rng_(options_.id_seed) {
    if (!options_.clock) options_.clock = [] { return system_clock::now(); };
}

vibe_simulator::time_point vibe_simulator::now() const { return floor<milliseconds>(options_.clock()); }

std::string vibe_simulator::new_id() {
    std::array<std::uint8_t, 16> b{};
    for (std::size_t i = 0; i < 16; i += 8) {
        const std::uint64_t r = rng_();
        for (std::size_t k = 0; k < 8; ++k) b[i + k] = static_cast<std::uint8_t>(r >> (8 * k));
    }
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | 0x40);
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
        out.push_back(hex[b[i] >> 4]);
        out.push_back(hex[b[i] & 0x0F]);
    }
    return out;
}

vibe_simulator::project_record* vibe_simulator::find_project(std::string_view id) {
    auto canonical = parse_uuid(id);
    if (!canonical) return nullptr;
    auto it = projects_.find(*canonical);
    return it == projects_.end() ? nullptr : &it->second;
}

const vibe_simulator::project_record* vibe_simulator::find_project(std::string_view id) const {
    return const_cast<vibe_simulator*>(this)->find_project(id);
}

vibe_simulator::task_record* vibe_simulator::find_task(std::string_view id) {
    auto canonical = parse_uuid(id);
    if (!canonical) return nullptr;
    auto it = tasks_.find(*canonical);
    return it == tasks_.end() ? nullptr : &it->second;
}

const vibe_simulator::task_record* vibe_simulator::find_task(std::string_view id) const {
    return const_cast<vibe_simulator*>(this)->find_task(id);
}

bool vibe_simulator::path_taken(std::string_view path, std::string_view except_id) const {
    return std::any_of(projects_.begin(), projects_.end(), [&](const auto& entry) {
        return entry.first != except_id && entry.second.git_repo_path == path;
    });
}

std::vector<const vibe_simulator::task_record*> vibe_simulator::sorted_tasks(std::string_view project_id) const {
    std::vector<const task_record*> out;
    for (const auto& [id, t] : tasks_) {
        if (t.project_id == project_id) out.push_back(&t);
    }
    std::sort(out.begin(), out.end(), [](const task_record* a, const task_record* b) {
        return a->created_at != b->created_at ? a->created_at > b->created_at : a->sequence > b->sequence;
    });
    return out;
}

bool vibe_simulator::take_write_lock() {
    if (locked_writes_ == 0) return false;
    --locked_writes_;
    return true;
}

void vibe_simulator::erase_project(const std::string& id) {
    projects_.erase(id);
    std::erase_if(tasks_, [&](const auto& entry) { return entry.second.project_id == id; });
}

namespace {

// Project and task objects in the server's key order.
template <class Project>
json::object project_json(const Project& p) {
    return json::object{{"id", p.id},
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
json::object task_json(const Task& t) {
    return json::object{{"id", t.id},
                        {"project_id", t.project_id},
                        {"title", t.title},
                        {"description", optional_string(t.description)},
                        {"status", t.status},
                        {"parent_task_attempt", optional_string(t.parent_task_attempt)},
                        {"created_at", format_timestamp(t.created_at)},
                        {"updated_at", format_timestamp(t.updated_at)}};
}

template <class Task>
json::object task_list_json(const Task& t) {
    json::object o = task_json(t);
    o["has_in_progress_attempt"] = false;
    o["has_merged_attempt"] = false;
    o["last_attempt_failed"] = false;
    o["profile"] = "";
    return o;
}

}  // namespace

// --- routing

std::string vibe_simulator::route_of(const request& req) const {
    std::vector<std::string> segments;
    std::string query;
    if (!split_target(req.target(), segments, query)) return "unmatched";
    const route_match m = match_route(segments);
    if (m.id == route_id::unmatched || !method_allowed(m.id, req.method())) return "unmatched";
    return std::string(http::to_string(req.method())) + " " + template_of(m.id);
}

response vibe_simulator::handle(const request& req) {
    parsed_request p;
    p.method = req.method();
    p.head = p.method == http::verb::head;
    p.body = req.body();
    if (auto it = req.find(http::field::content_type); it != req.end()) p.content_type = std::string(it->value());
    response res;
    if (!split_target(req.target(), p.segments, p.query)) {
        res = p.head || p.method == http::verb::get ? text_response(status::ok, std::string(spa_index_html), html_type)
                                                    : method_not_allowed("GET,HEAD");
    } else {
        try {
            res = dispatch(p);
        } catch (const std::exception& ex) {  // not expected: every path answers as the server would
            res = failure(status::internal_server_error, std::string("simulator error: ") + ex.what());
        }
    }
    res.set(http::field::date, http_date(now()));
    if (p.head) {
        const std::size_t length = res.body().size();
        res.body().clear();
        res.content_length(length);
    }
    return res;
}

response vibe_simulator::dispatch(const parsed_request& req) {
    const route_match m = match_route(req.segments);
    const http::verb verb = req.head ? http::verb::get : req.method;
    const bool allowed = method_allowed(m.id, req.method);
    switch (m.id) {
    case route_id::unmatched:
        if (allowed) return text_response(status::ok, std::string(spa_index_html), html_type);
        return method_not_allowed(allow_of(m.id));
    case route_id::health:
        return allowed ? get_health() : method_not_allowed(allow_of(m.id));
    case route_id::projects:
        if (!allowed) return method_not_allowed(allow_of(m.id));
        return verb == http::verb::get ? list_projects() : create_project(req);
    case route_id::tasks:
        if (!allowed) return method_not_allowed(allow_of(m.id));
        return verb == http::verb::get ? list_tasks(req) : create_task(req);
    case route_id::create_and_start:
        return allowed ? create_task(req) : method_not_allowed(allow_of(m.id));
    case route_id::project:
    case route_id::task: break;
    }
    // /api/{projects,tasks}/{id}: the loader middleware (400 bad id, 404 unknown) runs before
    // method routing; a method the route lacks still gets its `allow` header on whatever comes back.
    const bool is_task = m.id == route_id::task;
    auto id = path_uuid(m.raw_param, is_task ? "task_id" : "id");
    response res;
    if (auto* bad = std::get_if<response>(&id)) {
        res = std::move(*bad);
    } else {
        const std::string& key = std::get<std::string>(id);
        const bool exists = is_task ? tasks_.contains(key) : projects_.contains(key);
        if (!exists) res = empty_response(status::not_found);
        else if (!allowed) res = empty_response(status::method_not_allowed);
        else if (verb == http::verb::get) res = is_task ? get_task(key) : get_project(key);
        else if (verb == http::verb::put) res = is_task ? update_task(req, key) : update_project(req, key);
        else res = is_task ? delete_task_route(key) : delete_project(key);
    }
    if (!allowed) res.set(http::field::allow, allow_of(m.id));
    return res;
}

// --- handlers

response vibe_simulator::get_health() const { return envelope(status::ok, "OK"); }

response vibe_simulator::list_projects() const {
    std::vector<const project_record*> sorted;
    for (const auto& [id, p] : projects_) sorted.push_back(&p);
    std::sort(sorted.begin(), sorted.end(), [](const project_record* a, const project_record* b) {
        return a->created_at != b->created_at ? a->created_at > b->created_at : a->sequence > b->sequence;
    });
    json::array data;
    for (const auto* p : sorted) data.push_back(project_json(*p));
    return envelope(status::ok, std::move(data));
}

response vibe_simulator::create_project(const parsed_request& req) {
    auto parsed = json_body(req.content_type, req.body, "CreateProject", create_project_fields);
    if (auto* rejected = std::get_if<response>(&parsed)) return std::move(*rejected);
    const auto& v = std::get<struct_values>(parsed);
    const std::string& path = v[1].text;
    if (path_taken(path)) return failure(status::ok, duplicate_path);
    if (v[2].flag && options_.check_filesystem) {
        namespace fs = std::filesystem;
        std::error_code ec;
        if (path.empty() || !fs::exists(path, ec)) return failure(status::ok, "The specified path does not exist");
        if (!fs::is_directory(path, ec)) return failure(status::ok, "The specified path is not a directory");
        if (!fs::exists(fs::path(path) / ".git", ec)) {
            return failure(status::ok, "The specified directory is not a git repository");
        }
    }
    if (take_write_lock()) return failure(status::internal_server_error, database_locked);
    project_record p{new_id(), v[0].text, path, opt_field(v[3]), opt_field(v[4]), opt_field(v[5]), opt_field(v[6]),
                     now(), {}, next_sequence_++};
    p.updated_at = p.created_at;
    auto& stored = projects_[p.id] = std::move(p);
    return envelope(status::ok, project_json(stored));
}

response vibe_simulator::get_project(const std::string& id) const {
    return envelope(status::ok, project_json(projects_.at(id)));
}

response vibe_simulator::update_project(const parsed_request& req, const std::string& id) {
    auto parsed = json_body(req.content_type, req.body, "UpdateProject", update_project_fields);
    if (auto* rejected = std::get_if<response>(&parsed)) return std::move(*rejected);
    const auto& v = std::get<struct_values>(parsed);
    project_record& p = projects_.at(id);
    if (v[1].present && v[1].text != p.git_repo_path && path_taken(v[1].text, id)) {
        return failure(status::ok, duplicate_path);
    }
    if (take_write_lock()) return failure(status::internal_server_error, database_locked);
    if (v[0].present) p.name = v[0].text;
    if (v[1].present) p.git_repo_path = v[1].text;
    p.setup_script = opt_field(v[2]);  // not partial: omitted or null clears them
    p.dev_script = opt_field(v[3]);
    p.cleanup_script = opt_field(v[4]);
    p.copy_files = opt_field(v[5]);
    return envelope(status::ok, project_json(p));
}

response vibe_simulator::delete_project(const std::string& id) {
    if (take_write_lock()) return failure(status::internal_server_error, database_locked);
    erase_project(id);
    return envelope(status::ok, nullptr);
}

response vibe_simulator::list_tasks(const parsed_request& req) const {
    auto project = query_project_id(req.query);
    if (auto* rejected = std::get_if<response>(&project)) return std::move(*rejected);
    json::array data;
    for (const auto* t : sorted_tasks(std::get<std::string>(project))) data.push_back(task_list_json(*t));
    return envelope(status::ok, std::move(data));
}

response vibe_simulator::create_task(const parsed_request& req) {
    auto parsed = json_body(req.content_type, req.body, "CreateTask", create_task_fields);
    if (auto* rejected = std::get_if<response>(&parsed)) return std::move(*rejected);
    const auto& v = std::get<struct_values>(parsed);
    // One INSERT: an unknown project or parent attempt (the simulator has no attempts) fails its FK.
    if (!projects_.contains(v[0].text) || v[3].present) return failure(status::internal_server_error, fk_failed);
    if (take_write_lock()) return failure(status::internal_server_error, database_locked);
    task_record t{new_id(), v[0].text, v[1].text, opt_field(v[2]), "todo", std::nullopt, now(), {}, next_sequence_++};
    t.updated_at = t.created_at;
    auto& stored = tasks_[t.id] = std::move(t);
    // Images are attached after the insert: unknown ids fail, the task stays created.
    if (v[4].present && !v[4].list.empty()) return failure(status::internal_server_error, fk_failed);
    return envelope(status::ok, task_json(stored));
}

response vibe_simulator::get_task(const std::string& id) const {
    return envelope(status::ok, task_json(tasks_.at(id)));
}

response vibe_simulator::update_task(const parsed_request& req, const std::string& id) {
    auto parsed = json_body(req.content_type, req.body, "UpdateTask", update_task_fields);
    if (auto* rejected = std::get_if<response>(&parsed)) return std::move(*rejected);
    const auto& v = std::get<struct_values>(parsed);
    task_record& t = tasks_.at(id);
    if (v[3].present && v[3].text != t.parent_task_attempt) return failure(status::internal_server_error, fk_failed);
    if (take_write_lock()) return failure(status::internal_server_error, database_locked);
    if (v[0].present) t.title = v[0].text;        // null or omitted keeps
    if (v[1].present) t.description = v[1].text;
    if (v[2].present) t.status = v[2].text;
    // updated_at is not touched by the API. image_ids replace the set after the row update.
    if (v[4].present && !v[4].list.empty()) return failure(status::internal_server_error, fk_failed);
    return envelope(status::ok, task_json(t));
}

response vibe_simulator::delete_task_route(const std::string& id) {
    if (take_write_lock()) return failure(status::internal_server_error, database_locked);
    tasks_.erase(id);
    return envelope(status::ok, nullptr);
}

// --- in-process (UI) operations

std::string vibe_simulator::add_project(std::string name, std::string git_repo_path) {
    if (path_taken(git_repo_path)) throw std::invalid_argument(std::string(duplicate_path));
    project_record p{new_id(), std::move(name), std::move(git_repo_path), {}, {}, {}, {}, now(), {}, next_sequence_++};
    p.updated_at = p.created_at;
    const std::string id = p.id;
    projects_[id] = std::move(p);
    return id;
}

std::string vibe_simulator::add_task(std::string_view project_id, std::string title,
                                     std::optional<std::string> description, std::string_view status) {
    const project_record* project = find_project(project_id);
    if (!project) throw std::invalid_argument("unknown project " + std::string(project_id));
    if (!is_status(status)) throw std::invalid_argument("unknown status " + std::string(status));
    task_record t{new_id(), project->id, std::move(title), std::move(description), std::string(status),
                  std::nullopt, now(), {}, next_sequence_++};
    t.updated_at = t.created_at;
    const std::string id = t.id;
    tasks_[id] = std::move(t);
    return id;
}

bool vibe_simulator::move_task(std::string_view task_id, std::string_view status) {
    if (!is_status(status)) throw std::invalid_argument("unknown status " + std::string(status));
    task_record* t = find_task(task_id);
    if (!t) return false;
    t->status = std::string(status);
    return true;
}

bool vibe_simulator::agent_move_task(std::string_view task_id, std::string_view status) {
    if (!move_task(task_id, status)) return false;
    find_task(task_id)->updated_at = floor<seconds>(now());
    return true;
}

bool vibe_simulator::edit_task(std::string_view task_id, std::optional<std::string> title,
                               std::optional<std::string> description) {
    task_record* t = find_task(task_id);
    if (!t) return false;
    if (title) t->title = std::move(*title);
    if (description) t->description = std::move(*description);
    return true;
}

bool vibe_simulator::delete_task(std::string_view task_id) {
    task_record* t = find_task(task_id);
    if (!t) return false;
    tasks_.erase(t->id);
    return true;
}

std::optional<json::object> vibe_simulator::task(std::string_view id) const {
    const task_record* t = find_task(id);
    if (!t) return std::nullopt;
    return task_json(*t);
}

std::vector<json::object> vibe_simulator::tasks_of(std::string_view project_id) const {
    std::vector<json::object> out;
    const project_record* p = find_project(project_id);
    if (!p) return out;
    for (const auto* t : sorted_tasks(p->id)) out.push_back(task_list_json(*t));
    return out;
}

// --- seed / state

namespace {

const json::value* member(const json::object& o, std::string_view key) { return o.if_contains(key); }

[[noreturn]] void bad_seed(const std::string& why) { throw std::invalid_argument("vibe seed: " + why); }

std::string seed_string(const json::object& o, std::string_view key, std::string_view where) {
    const json::value* v = member(o, key);
    if (!v || !v->is_string()) bad_seed(std::string(where) + "." + std::string(key) + " must be a string");
    return std::string(v->as_string());
}

std::optional<std::string> seed_optional_string(const json::object& o, std::string_view key, std::string_view where) {
    const json::value* v = member(o, key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_string()) bad_seed(std::string(where) + "." + std::string(key) + " must be a string or null");
    return std::string(v->as_string());
}

std::optional<std::string> seed_id(const json::object& o, std::string_view where) {
    auto text = seed_optional_string(o, "id", where);
    if (!text) return std::nullopt;
    auto id = parse_uuid(*text);
    if (!id) bad_seed(std::string(where) + ".id is not a UUID: " + *text);
    return id;
}

std::optional<sys_time<milliseconds>> seed_time(const json::object& o, std::string_view key, std::string_view where) {
    auto text = seed_optional_string(o, key, where);
    if (!text) return std::nullopt;
    auto t = parse_timestamp(*text);
    if (!t) bad_seed(std::string(where) + "." + std::string(key) + " is not an RFC 3339 UTC timestamp: " + *text);
    return t;
}

const json::array& seed_array(const json::object& o, std::string_view key, std::string_view where) {
    static const json::array empty;
    const json::value* v = member(o, key);
    if (!v) return empty;
    if (!v->is_array()) bad_seed(std::string(where) + "." + std::string(key) + " must be an array");
    return v->as_array();
}

}  // namespace

vibe_simulator::project_record vibe_simulator::seed_project(const json::object& o, const std::string& where,
                                                            time_point stamp, std::uint64_t& sequence) {
    project_record p;
    p.id = seed_id(o, where).value_or("");
    if (p.id.empty()) p.id = new_id();
    p.name = seed_string(o, "name", where);
    p.git_repo_path = seed_string(o, "git_repo_path", where);
    p.setup_script = seed_optional_string(o, "setup_script", where);
    p.dev_script = seed_optional_string(o, "dev_script", where);
    p.cleanup_script = seed_optional_string(o, "cleanup_script", where);
    p.copy_files = seed_optional_string(o, "copy_files", where);
    p.created_at = seed_time(o, "created_at", where).value_or(stamp);
    p.updated_at = seed_time(o, "updated_at", where).value_or(p.created_at);
    p.sequence = sequence++;
    return p;
}

vibe_simulator::task_record vibe_simulator::seed_task(const json::object& o, const std::string& where,
                                                      const std::string& project_id, time_point stamp,
                                                      std::uint64_t& sequence) {
    task_record t;
    t.id = seed_id(o, where).value_or("");
    if (t.id.empty()) t.id = new_id();
    t.project_id = project_id;
    t.title = seed_string(o, "title", where);
    t.description = seed_optional_string(o, "description", where);
    t.status = seed_optional_string(o, "status", where).value_or("todo");
    if (!is_status(t.status)) bad_seed(where + ": unknown status " + t.status);
    if (auto parent = seed_optional_string(o, "parent_task_attempt", where)) {
        t.parent_task_attempt = parse_uuid(*parent);
        if (!t.parent_task_attempt) bad_seed(where + ".parent_task_attempt is not a UUID");
    }
    t.created_at = seed_time(o, "created_at", where).value_or(stamp);
    t.updated_at = seed_time(o, "updated_at", where).value_or(t.created_at);
    t.sequence = sequence++;
    return t;
}

void vibe_simulator::seed(const json::value& document) {
    if (!document.is_object()) bad_seed("the document must be an object");
    std::map<std::string, project_record> projects;
    std::map<std::string, task_record> tasks;
    std::uint64_t sequence = next_sequence_;
    const time_point stamp = now();
    std::size_t pi = 0;
    for (const auto& pv : seed_array(document.as_object(), "projects", "document")) {
        const std::string where = "projects[" + std::to_string(pi++) + "]";
        if (!pv.is_object()) bad_seed(where + " must be an object");
        project_record p = seed_project(pv.as_object(), where, stamp, sequence);
        if (projects.contains(p.id)) bad_seed(where + ": duplicate id " + p.id);
        for (const auto& [id, other] : projects) {
            if (other.git_repo_path == p.git_repo_path) bad_seed(where + ": duplicate git_repo_path");
        }
        std::size_t ti = 0;
        for (const auto& tv : seed_array(pv.as_object(), "tasks", where)) {
            const std::string twhere = where + ".tasks[" + std::to_string(ti++) + "]";
            if (!tv.is_object()) bad_seed(twhere + " must be an object");
            task_record t = seed_task(tv.as_object(), twhere, p.id, stamp, sequence);
            if (tasks.contains(t.id)) bad_seed(twhere + ": duplicate id " + t.id);
            tasks[t.id] = std::move(t);
        }
        projects[p.id] = std::move(p);
    }
    projects_ = std::move(projects);
    tasks_ = std::move(tasks);
    next_sequence_ = sequence;
}

json::value vibe_simulator::state() const {
    std::vector<const project_record*> projects;
    for (const auto& [id, p] : projects_) projects.push_back(&p);
    std::sort(projects.begin(), projects.end(),
              [](const project_record* a, const project_record* b) { return a->sequence < b->sequence; });
    json::array out;
    for (const auto* p : projects) {
        json::object po = project_json(*p);
        auto tasks = sorted_tasks(p->id);
        std::sort(tasks.begin(), tasks.end(),
                  [](const task_record* a, const task_record* b) { return a->sequence < b->sequence; });
        json::array ta;
        for (const auto* t : tasks) {
            json::object to = task_json(*t);
            to.erase("project_id");
            ta.push_back(std::move(to));
        }
        po["tasks"] = std::move(ta);
        out.push_back(std::move(po));
    }
    return json::object{{"projects", std::move(out)}};
}


}  // namespace hvs::sim
