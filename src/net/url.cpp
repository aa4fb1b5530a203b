#include "hvs/net/url.hpp"

#include "hvs/core/config.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/pchars.hpp>
#include <boost/url/url.hpp>
#include <boost/url/grammar/lut_chars.hpp>

namespace hvs::net {

std::string origin::to_string() const { return scheme + "://" + host_header(); }

std::string origin::host_header() const {
    std::string host_part = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    bool default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
    return default_port ? host_part : host_part + ":" + std::to_string(port);
}

result<base_url> parse_base_url(std::string_view url_text) {
    const std::string text = core::without_credentials(url_text);  // what errors may show
    auto parsed = boost::urls::parse_absolute_uri(url_text);
    if (!parsed) return make_error(error_kind::invalid, "not an absolute URL: '" + std::string(text) + "'");
    if (parsed->scheme() != "http" && parsed->scheme() != "https") {
        return make_error(error_kind::invalid, "URL scheme must be http or https: '" + std::string(text) + "'");
    }
    if (parsed->host().empty()) return make_error(error_kind::invalid, "URL has no host: '" + std::string(text) + "'");
    if (parsed->has_query() || parsed->has_fragment() || parsed->has_userinfo()) {
        return make_error(error_kind::invalid,
                          "URL must not carry a query, fragment or credentials: '" + std::string(text) + "'");
    }
    base_url out;
    out.where.scheme = parsed->scheme();
    out.where.host = parsed->host_type() == boost::urls::host_type::ipv6
                         ? std::string(parsed->encoded_host_address())
                         : std::string(parsed->host());
    if (out.where.host.size() > 2 && out.where.host.front() == '[') {
        out.where.host = out.where.host.substr(1, out.where.host.size() - 2);
    }
    if (parsed->has_port()) {
        auto number = core::url_port_number(parsed->port());
        if (!number) return make_error(error_kind::invalid, "URL port must be 1-65535: '" + std::string(text) + "'");
        out.where.port = *number;
    } else {
        out.where.port = out.where.tls() ? 443 : 80;
    }
    out.path = parsed->encoded_path();
    while (!out.path.empty() && out.path.back() == '/') out.path.pop_back();
    return out;
}

std::string encode_segment(std::string_view segment) {
    return boost::urls::encode(segment, boost::urls::pchars - boost::urls::grammar::lut_chars(":@"));
}

std::string build_target(std::string_view base_path, std::initializer_list<std::string_view> segments,
                         const query_params& query) {
    std::string target(base_path);
    for (auto segment : segments) {
        target += '/';
        target += encode_segment(segment);
    }
    if (target.empty()) target = "/";
    if (query.empty()) return target;
    boost::urls::url with_query;
    for (const auto& [key, value] : query) with_query.params().append({key, value});
    return target + std::string(with_query.encoded_query().empty() ? "" : "?") + std::string(with_query.encoded_query());
}

}  // namespace hvs::net
