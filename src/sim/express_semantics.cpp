// What Express 4 adds around the Huly server's handlers; see express_semantics.hpp.

#include "express_semantics.hpp"
#include "utf8.hpp"

#include "js_semantics.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>

namespace hvs::sim::express {

namespace http = boost::beast::http;

// ---------------------------------------------------------------------------------------------
// What Express adds to responses: headers, weak ETags, freshness, HTML error pages.

namespace {

std::string escape_html(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::array<std::uint8_t, 20> sha1(std::string_view data) {
    std::uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    std::string msg(data);
    const std::uint64_t bits = static_cast<std::uint64_t>(data.size()) * 8;
    msg += static_cast<char>(0x80);
    while (msg.size() % 64 != 56) msg += '\0';
    for (int i = 7; i >= 0; --i) msg += static_cast<char>((bits >> (i * 8)) & 0xFF);
    auto rotl = [](std::uint32_t x, int n) { return (x << n) | (x >> (32 - n)); };
    for (std::size_t chunk = 0; chunk < msg.size(); chunk += 64) {
        std::uint32_t w[80];
        for (int i = 0; i < 16; ++i) {
            w[i] = 0;
            for (int b = 0; b < 4; ++b) w[i] = (w[i] << 8) | static_cast<unsigned char>(msg[chunk + 4 * i + b]);
        }
        for (int i = 16; i < 80; ++i) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
        std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
        for (int i = 0; i < 80; ++i) {
            std::uint32_t f, k;
            if (i < 20) f = (b & c) | (~b & d), k = 0x5A827999;
            else if (i < 40) f = b ^ c ^ d, k = 0x6ED9EBA1;
            else if (i < 60) f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
            else f = b ^ c ^ d, k = 0xCA62C1D6;
            const std::uint32_t t = rotl(a, 5) + f + e + k + w[i];
            e = d, d = c, c = rotl(b, 30), b = a, a = t;
        }
        h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
    }
    std::array<std::uint8_t, 20> digest{};
    for (int i = 0; i < 20; ++i) digest[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(h[i / 4] >> (24 - 8 * (i % 4)));
    return digest;
}

std::string base64(const std::array<std::uint8_t, 20>& bytes) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::uint32_t n = (bytes[i] << 16) | (i + 1 < bytes.size() ? bytes[i + 1] << 8 : 0) |
                                (i + 2 < bytes.size() ? bytes[i + 2] : 0);
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += i + 1 < bytes.size() ? alphabet[(n >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? alphabet[n & 63] : '=';
    }
    return out;
}

// The `etag` package's weak tag: W/"<length hex>-<first 27 chars of base64 SHA-1>".
std::string weak_etag(std::string_view body) {
    char length[20];
    std::snprintf(length, sizeof length, "%zx", body.size());
    return "W/\"" + std::string(length) + "-" + base64(sha1(body)).substr(0, 27) + "\"";
}

std::string header_of(const request& req, http::field name) { return std::string(req[name]); }

// The `fresh` package as req.fresh uses it (no Last-Modified is ever sent).
bool is_fresh(const request& req, unsigned code, std::string_view etag) {
    if (req.method() != http::verb::get && req.method() != http::verb::head) return false;
    if (!((code >= 200 && code < 300) || code == 304)) return false;
    const std::string none_match = header_of(req, http::field::if_none_match);
    const std::string modified_since = header_of(req, http::field::if_modified_since);
    if (none_match.empty() && modified_since.empty()) return false;
    const std::string cache_control = header_of(req, http::field::cache_control);
    for (std::size_t start = 0; start <= cache_control.size();) {
        std::size_t comma = cache_control.find(',', start);
        if (comma == std::string::npos) comma = cache_control.size();
        std::string token = cache_control.substr(start, comma - start);
        token.erase(0, token.find_first_not_of(" \t"));
        token.erase(token.find_last_not_of(" \t") + 1);
        if (token == "no-cache") return false;
        start = comma + 1;
    }
    if (!none_match.empty() && none_match != "*") {
        bool matched = false;
        std::size_t i = 0;
        while (i < none_match.size() && !matched) {
            while (i < none_match.size() && (none_match[i] == ' ' || none_match[i] == ',')) ++i;
            std::size_t end = i;
            while (end < none_match.size() && none_match[end] != ' ' && none_match[end] != ',') ++end;
            const std::string match = none_match.substr(i, end - i);
            matched = !match.empty() && (match == etag || "W/" + match == etag || match == "W/" + std::string(etag));
            i = end;
        }
        if (!matched) return false;
    }
    return modified_since.empty();  // If-Modified-Since without Last-Modified is always stale
}

void common_headers(response& res, std::int64_t now) {
    res.set("X-Powered-By", "Express");
    res.set(http::field::access_control_allow_origin, "*");
    res.set(http::field::date, js::http_date(now));
}

}  // namespace

response express_json(const request& req, status code, const json::value& body, std::int64_t now) {
    std::string text = js::js_stringify(body);
    const std::string etag = weak_etag(text);
    response res{code, 11};
    common_headers(res, now);
    res.set(http::field::content_type, "application/json; charset=utf-8");
    res.set(http::field::etag, etag);
    if (is_fresh(req, static_cast<unsigned>(code), etag)) {
        res.result(status::not_modified);
        res.erase(http::field::content_type);
    } else if (req.method() != http::verb::head) {
        res.body() = std::move(text);
    }
    res.prepare_payload();
    return res;
}

response json_error(const request& req, status code, std::string message, std::int64_t now) {
    return express_json(req, code, json::object{{"error", std::move(message)}}, now);
}

response express_error_page(const request& req, status code, std::string_view message, std::int64_t now) {
    response res{code, 11};
    common_headers(res, now);
    res.set("Content-Security-Policy", "default-src 'none'");
    res.set("X-Content-Type-Options", "nosniff");
    res.set(http::field::content_type, "text/html; charset=utf-8");
    if (req.method() != http::verb::head) {
        res.body() = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n"
                     "</head>\n<body>\n<pre>" +
                     escape_html(message) + "</pre>\n</body>\n</html>\n";
    }
    res.prepare_payload();
    return res;
}

std::string_view status_text(status code) {
    switch (code) {
    case status::payload_too_large: return "Payload Too Large";
    case status::unsupported_media_type: return "Unsupported Media Type";
    default: return "Bad Request";
    }
}

response cors_preflight(const request& req, std::int64_t now) {
    response res{status::no_content, 11};
    common_headers(res, now);
    res.set(http::field::access_control_allow_methods, "GET,HEAD,PUT,PATCH,POST,DELETE");
    res.set(http::field::vary, "Access-Control-Request-Headers");
    if (auto requested = req.find(http::field::access_control_request_headers); requested != req.end()) {
        res.set(http::field::access_control_allow_headers, requested->value());
    }
    res.prepare_payload();
    return res;
}

// ---------------------------------------------------------------------------------------------
// The request: express.json() body parsing, query strings, target splitting.

namespace {

constexpr std::size_t json_body_limit = 100 * 1024;  // express.json() default "100kb"
constexpr std::size_t json_max_depth = 1000;           // JSON.parse has none; deeper bodies get 400 here

std::string trimmed_lower(std::string_view s) {
    const auto begin = s.find_first_not_of(" \t");
    if (begin == std::string_view::npos) return {};
    const auto end = s.find_last_not_of(" \t");
    std::string out(s.substr(begin, end - begin + 1));
    for (char& c : out) c = js::ascii_lower(c);
    return out;
}

bool has_json_content_type(const request& req, std::optional<std::string>& charset) {
    const std::string_view type = req[http::field::content_type];
    const auto semicolon = type.find(';');
    if (trimmed_lower(type.substr(0, semicolon)) != "application/json") return false;
    for (auto rest = semicolon; rest != std::string_view::npos;) {
        const auto next = type.find(';', rest + 1);
        const auto param = type.substr(rest + 1, next == std::string_view::npos ? std::string_view::npos : next - rest - 1);
        const auto eq = param.find('=');
        if (eq != std::string_view::npos && trimmed_lower(param.substr(0, eq)) == "charset") {
            std::string value = trimmed_lower(param.substr(eq + 1));
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
            charset = value;
        }
        rest = next;
    }
    return true;
}

// Boost.JSON 1.81 rejects "\ud800" that JSON.parse accepts: an unpaired surrogate escape becomes
// its 3-byte WTF-8 form (parsed with allow_invalid_utf8; the body was made valid UTF-8 before),
// which stringify_string prints back as "\ud800", as JSON.stringify does.
std::string replace_lone_surrogates(std::string_view text) {
    auto surrogate_at = [&](std::size_t i) -> int {
        if (i + 6 > text.size() || text[i] != '\\' || text[i + 1] != 'u') return -1;
        int cp = 0;
        for (std::size_t k = i + 2; k < i + 6; ++k) {
            const int h = js::hex_value(text[k]);
            if (h < 0) return -1;
            cp = cp * 16 + h;
        }
        return cp >= 0xD800 && cp <= 0xDFFF ? cp : -1;
    };
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] != '\\' || i + 1 >= text.size()) {
            out += text[i++];
            continue;
        }
        const int cp = surrogate_at(i);
        if (cp < 0) {
            out.append(text.substr(i, 2));
            i += 2;
        } else if (cp <= 0xDBFF && surrogate_at(i + 6) >= 0xDC00) {
            out.append(text.substr(i, 12));
            i += 12;
        } else {
            utf8::append(out, static_cast<char32_t>(cp));
            i += 6;
        }
    }
    return out;
}

// Builds values as boost::json::parser does, but converts doubles from their text with
// std::from_chars: Boost 1.81's own conversion is not always correctly rounded as JSON.parse is.
struct exact_number_handler {
    using error_code = boost::system::error_code;
    static constexpr std::size_t max_object_size = json::object::max_size();
    static constexpr std::size_t max_array_size = json::array::max_size();
    static constexpr std::size_t max_key_size = json::string::max_size();
    static constexpr std::size_t max_string_size = json::string::max_size();

