// Letta simulator: text helpers, error bodies, and FastAPI/pydantic-style validation of bodies and
// query parameters (shared by every route file).

#include "letta_state.hpp"
#include "calendar.hpp"
#include "utf8.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/stream_parser.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

namespace hvs::sim::letta {
namespace {

namespace http = boost::beast::http;

constexpr std::size_t max_json_depth = 512;

// Decodes one UTF-8 sequence at `i`; returns the code point or -1 (then `i` advances one byte).
long decode_utf8(std::string_view s, std::size_t& i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) return ++i, b0;
    std::size_t len = 0;
    long cp = 0, min = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) len = 2, cp = b0 & 0x1F, min = 0x80;
    else if (b0 >= 0xE0 && b0 <= 0xEF) len = 3, cp = b0 & 0x0F, min = 0x800;
    else if (b0 >= 0xF0 && b0 <= 0xF4) len = 4, cp = b0 & 0x07, min = 0x10000;
    else return ++i, -1;
    if (i + len > s.size()) return ++i, -1;
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) return ++i, -1;
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return ++i, -1;
    i += len;
    return cp;
}

std::vector<long> code_point_list(std::string_view s) {
    std::vector<long> out;
    for (std::size_t i = 0; i < s.size();) {
        const long cp = decode_utf8(s, i);
        out.push_back(cp < 0 ? 0xFFFD : cp);
    }
    return out;
}

long lower_cp(long c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

bool is_hex_lower(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// Python's str.isprintable() for the code points that matter here.
bool printable(long cp) {
    if (cp < 0x20 || cp == 0x7F) return false;
    if (cp >= 0x80 && cp <= 0xA0) return false;
    if (cp == 0xAD) return false;
    if ((cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) || (cp >= 0x205F && cp <= 0x206F)) {
        return false;
    }
    if (cp == 0x3000 || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB) || (cp >= 0xE000 && cp <= 0xF8FF)) {
        return false;
    }
    return cp < 0xF0000;
}

std::string hex_escape(long cp) {
    char buf[24];
    if (cp < 0x100) std::snprintf(buf, sizeof buf, "\\x%02lx", cp);
    else if (cp < 0x10000) std::snprintf(buf, sizeof buf, "\\u%04lx", cp);
    else std::snprintf(buf, sizeof buf, "\\U%08lx", cp);
    return buf;
}

// repr() of a float: shortest round-trip digits, fixed notation for 1e-4 <= |x| < 1e16.
std::string py_float(double d) {
    if (d != d) return "nan";
    if (d == std::numeric_limits<double>::infinity()) return "inf";
    if (d == -std::numeric_limits<double>::infinity()) return "-inf";
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    if (ec != std::errc()) return "0.0";
    std::string sci(buf, end);
    std::string sign;
    if (sci[0] == '-') sign = "-", sci.erase(0, 1);
    const auto e = sci.find('e');
    std::string digits = sci.substr(0, e);
    digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
    const int exp = std::atoi(sci.c_str() + e + 1);
    if (exp < -4 || exp >= 16) {
        std::string out = sign + digits.substr(0, 1);
        if (digits.size() > 1) out += "." + digits.substr(1);
        char tail[16];
        std::snprintf(tail, sizeof tail, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
        return out + tail;
    }
    if (exp < 0) return sign + "0." + std::string(static_cast<std::size_t>(-exp - 1), '0') + digits;
    const auto int_len = static_cast<std::size_t>(exp) + 1;
    if (digits.size() <= int_len) return sign + digits + std::string(int_len - digits.size(), '0') + ".0";
    return sign + digits.substr(0, int_len) + "." + digits.substr(int_len);
}

std::string py_bytes_repr(std::string_view s) {
    const bool dq = s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos;
    const char quote = dq ? '"' : '\'';
    std::string out = "b";
    out += quote;
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (ch == quote || ch == '\\') out += '\\', out += ch;
        else if (ch == '\n') out += "\\n";
        else if (ch == '\r') out += "\\r";
        else if (ch == '\t') out += "\\t";
        else if (c < 0x20 || c >= 0x7F) out += hex_escape(c);
        else out += ch;
    }
    return out + quote;
}

std::string loc_repr(const json::array& items) {
    std::string out = "(";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ", ";
        out += py_repr(items[i]);
    }
    return out + (items.size() == 1 ? ",)" : ")");
}

