#include "app/check_report.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>

namespace hvs::app {

std::string check_line(const check_entry& entry) {
    std::string label = entry.name;
    if (label.size() < 16) label.resize(16, ' ');
    const char* verdict = !entry.configured ? "" : entry.ok ? "ok  " : "FAILED ";
    return label + verdict + entry.detail + "\n";
}

std::string check_json(const std::vector<check_entry>& entries) {
    boost::json::array checks;
    for (const auto& e : entries) checks.push_back(boost::json::object{{"name", e.name}, {"ok", e.ok}, {"detail", e.detail}});
    return boost::json::serialize(boost::json::object{{"ok", all_ok(entries)}, {"checks", std::move(checks)}}) + "\n";
}

bool all_ok(const std::vector<check_entry>& entries) {
    return std::all_of(entries.begin(), entries.end(), [](const check_entry& e) { return e.ok; });
}

}  // namespace hvs::app
