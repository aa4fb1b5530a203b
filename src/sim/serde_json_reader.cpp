#include "serde_json_reader.hpp"

#include "utf8.hpp"
#include "vibe_format.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <utility>

namespace hvs::sim::serde {
namespace {

using vibe_format::hex_value;
using vibe_format::rust_debug;
using vibe_format::rust_float;
using vibe_format::valid_utf8;

struct de_error {
    error_kind kind = error_kind::syntax;
    std::string message;
    std::size_t line = 0;  // 0: no position yet (custom errors get one where serde_json fixes it)
    std::size_t column = 0;
    bool path_set = false;
    std::string path;      // rendered serde_path_to_error path; empty: no prefix
};

bool is_optional(field_kind kind) {
    return kind != field_kind::string && kind != field_kind::boolean && kind != field_kind::uuid;
}

// serde's Error::unknown_variant, with its OneOf list.
std::string unknown_variant(std::string_view name, std::span<const std::string_view> variants) {
    std::string text = "unknown variant `" + std::string(name) + "`, ";
    if (variants.empty()) return text + "there are no variants";
    text += variants.size() > 2 ? "expected one of " : "expected ";
    for (std::size_t i = 0; i < variants.size(); ++i) {
        if (i > 0) text += variants.size() == 2 ? " or " : ", ";
        text += "`" + std::string(variants[i]) + "`";
    }
    return text;
}

// The reader reports failures by return value: a function returning false (or step::failed) has
// stored its error in error_, and its callers stop reading and pass the false on, as serde_json's
// `?` would. Only a sequence or map being closed reads on after a failure inside it (see finish).
class body_reader {
public:
    explicit body_reader(std::string_view src) : src_(src) {}

    // The whole deserialisation; nullopt on success.
    std::optional<de_error> read_struct(std::string_view name, std::span<const field_spec> fields,
                                        struct_values& values) {
        if (deserialize_struct(name, fields, values)) return std::nullopt;
        trigger(*error_);
        return std::move(error_);
    }

private:
    struct segment {
        bool is_index = false;
        std::string key;
        std::size_t index = 0;
    };

    // What SeqAccess::has_next_element and MapAccess::has_next_key found.
    enum class step { item, end, failed };

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
    // A custom error raised where serde_json fixes its position at once (fix_position).
    [[nodiscard]] de_error custom_here(std::string message) const {
        de_error e = custom(std::move(message));
        set_position(e, index_);
        return e;
    }
    void fix_position(de_error& e) const {
        if (e.line == 0) set_position(e, index_);
    }