std::string error_repr(const field_error& e) {
    std::string out = "{'type': " + py_repr(e.type) + ", 'loc': " + loc_repr(e.loc) + ", 'msg': " + py_repr(e.msg) +
                      ", 'input': " + e.input_repr;
    if (!e.ctx_repr.empty()) out += ", 'ctx': " + e.ctx_repr;
    return out + "}";
}

json::array with(const json::array& where, json::value key) {
    json::array out = where;
    out.push_back(std::move(key));
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

// Python int(): optional sign and digits (surrounding whitespace allowed); saturates at int64.
std::optional<std::int64_t> parse_int(std::string_view s) {
    s = trim(s);
    bool negative = false;
    if (!s.empty() && (s.front() == '+' || s.front() == '-')) negative = s.front() == '-', s.remove_prefix(1);
    if (s.empty()) return std::nullopt;
    std::int64_t value = 0;
    bool saturated = false;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        if (!saturated && value > (std::numeric_limits<std::int64_t>::max() - (c - '0')) / 10) saturated = true;
        if (!saturated) value = value * 10 + (c - '0');
    }
    if (saturated) return negative ? std::numeric_limits<std::int64_t>::min() : std::numeric_limits<std::int64_t>::max();
    return negative ? -value : value;
}

std::optional<bool> parse_bool(std::string_view s) {
    const std::string v = ascii_lower(s);
    for (std::string_view t : {"1", "on", "t", "true", "y", "yes"}) {
        if (v == t) return true;
    }
    for (std::string_view f : {"0", "off", "f", "false", "n", "no"}) {
        if (v == f) return false;
    }
    return std::nullopt;
}

std::optional<std::int64_t> int_of(const json::value& v) {
    if (v.is_int64()) return v.get_int64();
    if (v.is_uint64()) return static_cast<std::int64_t>(std::min<std::uint64_t>(v.get_uint64(), INT64_MAX));
    if (v.is_double()) {
        const double d = v.get_double();
        if (d != std::floor(d)) return std::nullopt;
        if (d >= 9.2e18) return std::numeric_limits<std::int64_t>::max();
        if (d <= -9.2e18) return std::numeric_limits<std::int64_t>::min();
        return static_cast<std::int64_t>(d);
    }
    if (v.is_string()) return parse_int(v.get_string());
    return std::nullopt;
}

std::optional<bool> bool_of(const json::value& v) {
    if (v.is_bool()) return v.get_bool();
    if (v.is_int64() && (v.get_int64() == 0 || v.get_int64() == 1)) return v.get_int64() == 1;
    if (v.is_uint64() && v.get_uint64() <= 1) return v.get_uint64() == 1;
    if (v.is_double() && (v.get_double() == 0.0 || v.get_double() == 1.0)) return v.get_double() == 1.0;
    if (v.is_string()) return parse_bool(v.get_string());
    return std::nullopt;
}

void check_value(const json::value& v, kind type, const json::array& at, std::vector<field_error>& errors) {
    auto fail = [&](std::string t, std::string msg) { errors.push_back({std::move(t), at, std::move(msg), py_repr(v), {}}); };
    switch (type) {
        case kind::string:
            if (!v.is_string()) fail("string_type", "Input should be a valid string");
            break;
        case kind::boolean:
            if (bool_of(v)) break;
            if (v.is_string()) fail("bool_parsing", "Input should be a valid boolean, unable to interpret input");
            else fail("bool_type", "Input should be a valid boolean");
            break;
        case kind::integer:
            if (int_of(v)) break;
            if (v.is_double()) fail("int_from_float", "Input should be a valid integer, got a number with a fractional part");
            else if (v.is_string()) fail("int_parsing", "Input should be a valid integer, unable to parse string as an integer");
            else fail("int_type", "Input should be a valid integer");
            break;
        case kind::object:
            if (!v.is_object()) fail("dict_type", "Input should be a valid dictionary");
            break;
        case kind::list:
            if (!v.is_array()) fail("list_type", "Input should be a valid list");
            break;
        case kind::string_list:
            if (!v.is_array()) {
                fail("list_type", "Input should be a valid list");
                break;
            }
            for (std::size_t i = 0; i < v.get_array().size(); ++i) {
                check_value(v.get_array()[i], kind::string, with(at, static_cast<std::int64_t>(i)), errors);
            }
            break;
        case kind::any:
            break;
    }
}

