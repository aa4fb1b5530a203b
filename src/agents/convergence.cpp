#include "hvs/agents/convergence.hpp"

#include "hvs/core/hash.hpp"

#include <algorithm>

namespace hvs::agents {
namespace {

const letta::block* held_block(const std::vector<letta::block>& held, std::string_view label) {
    auto it = std::find_if(held.begin(), held.end(), [&](const letta::block& b) { return b.label == label; });
    return it == held.end() ? nullptr : &*it;
}

}  // namespace

block_drift compare_agent_blocks(const std::vector<std::string>& wanted_labels, const std::vector<letta::block>& held,
                                 const std::map<std::string, std::string>& stored_hashes) {
    block_drift drift;
    for (const auto& label : wanted_labels) {
        if (!held_block(held, label)) drift.missing.push_back(label);
    }
    for (const auto& b : held) {
        auto stored = stored_hashes.find(b.label);
        if (stored != stored_hashes.end() && !core::digest(b.value).matches(stored->second)) {
            drift.edited.push_back(b.label);
        }
    }
    return drift;
}

unsigned convergence_plan::drift_found() const {
    return static_cast<unsigned>(blocks.missing.size() + tools.attach.size() + tools.detach.size());
}

result<convergence_plan> plan_convergence(const agent_wants& wants, const letta::agent& held,
                                          const std::map<std::string, std::string>& stored_hashes) {
    convergence_plan plan;
    std::vector<std::string> wanted_labels;
    for (const auto& b : wants.managed) wanted_labels.push_back(b.label);
    for (const auto& b : wants.owned) wanted_labels.push_back(b.label);
    plan.blocks = compare_agent_blocks(wanted_labels, held.blocks, stored_hashes);

    for (const auto& wanted : wants.managed) {
        const letta::block* current = held_block(held.blocks, wanted.label);
        auto stored = stored_hashes.find(wanted.label);
        // A hash stored before SHA-256 still recognises its content (core/hash.hpp).
        const bool stored_is_wanted = stored != stored_hashes.end() && core::digest(wanted.value).matches(stored->second);
        if (!current) {
            plan.block_writes.push_back({wanted, {}});
        } else if (current->value == wanted.value) {
            if (!stored_is_wanted) plan.confirmed.push_back(wanted);
        } else if (!stored_is_wanted) {
            plan.block_writes.push_back({wanted, current->id});
        }
        // Else Letta's value was edited since our last write of this very content: kept until the
        // content changes (memory_blocks.hpp: a block is written only when its hash changed).
    }
    for (const auto& owned : wants.owned) {
        if (!held_block(held.blocks, owned.label)) plan.owned_to_create.push_back(owned);
    }

    if (wants.sync_tools) {
        std::vector<agent_tools> agent{{held.id, held.name, held.tools}};
        auto tools = plan_tool_sync(wants.control_tools, agent, wants.force_tools);
        if (!tools) return tools.error();
        plan.tools = std::move(tools->front());
        if (wants.force_tools && (!plan.tools.attach.empty() || !plan.tools.detach.empty())) {
            std::vector<std::string> ids;
            for (const auto& t : held.tools) {
                const bool detached = std::any_of(plan.tools.detach.begin(), plan.tools.detach.end(),
                                                  [&](const letta::tool& d) { return d.id == t.id; });
                if (!detached) ids.push_back(t.id);
            }
            for (const auto& t : plan.tools.attach) ids.push_back(t.id);
            plan.tool_set = std::move(ids);
        }
    } else {
        plan.tools = {held.id, held.name, {}, {}, 0};
    }
    return plan;
}

}  // namespace hvs::agents
