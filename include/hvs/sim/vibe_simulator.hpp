#pragma once
// Simulator of the Vibe Kanban 0.0.71 REST API (axum 0.8 + serde_json + SQLite; see
// shared/reference/vibe-kanban-api.md). Routes: GET /api/health; GET|POST /api/projects;
// GET|PUT|DELETE /api/projects/{id}; GET|POST /api/tasks (list needs ?project_id=);
// POST /api/tasks/create-and-start (creates the task, starts no agent); GET|PUT|DELETE /api/tasks/{id}.
// Around them it reproduces what the real server adds:
//   * the envelope {"success","data","error_data","message"} (compact, keys in that order,
//     `application/json` without charset), soft errors as 200 success:false, 500 JSON for SQLite
//     foreign-key failures;
//   * axum's plain-text rejections (`text/plain; charset=utf-8`): 415 for a non-JSON Content-Type,
//     413 for a body over 2 MiB, 400 for JSON syntax errors and bad path/query UUIDs, 422 for
//     wrong types — with serde_json's exact messages, field paths and "at line L column C";
//   * empty 404s, 405s with `allow`, and the SPA's index.html (200 text/html) for any unmatched GET;
//   * HEAD on every GET route (same headers, Content-Length of the GET body, no body);
//   * timestamps with millisecond precision and no fraction when ms == 0, `updated_at` never moved
//     by the API, `status` ignored on create, partial PUT where null keeps, list newest first;
//   * (0.0.71 only) the change feed GET /api/events (vibe-kanban-api.md §4.1; src/sim/vibe_events.cpp):
//     every task insert, update and delete — through the API or the in-process operations below —
//     is one `json_patch` event; a subscriber gets the whole history since the (simulated) server
//     started, then live events through a bounded queue that drops the oldest when it lags. Seeding
//     emits nothing (like a database changed behind the server's back).
//
// Seed document (`seed`), every key but project `name`/`git_repo_path` and task `title` optional:
//   {"projects":[{"id":"<uuid>","name":"…","git_repo_path":"/…",
//                 "setup_script":null,"dev_script":null,"cleanup_script":null,"copy_files":null,
//                 "created_at":"2026-01-01T00:00:00.123Z","updated_at":"…",
//                 "tasks":[{"id":"<uuid>","title":"…","description":"…"|null,"status":"todo",
//                           "parent_task_attempt":null,"created_at":"…","updated_at":"…"}]}]}
// Missing ids are generated, missing timestamps come from the clock (records seeded together then
// list newest-last-seeded first). `state()` returns the same shape with every key filled in, records
// oldest first, so `seed(state())` reproduces a state. `seed` throws std::invalid_argument on a
// malformed document and then leaves the state unchanged.

#include "hvs/sim/event_stream.hpp"
#include "hvs/sim/simulator.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace hvs::sim {

// Which local API the simulator speaks (shared/reference/upstreams-2026.md, Vibe section;
// upstream BloopAI/vibe-kanban, file and commit cited where each is implemented).
enum class vibe_generation {
    v0_0_71,     // single-repo: `git_repo_path` on projects (what the real 0.0.71 server answers)
    multi_repo,  // 0.0.140 - 0.1.14 (commit 22ff27d8fd): projects without a path, create takes
                 // `repositories: [{display_name, git_repo_path}]` of existing repositories,
                 // GET /api/projects/{id}/repositories, POST /api/repos/init; tasks unchanged.
                 // One repository per project is kept (the first given).
    v0_1_15,     // >= 0.1.15 (commit 139b18158d): only /api/health is left of this API; every other
                 // GET answers the web page (200 text/html), other methods 405.
};

// "0.0.71", "multi-repo" or "0.1.15" (the `simulate --vibe-generation` values); nullopt otherwise.
[[nodiscard]] std::optional<vibe_generation> parse_vibe_generation(std::string_view name);

struct vibe_options {
    vibe_generation generation = vibe_generation::v0_0_71;
    // Stamps created_at / updated_at (truncated to milliseconds) and the Date header; default: system clock.
    clock_fn clock;
    // Seeds the std::mt19937_64 that generates the UUID v4 ids.
    std::uint64_t id_seed = 1;
    // POST /api/projects with use_existing_repo:true checks the path like the server (exists, is a
    // directory, holds `.git`); false: every path passes. use_existing_repo:false never touches the disk.
    bool check_filesystem = true;
    // GET /api/events: the live queue of each subscriber (the upstream's broadcast::channel(10000)),
    // the history replayed on connect (its 100 MB byte budget) and the keep-alive interval (axum's
    // KeepAlive::default(), 15 s).
    std::size_t events_capacity = 10'000;
    std::size_t events_history_bytes = 100'000 * 1024;
    std::chrono::milliseconds events_keep_alive{15'000};
};

class vibe_simulator final : public simulator {
public:
    explicit vibe_simulator(vibe_options options = {});

    [[nodiscard]] std::string_view name() const override { return "vibe"; }
    [[nodiscard]] std::string route_of(const request& req) const override;
    response handle(const request& req) override;
    void seed(const boost::json::value& document) override;
    [[nodiscard]] boost::json::value state() const override;
    std::shared_ptr<event_stream> open_stream(const request& req) override;

    // What a restart of the server does to its change feed: the history and the entry counter
    // start over and every event stream ends (the data stays).
    void restart_events();
    // Events published since the start (or the last restart_events) — the last /entries/{n}.
    [[nodiscard]] std::uint64_t events_published() const { return entry_count_; }

