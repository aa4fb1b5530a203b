// JavaScript's own semantics as the Huly REST server (Node) exhibits them; see js_semantics.hpp.

#include "js_semantics.hpp"
#include "calendar.hpp"
#include "utf8.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>
#include <vector>

namespace hvs::sim::js {

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic (proleptic Gregorian, UTC) and the date formats the server prints or parses.

namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = floor_div(y, 400);
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

constexpr std::array<std::string_view, 12> month_names = {"jan", "feb", "mar", "apr", "may", "jun",
                                                          "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> weekday_names = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool between(int x, int lo, int hi) { return x >= lo && x <= hi; }

// `new Date(text).getTime()` as V8 computes it (src/date/dateparser*): an ES5 ISO string
// [±YY]YYYY[-MM[-DD]][THH:mm[:ss[.s+]][Z|±hh:mm|±hhmm]], or whatever is left of one after its date
// part, read by the legacy rules (month names, "12:00 pm", "GMT+0100", "(comment)", M/D/Y). Local
// time is UTC, the server container's zone.
class js_date_parser {
public:
    explicit js_date_parser(std::string_view text) { tokenize(text); }

    std::optional<std::int64_t> parse() {
        const int es5 = parse_es5();
        if (es5 < 0) return std::nullopt;
        if (es5 == 0 && !parse_legacy()) return std::nullopt;
        return compose();
    }

private:
    static constexpr int none = std::numeric_limits<int>::min();
    enum class kind { end, number, symbol, word, space, unknown };
    enum class word_type { garbage, month, am_pm, zone, time_separator };
    struct token {
        kind k = kind::end;
        int value = 0;       // number: its first 9 significant digits; word: keyword value
        int length = 0;      // characters, leading zeros included
        char symbol = 0;     // one of : - + . )
        word_type type = word_type::garbage;
    };

    static bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

    void tokenize(std::string_view s) {
        for (std::size_t i = 0; i < s.size();) {
            const std::size_t start = i;
            token t;
            const char c = s[i];
            if (is_digit(c)) {
                while (i < s.size() && s[i] == '0') ++i;
                int significant = 0;
                for (; i < s.size() && is_digit(s[i]); ++i) {
                    if (significant++ < 9) t.value = t.value * 10 + (s[i] - '0');
                }
                t.k = kind::number;
            } else if (c == ':' || c == '-' || c == '+' || c == '.' || c == ')') {
                t.k = kind::symbol, t.symbol = c, ++i;
            } else if (static_cast<unsigned char>(c) >= 'A' && !is_space(c)) {
                std::string prefix;
                for (; i < s.size() && static_cast<unsigned char>(s[i]) >= 'A' && !is_space(s[i]); ++i) {
                    if (prefix.size() < 3) prefix += ascii_lower(s[i]);
                }
                t.k = kind::word;
                classify(t, prefix, static_cast<int>(i - start));
            } else if (is_space(c)) {
                while (i < s.size() && is_space(s[i])) ++i;
                t.k = kind::space;
            } else if (c == '(') {
                int balance = 0;
                do {
                    if (s[i] == ')') --balance;
                    else if (s[i] == '(') ++balance;
                    ++i;
                } while (balance > 0 && i < s.size());
                t.k = kind::unknown;
            } else {
                t.k = kind::unknown, ++i;
            }
            t.length = static_cast<int>(i - start);
            tokens_.push_back(t);
        }
        tokens_.push_back(token{});  // end of input
    }

    static void classify(token& t, std::string_view prefix, int length) {
        for (std::size_t m = 0; m < month_names.size(); ++m) {
            if (prefix == month_names[m]) {
                t.type = word_type::month, t.value = static_cast<int>(m) + 1;
                return;
            }
        }
        if (length > 3) return;
        static constexpr std::array<std::pair<std::string_view, int>, 12> zones = {
            {{"ut", 0}, {"utc", 0}, {"z", 0}, {"gmt", 0}, {"cdt", -5}, {"cst", -6}, {"edt", -4}, {"est", -5},
             {"mdt", -6}, {"mst", -7}, {"pdt", -7}, {"pst", -8}}};
        for (const auto& [name, hours] : zones) {
            if (prefix == name) {
                t.type = word_type::zone, t.value = hours;
                return;
            }
        }
        if (prefix == "am" || prefix == "pm") t.type = word_type::am_pm, t.value = prefix == "am" ? 0 : 12;
        if (prefix == "t") t.type = word_type::time_separator;
    }

    const token& peek() const { return tokens_[pos_]; }
    const token& next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
    bool peek_symbol(char c) const { return peek().k == kind::symbol && peek().symbol == c; }
    bool skip_symbol(char c) { return peek_symbol(c) && (++pos_, true); }
    bool peek_number(int length) const { return peek().k == kind::number && peek().length == length; }
    static bool is_sign(const token& t) { return t.k == kind::symbol && (t.symbol == '+' || t.symbol == '-'); }
    static bool is_z(const token& t) { return t.k == kind::word && t.type == word_type::zone && t.length == 1; }
    static bool is_month(int x) { return between(x, 1, 12); }
    static bool is_day(int x) { return between(x, 1, 31); }
    static bool is_hour(int x) { return between(x, 0, 23); }
    static bool is_minute(int x) { return between(x, 0, 59); }

    // The first three significant digits of a fraction, scaled by its written length.
    static int read_millis(const token& t) {
        int n = t.value, length = t.length;
        if (length == 1) return n * 100;
        if (length == 2) return n * 10;
        for (length = std::min(length, 9); length > 3; --length) n /= 10;
        return n;
    }

    bool add_day(int n) { return day_.size() < 3 && (day_.push_back(n), true); }
    bool add_time(int n) { return time_index_ < 4 && (time_[time_index_++] = n, true); }
    bool add_time_final(int n) {
        if (!add_time(n)) return false;
        while (time_index_ < 4) time_[time_index_++] = 0;
        return true;
    }
    bool time_expecting(int n) const {
        return (time_index_ == 1 && is_minute(n)) || (time_index_ == 2 && is_minute(n)) ||
               (time_index_ == 3 && between(n, 0, 999));
    }
    void set_zone(int hours) {
        tz_sign_ = hours < 0 ? -1 : 1;
        tz_hour_ = hours * tz_sign_;
        tz_minute_ = 0;
    }
    bool zone_expecting(int n) const { return tz_hour_ != none && tz_minute_ == none && is_minute(n); }

    // 1: a complete ES5 string; 0: continue with the legacy rules at the current token; -1: NaN.
    int parse_es5() {
        if (is_sign(peek())) {
            const std::size_t sign_at = pos_;
            const int sign = next().symbol == '-' ? -1 : 1;
            if (!peek_number(6) || (sign < 0 && peek().value == 0)) return pos_ = sign_at, 0;
            add_day(sign * next().value);
        } else if (peek_number(4)) {
            add_day(next().value);
        } else {
            return 0;
        }
        if (skip_symbol('-')) {
            if (!peek_number(2) || !is_month(peek().value)) return 0;
            add_day(next().value);
            if (skip_symbol('-')) {
                if (!peek_number(2) || !is_day(peek().value)) return 0;
                add_day(next().value);
            }
        }
        if (!(peek().k == kind::word && peek().type == word_type::time_separator)) {
            if (peek().k != kind::end) return 0;
        } else if (!parse_es5_time()) {
            return -1;
        }
        if (tz_sign_ == none && time_index_ == 0) set_zone(0);  // date-only forms are UTC
        iso_ = true;
        return 1;
    }

    bool parse_es5_time() {
        next();  // T
        if (!peek_number(2) || !between(peek().value, 0, 24)) return false;
        const bool midnight = peek().value == 24;
        add_time(next().value);
        if (!skip_symbol(':') || !peek_number(2) || !is_minute(peek().value) || (midnight && peek().value > 0)) {
            return false;
        }
        add_time(next().value);
        if (skip_symbol(':')) {
            if (!peek_number(2) || !is_minute(peek().value) || (midnight && peek().value > 0)) return false;
            add_time(next().value);
            if (skip_symbol('.')) {
                if (peek().k != kind::number || (midnight && peek().value > 0)) return false;
                add_time(read_millis(next()));
            }
        }
        if (is_z(peek())) {
            next();
            set_zone(0);
        } else if (is_sign(peek())) {
            tz_sign_ = next().symbol == '-' ? -1 : 1;
            if (peek_number(4)) {
                const int hhmm = next().value;
                if (!is_hour(hhmm / 100) || !is_minute(hhmm % 100)) return false;
                tz_hour_ = hhmm / 100, tz_minute_ = hhmm % 100;
            } else {
                if (!peek_number(2) || !is_hour(peek().value)) return false;
                tz_hour_ = next().value;
                if (!skip_symbol(':') || !peek_number(2) || !is_minute(peek().value)) return false;
                tz_minute_ = next().value;
            }
        }
        return peek().k == kind::end;
    }

    bool parse_legacy() {
        bool has_number = !day_.empty();
        for (;;) {
            const token t = next();
            if (t.k == kind::end) return true;
            if (t.k == kind::number) {
                has_number = true;
                if (!legacy_number(t)) return false;
            } else if (t.k == kind::word) {
                if (t.type == word_type::am_pm && time_index_ != 0) {
                    hour_offset_ = t.value;
                } else if (t.type == word_type::month) {
                    named_month_ = t.value;
                    skip_symbol('-');
                } else if (t.type == word_type::zone && has_number) {
                    set_zone(t.value);
                } else if (has_number || peek().k == kind::number) {
                    return false;  // garbage words only before the first number
                }
            } else if (is_sign(t) && ((tz_hour_ == 0 && tz_minute_ == 0) || time_index_ != 0)) {
                has_number = true;
                if (!legacy_offset(t)) return false;
            } else if ((is_sign(t) || (t.k == kind::symbol && t.symbol == ')')) && has_number) {
                return false;
            }
        }
    }

    bool legacy_number(const token& t) {
        const int n = t.value;
        if (skip_symbol(':')) {
            if (skip_symbol(':')) return time_index_ == 0 && add_time(n) && add_time(0);
            if (!add_time(n)) return false;
            skip_symbol('.');
            return true;
        }
        if (skip_symbol('.') && time_expecting(n)) {
            add_time(n);
            if (peek().k != kind::number) return false;
            return add_time_final(read_millis(next()));
        }
        if (zone_expecting(n)) {
            tz_minute_ = n;
            return true;
        }
        if (time_expecting(n)) {
            add_time_final(n);
            const token& p = peek();
            return p.k == kind::end || p.k == kind::space || is_z(p) || is_sign(p);
        }
        if (!add_day(n)) return false;
        skip_symbol('-');
        return true;
    }

    bool legacy_offset(const token& sign) {
        tz_sign_ = sign.symbol == '-' ? -1 : 1;
        int n = 0, length = 0;
        if (peek().k == kind::number) {
            const token& number = next();
            n = number.value, length = number.length;
        }
        if (peek_symbol(':')) {
            tz_hour_ = n, tz_minute_ = none;
        } else if (length == 1 || length == 2) {
            tz_hour_ = n, tz_minute_ = 0;
        } else if (length == 3 || length == 4) {
            tz_hour_ = n / 100, tz_minute_ = n % 100;
        } else {
            return false;
        }
        return true;
    }

    std::optional<std::int64_t> compose() {
        if (day_.empty()) return std::nullopt;
        while (day_.size() < 3) day_.push_back(1);
        std::int64_t year;
        int month, day;
        if (named_month_ == none) {
            const bool ymd = iso_ || !is_day(day_[0]);
            year = ymd ? day_[0] : day_[2];
            month = ymd ? day_[1] : day_[0];
            day = ymd ? day_[2] : day_[1];
        } else {
            const bool year_first = !is_day(day_[0]);
            month = named_month_;
            year = year_first ? day_[0] : day_[1];
            day = year_first ? day_[1] : day_[0];
        }
        if (!iso_ && between(static_cast<int>(year), 0, 49)) year += 2000;
        else if (!iso_ && between(static_cast<int>(year), 50, 99)) year += 1900;
        if (!is_month(month) || !is_day(day)) return std::nullopt;

        while (time_index_ < 4) time_[time_index_++] = 0;
        auto [hour, minute, second, millis] = time_;
        if (hour_offset_ != none) {
            if (!between(hour, 0, 12)) return std::nullopt;
            hour = hour % 12 + hour_offset_;
        }
        if (!is_hour(hour) || !is_minute(minute) || !is_minute(second) || !between(millis, 0, 999)) {
            if (hour != 24 || minute != 0 || second != 0 || millis != 0) return std::nullopt;
        }
        std::int64_t offset_minutes = 0;  // no zone: local time, which is UTC
        if (tz_sign_ != none) {
            offset_minutes = tz_sign_ * ((tz_hour_ == none ? 0 : std::int64_t{tz_hour_}) * 60 +
                                         (tz_minute_ == none ? 0 : tz_minute_));
        }
        if (year < -400'000 || year > 400'000) return std::nullopt;
        const std::int64_t days = days_from_civil(year, static_cast<unsigned>(month), 1) + day - 1;
        const std::int64_t ms = days * 86'400'000 + hour * 3'600'000LL + minute * 60'000LL + second * 1000LL +
                                millis - offset_minutes * 60'000;
        if (ms < -max_js_time || ms > max_js_time) return std::nullopt;
        return ms;
    }

    std::vector<token> tokens_;
    std::size_t pos_ = 0;
    std::vector<int> day_;
    int named_month_ = none;
    bool iso_ = false;
    std::array<int, 4> time_{};
    int time_index_ = 0;
    int hour_offset_ = none;
    int tz_sign_ = none, tz_hour_ = none, tz_minute_ = none;
};

}  // namespace

std::string iso_string(std::int64_t ms) {
    const std::int64_t days = floor_div(ms, 86'400'000);
    const std::int64_t in_day = ms - days * 86'400'000;
    const auto date = calendar::civil_from_days(days);
    char year[24];
    if (date.year >= 0 && date.year <= 9999) {
        std::snprintf(year, sizeof year, "%04lld", static_cast<long long>(date.year));
    } else {
        std::snprintf(year, sizeof year, "%c%06lld", date.year < 0 ? '-' : '+',
                      static_cast<long long>(date.year < 0 ? -date.year : date.year));
    }
    char out[80];
    std::snprintf(out, sizeof out, "%s-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", year, date.month, date.day,
                  static_cast<long long>(in_day / 3'600'000), static_cast<long long>(in_day / 60'000 % 60),
                  static_cast<long long>(in_day / 1000 % 60), static_cast<long long>(in_day % 1000));
    return out;
}

std::string http_date(std::int64_t ms) {
    const std::int64_t days = floor_div(ms, 86'400'000);
    const std::int64_t secs = (ms - days * 86'400'000) / 1000;
    const auto date = calendar::civil_from_days(days);
    std::string weekday(weekday_names[static_cast<std::size_t>(days + 4 - floor_div(days + 4, 7) * 7)]);
    std::string month(month_names[date.month - 1]);
    weekday[0] = static_cast<char>(weekday[0] - 'a' + 'A');
    month[0] = static_cast<char>(month[0] - 'a' + 'A');
    char out[64];
    std::snprintf(out, sizeof out, "%s, %02u %s %04lld %02lld:%02lld:%02lld GMT", weekday.c_str(), date.day,
                  month.c_str(), static_cast<long long>(date.year), static_cast<long long>(secs / 3600),
                  static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
    return out;
}

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::optional<std::int64_t> parse_js_date(std::string_view text) { return js_date_parser(text).parse(); }

// ---------------------------------------------------------------------------------------------
// Text: UTF-8, JS string functions, URL escaping.

namespace {

// Decodes one code point at `i` (advancing it); an invalid sequence yields U+FFFD and advances past
// its maximal valid prefix, as Node's UTF-8 decoder does.
char32_t next_code_point(std::string_view s, std::size_t& i) {
    const auto b = static_cast<unsigned char>(s[i++]);
    if (b < 0x80) return b;
    int need;
    unsigned char lower = 0x80, upper = 0xBF;
    char32_t cp;
    if (b >= 0xC2 && b <= 0xDF) {
        need = 1, cp = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2, cp = b & 0x0F;
        if (b == 0xE0) lower = 0xA0;
        if (b == 0xED) upper = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3, cp = b & 0x07;
        if (b == 0xF0) lower = 0x90;
        if (b == 0xF4) upper = 0x8F;
    } else {
        return 0xFFFD;
    }
    for (; need > 0; --need) {
        if (i >= s.size()) return 0xFFFD;
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < lower || c > upper) return 0xFFFD;
        cp = (cp << 6) | (c & 0x3F);
        ++i;
        lower = 0x80, upper = 0xBF;
    }
    return cp;
}

bool is_js_whitespace(char32_t cp) {
    return cp == 0x09 || cp == 0x0A || cp == 0x0B || cp == 0x0C || cp == 0x0D || cp == 0x20 || cp == 0xA0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

std::optional<unsigned char> escaped_byte(std::string_view s, std::size_t i) {
    if (i + 2 >= s.size() || s[i] != '%') return std::nullopt;
    const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    return static_cast<unsigned char>(hi * 16 + lo);
}

}  // namespace

std::string sanitize_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) utf8::append(out, next_code_point(s, i));
    return out;
}

std::string latin1_to_utf8(std::string_view s) {
    std::string out;
    for (char c : s) utf8::append(out, static_cast<unsigned char>(c));
    return out;
}

std::string js_trim(std::string_view s) {
    std::size_t begin = s.size(), end = 0;
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t at = i;
        if (!is_js_whitespace(next_code_point(s, i))) {
            begin = std::min(begin, at);
            end = i;
        }
    }
    return begin < end ? std::string(s.substr(begin, end - begin)) : std::string();
}

