#pragma once
// The Huly REST API (reference huly-rest-api.md): typed requests and answers, no sync policy.

#include "hvs/net/http_client.hpp"
#include "hvs/sync/model.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hvs::huly {

struct project {
    std::string identifier;
    std::string name;
    std::string description;
    std::int64_t issue_count = 0;  // every issue, sub-issues included
    bool archived = false;
};

struct issue_page {
    std::vector<sync::huly_issue> issues;  // newest-modified first, as Huly sends them
    bool filtered = false;
    bool possibly_truncated = false;       // as many issues as the limit: older ones may be missing
};

// Decoders, pure so they can be tested and fuzzed on their own.
[[nodiscard]] result<std::vector<project>> decode_projects(std::string_view body);
[[nodiscard]] result<issue_page> decode_issues(std::string_view body, std::size_t limit);
// The catalogue Huly sends when it refuses a status ("availableStatuses"), if this error is that.
[[nodiscard]] std::optional<std::set<std::string>> refused_status_catalogue(const error& e);

class client {
public:
    explicit client(net::http_client& http) : http_(http) {}

    net::task<result<std::vector<project>>> list_projects();
    // Issues with modifiedOn >= modified_after_ms (inclusive), or all when nullopt.
    net::task<result<issue_page>> list_issues(std::string project, std::optional<std::int64_t> modified_after_ms,
                                              std::size_t limit);
    // GET /api/issues/{id}: whether the issue exists (404: it does not); confirms a deletion.
    net::task<result<bool>> issue_exists(std::string issue_id);
    // PUT /api/issues/{id} {"field","value"}: one field per call, as the API takes them.
    net::task<result<void>> update_issue(std::string issue_id, std::string field, std::string value);

private:
    net::http_client& http_;
};

}  // namespace hvs::huly
