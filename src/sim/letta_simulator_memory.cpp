// Letta simulator: standalone blocks and an agent's core-memory blocks (by label, with the ≤0.16.1
// overwrite-the-last-block bug behind an option; attach with the per-agent label constraint).

#include "letta_state.hpp"

#include <algorithm>

namespace hvs::sim::letta {
namespace {

constexpr field_spec block_create_fields[] = {
    {"label", kind::string, true}, {"value", kind::string, true}, {"limit", kind::integer},
    {"description", kind::string}, {"metadata", kind::object},    {"read_only", kind::boolean},
    {"hidden", kind::boolean},     {"project_id", kind::string},  {"is_template", kind::boolean},
    {"name", kind::string},
};

constexpr field_spec block_update_fields[] = {
    {"value", kind::string},       {"limit", kind::integer},      {"label", kind::string},
    {"description", kind::string}, {"metadata", kind::object},    {"read_only", kind::boolean},
    {"hidden", kind::boolean},     {"project_id", kind::string},  {"name", kind::string},
};

std::string block_miss(std::string_view id) { return "Block not found with id='" + std::string(id) + "'"; }

response over_limit(std::size_t length, std::int64_t limit) {
    return detail(status::bad_request, "INVALID_ARGUMENT: Value length (" + std::to_string(length) +
                                           " characters) exceeds block limit (" + std::to_string(limit) + " characters)");
}

// The pydantic model validator: value longer than limit when both are in the body.
std::optional<field_error> limit_conflict(const json::object& body) {
    const auto value = get_string(body, "value");
    const auto limit = get_int(body, "limit");
    if (!value || !limit || static_cast<std::int64_t>(code_points(*value)) <= *limit) return std::nullopt;
    return field_error{"value_error", loc({"body"}),
                       "Value error, Edit failed: Exceeds " + std::to_string(*limit) + " character limit (requested " +
                           std::to_string(code_points(*value)) + ")",
                       py_repr(json::value(body)), {}};
}

// Validates a BlockUpdate body; on success applies it to `b`. Returns the error answer otherwise.
std::optional<response> apply_update(const json::object& body, block_record& b) {
    const auto value = get_string(body, "value").value_or(b.value);
    const auto limit = get_int(body, "limit").value_or(b.limit);
    if (static_cast<std::int64_t>(code_points(value)) > limit) return over_limit(code_points(value), limit);
    b.value = value;
    b.limit = limit;
    if (const auto label = get_string(body, "label")) b.label = *label;
    if (body.contains("description")) b.description = body.at("description");
    if (const auto* m = body.if_contains("metadata")) b.metadata = m->is_null() ? json::value(json::object()) : *m;
    if (const auto ro = get_bool(body, "read_only")) b.read_only = *ro;
    if (const auto h = get_bool(body, "hidden")) b.hidden = *h;
    if (body.contains("project_id")) b.project_id = body.at("project_id");
    if (body.contains("name")) b.template_name = body.at("name");
    return std::nullopt;
}

// Reads and validates a BlockUpdate body; the error answer when it is not one.
std::optional<response> read_update(const call& c, json::object& out) {
    auto body = read_object_body(c.req);
    if (body.error) return std::move(*body.error);
    std::vector<field_error> errors;
    check_fields(body.object, block_update_fields, loc({"body"}), errors);
    if (errors.empty()) {
        if (auto e = limit_conflict(body.object)) errors.push_back(std::move(*e));
    }
    if (!errors.empty()) return validation_error(errors);
    out = std::move(body.object);
    return std::nullopt;
}

block_record* block_by_label(letta_state& st, const agent_record& a, std::string_view label) {
    for (const auto& id : a.block_ids) {
        auto* b = st.find_block(id);
        if (b && b->label == label) return b;
    }
    return nullptr;
}

std::string no_label(std::string_view label, std::string_view agent_id) {
    return "No block with label '" + std::string(label) + "' found for agent '" + std::string(agent_id) + "'";
}

response unique_label_violation(std::string_view agent_id, std::string_view label) {
    return detail(status::conflict,
                  "A unique constraint was violated for Agent. Check your input for duplicates: "
                  "(sqlalchemy.dialects.postgresql.asyncpg.IntegrityError) <class "
                  "'asyncpg.exceptions.UniqueViolationError'>: duplicate key value violates unique constraint "
                  "\"unique_label_per_agent\"\nDETAIL:  Key (agent_id, block_label)=(" +
                      std::string(agent_id) + ", " + std::string(label) + ") already exists.");
}

// The sleeptime twins that share `a`'s memory.
std::vector<agent_record*> twins_of(letta_state& st, const agent_record& a) {
    std::vector<agent_record*> out;
    if (!a.group) return out;
    for (const auto& id : a.group->agent_ids) {
        if (auto* t = st.find_agent(id)) out.push_back(t);
    }
    return out;
}

}  // namespace

response list_blocks(letta_state& st, const call& c) {
    std::vector<field_error> errors;
    bool negative = false;
    const auto q = read_list_query(c, 50, true, errors, negative);
    if (!errors.empty()) return validation_error(errors);
    if (negative) return internal_error();
    const auto label = c.last("label"), name = c.last("name");
    const auto label_search = c.last("label_search"), value_search = c.last("value_search"),
               description_search = c.last("description_search");
    std::vector<const block_record*> found;
    for (const auto& b : st.blocks) {
        if (label && b.label != *label) continue;
        if (name && !(b.template_name.is_string() && b.template_name.get_string() == *name)) continue;
        if (label_search && !like_contains(b.label, *label_search)) continue;
        if (value_search && !like_contains(b.value, *value_search)) continue;
        if (description_search && !(b.description.is_string() &&
                                    like_contains(std::string_view(b.description.get_string()), *description_search))) {
            continue;
        }
        found.push_back(&b);
    }
    auto earlier = [](const block_record* x, const block_record* y) {
        return x->created != y->created ? x->created < y->created : x->id < y->id;
    };
    std::sort(found.begin(), found.end(), [&](auto* x, auto* y) { return q.ascending ? earlier(x, y) : earlier(y, x); });
    auto cursor_filter = [&](const std::optional<std::string>& cursor, bool keep_later_in_order) {
        const auto* pivot = cursor ? st.find_block(*cursor) : nullptr;
        if (!pivot) return;
        std::erase_if(found, [&](const block_record* b) {
            const bool later = q.ascending ? earlier(pivot, b) : earlier(b, pivot);
            return b->id == pivot->id || later != keep_later_in_order;
        });
    };
    cursor_filter(q.after, true);
    cursor_filter(q.before, false);
    apply_limit(found, q);
    json::array out;
    for (const auto* b : found) out.push_back(block_json(*b));
    return json_response(status::ok, out);
}

response create_block(letta_state& st, const call& c) {
    auto body = read_object_body(c.req);
    if (body.error) return std::move(*body.error);
    const auto& o = body.object;
    std::vector<field_error> errors;
    check_fields(o, block_create_fields, loc({"body"}), errors);
    if (errors.empty()) {
        if (auto e = limit_conflict(o)) errors.push_back(std::move(*e));
    }
    if (!errors.empty()) return validation_error(errors);
    block_record b;
    b.label = *get_string(o, "label");
    b.value = *get_string(o, "value");
    b.limit = get_int(o, "limit").value_or(default_block_limit);
    if (static_cast<std::int64_t>(code_points(b.value)) > b.limit) return over_limit(code_points(b.value), b.limit);
    b.id = st.new_id("block");
    if (const auto d = get_string(o, "description")) b.description = *d;
    if (const auto* m = o.if_contains("metadata"); m && m->is_object()) b.metadata = *m;
    b.read_only = get_bool(o, "read_only").value_or(false);
    if (const auto h = get_bool(o, "hidden")) b.hidden = *h;
    if (const auto p = get_string(o, "project_id")) b.project_id = *p;
    if (const auto n = get_string(o, "name")) b.template_name = *n;
    b.created = st.stamp();
    st.blocks.push_back(std::move(b));
    return json_response(status::ok, block_json(st.blocks.back()));
}

response retrieve_block(letta_state& st, const call& c) {
    const auto* b = st.find_block(c.arg(0));
    if (!b) return detail(status::not_found, "Block with id '" + c.arg(0) + "' not found");
    return json_response(status::ok, block_json(*b));
}

response modify_block(letta_state& st, const call& c) {
    json::object body;
    if (auto e = read_update(c, body)) return std::move(*e);
    auto* b = st.find_block(c.arg(0));
    if (!b) return detail(status::not_found, block_miss(c.arg(0)));
    if (auto e = apply_update(body, *b)) return std::move(*e);
    return json_response(status::ok, block_json(*b));
}

response remove_block(letta_state& st, const call& c) {
    if (!st.find_block(c.arg(0))) return detail(status::not_found, block_miss(c.arg(0)));
    for (auto& a : st.agents) std::erase(a.block_ids, c.arg(0));
    std::erase_if(st.blocks, [&](const block_record& b) { return b.id == c.arg(0); });
    return null_response();
}

response agent_core_memory(letta_state& st, const call& c) {
    const auto* a = st.find_agent(c.arg(0));
    if (!a) return detail(status::not_found, "Agent with ID " + c.arg(0) + " not found");
    json::array blocks;
    for (const auto& id : a->block_ids) {
        if (const auto* b = st.find_block(id)) blocks.push_back(block_json(*b));
    }
    return json_response(status::ok, json::object{{"agent_type", a->agent_type},
                                                  {"blocks", std::move(blocks)},
                                                  {"file_blocks", json::array()},
                                                  {"prompt_template", ""}});
}

response list_agent_blocks(letta_state& st, const call& c) {
    std::vector<field_error> errors;
    bool negative = false;
    const auto q = read_list_query(c, 100, false, errors, negative);
    if (!errors.empty()) return validation_error(errors);
    const auto* a = st.find_agent(c.arg(0));
    if (!a) return detail(status::not_found, "Agent with ID " + c.arg(0) + " not found");
    if (negative) return internal_error();
    std::vector<const block_record*> found;
    for (const auto& id : a->block_ids) {
        if (const auto* b = st.find_block(id)) found.push_back(b);
    }
    // Ordered by block id; after/before filter on the id whatever the order.
    std::sort(found.begin(), found.end(), [&](auto* x, auto* y) { return q.ascending ? x->id < y->id : x->id > y->id; });
    if (q.after) std::erase_if(found, [&](auto* b) { return !(b->id > *q.after); });
    if (q.before) std::erase_if(found, [&](auto* b) { return !(b->id < *q.before); });
    apply_limit(found, q);
    json::array out;
    for (const auto* b : found) out.push_back(block_json(*b));
    return json_response(status::ok, out);
}

response retrieve_agent_block(letta_state& st, const call& c) {
    const auto* a = st.find_agent(c.arg(0));
    if (!a) return detail(status::not_found, "Agent with ID " + c.arg(0) + " not found");
    const auto* b = block_by_label(st, *a, c.arg(1));
    if (!b) return detail(status::not_found, no_label(c.arg(1), c.arg(0)));
    return json_response(status::ok, block_json(*b));
}

response modify_agent_block(letta_state& st, const call& c) {
    json::object body;
    if (auto e = read_update(c, body)) return std::move(*e);
    auto* a = st.find_agent(c.arg(0));
    if (!a) return detail(status::not_found, "Agent with ID " + c.arg(0) + " not found");
    auto* b = block_by_label(st, *a, c.arg(1));
    // ≤0.16.1: the lookup loop leaves `block` bound to the agent's last block.
    if (!b && st.options.modify_missing_label_overwrites_last_block && !a->block_ids.empty()) {
        b = st.find_block(a->block_ids.back());
    }
    if (!b) return detail(status::not_found, no_label(c.arg(1), c.arg(0)));
    if (auto e = apply_update(body, *b)) return std::move(*e);
    a->updated = st.stamp();
    return json_response(status::ok, block_json(*b));
}

response attach_block(letta_state& st, const call& c) {
    auto* a = st.find_agent(c.arg(0));
    if (!a) return detail(status::not_found, "Agent not found with id='" + c.arg(0) + "'");
    const auto* b = st.find_block(c.arg(1));
    if (!b) return detail(status::not_found, block_miss(c.arg(1)));
    const bool attached = std::find(a->block_ids.begin(), a->block_ids.end(), b->id) != a->block_ids.end();
    if (!attached) {
        if (block_by_label(st, *a, b->label)) return unique_label_violation(a->id, b->label);
        a->block_ids.push_back(b->id);
        a->updated = st.stamp();
        for (auto* twin : twins_of(st, *a)) {
            const bool twin_has = std::find(twin->block_ids.begin(), twin->block_ids.end(), b->id) != twin->block_ids.end();
            if (!twin_has && !block_by_label(st, *twin, b->label)) twin->block_ids.push_back(b->id);
        }
    }
    return json_response(status::ok, agent_json(st, *a));
}

response detach_block(letta_state& st, const call& c) {
    auto* a = st.find_agent(c.arg(0));
    if (!a) return detail(status::not_found, "Agent not found with id='" + c.arg(0) + "'");
    if (std::erase(a->block_ids, c.arg(1)) == 0) {
        return detail(status::not_found, "No block with id '" + c.arg(1) + "' found for agent '" + c.arg(0) +
                                             "' with actor id: '" + std::string(user_id) + "'");
    }
    for (auto* twin : twins_of(st, *a)) std::erase(twin->block_ids, c.arg(1));
    a->updated = st.stamp();
    return json_response(status::ok, agent_json(st, *a));
}

}  // namespace hvs::sim::letta
