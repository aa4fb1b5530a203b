#pragma once
// Simulator of the Huly REST API server (port 3458; huly-rest-api/server.js, Express 4, see
// shared/reference/huly-rest-api.md and upstreams-2026.md). Two generations (huly_generation):
//   current (default): server.js as of 2026-03 (oculairmedia/huly-webhook-implementation 1f0568f):
//     PATCH /api/issues/{id} (several fields, per-field refusals in `errors` of a 200), PUT of a
//     non-empty description answers 500 "Failed to update description: …" (HULLY-259), the issues
//     list answers `syncMeta` instead of `filtered` and takes `modifiedSince` (`modifiedAfter` alias);
//   v2025: server.js at 3a900d0: no PATCH route (Express's 404 page), `filtered`, `modifiedAfter`.
// Routes: GET /health, GET /api/projects, GET /api/projects/{id}/issues, GET /api/issues/{id},
// POST /api/issues, PUT /api/issues/{id}, PATCH /api/issues/{id} (current);
// every OPTIONS request is a CORS preflight (204). Around them it reproduces what Express adds:
// `application/json; charset=utf-8` bodies serialised as JSON.stringify would, weak ETags and 304 on
// a matching If-None-Match, HTML error pages (404 `Cannot <METHOD> <path>`, 400 for a malformed
// JSON body or an undecodable path parameter, 413 for a JSON body over 100 kB, 415 for a charset
// other than UTF-8), case-insensitive route paths with an optional trailing slash.
//
// Seed document (`seed`), every key but the identifiers optional:
//   {"statuses":["Backlog",…],                       // workspace status catalogue (default: options)
//    "projects":[{"identifier":"HVSYN","name":"…","description":"…","archived":false,"private":false,
//                 "modifiedOn":<ms>,"sequence":<last number the UI handed out>,
//                 "issues":[{"title":<any JSON>,"description":"…","status":"Backlog",
//                            "priority":"NoPriority","number":<n>,"createdOn":<ms>,"modifiedOn":<ms>,
//                            "component":"…"|null,"milestone":"…"|null}]}]}
// Issue numbers default to the project's next sequence number; timestamps default to the clock.
// `state()` returns the same shape with every key filled in (plus each issue's "identifier"), so
// `seed(state())` reproduces a state. `seed` throws std::invalid_argument on a malformed document and
// then leaves the state unchanged.

#include "hvs/sim/simulator.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hvs::sim {

enum class huly_generation { current, v2025 };

// "current" | "2025"; nullopt for anything else.
[[nodiscard]] std::optional<huly_generation> huly_generation_named(std::string_view name);
[[nodiscard]] std::string_view to_string(huly_generation generation);

struct huly_options {
    huly_generation generation = huly_generation::current;
    // The workspace-wide IssueStatus names, in catalogue order (the default is Huly's classic set).
    std::vector<std::string> statuses = {"Backlog", "Todo", "In Progress", "Done", "Canceled"};
    // Every stored description reads back as '' (the server's silent fetchMarkup failure).
    bool fail_description_reads = false;
    // Stamps createdOn / modifiedOn / project modifiedOn / health timestamps / syncMeta.serverTime;
    // default: system clock.
    clock_fn clock;
    // Added to the clock: the server's clock running ahead of (or behind) the service's.
    std::chrono::milliseconds clock_offset{0};
    // Accepted for uniformity with the other simulators: this API exposes no generated ids.
    std::uint64_t id_seed = 1;
};

class huly_simulator final : public simulator {
public:
    explicit huly_simulator(huly_options options = {});

    [[nodiscard]] std::string_view name() const override { return "huly"; }
    [[nodiscard]] std::string route_of(const request& req) const override;
    response handle(const request& req) override;
    void seed(const boost::json::value& document) override;
    [[nodiscard]] boost::json::value state() const override;

    // What a person does in Huly's UI. These throw std::invalid_argument on what the UI would not
    // allow (duplicate or empty project identifier, unknown project, status outside the catalogue,
    // priority other than NoPriority/Urgent/High/Medium/Low).
    void add_project(std::string identifier, std::string name, std::string description, bool archived = false);
    // Creates PROJ-<n> with the project's next sequence number; returns the identifier.
    std::string add_issue(std::string_view project, std::string title, std::string description,
                          std::string_view status, std::string_view priority = "NoPriority");
    // The effect of a successful PUT (field title|description|status|priority, status matched
    // case-insensitively, description trimmed, modifiedOn = now); false when the issue is unknown or
    // the PUT would not have succeeded.
    bool edit_issue(std::string_view identifier, std::string_view field, const boost::json::value& value);
    bool delete_issue(std::string_view identifier);
    void set_statuses(std::vector<std::string> statuses);
    void set_fail_description_reads(bool fail) { options_.fail_description_reads = fail; }
    void set_generation(huly_generation generation) { options_.generation = generation; }
    void set_clock_offset(std::chrono::milliseconds offset) { options_.clock_offset = offset; }
    // The issue as GET /api/issues/{id} shows it, except that `description` is the stored text even
    // while description reads fail.
    [[nodiscard]] std::optional<boost::json::object> issue(std::string_view identifier) const;

private:
    struct issue_record {
        std::string identifier;
        std::int64_t number = 0;
        boost::json::value title;       // any JSON: the PUT stores a title without checking its type
        std::string description;
        bool description_is_markup = false;  // uploaded markup (a ref) rather than a plain string
        std::string status;             // a status name; reads as "Unknown" when not in the catalogue
        int priority = 0;               // 0..4 = NoPriority, Urgent, High, Medium, Low
        std::optional<std::string> component;
        std::optional<std::string> milestone;
        std::int64_t created_on = 0;
        std::int64_t modified_on = 0;
    };
    struct project_record {
        std::string identifier;
        std::string name;
        std::string description;
        bool is_private = false;
        bool archived = false;
        std::int64_t modified_on = 0;
        std::int64_t sequence = 0;      // the UI's counter; POST /api/issues uses max(number)+1 instead
        std::vector<issue_record> issues;  // creation order
    };

    [[nodiscard]] std::int64_t now_ms() const;
    [[nodiscard]] project_record* find_project(std::string_view identifier);
    [[nodiscard]] const project_record* find_project(std::string_view identifier) const;
    [[nodiscard]] std::pair<project_record*, issue_record*> find_issue(std::string_view identifier);
    [[nodiscard]] std::pair<const project_record*, const issue_record*> find_issue(std::string_view identifier) const;
    [[nodiscard]] std::optional<std::string> canonical_status(std::string_view name) const;
    [[nodiscard]] boost::json::object format_issue(const issue_record& issue, const project_record& project,
                                                   bool reads_fail) const;

    response dispatch(const request& req);
    response get_health(const request& req) const;
    response list_projects(const request& req) const;
    response list_issues(const request& req, const std::string& project, std::string_view query) const;
    response get_issue(const request& req, const std::string& identifier) const;
    response create_issue(const request& req, const boost::json::value& body);
    response update_issue(const request& req, const std::string& identifier, const boost::json::value& body);
    response patch_issue(const request& req, const std::string& identifier, const boost::json::value& body);
    // One field of a PATCH: the refusal to report in `errors`, or nullopt once applied.
    std::optional<boost::json::object> patch_field(issue_record& issue, const project_record& project,
                                                   const std::string& field, const boost::json::value& value,
                                                   boost::json::object& applied);

    huly_options options_;
    std::vector<project_record> projects_;  // insertion order
};

}  // namespace hvs::sim