response body_error(field_error e) { return validation_error({std::move(e)}); }

}  // namespace

// ---------------------------------------------------------------------------------------------
// Text

std::string sanitize_utf8(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size();) {
        const std::size_t start = i;
        const long cp = decode_utf8(in, i);
        if (cp < 0) out += "\xEF\xBF\xBD";
        else out.append(in.substr(start, i - start));
    }
    return out;
}

std::size_t code_points(std::string_view utf8) {
    return static_cast<std::size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

bool is_valid_id(std::string_view id, std::string_view prefix) {
    if (id.size() != prefix.size() + 37 || id.substr(0, prefix.size()) != prefix || id[prefix.size()] != '-') {
        return false;
    }
    const std::string_view uuid = id.substr(prefix.size() + 1);
    for (std::size_t i = 0; i < uuid.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash != (uuid[i] == '-')) return false;
        if (!dash && !is_hex_lower(uuid[i])) return false;
    }
    return uuid[14] == '4' && (uuid[19] == '8' || uuid[19] == '9' || uuid[19] == 'a' || uuid[19] == 'b');
}

std::string iso_time(micros t) {
    const micros per_day = 86'400'000'000LL;
    micros days = t / per_day;
    micros in_day = t % per_day;
    if (in_day < 0) in_day += per_day, --days;
    const auto [y, m, d] = calendar::civil_from_days(days);
    const micros secs = in_day / 1'000'000, us = in_day % 1'000'000;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld", static_cast<long long>(y), m, d,
                  static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                  static_cast<long long>(secs % 60));
    std::string out = buf;
    if (us != 0) {
        std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(us));
        out += buf;
    }
    return out + "Z";
}

bool like_contains(std::string_view haystack, std::string_view pattern) {
    // Tokenise the pattern: -1 = '%', -2 = '_', anything else a literal code point.
    std::vector<long> pat{-1};
    const auto raw = code_point_list(pattern);
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\\' && i + 1 < raw.size()) pat.push_back(lower_cp(raw[++i]));
        else if (raw[i] == '%') pat.push_back(-1);
        else if (raw[i] == '_') pat.push_back(-2);
        else pat.push_back(lower_cp(raw[i]));
    }
    pat.push_back(-1);
    auto text = code_point_list(haystack);
    for (long& c : text) c = lower_cp(c);
    // Classic wildcard matching with single-star backtracking.
    std::size_t t = 0, p = 0, star = std::string::npos, mark = 0;
    while (t < text.size()) {
        if (p < pat.size() && (pat[p] == -2 || pat[p] == text[t])) {
            ++t, ++p;
        } else if (p < pat.size() && pat[p] == -1) {
            star = p++, mark = t;
        } else if (star != std::string::npos) {
            p = star + 1, t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pat.size() && pat[p] == -1) ++p;
    return p == pat.size();
}

std::string py_repr(std::string_view s) {
    const bool dq = s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos;
    const char quote = dq ? '"' : '\'';
    std::string out(1, quote);
    for (std::size_t i = 0; i < s.size();) {
        long cp = decode_utf8(s, i);
        if (cp < 0) cp = 0xFFFD;
        if (cp == quote || cp == '\\') out += '\\', out += static_cast<char>(cp);
        else if (cp == '\n') out += "\\n";
        else if (cp == '\r') out += "\\r";
        else if (cp == '\t') out += "\\t";
        else if (!printable(cp)) out += hex_escape(cp);
        else utf8::append(out, static_cast<char32_t>(cp));
    }
    return out + quote;
}

