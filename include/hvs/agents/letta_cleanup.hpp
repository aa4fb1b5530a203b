#pragma once
// `letta cleanup`: removes from Letta only what this service made, as a dry run unless applied
// (product.md §4; reliability.md, Security):
// - folders named "Huly-…" (this service's Huly-<ID> and Huly-<ID>-root, repo_docs.hpp): each of
//   their files, then the folder. A project that still uses one gets it back on the next cycle,
//   which re-creates the folder and uploads its files again; the database rows that described the
//   deleted folder (letta_files, keyed on its id) are forgotten.
// - duplicate PM agents: tagged huly-vibe-sync and project:<ID> for a project whose binding is
//   another agent. Never an agent bound in the database, never the control agent (by name or by
//   its stored id), never a -sleeptime agent on its own (Letta deletes an agent's sleeptime twin
//   with it), never one whose project has no binding (the next cycle adopts it). With no bindings
//   at all nothing is deleted: every PM agent would look unbound.
// Everything is read before anything is deleted, and a failed read stops the command. Planning is
// a pure function of what was read. A delete that answers 404 is a phantom (gone already), counted
// and reported but not a failure; other failures are counted with their reason and the rest goes on.

#include "hvs/letta/client.hpp"
#include "hvs/store/agent_repository.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace hvs::agents {

enum class cleanup_scope { folders, agents, all };
// "folders" | "agents" | "all".
[[nodiscard]] std::optional<cleanup_scope> parse_cleanup_scope(std::string_view text);
[[nodiscard]] bool covers_folders(cleanup_scope scope);
[[nodiscard]] bool covers_agents(cleanup_scope scope);

// Whether a folder name is one this service gives its folders ("Huly-" prefix).
[[nodiscard]] bool is_service_folder(std::string_view name);

// What the database says. No database at all leaves it empty (database = false).
struct cleanup_facts {
    bool database = false;
    std::map<std::string, std::string> bound;  // project -> the agent id bound to it
    std::set<std::string> recorded;            // ids in letta_resources: created by this service
    std::string control_agent_id;              // as the cycle last found it ("" = not known)
};
result<cleanup_facts> load_cleanup_facts(store::database& db);

// What Letta listed.
struct listed_folder {
    letta::folder folder;
    std::vector<letta::file_info> files;  // read for this service's folders only
};
struct cleanup_listing {
    std::vector<listed_folder> folders;   // every folder, when folders are in scope
    std::vector<letta::agent> agents;     // every agent tagged huly-vibe-sync, when agents are
};

enum class resource_kind { folder, file, agent };
[[nodiscard]] std::string_view to_string(resource_kind kind);

struct planned_delete {
    resource_kind kind = resource_kind::folder;
    std::string id;
    std::string name;
    std::string folder_id;  // a file's folder
    std::string why;        // e.g. "duplicate of agent-… bound to WEB"
    bool recorded = false;  // letta_resources knows it as created by this service
};

// A folder goes after its files.
struct folder_deletion {
    planned_delete folder;
    std::vector<planned_delete> files;
};

enum class skip_reason {
    not_service_folder,  // not named Huly-…
    bound,               // the agent bound to a project in the database
    control_agent,       // named LETTA_CONTROL_AGENT
    sleeptime,           // a -sleeptime agent: Letta deletes it with its primary agent
    no_project_tag,      // tagged huly-vibe-sync but no project:<ID>: whose duplicate it is is unknown
    project_unbound,     // its project has no bound agent: not a duplicate, the next cycle adopts it
    no_bindings,         // the database binds no agent at all: refused
};
[[nodiscard]] std::string_view describe(skip_reason reason);

struct skipped_resource {
    resource_kind kind = resource_kind::folder;
    std::string id;
    std::string name;
    skip_reason reason = skip_reason::not_service_folder;
};

struct cleanup_plan {
    std::vector<folder_deletion> folders;
    std::vector<planned_delete> agents;
    std::vector<skipped_resource> skipped;
    unsigned folders_found = 0;
    unsigned files_found = 0;   // in this service's folders
    unsigned agents_found = 0;  // tagged huly-vibe-sync
    bool agents_refused = false;
};

[[nodiscard]] cleanup_plan plan_letta_cleanup(cleanup_scope scope, const std::string& control_agent,
                                              const cleanup_listing& listing, const cleanup_facts& facts);

enum class delete_outcome { deleted, phantom, failed };

struct delete_result {
    planned_delete item;
    delete_outcome outcome = delete_outcome::failed;
    std::string error;  // why it failed
};

struct cleanup_tally {
    unsigned found = 0, planned = 0, deleted = 0, skipped = 0, phantom = 0, failed = 0;
};

struct cleanup_report {
    cleanup_plan plan;
    bool applied = false;
    std::vector<delete_result> results;  // in plan order (each folder's files, the folder; agents); empty on a dry run
    cleanup_tally folders, files, agents;

    [[nodiscard]] bool any_failed() const;
};

// The table's numbers (pure).
[[nodiscard]] cleanup_report summarize_cleanup(cleanup_plan plan, std::vector<delete_result> results, bool applied);

// Reads everything the scope needs: every folder page by page, the files of this service's
// folders, the agents tagged huly-vibe-sync.
net::task<result<cleanup_listing>> list_for_cleanup(letta::client& letta, cleanup_scope scope);

// Deletes what the plan says: folders (each its files first, then itself; a folder whose files
// could not all be deleted is kept and counted as failed) and agents, concurrently.
net::task<std::vector<delete_result>> carry_out_cleanup(letta::client& letta, cleanup_plan plan);

struct cleanup_request {
    cleanup_scope scope = cleanup_scope::all;
    std::string control_agent;  // LETTA_CONTROL_AGENT
    bool apply = false;
};

// Lists, plans and, when applying, deletes. An error only when a read failed (nothing deleted).
net::task<result<cleanup_report>> run_letta_cleanup(letta::client& letta, cleanup_request request, cleanup_facts facts);

// After an applied cleanup: forgets what the database knew of the resources that are gone
// (deleted or phantom) — their letta_resources rows, a deleted folder's letta_files rows, a deleted
// agent's block hashes — in one transaction. Returns how many rows went.
result<unsigned> forget_deleted(store::database& db, const cleanup_report& report);

}  // namespace hvs::agents