    bool fail(de_error e) {
        error_ = std::move(e);
        return false;
    }
    step stop(de_error e) {
        error_ = std::move(e);
        return step::failed;
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
    bool tracked(segment s, F&& read) {
        chain_.push_back(std::move(s));
        const bool ok = read();
        if (!ok) trigger(*error_);
        chain_.pop_back();
        return ok;
    }

    // A sequence or map is closed (end_seq / end_map) even after a failure inside it: the first
    // error wins, and a custom error still without a position gets the one reached here.
    bool finish(bool ok, std::optional<de_error> end) {
        if (ok && !end) return true;
        de_error e = ok ? std::move(*end) : std::move(*error_);
        fix_position(e);
        return fail(std::move(e));
    }

    bool parse_ident(std::string_view rest) {
        for (char expected : rest) {
            const int c = next();
            if (c < 0) return fail(error("EOF while parsing a value"));
            if (c != static_cast<unsigned char>(expected)) return fail(error("expected ident"));
        }
        return true;
    }

    // --- strings
    bool decode_hex_escape(std::uint16_t& value) {
        if (src_.size() - index_ < 4) {
            index_ = src_.size();
            return fail(error("EOF while parsing a string"));
        }
        value = 0;
        bool ok = true;
        for (std::size_t k = 0; k < 4; ++k) {
            const int digit = hex_value(src_[index_ + k]);
            ok = ok && digit >= 0;
            value = static_cast<std::uint16_t>(value * 16 + std::max(digit, 0));
        }
        index_ += 4;
        return ok || fail(error("invalid escape"));
    }

    bool parse_unicode_escape(std::string& out) {
        std::uint16_t n = 0;
        if (!decode_hex_escape(n)) return false;
        if (n >= 0xDC00 && n <= 0xDFFF) return fail(error("lone leading surrogate in hex escape"));
        if (n < 0xD800 || n > 0xDBFF) {
            utf8::append(out, static_cast<char32_t>(n));
            return true;
        }
        if (peek() < 0) return fail(error("EOF while parsing a string"));
        if (peek() != '\\') {
            eat();
            return fail(error("unexpected end of hex escape"));
        }
        eat();
        if (peek() < 0) return fail(error("EOF while parsing a string"));
        if (peek() != 'u') {
            eat();
            return fail(error("unexpected end of hex escape"));
        }
        eat();
        std::uint16_t n2 = 0;
        if (!decode_hex_escape(n2)) return false;
        if (n2 < 0xDC00 || n2 > 0xDFFF) return fail(error("lone leading surrogate in hex escape"));
        utf8::append(out, 0x10000 + ((static_cast<char32_t>(n - 0xD800) << 10) | static_cast<char32_t>(n2 - 0xDC00)));
        return true;
    }

    bool parse_escape(std::string* out) {
        const int c = next();
        if (c < 0) return fail(error("EOF while parsing a string"));
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
        case 'u': {
            if (out) return parse_unicode_escape(*out);
            std::uint16_t ignored = 0;
            return decode_hex_escape(ignored);
        }
        default: return fail(error("invalid escape"));
        }
        if (out) out->push_back(plain);
        return true;
    }

