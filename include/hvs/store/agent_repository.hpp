#pragma once
// What the agents module keeps in the database: the project -> agent binding (unique both ways),
// the control agent's id, the hash of each memory block Letta confirmed, every Letta resource this
// service created, and what Letta last accepted into each folder.

#include "hvs/store/database.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hvs::store {

struct agent_binding {
    std::string agent_id;
    std::string agent_name;
};

result<std::optional<agent_binding>> load_binding(database& db, const std::string& project);
// Every binding, by project.
result<std::map<std::string, agent_binding>> load_bindings(database& db);
// Binds; fails (io, UNIQUE) if the agent is bound to another project.
result<void> bind_agent(database& db, const std::string& project, const agent_binding& b);
result<void> unbind_agent(database& db, const std::string& project);
// The project an agent is bound to, if any.
result<std::optional<std::string>> project_of_agent(database& db, const std::string& agent_id);
// An imported binding (no name known), unless the project is unknown or already bound: whether it
// was written.
result<bool> bind_imported_agent(database& db, const std::string& project, const std::string& agent_id);

// A binding with the number of memory blocks whose value Letta confirmed (for `status`).
struct bound_agent {
    std::string project;
    std::string agent_id;
    std::string agent_name;
    std::string bound_at;
    std::int64_t blocks = 0;
};
result<std::vector<bound_agent>> load_bound_agents(database& db);

// The control agent's id as last found or created (meta key letta_control_agent_id), if any.
result<std::optional<std::string>> load_control_agent_id(database& db);
result<void> save_control_agent_id(database& db, const std::string& agent_id);

result<std::map<std::string, std::string>> load_block_hashes(database& db, const std::string& agent_id);
result<void> save_block_hash(database& db, const std::string& agent_id, const std::string& label,
                             const std::optional<std::string>& block_id, const std::string& hash);

result<void> record_resource(database& db, const std::string& id, const std::string& kind, const std::string& name,
                             const std::string& project);
// The ids of every recorded resource.
result<std::set<std::string>> load_resource_ids(database& db);
// Forgets a deleted resource and the rows that hang on it (a folder's or a file's letta_files rows,
// an agent's agent_blocks rows): the number of rows removed.
result<unsigned> forget_folder(database& db, const std::string& folder_id);
result<unsigned> forget_file(database& db, const std::string& file_id);
result<unsigned> forget_agent(database& db, const std::string& agent_id);

// What Letta last accepted into a folder, by file name.
struct stored_file {
    std::string hash;
    std::string file_id;
};
result<std::map<std::string, stored_file>> load_letta_files(database& db, const std::string& folder_id);
// Records an upload Letta accepted: the file's hash and id, the file as this service's resource
// (under `project`), and forgets the resource of the file it replaced.
result<void> save_letta_file(database& db, const std::string& folder_id, const std::string& file_name,
                             const stored_file& file, const std::string& project);

}  // namespace hvs::store