std::string py_repr(const json::value& v) {
    switch (v.kind()) {
        case json::kind::null: return "None";
        case json::kind::bool_: return v.get_bool() ? "True" : "False";
        case json::kind::int64: return std::to_string(v.get_int64());
        case json::kind::uint64: return std::to_string(v.get_uint64());
        case json::kind::double_: return py_float(v.get_double());
        case json::kind::string: return py_repr(std::string_view(v.get_string()));
        case json::kind::array: {
            std::string out = "[";
            for (std::size_t i = 0; i < v.get_array().size(); ++i) out += (i ? ", " : "") + py_repr(v.get_array()[i]);
            return out + "]";
        }
        case json::kind::object: {
            std::string out = "{";
            bool first = true;
            for (const auto& kv : v.get_object()) {
                out += (first ? "" : ", ") + py_repr(std::string_view(kv.key())) + ": " + py_repr(kv.value());
                first = false;
            }
            return out + "}";
        }
    }
    return "None";
}

std::string py_set_repr(std::span<const std::string> items) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + py_repr(std::string_view(items[i]));
    return out + "}";
}

// ---------------------------------------------------------------------------------------------
// Error bodies

response detail(status code, std::string_view message) {
    return json_response(code, json::object{{"detail", sanitize_utf8(message)}});
}

response internal_error() { return detail(status::internal_server_error, "An internal server error occurred"); }

response null_response() { return json_response(status::ok, nullptr); }

json::array loc(std::initializer_list<json::value> items) {
    json::array out;
    for (const auto& v : items) out.push_back(v);
    return out;
}

response validation_error(const std::vector<field_error>& errors, std::string_view example) {
    std::string text = "[";
    for (std::size_t i = 0; i < errors.size(); ++i) text += (i ? ", " : "") + error_repr(errors[i]);
    text += "]";
    json::object body{{"trace_id", ""}, {"detail", text}};
    if (!example.empty()) body["examples"] = json::array{json::string(example)};
    return json_response(status::unprocessable_entity, body);
}

// ---------------------------------------------------------------------------------------------
// Bodies

body_result read_object_body(const request& req) {
    body_result out;
    const std::string& raw = req.body();
    if (raw.empty()) {
        out.error = body_error({"missing", loc({"body"}), "Field required", "None", {}});
        return out;
    }
    const auto ct = ascii_lower(trim(std::string_view(req[http::field::content_type]).substr(
        0, std::string_view(req[http::field::content_type]).find(';'))));
    const bool json_type = ct.empty() || ct == "application/json" ||
                           (ct.rfind("application/", 0) == 0 && ct.size() > 5 && ct.substr(ct.size() - 5) == "+json");
    if (!json_type) {
        out.error = body_error({"model_attributes_type", loc({"body"}),
                                "Input should be a valid dictionary or object to extract fields from",
                                py_bytes_repr(raw), {}});
        return out;
    }
    if (sanitize_utf8(raw) != raw) {
        out.error = detail(status::bad_request, "There was an error parsing the body");
        return out;
    }
    json::parse_options opts;
    opts.max_depth = max_json_depth;
    json::stream_parser parser({}, opts);
    boost::system::error_code ec;
    const std::size_t used = parser.write_some(raw.data(), raw.size(), ec);
    if (!ec && used < raw.size()) ec = json::error::extra_data;
    if (!ec) parser.finish(ec);
    if (ec) {
        const bool extra = ec == json::error::extra_data;
        out.error = body_error({"json_invalid", loc({"body", static_cast<std::int64_t>(code_points(raw.substr(0, used)))}),
                                "JSON decode error", "{}",
                                std::string("{'error': '") + (extra ? "Extra data" : "Expecting value") + "'}"});
        return out;
    }
    json::value v = parser.release();
    if (!v.is_object()) {
        out.error = body_error({"model_attributes_type", loc({"body"}),
                                "Input should be a valid dictionary or object to extract fields from", py_repr(v), {}});
        return out;
    }
    out.object = std::move(v.get_object());
    return out;
}