    // After the opening quote; appends to *out. `out == nullptr`: ignore_str (no UTF-8 or surrogate checks).
    bool scan_string(std::string* out) {
        for (;;) {
            const std::size_t start = index_;
            while (index_ < src_.size()) {
                const auto c = static_cast<unsigned char>(src_[index_]);
                if (c == '"' || c == '\\' || c < 0x20) break;
                ++index_;
            }
            if (index_ == src_.size()) return fail(error("EOF while parsing a string"));
            if (out) out->append(src_.substr(start, index_ - start));
            const char c = src_[index_];
            if (c == '"') {
                ++index_;
                return !out || valid_utf8(*out) || fail(error("invalid unicode code point"));
            }
            if (c == '\\') {
                ++index_;
                if (!parse_escape(out)) return false;
                continue;
            }
            if (out) ++index_;
            return fail(error("control character (\\u0000-\\u001F) found while parsing a string"));
        }
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

    bool f64_from_parts(bool positive, std::uint64_t significand, int exponent, double& out) {
        double f = static_cast<double>(significand);
        for (;;) {
            const long long magnitude = exponent < 0 ? -static_cast<long long>(exponent) : exponent;
            if (magnitude <= 308) {
                const double pow = power_of_ten(static_cast<unsigned>(magnitude));
                if (exponent >= 0) {
                    f *= pow;
                    if (std::isinf(f)) return fail(error("number out of range"));
                } else {
                    f /= pow;
                }
                break;
            }
            if (f == 0) break;
            if (exponent >= 0) return fail(error("number out of range"));
            f /= 1e308;
            exponent += 308;
        }
        out = positive ? f : -f;
        return true;
    }

    bool parse_exponent(bool positive, std::uint64_t significand, int starting_exp, double& out) {
        eat();
        bool positive_exp = true;
        if (peek() == '+') eat();
        else if (peek() == '-') eat(), positive_exp = false;
        const int c = next();
        if (c < 0) return fail(error("EOF while parsing a value"));
        if (c < '0' || c > '9') return fail(error("invalid number"));
        std::int64_t exp = c - '0';
        while (peek() >= '0' && peek() <= '9') {
            const int digit = next() - '0';
            if (exp >= INT32_MAX / 10 && (exp > INT32_MAX / 10 || digit > INT32_MAX % 10)) {
                if (significand != 0 && positive_exp) return fail(error("number out of range"));
                while (peek() >= '0' && peek() <= '9') eat();
                out = positive ? 0.0 : -0.0;
                return true;
            }
            exp = exp * 10 + digit;
        }
        const std::int64_t total = positive_exp ? starting_exp + exp : starting_exp - exp;
        const auto clamped = static_cast<int>(std::clamp<std::int64_t>(total, INT32_MIN, INT32_MAX));  // saturating
        return f64_from_parts(positive, significand, clamped, out);
    }

    bool parse_decimal(bool positive, std::uint64_t significand, int exponent_before, double& out) {
        eat();
        int after = 0;
        while (peek() >= '0' && peek() <= '9') {
            const auto digit = static_cast<unsigned>(peek() - '0');
            if (overflows(significand, digit)) {
                while (peek() >= '0' && peek() <= '9') eat();
                const int exponent = exponent_before + after;
                if (peek() == 'e' || peek() == 'E') return parse_exponent(positive, significand, exponent, out);
                return f64_from_parts(positive, significand, exponent, out);
            }
            eat();
            significand = significand * 10 + digit;
            --after;
        }
        if (after == 0) {
            return fail(peek() < 0 ? peek_error("EOF while parsing a value") : peek_error("invalid number"));
        }
        if (peek() == 'e' || peek() == 'E') return parse_exponent(positive, significand, exponent_before + after, out);
        return f64_from_parts(positive, significand, exponent_before + after, out);
    }

    bool parse_number(bool positive, std::uint64_t significand, number& n) {
        if (peek() == '.' || peek() == 'e' || peek() == 'E') {
            n.kind = number::type::floating;
            return peek() == '.' ? parse_decimal(positive, significand, 0, n.f)
                                 : parse_exponent(positive, significand, 0, n.f);
        }
        if (positive) {
            n.u = significand;
            return true;
        }
        const auto neg = static_cast<std::int64_t>(0 - significand);  // wrapping_neg of `as i64`
        if (neg >= 0) {
            n.kind = number::type::floating;
            n.f = -static_cast<double>(significand);
        } else {
            n.kind = number::type::signed_int;
            n.i = neg;
        }
        return true;
    }

    bool parse_integer(bool positive, number& n) {
        const int c = next();
        if (c < 0) return fail(error("EOF while parsing a value"));
        if (c == '0') {
            if (peek() >= '0' && peek() <= '9') return fail(peek_error("invalid number"));
            return parse_number(positive, 0, n);
        }
        if (c < '1' || c > '9') return fail(error("invalid number"));
        std::uint64_t significand = static_cast<unsigned>(c - '0');
        for (;;) {
            const int p = peek();
            if (p < '0' || p > '9') return parse_number(positive, significand, n);
            const auto digit = static_cast<unsigned>(p - '0');
            if (overflows(significand, digit)) {
                // parse_long_integer: the remaining digits only scale the value.
                int exponent = 0;
                while (peek() >= '0' && peek() <= '9') eat(), ++exponent;
                n.kind = number::type::floating;
                if (peek() == '.') return parse_decimal(positive, significand, exponent, n.f);
                if (peek() == 'e' || peek() == 'E') return parse_exponent(positive, significand, exponent, n.f);
                return f64_from_parts(positive, significand, exponent, n.f);
            }
            eat();
            significand = significand * 10 + digit;
        }
    }

    // ignore_integer / ignore_decimal / ignore_exponent: same grammar, slightly different errors.
    bool ignore_number() {
        const int c = peek();
        if (c >= 0) eat();
        if (c == '0') {
            if (peek() >= '0' && peek() <= '9') return fail(peek_error("invalid number"));
        } else if (c >= '1' && c <= '9') {
            while (peek() >= '0' && peek() <= '9') eat();
        } else {
            return fail(error("invalid number"));
        }
        if (peek() == '.') {
            eat();
            bool digits = false;
            while (peek() >= '0' && peek() <= '9') eat(), digits = true;
            if (!digits) return fail(peek_error("invalid number"));
        }
        if (peek() == 'e' || peek() == 'E') {
            eat();
            if (peek() == '+' || peek() == '-') eat();
            const int d = peek();
            if (d >= 0) eat();
            if (d < '0' || d > '9') return fail(error("invalid number"));
            while (peek() >= '0' && peek() <= '9') eat();
        }
        return true;
    }

    // --- typed values
    // The "invalid type" error for the value ahead, or the syntax error met while reading it.
    de_error peek_invalid_type(std::string_view expected) {
        std::string unexpected;
        bool ok = true;
        switch (peek()) {
        case 'n': eat(); ok = parse_ident("ull"); unexpected = "null"; break;
        case 't': eat(); ok = parse_ident("rue"); unexpected = "boolean `true`"; break;
        case 'f': eat(); ok = parse_ident("alse"); unexpected = "boolean `false`"; break;
        case '-':
        case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9': {
            const bool positive = peek() != '-';
            if (!positive) eat();
            number n;
            ok = parse_integer(positive, n);
            if (!ok) break;
            if (n.kind == number::type::unsigned_int) unexpected = "integer `" + std::to_string(n.u) + "`";
            else if (n.kind == number::type::signed_int) unexpected = "integer `" + std::to_string(n.i) + "`";
            else unexpected = "floating point `" + rust_float(n.f) + "`";
            break;
        }
        case '"': {
            eat();
            std::string s;
            ok = scan_string(&s);
            if (ok) unexpected = "string " + rust_debug(s);
            break;
        }
        case '[': unexpected = "sequence"; break;
        case '{': unexpected = "map"; break;
        default: return peek_error("expected value");
        }
        if (!ok) return std::move(*error_);
        return custom_here("invalid type: " + unexpected + ", expected " + std::string(expected));
    }