    json::value_stack st;
    std::string number;

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code&) { return true; }
    bool on_object_end(std::size_t n, error_code&) { return st.push_object(n), true; }
    bool on_array_begin(error_code&) { return true; }
    bool on_array_end(std::size_t n, error_code&) { return st.push_array(n), true; }
    bool on_key_part(json::string_view s, std::size_t, error_code&) { return st.push_chars(s), true; }
    bool on_key(json::string_view s, std::size_t, error_code&) { return st.push_key(s), true; }
    bool on_string_part(json::string_view s, std::size_t, error_code&) { return st.push_chars(s), true; }
    bool on_string(json::string_view s, std::size_t, error_code&) { return st.push_string(s), true; }
    bool on_number_part(json::string_view s, error_code&) { return number.append(s.data(), s.size()), true; }
    bool on_int64(std::int64_t i, json::string_view, error_code&) { return number.clear(), st.push_int64(i), true; }
    bool on_uint64(std::uint64_t u, json::string_view, error_code&) { return number.clear(), st.push_uint64(u), true; }
    bool on_double(double d, json::string_view s, error_code&) {
        number.append(s.data(), s.size());
        double exact = d;  // out of range: Boost's infinity or zero is what JSON.parse gives too
        if (std::from_chars(number.data(), number.data() + number.size(), exact).ec != std::errc{}) exact = d;
        number.clear();
        st.push_double(exact);
        return true;
    }
    bool on_bool(bool b, error_code&) { return st.push_bool(b), true; }
    bool on_null(error_code&) { return st.push_null(), true; }
    bool on_comment_part(json::string_view, error_code&) { return true; }
    bool on_comment(json::string_view, error_code&) { return true; }
};

