#include "hvs/service/ops_requests.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <charconv>
#include <utility>

namespace hvs::service {

result<int> parse_history_limit(const query_values& given, int fallback) {
    constexpr int most = 1000;
    const std::string allowed = "limit must be one integer from 1 to " + std::to_string(most);
    if (given.empty()) return fallback;
    if (given.size() > 1) return make_error(error_kind::invalid, allowed + " (given " + std::to_string(given.size()) + " times)");
    const std::string& text = given.front();
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    const bool digits_only = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits_only || ec != std::errc{} || end != text.data() + text.size() || value < 1 || value > most) {
        return make_error(error_kind::invalid, allowed);
    }
    return value;
}

result<std::optional<std::string>> parse_project_param(const query_values& given) {
    constexpr std::size_t longest = 100;
    const std::string allowed = "project must be given once, non-empty, at most " + std::to_string(longest) + " characters";
    if (given.empty()) return std::optional<std::string>();
    if (given.size() > 1 || given.front().empty() || given.front().size() > longest) {
        return make_error(error_kind::invalid, allowed);
    }
    return std::optional<std::string>(given.front());
}

bool same_secret(std::string_view given, std::string_view expected) {
    if (given.size() != expected.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) diff |= static_cast<unsigned char>(given[i] ^ expected[i]);
    return diff == 0;
}

std::optional<std::string> single_value(const query_values& given) {
    if (given.size() != 1) return std::nullopt;
    return given.front();
}

std::string_view without_query(std::string_view url) { return url.substr(0, url.find_first_of("?#")); }

bool is_loopback_address(std::string_view host) {
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(std::string(host), ec);
    if (ec) return false;
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6()).is_loopback();
    }
    return address.is_loopback();
}

std::string hide_addresses(std::string text, std::vector<std::string> addresses) {
    std::sort(addresses.begin(), addresses.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
    for (const auto& address : addresses) {
        if (address.empty()) continue;
        for (auto at = text.find(address); at != std::string::npos; at = text.find(address, at)) {
            text.replace(at, address.size(), "(hidden)");
            at += 8;
        }
    }
    return text;
}

std::optional<std::uint64_t> log_throttle::admit(net::token_bucket::time_point now) {
    if (!bucket_.try_take(now)) {
        ++suppressed_;
        return std::nullopt;
    }
    return std::exchange(suppressed_, 0);
}

}  // namespace hvs::service