    bool read_str(std::string_view expected, std::string& out) {
        const int c = parse_whitespace();
        if (c < 0) return fail(peek_error("EOF while parsing a value"));
        if (c != '"') return fail(peek_invalid_type(expected));
        eat();
        return scan_string(&out);
    }

    bool read_uuid(std::string& out) {
        std::string text;
        if (!read_str("a UUID string", text)) return false;
        auto id = vibe_format::parse_uuid(text);
        if (!id) return fail(custom_here("UUID parsing failed: " + vibe_format::uuid_error(text)));
        out = std::move(*id);
        return true;
    }

    bool read_bool(bool& out) {
        const int c = parse_whitespace();
        if (c < 0) return fail(peek_error("EOF while parsing a value"));
        if (c != 't' && c != 'f') return fail(peek_invalid_type("a boolean"));
        eat();
        out = c == 't';
        return parse_ident(out ? "rue" : "alse");
    }

    bool read_variant(std::span<const std::string_view> variants, std::string& out) {
        if (!read_str("variant identifier", out)) return false;
        if (std::find(variants.begin(), variants.end(), out) != variants.end()) return true;
        return fail(custom_here(unknown_variant(out, variants)));
    }

    bool parse_object_colon() {
        const int c = parse_whitespace();
        if (c == ':') return eat(), true;
        return fail(c < 0 ? peek_error("EOF while parsing an object") : peek_error("expected `:`"));
    }

    // deserialize_enum for a unit-only enum: "variant" or {"variant": null}.
    bool read_unit_enum(std::span<const std::string_view> variants, std::string& out) {
        const int c = parse_whitespace();
        if (c < 0) return fail(peek_error("EOF while parsing a value"));
        if (c == '"') return read_variant(variants, out);
        if (c != '{') return fail(peek_error("expected value"));
        eat();
        if (!read_variant(variants, out) || !parse_object_colon()) return false;
        // The variant's content is tracked under the variant name ("status.done: …").
        const bool unit = tracked(segment{false, out, 0}, [&] {
            const int u = parse_whitespace();
            if (u < 0) return fail(peek_error("EOF while parsing a value"));
            if (u != 'n') return fail(peek_invalid_type("unit"));
            eat();
            return parse_ident("ull");
        });
        if (!unit) return false;
        const int close = parse_whitespace();
        if (close == '}') return eat(), true;
        return fail(close < 0 ? error("EOF while parsing an object") : error("expected value"));
    }