std::optional<json::value> parse_json(std::string_view text) {
    json::parse_options options;
    options.max_depth = json_max_depth;
    options.allow_invalid_utf8 = true;  // only lone surrogates, see replace_lone_surrogates
    json::basic_parser<exact_number_handler> parser(options);
    parser.handler().st.reset();
    boost::system::error_code ec;
    const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
    if (ec || used != text.size() || !parser.done()) return std::nullopt;
    return parser.handler().st.release();
}

// qs's decoder: '+' is a space; a failing decodeURIComponent leaves the text as it is.
std::string query_decode(std::string_view s) {
    std::string plus(s);
    std::replace(plus.begin(), plus.end(), '+', ' ');
    if (auto decoded = js::decode_uri_component(plus)) return *decoded;
    return js::latin1_to_utf8(plus);
}

}  // namespace

body_result read_json_body(const request& req) {
    const bool has_body = req.find(http::field::content_length) != req.end() ||
                          req.find(http::field::transfer_encoding) != req.end();
    std::optional<std::string> charset;
    if (!has_body || !has_json_content_type(req, charset)) return {};
    // body-parser refuses charsets not starting "utf-"; the other UTF encodings iconv decodes would
    // only parse a body really sent in them (a UTF-8 body read as UTF-16 fails: 400).
    if (charset && !charset->starts_with("utf-")) return {json::object(), status::unsupported_media_type};
    if (charset && *charset != "utf-8") return {json::object(), status::bad_request};
    if (req.body().size() > json_body_limit) return {json::object(), status::payload_too_large};
    std::string text = js::sanitize_utf8(req.body());
    if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
    if (text.empty()) return {};
    const auto first = text.find_first_not_of(" \t\n\r");
    if (first == std::string::npos || (text[first] != '{' && text[first] != '[')) {
        return {json::object(), status::bad_request};
    }
    auto value = parse_json(replace_lone_surrogates(text));
    if (!value) return {json::object(), status::bad_request};
    return {std::move(*value), std::nullopt};
}

