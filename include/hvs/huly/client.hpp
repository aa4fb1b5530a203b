#pragma once
// The Huly REST API (reference huly-rest-api.md): typed requests and answers, no sync policy.

#include "hvs/net/http_client.hpp"
#include "hvs/huly/issue.hpp"

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
    std::vector<issue> issues;        // newest-modified first, as Huly sends them
    bool filtered = false;                 // 2025 `filtered`, or (2026) syncMeta.modifiedSince set
    bool possibly_truncated = false;       // as many issues as the limit: older ones may be missing
    std::optional<std::int64_t> server_time_ms;  // syncMeta.serverTime (wrappers from 2026-01 on)
};

// One field of a PATCH the wrapper did not apply (server.js `errors[]`), with the values it
// accepts when it names them (`available` for a status, `valid` for a priority).
struct field_refusal {
    std::string field;
    std::string message;
    std::optional<std::set<std::string>> allowed;
};

// The answer to PATCH /api/issues/{id} (server.js, app.patch('/api/issues/:identifier')).
struct patch_answer {
    // The wrapper has no PATCH route (the 2025 generation): nothing was sent or applied; write
    // field by field with update_issue instead.
    bool route_missing = false;
    bool route_missing_found_now = false;  // this call found that out (say so once)
    std::set<std::string> applied;         // keys of `appliedUpdates`
    std::vector<field_refusal> refused;    // `errors`
};

using field_values = std::vector<std::pair<std::string, std::string>>;  // field, value

// The REST wrapper's generation (upstreams-2026.md): since 2026-01 with PATCH /api/issues/{id},
// before that without.
enum class wrapper_generation { current, v2025 };
[[nodiscard]] std::string_view describe(wrapper_generation generation);

// Decoders, pure so they can be tested and fuzzed on their own.
[[nodiscard]] result<std::vector<project>> decode_projects(std::string_view body);
[[nodiscard]] result<issue_page> decode_issues(std::string_view body, std::size_t limit);
// The catalogue Huly sends when it refuses a status ("availableStatuses"), if this error is that.
[[nodiscard]] std::optional<std::set<std::string>> refused_status_catalogue(const error& e);
// The 200 answer of PATCH /api/issues/{id}: {identifier, updated, appliedUpdates, errors?}.
[[nodiscard]] result<patch_answer> decode_patch_answer(std::string_view body);
// Express's own 404 page for a method no route takes (`Cannot PATCH /api/issues/X`), as opposed to
// the wrapper's JSON 404 for an issue it does not know.
[[nodiscard]] bool is_missing_route(const error& e, std::string_view method);
// The generation an empty PATCH's refusal shows: a JSON 400 "No fields to update provided" (current
// server.js checks the body first), or Express's 404 page (2025). Anything else stays an error.
[[nodiscard]] result<wrapper_generation> generation_from_empty_patch(const error& refusal);

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
    // PATCH /api/issues/{id} with every field in one object. Once a wrapper answered that it has no
    // PATCH route, this client (one per run) sends no further PATCH and answers route_missing.
    net::task<result<patch_answer>> patch_issue(std::string issue_id, field_values fields);
    [[nodiscard]] bool patch_route_missing() const { return patch_route_missing_; }
    // Asks PATCH /api/issues/{id} with an empty object, which no generation can apply.
    net::task<result<wrapper_generation>> probe_generation();

private:
    net::http_client& http_;
    bool patch_route_missing_ = false;
};

}  // namespace hvs::huly