std::string js_lower(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        char32_t cp = next_code_point(s, i);
        if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) ||
            (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) || (cp >= 0x410 && cp <= 0x42F)) {
            cp += 0x20;
        } else if (cp >= 0x400 && cp <= 0x40F) {
            cp += 0x50;
        }
        utf8::append(out, cp);
    }
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> decode_uri_component(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        if (s[i] != '%') {
            utf8::append(out, static_cast<unsigned char>(s[i++]));
            continue;
        }
        auto lead = escaped_byte(s, i);
        if (!lead) return std::nullopt;
        i += 3;
        if (*lead < 0x80) {
            out += static_cast<char>(*lead);
            continue;
        }
        int extra;
        char32_t cp, min;
        if ((*lead & 0xE0) == 0xC0) extra = 1, cp = *lead & 0x1F, min = 0x80;
        else if ((*lead & 0xF0) == 0xE0) extra = 2, cp = *lead & 0x0F, min = 0x800;
        else if ((*lead & 0xF8) == 0xF0) extra = 3, cp = *lead & 0x07, min = 0x10000;
        else return std::nullopt;
        for (; extra > 0; --extra, i += 3) {
            auto next = escaped_byte(s, i);
            if (!next || (*next & 0xC0) != 0x80) return std::nullopt;
            cp = (cp << 6) | (*next & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
        utf8::append(out, cp);
    }
    return out;
}

std::string encode_url(std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    auto keep = [](unsigned char c) {
        return c == 0x21 || c == 0x23 || c == 0x24 || (c >= 0x26 && c <= 0x3B) || c == 0x3D ||
               (c >= 0x3F && c <= 0x5B) || c == 0x5D || c == 0x5F || (c >= 0x61 && c <= 0x7A) || c == 0x7E;
    };
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '%') {
            const bool valid = i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0;
            out += valid ? "%" : "%25";
            continue;
        }
        if (keep(c)) {
            out += static_cast<char>(c);
            continue;
        }
        std::string bytes;
        utf8::append(bytes, c);
        for (unsigned char b : bytes) (out += '%', out += hex[b >> 4], out += hex[b & 0xF]);
    }
    return out;
}