query_value query_param(std::string_view query, std::string_view name) {
    query_value result;
    int seen = 0;
    for (std::size_t start = 0, count = 0; start <= query.size() && count < 1000;) {
        auto end = query.find('&', start);
        if (end == std::string_view::npos) end = query.size();
        const auto part = query.substr(start, end - start);
        start = end + 1;
        if (part.empty()) continue;
        ++count;
        const auto eq = part.find('=');
        if (query_decode(part.substr(0, eq)) != name) continue;
        const std::string value = eq == std::string_view::npos ? std::string() : query_decode(part.substr(eq + 1));
        result.text += (seen++ > 0 ? "," : "") + value;
        result.present = true;
    }
    result.truthy = seen > 1 || !result.text.empty();
    return result;
}

split_target split(std::string_view target) {
    const bool fast = target.starts_with('/') && !target.starts_with("///") &&
                      target.find('#') == std::string_view::npos;
    for (std::string_view scheme : {"http://", "https://"}) {
        if (target.size() >= scheme.size() && trimmed_lower(target.substr(0, scheme.size())) == scheme) {
            const auto slash = target.find_first_of("/?#", scheme.size());
            target = slash == std::string_view::npos ? std::string_view() : target.substr(slash);
            break;
        }
    }
    target = target.substr(0, target.find('#'));
    const auto q = target.find('?');
    split_target out{std::string(target.substr(0, q)), q == std::string_view::npos ? std::string_view() : target.substr(q + 1)};
    if (out.path.empty() && !fast) out.path = "/";
    if (!fast) {
        for (auto at = out.path.find('\''); at != std::string::npos; at = out.path.find('\'', at)) out.path.replace(at, 1, "%27");
    }
    return out;
}

}  // namespace hvs::sim::express
