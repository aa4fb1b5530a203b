#pragma once
// What `check` found and how it is shown, decided apart from the probing: one line per check (the
// name in 16 columns, then "ok  ", "FAILED " or, for what is not configured, nothing, then the
// detail), or with --json one document {"ok": bool, "checks": [{"name", "ok", "detail"}, ...]}.

#include <string>
#include <vector>

namespace hvs::app {

struct check_entry {
    std::string name;
    bool ok = true;
    std::string detail;
    bool configured = true;  // false: nothing to probe (an upstream without its URL); counts as ok
};

[[nodiscard]] std::string check_line(const check_entry& entry);
[[nodiscard]] std::string check_json(const std::vector<check_entry>& entries);
[[nodiscard]] bool all_ok(const std::vector<check_entry>& entries);

}  // namespace hvs::app