double js_parse_int(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t next = i;
        if (!is_js_whitespace(next_code_point(s, next))) break;
        i = next;
    }
    double sign = 1;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) sign = s[i++] == '-' ? -1 : 1;
    int radix = 10;
    if (i + 1 < s.size() && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) radix = 16, i += 2;
    double value = 0;
    bool any = false;
    for (; i < s.size(); ++i) {
        const int digit = hex_value(s[i]);
        if (digit < 0 || digit >= radix) break;
        value = value * radix + digit;
        any = true;
    }
    return any ? sign * value : std::numeric_limits<double>::quiet_NaN();
}

// ---------------------------------------------------------------------------------------------
// JS values: JSON.parse'd bodies behave as JS values in the server's code.

namespace {

double js_number(const json::value& v) {
    if (v.is_int64()) return static_cast<double>(v.get_int64());
    if (v.is_uint64()) return static_cast<double>(v.get_uint64());
    return v.get_double();
}

// Number.prototype.toString().
std::string js_number_string(double d) {
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d < 0 ? "-Infinity" : "Infinity";
    if (d == 0) return "0";
    char buf[64];
    const auto end = std::to_chars(buf, buf + sizeof buf, std::abs(d), std::chars_format::scientific).ptr;
    const std::string_view sci(buf, static_cast<std::size_t>(end - buf));
    const auto e = sci.find('e');
    int exponent = 0;
    const auto exp_text = sci.substr(e + (sci[e + 1] == '+' ? 2 : 1));
    std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
    std::string digits;
    for (char c : sci.substr(0, e)) {
        if (c != '.') digits += c;
    }
    const int k = static_cast<int>(digits.size()), n = exponent + 1;
    std::string out = d < 0 ? "-" : "";
    if (k <= n && n <= 21) {
        out += digits + std::string(static_cast<std::size_t>(n - k), '0');
    } else if (0 < n && n <= 21) {
        out += digits.substr(0, static_cast<std::size_t>(n)) + "." + digits.substr(static_cast<std::size_t>(n));
    } else if (-6 < n && n <= 0) {
        out += "0." + std::string(static_cast<std::size_t>(-n), '0') + digits;
    } else {
        out += digits.substr(0, 1);
        if (k > 1) out += "." + digits.substr(1);
        out += (n - 1 >= 0 ? "e+" : "e-") + std::to_string(std::abs(n - 1));
    }
    return out;
}

void stringify_string(std::string_view s, std::string& out) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
        if (byte(i) == 0xED && i + 2 < s.size() && byte(i + 1) >= 0xA0 && byte(i + 1) <= 0xBF &&
            (byte(i + 2) & 0xC0) == 0x80) {  // a lone surrogate (WTF-8) is escaped
            const unsigned cp = 0xD000u | ((byte(i + 1) & 0x3Fu) << 6) | (byte(i + 2) & 0x3Fu);
            (out += "\\u", out += hex[cp >> 12], out += hex[(cp >> 8) & 0xF], out += hex[(cp >> 4) & 0xF],
             out += hex[cp & 0xF]);
            i += 2;
            continue;
        }
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                (out += "\\u00", out += hex[(c >> 4) & 0xF], out += hex[c & 0xF]);
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

// An array-index key ("0", "17"): JS objects enumerate those first, in numeric order.
std::optional<std::uint32_t> array_index(std::string_view key) {
    if (key.empty() || key.size() > 10 || (key.size() > 1 && key[0] == '0')) return std::nullopt;
    std::uint64_t value = 0;
    for (char c : key) {
        if (!is_digit(c)) return std::nullopt;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (value > 0xFFFFFFFEULL) return std::nullopt;
    return static_cast<std::uint32_t>(value);
}

void stringify(const json::value& v, std::string& out);

void stringify_object(const json::object& o, std::string& out) {
    std::vector<std::pair<std::uint32_t, const json::key_value_pair*>> indexed;
    std::vector<const json::key_value_pair*> named;
    for (const auto& kv : o) {
        if (auto index = array_index(kv.key())) {
            indexed.emplace_back(*index, &kv);
        } else {
            named.push_back(&kv);
        }
    }
    std::sort(indexed.begin(), indexed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    out += '{';
    bool first = true;
    auto member = [&](const json::key_value_pair& kv) {
        if (!first) out += ',';
        first = false;
        stringify_string(kv.key(), out);
        out += ':';
        stringify(kv.value(), out);
    };
    for (const auto& [index, kv] : indexed) member(*kv);
    for (const auto* kv : named) member(*kv);
    out += '}';
}

// JSON.stringify: numbers as JS prints them (1.5, 1e+21, no -0, null for non-finite).
void stringify(const json::value& v, std::string& out) {
    switch (v.kind()) {
    case json::kind::null: out += "null"; break;
    case json::kind::bool_: out += v.get_bool() ? "true" : "false"; break;
    case json::kind::string: stringify_string(v.get_string(), out); break;
    case json::kind::object: stringify_object(v.get_object(), out); break;
    case json::kind::array: {
        out += '[';
        bool first = true;
        for (const auto& element : v.get_array()) {
            if (!first) out += ',';
            first = false;
            stringify(element, out);
        }
        out += ']';
        break;
    }
    default: {
        const double d = js_number(v);
        out += std::isfinite(d) ? js_number_string(d) : "null";
    }
    }
}

}  // namespace

bool js_truthy(const json::value& v) {
    switch (v.kind()) {
    case json::kind::null: return false;
    case json::kind::bool_: return v.get_bool();
    case json::kind::string: return !v.get_string().empty();
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: {
        const double d = js_number(v);
        return d != 0 && !std::isnan(d);
    }
    default: return true;
    }
}

std::string js_string(const json::value& v) {
    switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return v.get_bool() ? "true" : "false";
    case json::kind::string: return std::string(v.get_string());
    case json::kind::object: return "[object Object]";
    case json::kind::array: {
        std::string out;
        bool first = true;
        for (const auto& element : v.get_array()) {
            if (!first) out += ',';
            first = false;
            if (!element.is_null()) out += js_string(element);
        }
        return out;
    }
    default: return js_number_string(js_number(v));
    }
}

std::string js_stringify(const json::value& v) {
    std::string out;
    stringify(v, out);
    return out;
}

}  // namespace hvs::sim::js