    // SeqAccess::has_next_element.
    step has_next_element(bool& first) {
        const int c = parse_whitespace();
        if (c < 0) return stop(peek_error("EOF while parsing a list"));
        if (c == ']') return step::end;
        if (first) return first = false, step::item;
        if (c != ',') return stop(peek_error("expected `,` or `]`"));
        eat();
        const int n = parse_whitespace();
        if (n == ']') return stop(peek_error("trailing comma"));
        if (n < 0) return stop(peek_error("EOF while parsing a value"));
        return step::item;
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

    bool read_uuid_list(std::vector<std::string>& ids) {
        const int c = parse_whitespace();
        if (c < 0) return fail(peek_error("EOF while parsing a value"));
        if (c != '[') return fail(peek_invalid_type("a sequence"));
        eat();
        bool ok = true;
        for (bool first = true; ok;) {
            const step s = has_next_element(first);
            if (s == step::end) break;
            std::string id;
            ok = s == step::item && tracked(segment{true, {}, ids.size()}, [&] { return read_uuid(id); });
            if (ok) ids.push_back(std::move(id));
        }
        return finish(ok, end_seq());
    }

    // deserialize_option: `null` is None, anything else is the inner type.
    template <class F>
    bool read_option(bool& present, F&& inner) {
        present = parse_whitespace() != 'n';
        if (present) return inner();
        eat();
        return parse_ident("ull");
    }

    bool read_field(const field_spec& field, field_value& v) {
        v.present = true;  // an Option field's read_option clears it for null
        switch (field.kind) {
        case field_kind::string: return read_str("a string", v.text);
        case field_kind::boolean: return read_bool(v.flag);
        case field_kind::uuid: return read_uuid(v.text);
        case field_kind::opt_string: return read_option(v.present, [&] { return read_str("a string", v.text); });
        case field_kind::opt_uuid: return read_option(v.present, [&] { return read_uuid(v.text); });
        case field_kind::opt_uuid_list: return read_option(v.present, [&] { return read_uuid_list(v.list); });
        case field_kind::opt_enum:
            return read_option(v.present, [&] { return read_unit_enum(field.variants, v.text); });
        }
        return true;
    }

    // Deserializer::ignore_value (IgnoredAny): validates syntax, no depth limit, no UTF-8 checks.
    bool ignore_value() {
        std::string stack;          // enclosing '[' / '{'
        std::optional<char> enclosing;
        for (;;) {
            const int c = parse_whitespace();
            if (c < 0) return fail(peek_error("EOF while parsing a value"));
            std::optional<char> frame;
            bool ok = true;
            switch (c) {
            case 'n': eat(); ok = parse_ident("ull"); break;
            case 't': eat(); ok = parse_ident("rue"); break;
            case 'f': eat(); ok = parse_ident("alse"); break;
            case '-': eat(); ok = ignore_number(); break;
            case '"': eat(); ok = scan_string(nullptr); break;
            case '[':
            case '{':
                if (enclosing) stack.push_back(*enclosing), enclosing.reset();
                eat();
                frame = static_cast<char>(c);
                break;
            default:
                if (c >= '0' && c <= '9') {
                    ok = ignore_number();
                    break;
                }
                return fail(peek_error("expected value"));
            }
            if (!ok) return false;
            bool accept_comma = false;
            char current = 0;
            if (frame) {
                current = *frame;
            } else if (enclosing) {
                current = *enclosing, enclosing.reset(), accept_comma = true;
            } else if (!stack.empty()) {
                current = stack.back(), stack.pop_back(), accept_comma = true;
            } else {
                return true;
            }
            for (;;) {
                const int p = parse_whitespace();
                if (p == ',' && accept_comma) {
                    eat();
                    break;
                }
                if ((p == ']' && current == '[') || (p == '}' && current == '{')) {
                    eat();
                    if (stack.empty()) return true;
                    current = stack.back();
                    stack.pop_back();
                    accept_comma = true;
                    continue;
                }
                const bool list = current == '[';
                if (p < 0) return fail(peek_error(list ? "EOF while parsing a list" : "EOF while parsing an object"));
                if (accept_comma) return fail(peek_error(list ? "expected `,` or `]`" : "expected `,` or `}`"));
                break;
            }
            if (current == '{') {
                const int k = parse_whitespace();
                if (k < 0) return fail(peek_error("EOF while parsing an object"));
                if (k != '"') return fail(peek_error("key must be a string"));
                eat();
                if (!scan_string(nullptr)) return false;
                const int colon = parse_whitespace();
                if (colon < 0) return fail(peek_error("EOF while parsing an object"));
                if (colon != ':') return fail(peek_error("expected `:`"));
                eat();
            }
            enclosing = current;
        }
    }

    // MapAccess::has_next_key.
    step has_next_key(bool& first) {
        int c = parse_whitespace();
        if (c == '}') return step::end;
        if (c == ',' && !first) {
            eat();
            c = parse_whitespace();
        } else if (c >= 0) {
            if (!first) return stop(peek_error("expected `,` or `}`"));
            first = false;
        } else {
            return stop(peek_error("EOF while parsing an object"));
        }
        if (c == '"') return step::item;
        if (c == '}') return stop(peek_error("trailing comma"));
        if (c < 0) return stop(peek_error("EOF while parsing a value"));
        return stop(peek_error("key must be a string"));
    }

    bool visit_map(std::span<const field_spec> fields, struct_values& values) {
        std::vector<bool> seen(fields.size(), false);
        for (bool first = true;;) {
            const step s = has_next_key(first);
            if (s == step::failed) return false;
            if (s == step::end) break;
            eat();
            std::string key;
            if (!scan_string(&key)) return false;
            const auto it = std::find_if(fields.begin(), fields.end(), [&](const field_spec& f) {
                return f.name == key;
            });
            if (it == fields.end()) {
                if (!parse_object_colon()) return false;
                if (!tracked(segment{false, key, 0}, [&] { return ignore_value(); })) return false;
                continue;
            }
            const auto i = static_cast<std::size_t>(it - fields.begin());
            if (seen[i]) return fail(custom("duplicate field `" + key + "`"));
            seen[i] = true;
            if (!parse_object_colon()) return false;
            if (!tracked(segment{false, key, 0}, [&] { return read_field(*it, values[i]); })) return false;
        }
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (!seen[i] && !is_optional(fields[i].kind)) {
                return fail(custom("missing field `" + std::string(fields[i].name) + "`"));
            }
        }
        return true;
    }

