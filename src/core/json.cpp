#include "hvs/core/json.hpp"

#include <boost/json/parse.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace hvs::core {
namespace {

error parse_error(std::string_view what, std::string message) {
    return make_error(error_kind::parse, std::string(what) + ": " + message);
}

}  // namespace

result<boost::json::value> parse_json(std::string_view body, std::string_view what) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(body, ec);
    if (ec) return parse_error(what, "body is not JSON (" + ec.message() + ")");
    return v;
}

result<const boost::json::object*> object_of(const boost::json::value& v, std::string_view what) {
    if (!v.is_object()) return parse_error(what, "expected a JSON object");
    return &v.as_object();
}

result<const boost::json::array*> array_of(const boost::json::value& v, std::string_view what) {
    if (!v.is_array()) return parse_error(what, "expected a JSON array");
    return &v.as_array();
}

result<std::string> string_field(const boost::json::object& o, std::string_view key, std::string_view what) {
    auto* v = o.if_contains(key);
    if (!v) return parse_error(what, "field '" + std::string(key) + "' is missing");
    if (!v->is_string()) return parse_error(what, "field '" + std::string(key) + "' is not a string");
    return std::string(v->as_string());
}

result<std::optional<std::string>> optional_string_field(const boost::json::object& o, std::string_view key,
                                                         std::string_view what) {
    auto* v = o.if_contains(key);
    if (!v || v->is_null()) return std::optional<std::string>{};
    if (!v->is_string()) return parse_error(what, "field '" + std::string(key) + "' is not a string or null");
    return std::optional<std::string>(std::string(v->as_string()));
}

result<std::int64_t> int_field(const boost::json::object& o, std::string_view key, std::string_view what) {
    auto* v = o.if_contains(key);
    if (!v) return parse_error(what, "field '" + std::string(key) + "' is missing");
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
        return static_cast<std::int64_t>(v->as_uint64());
    }
    if (v->is_double()) {
        double d = v->as_double();
        if (d >= -9.2e18 && d <= 9.2e18 && d == static_cast<double>(static_cast<std::int64_t>(d))) {
            return static_cast<std::int64_t>(d);
        }
    }
    return parse_error(what, "field '" + std::string(key) + "' is not an integer");
}

result<bool> bool_field(const boost::json::object& o, std::string_view key, std::string_view what) {
    auto* v = o.if_contains(key);
    if (!v) return parse_error(what, "field '" + std::string(key) + "' is missing");
    if (!v->is_bool()) return parse_error(what, "field '" + std::string(key) + "' is not a boolean");
    return v->as_bool();
}

std::string now_iso8601() {
    auto now = std::chrono::system_clock::now();
    return iso8601_ms(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
}

std::string iso8601_ms(std::int64_t epoch_ms) {
    std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
    int ms = static_cast<int>(epoch_ms % 1000);
    if (ms < 0) {
        ms += 1000;
        --seconds;
    }
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
    return buf;
}

std::optional<std::int64_t> parse_iso8601_ms(std::string_view text) {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, ms = 0, used = 0;
    const std::string s(text);
    if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute, &second, &used) != 6 ||
        used != 19) {
        return std::nullopt;
    }
    std::string_view rest = text.substr(19);
    if (rest.size() == 5 && rest.front() == '.') {
        for (char c : rest.substr(1, 3)) {
            if (c < '0' || c > '9') return std::nullopt;
            ms = ms * 10 + (c - '0');
        }
        rest.remove_prefix(4);
    }
    if (rest != "Z" || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
        return std::nullopt;
    }
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    return static_cast<std::int64_t>(timegm(&tm)) * 1000 + ms;
}

}  // namespace hvs::core
