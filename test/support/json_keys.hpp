#pragma once
// The keys of a JSON object in the order they were written (key order is part of an upstream's format).

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace hvs::test {

inline std::vector<std::string> keys_of(const boost::json::object& o) {
    std::vector<std::string> keys;
    for (const auto& kv : o) keys.emplace_back(kv.key());
    return keys;
}

}  // namespace hvs::test
