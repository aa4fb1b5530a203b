#include "hvs/agents/state.hpp"

namespace hvs::agents {

result<std::optional<binding>> load_binding(store::database& db, const std::string& project) {
    auto s = db.prepare("SELECT agent_id, agent_name FROM agents WHERE project = ?1");
    if (!s) return s.error();
    s->bind(1, project);
    auto row = s->step();
    if (!row) return row.error();
    if (!*row) return std::optional<binding>{};
    return std::optional<binding>(binding{s->text(0), s->text(1)});
}

result<std::map<std::string, binding>> load_bindings(store::database& db) {
    auto s = db.prepare("SELECT project, agent_id, agent_name FROM agents ORDER BY project");
    if (!s) return s.error();
    std::map<std::string, binding> out;
    for (;;) {
        auto row = s->step();
        if (!row) return row.error();
        if (!*row) break;
        out[s->text(0)] = binding{s->text(1), s->text(2)};
    }
    return out;
}

result<void> bind_agent(store::database& db, const std::string& project, const binding& b) {
    auto s = db.prepare(
        "INSERT INTO agents (project, agent_id, agent_name) VALUES (?1, ?2, ?3) "
        "ON CONFLICT(project) DO UPDATE SET agent_id = excluded.agent_id, agent_name = excluded.agent_name");
    if (!s) return s.error();
    return s->bind(1, project).bind(2, b.agent_id).bind(3, b.agent_name).run();
}

result<void> unbind_agent(store::database& db, const std::string& project) {
    auto s = db.prepare("DELETE FROM agents WHERE project = ?1");
    if (!s) return s.error();
    return s->bind(1, project).run();
}

result<std::optional<std::string>> project_of_agent(store::database& db, const std::string& agent_id) {
    auto s = db.prepare("SELECT project FROM agents WHERE agent_id = ?1");
    if (!s) return s.error();
    s->bind(1, agent_id);
    auto row = s->step();
    if (!row) return row.error();
    if (!*row) return std::optional<std::string>{};
    return std::optional<std::string>(s->text(0));
}

namespace {
constexpr const char* control_agent_key = "letta_control_agent_id";
}

result<std::optional<std::string>> load_control_agent_id(store::database& db) {
    auto s = db.prepare("SELECT value FROM meta WHERE key = ?1");
    if (!s) return s.error();
    s->bind(1, control_agent_key);
    auto row = s->step();
    if (!row) return row.error();
    if (!*row) return std::optional<std::string>{};
    return std::optional<std::string>(s->text(0));
}

result<void> save_control_agent_id(store::database& db, const std::string& agent_id) {
    auto s = db.prepare("INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!s) return s.error();
    return s->bind(1, control_agent_key).bind(2, agent_id).run();
}

result<std::map<std::string, std::string>> load_block_hashes(store::database& db, const std::string& agent_id) {
    auto s = db.prepare("SELECT label, hash FROM agent_blocks WHERE agent_id = ?1");
    if (!s) return s.error();
    s->bind(1, agent_id);
    std::map<std::string, std::string> out;
    for (;;) {
        auto row = s->step();
        if (!row) return row.error();
        if (!*row) break;
        out[s->text(0)] = s->text(1);
    }
    return out;
}

result<void> save_block_hash(store::database& db, const std::string& agent_id, const std::string& label,
                             const std::optional<std::string>& block_id, const std::string& hash) {
    auto s = db.prepare(
        "INSERT INTO agent_blocks (agent_id, label, block_id, hash) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT(agent_id, label) DO UPDATE SET block_id = COALESCE(excluded.block_id, agent_blocks.block_id), "
        "hash = excluded.hash");
    if (!s) return s.error();
    return s->bind(1, agent_id).bind(2, label).bind(3, block_id).bind(4, hash).run();
}

result<void> record_resource(store::database& db, const std::string& id, const std::string& kind,
                             const std::string& name, const std::string& project) {
    auto s = db.prepare("INSERT INTO letta_resources (id, kind, name, project) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING");
    if (!s) return s.error();
    return s->bind(1, id).bind(2, kind).bind(3, name).bind(4, project).run();
}

}  // namespace hvs::agents