    bool visit_seq(std::string_view name, std::span<const field_spec> fields, struct_values& values) {
        bool first = true;
        for (std::size_t i = 0; i < fields.size(); ++i) {
            const step s = has_next_element(first);
            if (s == step::failed) return false;
            if (s == step::end) {
                return fail(custom("invalid length " + std::to_string(i) + ", expected struct " + std::string(name) +
                                   " with " + std::to_string(fields.size()) + " elements"));
            }
            if (!tracked(segment{true, {}, i}, [&] { return read_field(fields[i], values[i]); })) return false;
        }
        return true;
    }

    bool deserialize_struct(std::string_view name, std::span<const field_spec> fields, struct_values& values) {
        const int c = parse_whitespace();
        if (c < 0) return fail(peek_error("EOF while parsing a value"));
        if (c != '[' && c != '{') return fail(peek_invalid_type("struct " + std::string(name)));
        eat();
        values.assign(fields.size(), field_value{});
        const bool ok = c == '[' ? visit_seq(name, fields, values) : visit_map(fields, values);
        return finish(ok, c == '[' ? end_seq() : end_map());
    }

    std::string_view src_;
    std::size_t index_ = 0;
    std::vector<segment> chain_;
    std::optional<de_error> error_;  // the failure being reported, while one is
};

std::string render(const de_error& e) {
    std::string text = e.path.empty() ? std::string() : e.path + ": ";
    text += e.message;
    if (e.line != 0) text += " at line " + std::to_string(e.line) + " column " + std::to_string(e.column);
    return text;
}

}  // namespace

std::variant<struct_values, error> read_struct(std::string_view body, std::string_view name,
                                               std::span<const field_spec> fields) {
    struct_values values;
    if (auto e = body_reader(body).read_struct(name, fields, values)) return error{e->kind, render(*e)};
    return values;
}

}  // namespace hvs::sim::serde
