#pragma once
// What the agents module keeps in SQLite: the project -> agent binding (unique both ways), the
// hash of each memory block Letta confirmed, and every Letta resource this service created.

#include "hvs/store/database.hpp"

#include <map>
#include <optional>
#include <string>

namespace hvs::agents {

struct binding {
    std::string agent_id;
    std::string agent_name;
};

result<std::optional<binding>> load_binding(store::database& db, const std::string& project);
// Every binding, by project.
result<std::map<std::string, binding>> load_bindings(store::database& db);
// Binds; fails (io, UNIQUE) if the agent is bound to another project.
result<void> bind_agent(store::database& db, const std::string& project, const binding& b);
result<void> unbind_agent(store::database& db, const std::string& project);
// The project an agent is bound to, if any.
result<std::optional<std::string>> project_of_agent(store::database& db, const std::string& agent_id);

// The control agent's id as last found or created (meta key letta_control_agent_id), if any.
result<std::optional<std::string>> load_control_agent_id(store::database& db);
result<void> save_control_agent_id(store::database& db, const std::string& agent_id);

result<std::map<std::string, std::string>> load_block_hashes(store::database& db, const std::string& agent_id);
result<void> save_block_hash(store::database& db, const std::string& agent_id, const std::string& label,
                             const std::optional<std::string>& block_id, const std::string& hash);

result<void> record_resource(store::database& db, const std::string& id, const std::string& kind,
                             const std::string& name, const std::string& project);

}  // namespace hvs::agents