    // What a person does in Vibe's UI (which calls the same API, so `updated_at` stays put).
    // These throw std::invalid_argument for what the server would refuse: a duplicate
    // git_repo_path, an unknown project, a status outside todo|inprogress|inreview|done|cancelled.
    std::string add_project(std::string name, std::string git_repo_path);
    // A hand-made task, which unlike POST /api/tasks may start in any status; returns its id.
    std::string add_task(std::string_view project_id, std::string title, std::optional<std::string> description,
                         std::string_view status = "todo");
    // false when the task is unknown. Ids are accepted in any form the server accepts.
    bool move_task(std::string_view task_id, std::string_view status);
    bool edit_task(std::string_view task_id, std::optional<std::string> title,
                   std::optional<std::string> description);
    bool delete_task(std::string_view task_id);
    // A status change made by a coding agent: the only write that moves `updated_at` (to the current
    // second, so it prints without a fraction).
    bool agent_move_task(std::string_view task_id, std::string_view status);
    // The next `count` task/project writes answer 500 "database is locked" without applying.
    void lock_next_writes(unsigned count) { locked_writes_ = count; }

    // The task as GET /api/tasks/{id} shows it.
    [[nodiscard]] std::optional<boost::json::object> task(std::string_view id) const;
    // The project's tasks as GET /api/tasks?project_id= lists them (newest first, with the four
    // attempt fields); empty for an unknown project.
    [[nodiscard]] std::vector<boost::json::object> tasks_of(std::string_view project_id) const;

private:
    using time_point = std::chrono::sys_time<std::chrono::milliseconds>;

    struct project_record {
        std::string id;
        std::string name;
        std::string git_repo_path;
        std::optional<std::string> setup_script;
        std::optional<std::string> dev_script;
        std::optional<std::string> cleanup_script;
        std::optional<std::string> copy_files;
        time_point created_at;
        time_point updated_at;
        std::uint64_t sequence = 0;     // insertion order, breaks created_at ties
    };
    struct task_record {
        std::string id;
        std::string project_id;
        std::string title;
        std::optional<std::string> description;
        std::string status;
        std::optional<std::string> parent_task_attempt;
        time_point created_at;
        time_point updated_at;
        std::uint64_t sequence = 0;
    };
    struct parsed_request;

    [[nodiscard]] time_point now() const;
    [[nodiscard]] std::string new_id();
    [[nodiscard]] project_record* find_project(std::string_view id);
    [[nodiscard]] const project_record* find_project(std::string_view id) const;
    [[nodiscard]] task_record* find_task(std::string_view id);
    [[nodiscard]] const task_record* find_task(std::string_view id) const;
    [[nodiscard]] bool path_taken(std::string_view path, std::string_view except_id = {}) const;
    [[nodiscard]] std::vector<const task_record*> sorted_tasks(std::string_view project_id) const;
    [[nodiscard]] bool take_write_lock();
    void erase_project(const std::string& id);
    bool set_status(std::string_view task_id, std::string_view status, bool by_agent);
    // Publishes one change feed event: the task after an insert or update ("insert", "update"),
    // or the rowid of a deleted one (the simulator's insertion sequence stands for SQLite's rowid).
    void publish_task(const task_record& t, std::string_view db_op);
    void publish_deleted_task(std::uint64_t rowid);
    void publish_patch(std::string_view db_op, boost::json::object record);
    [[nodiscard]] bool is_events_request(const request& req) const;
    project_record seed_project(const boost::json::object& o, const std::string& where, time_point stamp,
                                std::uint64_t& sequence);
    task_record seed_task(const boost::json::object& o, const std::string& where, const std::string& project_id,
                          time_point stamp, std::uint64_t& sequence);

    response dispatch(const parsed_request& req);
    response get_health() const;
    response list_projects() const;
    response create_project(const parsed_request& req);
    response create_multi_repo_project(const parsed_request& req);
    response list_repositories(const std::string& project_id) const;
    response init_repository(const parsed_request& req);
    [[nodiscard]] boost::json::object project_view(const project_record& p) const;
    response get_project(const std::string& id) const;
    response update_project(const parsed_request& req, const std::string& id);
    response delete_project(const std::string& id);
    response list_tasks(const parsed_request& req) const;
    response create_task(const parsed_request& req);
    response get_task(const std::string& id) const;
    response update_task(const parsed_request& req, const std::string& id);
    response delete_task_route(const std::string& id);

    vibe_options options_;
    std::mt19937_64 rng_;
    std::map<std::string, project_record> projects_;  // by id
    std::map<std::string, task_record> tasks_;        // by id
    // Task ids by project, rebuilt on the first list after any change to tasks_ (a list must not
    // scan every task of every project: 1,000 projects would make an idle cycle quadratic).
    mutable std::map<std::string, std::vector<const task_record*>, std::less<>> tasks_by_project_;
    mutable bool tasks_index_stale_ = true;
    std::uint64_t next_sequence_ = 1;
    unsigned locked_writes_ = 0;
    event_hub events_;
    std::deque<std::pair<std::string, std::size_t>> events_history_;  // frames and their approx_bytes
    std::size_t events_history_size_ = 0;
    std::uint64_t entry_count_ = 0;
};

}  // namespace hvs::sim