void check_fields(const json::object& obj, std::span<const field_spec> fields, const json::array& where,
                  std::vector<field_error>& errors, bool forbid_extra) {
    for (const auto& f : fields) {
        const auto* v = obj.if_contains(f.key);
        if (!v) {
            if (f.required) {
                errors.push_back({"missing", with(where, json::string(f.key)), "Field required",
                                  py_repr(json::value(obj)), {}});
            }
            continue;
        }
        if (v->is_null() && !f.required) continue;
        check_value(*v, f.type, with(where, json::string(f.key)), errors);
    }
    if (!forbid_extra) return;
    for (const auto& kv : obj) {
        const bool known = std::any_of(fields.begin(), fields.end(), [&](const field_spec& f) { return f.key == kv.key(); });
        if (!known) {
            errors.push_back({"extra_forbidden", with(where, json::string(kv.key())), "Extra inputs are not permitted",
                              py_repr(kv.value()), {}});
        }
    }
}

std::optional<std::string> get_string(const json::object& obj, std::string_view key) {
    const auto* v = obj.if_contains(key);
    if (!v || !v->is_string()) return std::nullopt;
    return std::string(v->get_string());
}

std::optional<bool> get_bool(const json::object& obj, std::string_view key) {
    const auto* v = obj.if_contains(key);
    return v ? bool_of(*v) : std::nullopt;
}

std::optional<std::int64_t> get_int(const json::object& obj, std::string_view key) {
    const auto* v = obj.if_contains(key);
    return v ? int_of(*v) : std::nullopt;
}

std::optional<std::vector<std::string>> get_strings(const json::object& obj, std::string_view key) {
    const auto* v = obj.if_contains(key);
    if (!v || !v->is_array()) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& item : v->get_array()) {
        if (item.is_string()) out.emplace_back(item.get_string());
    }
    return out;
}

bool present(const json::object& obj, std::string_view key) {
    const auto* v = obj.if_contains(key);
    return v && !v->is_null();
}

// ---------------------------------------------------------------------------------------------
// Query parameters

std::optional<std::string> call::last(std::string_view key) const {
    std::optional<std::string> out;
    for (const auto& [k, v] : tgt.query) {
        if (k == key) out = v;
    }
    return out;
}

std::optional<std::int64_t> query_int(const call& c, std::string_view key, std::vector<field_error>& errors) {
    const auto raw = c.last(key);
    if (!raw) return std::nullopt;
    auto value = parse_int(*raw);
    if (!value) {
        errors.push_back({"int_parsing", loc({"query", json::string(key)}),
                          "Input should be a valid integer, unable to parse string as an integer", py_repr(*raw), {}});
    }
    return value;
}

std::optional<bool> query_bool(const call& c, std::string_view key, std::vector<field_error>& errors) {
    const auto raw = c.last(key);
    if (!raw) return std::nullopt;
    auto value = parse_bool(*raw);
    if (!value) {
        errors.push_back({"bool_parsing", loc({"query", json::string(key)}),
                          "Input should be a valid boolean, unable to interpret input", py_repr(*raw), {}});
    }
    return value;
}

list_query read_list_query(const call& c, std::int64_t default_limit, bool default_ascending,
                           std::vector<field_error>& errors, bool& negative) {
    list_query q;
    const auto limit = query_int(c, "limit", errors).value_or(default_limit);
    negative = limit < 0;
    if (limit > 0) q.limit = limit;
    q.ascending = default_ascending;
    if (const auto order = c.last("order")) {
        if (*order == "asc" || *order == "desc") {
            q.ascending = *order == "asc";
        } else {
            errors.push_back({"literal_error", loc({"query", "order"}), "Input should be 'asc' or 'desc'",
                              py_repr(*order), "{'expected': \"'asc' or 'desc'\"}"});
        }
    }
    q.after = c.last("after");
    q.before = c.last("before");
    return q;
}

}  // namespace hvs::sim::letta
