#include "hvs/sim/http_util.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

namespace hvs::sim {

namespace http = boost::beast::http;

std::optional<std::string> target::param(std::string_view key) const {
    for (const auto& [k, v] : query) {
        if (k == key) return v;
    }
    return std::nullopt;
}

std::vector<std::string> target::params(std::string_view key) const {
    std::vector<std::string> out;
    for (const auto& [k, v] : query) {
        if (k == key) out.push_back(v);
    }
    return out;
}

std::optional<target> parse_target(std::string_view raw) {
    auto parsed = boost::urls::parse_origin_form(raw);
    if (!parsed) return std::nullopt;
    target t;
    t.path = parsed->path();
    for (auto segment : parsed->segments()) {
        if (!segment.empty()) t.segments.push_back(std::string(segment));
    }
    t.trailing_slash = t.path.size() > 1 && t.path.back() == '/';
    for (auto param : parsed->params()) {
        t.query.emplace_back(std::string(param.key), param.has_value ? std::string(param.value) : std::string());
    }
    return t;
}

response json_response(status code, const boost::json::value& body, std::string_view content_type) {
    return text_response(code, boost::json::serialize(body), content_type);
}

response text_response(status code, std::string body, std::string_view content_type) {
    response res{code, 11};
    res.set(http::field::content_type, content_type);
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

response empty_response(status code) {
    response res{code, 11};
    res.prepare_payload();
    return res;
}

}  // namespace hvs::sim
