#include "hvs/agents/pm_agent.hpp"
#include "hvs/agents/tags.hpp"

#include "hvs/agents/convergence.hpp"
#include "hvs/agents/repo_docs.hpp"
#include "hvs/agents/tool_sync.hpp"
#include "hvs/core/hash.hpp"
#include "hvs/store/agent_repository.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>

namespace hvs::agents {
namespace {

bool has_tag(const letta::agent& a, const std::string& tag) {
    return std::find(a.tags.begin(), a.tags.end(), tag) != a.tags.end();
}

bool tagged_for_another_project(const letta::agent& a) {
    return std::any_of(a.tags.begin(), a.tags.end(), [](const std::string& t) { return t.starts_with(project_tag_prefix); });
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

const char* control_persona =
    "You are the control agent of huly-vibe-sync: the template every project PM agent is made from. "
    "Your tools are given to every PM agent; your persona becomes theirs.";

// The lookup result: an agent to use (oldest match not bound elsewhere) and the other matches.
struct lookup_result {
    std::optional<letta::agent> chosen;
    std::vector<std::string> duplicates;
};

net::task<result<lookup_result>> look_up(agent_context& ctx, const std::string& name, const std::string& identifier,
                                         const control_agent& control) {
    lookup_result out;
    auto tagged = control.agents_by_project.find(identifier);
    if (tagged == control.agents_by_project.end()) co_return out;
    for (const auto& a : tagged->second) {
        if (a.name != name) continue;
        auto job = [id = a.id](store::database& db) { return store::project_of_agent(db, id); };
        auto owner = co_await ctx.db.run(std::move(job));
        if (!owner) co_return owner.error();
        if (*owner && **owner != identifier) continue;  // bound to another project: never reused
        if (out.chosen) {
            out.duplicates.push_back(a.id);
        } else {
            out.chosen = a;
        }
    }
    co_return out;
}

const letta::agent* find_listed(const control_agent& control, const std::string& identifier, const std::string& id) {
    auto tagged = control.agents_by_project.find(identifier);
    if (tagged == control.agents_by_project.end()) return nullptr;
    for (const auto& a : tagged->second) {
        if (a.id == id) return &a;
    }
    return nullptr;
}

// Creates the block and attaches it to the agent; recorded so `letta cleanup` can find it.
net::task<result<std::string>> create_attached_block(agent_context& ctx, std::string agent_id, std::string project,
                                                     letta::new_block spec) {
    auto created = co_await ctx.letta.create_block(std::move(spec));
    if (!created) co_return created.error();
    auto attached = co_await ctx.letta.attach_block(agent_id, created->id);
    if (!attached) co_return attached.error();
    auto record = [id = created->id, label = created->label, project](store::database& db) {
        return store::record_resource(db, id, "block", label, project);
    };
    if (auto recorded = co_await ctx.db.run(std::move(record)); !recorded) co_return recorded.error();
    co_return created->id;
}

// A managed block: modified by its id, or created and attached when Letta lacks it.
net::task<result<void>> write_block(agent_context& ctx, std::string agent_id, std::string project, block_write w) {
    std::string block_id = w.block_id;
    if (!block_id.empty()) {
        auto modified = co_await ctx.letta.modify_block(block_id, w.block.value);
        if (!modified) co_return modified.error();
    } else {
        letta::new_block spec{w.block.label, w.block.value};
        auto created = co_await create_attached_block(ctx, agent_id, std::move(project), std::move(spec));
        if (!created) co_return created.error();
        block_id = std::move(*created);
    }
    // The hash moves only after Letta confirmed the value.
    std::optional<std::string> stored_id = block_id;
    auto save = [agent_id = std::move(agent_id), label = w.block.label, stored_id, hash = w.block.hash](store::database& db) {
        return store::save_block_hash(db, agent_id, label, stored_id, hash);
    };
    co_return co_await ctx.db.run(std::move(save));
}

// The hashes of blocks Letta already holds with the wanted value: no write to Letta.
result<void> save_confirmed_hashes(store::database& db, const std::string& agent_id,
                                   const std::vector<memory_block>& confirmed) {
    return db.transaction([&](store::database& tx) -> result<void> {
        for (const auto& b : confirmed) {
            if (auto r = store::save_block_hash(tx, agent_id, b.label, std::nullopt, b.hash); !r) return r;
        }
        return {};
    });
}

// The blocks a PM agent is created with and then owns: its persona (unless LETTA_SYNC_PERSONA
// manages it) and its scratchpad.
std::vector<letta::new_block> owned_blocks(const letta_settings& settings, const control_agent& control,
                                           const project_facts& project) {
    std::vector<letta::new_block> owned;
    const bool persona_synced = settings.sync_persona && control.persona;  // then it is a managed block
    if (!persona_synced) {
        owned.push_back({std::string(persona_label), control.persona.value_or(default_project_persona(project))});
    }
    owned.push_back({std::string(scratchpad_label), scratchpad_initial_value()});
    return owned;
}

std::string comma_separated_labels(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out.empty() ? "none" : out;
}

net::task<void> attach_control_tool(agent_context& ctx, std::string agent_id, letta::tool tool, agent_outcome& out,
                                    std::vector<std::string>& errors) {
    auto attached = co_await ctx.letta.attach_tool(agent_id, tool.id);
    if (attached) {
        ++out.tools_attached;
        ++out.drift_repaired;
    } else {
        errors.push_back("attach " + tool.name + ": " + attached.error().describe());
    }
}

// Force mode: the exact tool set in one agent update.
net::task<void> replace_tools(agent_context& ctx, std::string agent_id, std::vector<std::string> tool_ids,
                              agent_tool_plan tools, agent_outcome& out, std::vector<std::string>& errors) {
    auto replaced = co_await ctx.letta.set_agent_tools(agent_id, std::move(tool_ids));
    if (replaced) {
        out.tools_attached += static_cast<unsigned>(tools.attach.size());
        out.tools_detached += static_cast<unsigned>(tools.detach.size());
        out.drift_repaired += static_cast<unsigned>(tools.attach.size() + tools.detach.size());
    } else {
        errors.push_back("set tools: " + replaced.error().describe());
    }
}

net::task<void> write_managed_block(agent_context& ctx, std::string agent_id, std::string project, block_write w,
                                    agent_outcome& out, std::vector<std::string>& errors) {
    const std::string label = w.block.label;
    const bool restores = w.block_id.empty();
    auto done = co_await write_block(ctx, std::move(agent_id), std::move(project), std::move(w));
    if (done) {
        ++out.blocks_written;
        if (restores) ++out.drift_repaired;
    } else {
        errors.push_back("block " + label + ": " + done.error().describe());
    }
}

net::task<void> create_owned_block(agent_context& ctx, std::string agent_id, std::string project,
                                   letta::new_block spec, agent_outcome& out, std::vector<std::string>& errors) {
    const std::string label = spec.label;
    auto created = co_await create_attached_block(ctx, std::move(agent_id), std::move(project), std::move(spec));
    if (created) {
        ++out.blocks_written;
        ++out.drift_repaired;
    } else {
        errors.push_back("block " + label + ": " + created.error().describe());
    }
}

}  // namespace

std::string pm_agent_name(std::string_view project_name) {
    std::string name = "Huly - ";
    for (unsigned char c : project_name) {
        bool accepted = std::isalnum(c) || c == '_' || c == ' ' || c == '\'' || c == '-' || c >= 0x80;
        name += accepted ? static_cast<char>(c) : '-';
    }
    return name;
}

net::task<result<control_agent>> ensure_control_agent(agent_context& ctx, bool may_write) {
    control_agent control;
    auto load = [](store::database& db) { return store::load_control_agent_id(db); };
    auto stored = co_await ctx.db.run(std::move(load));
    if (!stored) co_return make_error(stored.error().kind, "reading the control agent's id: " + stored.error().message);
    if (*stored) {
        // The stored id is used while Letta still has that agent under the configured name.
        auto agent = co_await ctx.letta.get_agent(**stored);
        if (agent && agent->name == ctx.settings.control_agent) {
            control.id = agent->id;
        } else if (!agent && agent.error().http_status != 404) {
            co_return make_error(agent.error().kind, "checking the control agent: " + agent.error().message);
        }
    }
    if (control.id.empty()) {
        std::vector<std::string> notes;
        auto found = co_await find_control_agent(ctx.letta, ctx.settings.control_agent, notes);
        for (const auto& note : notes) HVS_LOG(ctx.log, warning) << note;
        if (found) {
            control.id = found->id;
        } else if (found.error().kind != error_kind::invalid) {  // invalid: there is none, create it
            co_return found.error();
        }
    }
    if (control.id.empty() && !may_write) {
        co_return make_error(error_kind::unavailable, "the control agent '" + ctx.settings.control_agent +
                                                          "' is not in Letta yet; the replica holding the control "
                                                          "lease creates it");
    }
    if (control.id.empty()) {
        letta::agent_spec spec;
        spec.name = ctx.settings.control_agent;
        spec.model = ctx.settings.model;
        spec.embedding = ctx.settings.embedding;
        spec.memory_blocks.push_back({"persona", control_persona});
        for (const auto& tool_name : ctx.settings.control_tool_names) {
            auto tools = co_await ctx.letta.tools_named(tool_name);
            if (!tools) co_return tools.error();
            if (tools->empty()) {
                HVS_LOG(ctx.log, warning) << "control tool '" << tool_name << "' does not exist in Letta; skipped";
                continue;
            }
            spec.tool_ids.push_back(tools->front().id);
        }
        auto created = co_await ctx.letta.create_agent(std::move(spec));
        if (!created) co_return make_error(created.error().kind, "creating the control agent: " + created.error().message);
        HVS_LOG(ctx.log, info) << "created the control agent " << created->id;
        control.id = created->id;
    }
    if (may_write && (!*stored || **stored != control.id)) {
        auto save = [id = control.id](store::database& db) { return store::save_control_agent_id(db, id); };
        if (auto saved = co_await ctx.db.run(std::move(save)); !saved) {
            co_return make_error(saved.error().kind, "storing the control agent's id: " + saved.error().message);
        }
    }
    auto tools = co_await ctx.letta.agent_tools(control.id);
    if (!tools) co_return tools.error();
    control.tools = std::move(*tools);
    auto persona = co_await ctx.letta.agent_block(control.id, "persona");
    if (persona) control.persona = persona->value;

    letta::agent_query tagged;
    tagged.tags.push_back(std::string(service_tag));
    auto listed = co_await ctx.letta.list_agents(std::move(tagged));
    if (!listed) co_return make_error(listed.error().kind, "listing PM agents: " + listed.error().message);
    for (auto& a : *listed) {
        if (a.id == control.id || a.name.ends_with("-sleeptime")) continue;
        for (const auto& tag : a.tags) {
            if (tag.starts_with(project_tag_prefix)) control.agents_by_project[tag.substr(project_tag_prefix.size())].push_back(a);
        }
    }
    co_return control;
}

net::task<agent_outcome> sync_pm_agent(agent_context& ctx, project_facts project, std::vector<sync::link> links,
                                       std::vector<sync::link> previous_links, control_agent control) {
    agent_outcome outcome;
    const std::string name = pm_agent_name(project.name);
    auto fail = [&](std::string why) {
        outcome.error = std::move(why);
        HVS_LOG(ctx.log, warning) << "PM agent: " << outcome.error;
        return outcome;
    };

    auto load = [id = project.identifier](store::database& db) { return store::load_binding(db, id); };
    auto bound = co_await ctx.db.run(std::move(load));
    if (!bound) co_return fail("reading the agent binding: " + bound.error().describe());

    std::optional<letta::agent> agent;
    bool memory_read = false;  // `agent` carries its blocks: read with agent_with_memory
    if (*bound) {
        if (const auto* listed = find_listed(control, project.identifier, (*bound)->agent_id)) agent = *listed;
    }
    if (*bound && !agent) {
        auto stored = co_await ctx.letta.agent_with_memory((*bound)->agent_id);
        memory_read = stored.has_value();
        if (stored && has_tag(*stored, project_tag(project.identifier))) {
            agent = std::move(*stored);
        } else if (stored && tagged_for_another_project(*stored)) {
            co_return fail("agent " + stored->id + " bound to this project is tagged for another project; "
                           "not writing to it");
        } else if (stored) {
            // Bound without tags (imported from the original service): it becomes findable by them.
            const std::string service = std::string(service_tag);
            const std::string own = project_tag(project.identifier);
            if (!has_tag(*stored, service)) stored->tags.push_back(service);
            if (!has_tag(*stored, own)) stored->tags.push_back(own);
            auto tagged = co_await ctx.letta.set_agent_tags(stored->id, stored->tags);
            if (!tagged) co_return fail("tagging agent " + stored->id + ": " + tagged.error().describe());
            HVS_LOG(ctx.log, info) << "tagged the bound agent " << stored->id << " with "
                                   << project_tag(project.identifier);
            agent = std::move(*stored);
        } else if (stored.error().http_status == 404) {
            auto drop = [id = project.identifier](store::database& db) { return store::unbind_agent(db, id); };
            if (auto dropped = co_await ctx.db.run(std::move(drop)); !dropped) co_return fail(dropped.error().describe());
        } else {
            co_return fail("checking agent " + (*bound)->agent_id + ": " + stored.error().describe());
        }
    }

    auto blocks = build_memory_blocks(project, links, previous_links, ctx.settings.status_names, now_ms());
    // Written like the other blocks: only when the control's persona changed since the last write.
    if (ctx.settings.sync_persona && control.persona) blocks.push_back(persona_block(*control.persona));
    if (!agent) {
        auto found = co_await look_up(ctx, name, project.identifier, control);
        if (!found) co_return fail("looking up the agent: " + found.error().describe());
        outcome.duplicates = found->duplicates;
        if (!outcome.duplicates.empty()) {
            HVS_LOG(ctx.log, warning) << outcome.duplicates.size() << " duplicate agents named '" << name
                                      << "'; using the oldest";
        }
        agent = std::move(found->chosen);
    }
    if (!agent) {
        letta::agent_spec spec;
        spec.name = name;
        spec.model = ctx.settings.model;
        spec.embedding = ctx.settings.embedding;
        spec.tags = {std::string(service_tag), project_tag(project.identifier)};
        if (ctx.settings.sync_tools) {
            for (const auto& t : control.tools) spec.tool_ids.push_back(t.id);
        }
        spec.memory_blocks = owned_blocks(ctx.settings, control, project);
        for (const auto& b : blocks) spec.memory_blocks.push_back({b.label, b.value});
        if (!ctx.settings.human_block_id.empty()) spec.block_ids.push_back(ctx.settings.human_block_id);
        if (!control.quota_refusal->empty()) {
            co_return fail("not creating agent '" + name + "' this cycle: " + *control.quota_refusal);
        }
        auto created = co_await ctx.letta.create_agent(std::move(spec));
        // A failed or timed-out create is not repeated now: the next cycle looks the agent up first.
        if (!created && created.error().http_status == 402) {
            // No other project asks for an agent again this cycle: the quota holds for all of them.
            *control.quota_refusal = created.error().message;
            co_return fail(created.error().message);
        }
        if (!created) co_return fail("creating agent '" + name + "': " + created.error().describe());
        outcome.created = true;
        agent = std::move(*created);
        std::vector<memory_block> written = blocks;
        auto remember = [identifier = project.identifier, id = agent->id, name, written](store::database& db) {
            return db.transaction([&](store::database& tx) -> result<void> {
                if (auto r = store::record_resource(tx, id, "agent", name, identifier); !r) return r;
                for (const auto& b : written) {
                    if (auto r = store::save_block_hash(tx, id, b.label, std::nullopt, b.hash); !r) return r;
                }
                return {};
            });
        };
        if (auto saved = co_await ctx.db.run(std::move(remember)); !saved) co_return fail(saved.error().describe());
        outcome.blocks_written = static_cast<unsigned>(blocks.size());
        HVS_LOG(ctx.log, info) << "created PM agent " << agent->id;
    }
    outcome.agent_id = agent->id;
    auto bind = [identifier = project.identifier, b = store::agent_binding{agent->id, agent->name}](store::database& db) {
        return store::bind_agent(db, identifier, b);
    };
    if (auto bound_now = co_await ctx.db.run(std::move(bind)); !bound_now) {
        co_return fail("binding agent " + agent->id + ": " + bound_now.error().describe());
    }

    std::vector<net::task<void>> writes;
    std::vector<std::string> failures;
    if (!outcome.created) {
        // One read of what Letta holds (tools and blocks), unless the binding check made it already.
        if (!memory_read) {
            auto held = co_await ctx.letta.agent_with_memory(agent->id);
            if (!held) co_return fail("reading agent " + agent->id + ": " + held.error().describe());
            agent = std::move(*held);
        }
        auto hashes_job = [id = agent->id](store::database& db) { return store::load_block_hashes(db, id); };
        auto hashes = co_await ctx.db.run(std::move(hashes_job));
        if (!hashes) co_return fail(hashes.error().describe());
        agent_wants wants{blocks, owned_blocks(ctx.settings, control, project), control.tools, ctx.settings.sync_tools,
                          ctx.settings.force_tools};
        auto plan = plan_convergence(wants, *agent, *hashes);
        if (!plan) co_return fail("tools: " + plan.error().describe());
        outcome.drift_found = plan->drift_found();
        if (outcome.drift_found > 0) {
            HVS_LOG(ctx.log, info) << "PM agent " << agent->id << " drifted from what it should hold: blocks missing "
                                   << comma_separated_labels(plan->blocks.missing) << "; " << plan->tools.attach.size()
                                   << " tools to attach, " << plan->tools.detach.size() << " to detach";
        }
        if (!plan->confirmed.empty()) {
            auto confirm = [id = agent->id, confirmed = plan->confirmed](store::database& db) {
                return save_confirmed_hashes(db, id, confirmed);
            };
            if (auto saved = co_await ctx.db.run(std::move(confirm)); !saved) co_return fail(saved.error().describe());
        }
        if (plan->tool_set) {
            writes.push_back(replace_tools(ctx, agent->id, *plan->tool_set, plan->tools, outcome, failures));
        } else {
            for (const auto& t : plan->tools.attach) {
                writes.push_back(attach_control_tool(ctx, agent->id, t, outcome, failures));
            }
        }
        for (const auto& w : plan->block_writes) {
            writes.push_back(write_managed_block(ctx, agent->id, project.identifier, w, outcome, failures));
        }
        for (const auto& owned : plan->owned_to_create) {
            writes.push_back(create_owned_block(ctx, agent->id, project.identifier, owned, outcome, failures));
        }
    }
    co_await net::run_all(std::move(writes));
    // Documents go after the blocks, and also when a block failed: they depend only on the agent.
    auto docs = co_await sync_repo_docs(ctx, project, agent->id);
    if (docs) outcome.files_uploaded = docs->uploaded;
    if (!failures.empty()) {
        co_return fail(std::to_string(failures.size()) + " Letta writes failed, first: " + failures.front());
    }
    if (!docs) co_return fail("repository documents: " + docs.error().describe());
    outcome.ok = true;
    co_return outcome;
}

}  // namespace hvs::agents
