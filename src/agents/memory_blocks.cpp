#include "hvs/agents/memory_blocks.hpp"

#include "hvs/core/hash.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <compare>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>
#include <utility>

namespace hvs::agents {
namespace {

namespace json = boost::json;

constexpr int ageing_after_days = 7;
constexpr std::int64_t ageing_after_ms = std::int64_t{ageing_after_days} * 24 * 60 * 60 * 1000;

// List caps, as in the original: agents need the top of each list, the counts say how many more.
constexpr std::size_t hotspot_items = 10;
constexpr std::size_t backlog_items = 15;
constexpr std::size_t change_items = 10;
constexpr std::size_t transition_items = 15;
constexpr std::size_t active_items = 20;
// Huly workspaces have a handful of statuses; the cap only keeps a broken workspace from
// inflating board_config.
constexpr std::size_t observed_status_names = 50;

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// Huly's priority names, most urgent first; an unset or unknown priority sorts after them all.
constexpr int unset_priority_rank = 5;

int priority_rank(const std::optional<std::string>& priority) {
    if (!priority) return unset_priority_rank;
    const std::string p = lower(*priority);
    if (p == "urgent") return 0;
    if (p == "high") return 1;
    if (p == "medium") return 2;
    if (p == "low") return 3;
    if (p == "nopriority" || p == "no priority") return 4;
    return unset_priority_rank;
}

// Issue ids compare by prefix, then by number, so PROJ-2 comes before PROJ-10.
struct id_key {
    std::string prefix;
    std::int64_t number = -1;  // -1 = no numeric suffix
    std::string id;
    friend auto operator<=>(const id_key&, const id_key&) = default;
};

id_key key_of(const std::string& id) {
    const auto dash = id.rfind('-');
    if (dash == std::string::npos || dash + 1 == id.size() || id.size() - dash - 1 > 18) return {id, -1, id};
    std::int64_t number = 0;
    for (std::size_t i = dash + 1; i < id.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(id[i]);
        if (!std::isdigit(c)) return {id, -1, id};
        number = number * 10 + (c - '0');
    }
    return {id.substr(0, dash), number, id};
}

// One live issue as the blocks see it.
struct issue {
    std::string id;
    std::string title;
    std::string status;  // as Huly names it (Vibe's word when Huly's is unknown)
    std::optional<std::string> priority;
    std::string description;
    vibe::task_status category = vibe::task_status::todo;
    std::optional<std::int64_t> modified_ms;
    int rank = unset_priority_rank;
    id_key key;
};

bool is_deleted(const sync::link& l) { return l.deleted_in_huly || l.deleted_in_vibe; }

bool is_closed(vibe::task_status s) { return s == vibe::task_status::done || s == vibe::task_status::cancelled; }

// Huly is where issues live and wins conflicts by default, so its observed status leads; the Vibe
// side and the base only speak for links Huly has not been observed for.
std::pair<std::string, vibe::task_status> status_of(const sync::link& l) {
    if (l.huly_status) return {*l.huly_status, sync::vibe_status_of_huly(*l.huly_status)};
    for (const auto* s : {&l.vibe_status, &l.base_status}) {
        if (!*s) continue;
        if (auto parsed = vibe::parse_task_status(**s)) return {**s, *parsed};
    }
    return {std::string(vibe::to_string(vibe::task_status::todo)), vibe::task_status::todo};
}

issue issue_of(const sync::link& l) {
    issue i;
    i.id = l.issue_id;
    i.title = l.huly_title ? *l.huly_title : l.base_title ? *l.base_title : l.vibe_title.value_or(l.issue_id);
    std::tie(i.status, i.category) = status_of(l);
    i.priority = l.huly_priority;  // only Huly has priorities; never guessed
    i.description = l.huly_description ? *l.huly_description : l.base_description.value_or("");
    i.modified_ms = l.huly_modified_ms;
    i.rank = priority_rank(l.huly_priority);
    i.key = key_of(l.issue_id);
    return i;
}

// Priority, then issue id; the remaining fields only break ties between duplicate ids so that
// the input order never shows in the output.
bool before(const issue& a, const issue& b) {
    auto fields = [](const issue& i) {
        return std::tie(i.rank, i.key, i.title, i.status, i.priority, i.description, i.modified_ms);
    };
    return fields(a) < fields(b);
}

std::vector<issue> live_issues(const std::vector<sync::link>& links) {
    std::vector<issue> out;
    for (const auto& l : links) {
        if (!is_deleted(l)) out.push_back(issue_of(l));
    }
    std::sort(out.begin(), out.end(), before);
    return out;
}

json::value string_or_null(const std::string& text) {
    if (text.empty()) return nullptr;
    return json::string(text);
}

json::object item_of(const issue& i) {
    json::object o;
    o["id"] = i.id;
    o["title"] = i.title;
    o["status"] = i.status;
    o["priority"] = i.priority ? json::value(json::string(*i.priority)) : json::value(nullptr);
    return o;
}

// Appends `item` unless the list is full; the caller keeps the full count separately.
void push_capped(json::array& list, json::value item, std::size_t cap) {
    if (list.size() < cap) list.push_back(std::move(item));
}

// --- truncation -----------------------------------------------------------------------------

json::string* longest_string(json::value& v) {
    json::string* best = nullptr;
    auto consider = [&](json::string* s) {
        if (s && (!best || s->size() > best->size())) best = s;
    };
    if (auto* s = v.if_string()) return s;
    if (auto* a = v.if_array()) {
        for (auto& e : *a) consider(longest_string(e));
    } else if (auto* o = v.if_object()) {
        for (auto& kv : *o) consider(longest_string(kv.value()));
    }
    return best;
}

// Shortens the longest string by `excess` bytes, on a UTF-8 character boundary.
bool shorten_longest_string(json::value& v, std::size_t excess) {
    json::string* s = longest_string(v);
    if (!s || s->empty()) return false;
    std::size_t size = s->size() > excess ? s->size() - excess : 0;
    while (size > 0 && (static_cast<unsigned char>((*s)[size]) & 0xC0) == 0x80) --size;
    s->resize(size);
    return true;
}

// Serialises `block` within max_block_chars. Over the limit it is marked "truncated": true and list
// items are dropped from the end of the longest of `lists` (ties: the later, less important one)
// until it fits; counts stay exact. Only when every list is empty are long strings shortened
// (a project description, say). Either way the result is whole, valid JSON.
std::string fit(json::object block, std::initializer_list<std::string_view> lists) {
    std::string text = json::serialize(block);
    if (text.size() <= max_block_chars) return text;
    block["truncated"] = true;
    text = json::serialize(block);
    while (text.size() > max_block_chars) {
        json::array* longest = nullptr;
        for (auto key : lists) {
            auto* list = block.if_contains(key) ? block.at(key).if_array() : nullptr;
            if (list && !list->empty() && (!longest || list->size() >= longest->size())) longest = list;
        }
        if (!longest) break;
        longest->pop_back();
        text = json::serialize(block);
    }
    json::value whole(std::move(block));
    while (text.size() > max_block_chars && shorten_longest_string(whole, text.size() - max_block_chars)) {
        text = json::serialize(whole);
    }
    return text;
}

memory_block make_block(std::string label, std::string value) {
    std::string hash = core::content_hash(value);
    return {std::move(label), std::move(value), std::move(hash)};
}

// --- the blocks -------------------------------------------------------------------------------

std::string project_value(const project_facts& p) {
    json::object o;
    o["name"] = p.name;
    o["identifier"] = p.identifier;
    o["description"] = p.description;
    o["huly"] = json::object{{"identifier", p.identifier}};
    o["vibe"] = json::object{{"id", string_or_null(p.vibe_id)}, {"api_url", string_or_null(p.vibe_api_url)}};
    o["repository"] = json::object{{"filesystem_path", string_or_null(p.repo_path)}};
    return fit(std::move(o), {});
}

// The Huly names agents are likely to meet: the configured ones, Backlog, and those in use.
std::set<std::string> known_huly_names(const std::vector<issue>& issues, const sync::huly_status_names& names) {
    std::set<std::string> known = {names.todo, "Backlog", names.inprogress, names.inreview, names.done, names.cancelled};
    std::set<std::string> observed;
    for (const auto& i : issues) {
        if (observed.size() < observed_status_names) observed.insert(i.status);
    }
    known.insert(observed.begin(), observed.end());
    return known;
}

std::string board_config_value(const std::vector<issue>& issues, const sync::huly_status_names& names) {
    json::object huly_to_vibe;
    for (const auto& name : known_huly_names(issues, names)) {
        huly_to_vibe[name] = vibe::to_string(sync::vibe_status_of_huly(name));
    }
    json::object vibe_to_huly{{"todo", names.todo},
                              {"inprogress", names.inprogress},
                              {"inreview", names.inreview},
                              {"done", names.done},
                              {"cancelled", names.cancelled}};

    json::object mapping;
    mapping["huly_to_vibe"] = std::move(huly_to_vibe);
    mapping["huly_to_vibe_rule"] =
        "by meaning, case-insensitive: backlog/todo/to do -> todo, progress -> inprogress, review -> inreview, "
        "done/complete -> done, cancel -> cancelled, anything else -> todo";
    mapping["vibe_to_huly"] = std::move(vibe_to_huly);
    mapping["vibe_to_huly_rule"] =
        "Huly is written only when its status category differs; todo falls back to Backlog when the workspace "
        "has no " + names.todo + " status; a status Huly refuses is not retried every cycle";

    json::object workflow;
    workflow["sync_direction"] = "bidirectional";
    workflow["merge"] = "three-way per field (title, description, status) against the last synchronised value";
    workflow["conflict_resolution"] = "huly-wins by default (CONFLICT_POLICY=huly|vibe); conflicts are logged";
    workflow["status_comparison"] = "in Vibe's vocabulary: todo, inprogress, inreview, done, cancelled";
    workflow["priority"] = "set in Huly only; not synchronised to Vibe";
    workflow["deletions"] = "an issue deleted in Huly or a task deleted in Vibe is never re-created";

    json::object wip;
    wip["wip_statuses"] = json::array{"inprogress", "inreview"};
    wip["ageing_wip_after_days"] = ageing_after_days;
    wip["ageing_wip_rule"] = "in progress and not modified in Huly for the last 7 days";

    json::object done;
    done["done"] = "the Huly issue is in " + names.done + "; the Vibe task follows as done";
    done["cancelled"] = "the Huly issue is in " + names.cancelled + "; no further work is expected";

    json::object o;
    o["status_mapping"] = std::move(mapping);
    o["workflow"] = std::move(workflow);
    o["wip_policies"] = std::move(wip);
    o["definitions_of_done"] = std::move(done);
    return fit(std::move(o), {});
}

std::string board_metrics_value(const std::vector<issue>& issues, std::size_t deleted) {
    std::array<std::size_t, vibe::all_task_statuses.size()> counts{};
    json::array active;
    for (const auto& i : issues) {
        ++counts[static_cast<std::size_t>(i.category)];
        if (i.category == vibe::task_status::inprogress || i.category == vibe::task_status::inreview) {
            push_capped(active, item_of(i), active_items);
        }
    }
    auto count = [&](vibe::task_status s) { return counts[static_cast<std::size_t>(s)]; };

    json::object by_status;
    for (auto s : vibe::all_task_statuses) by_status[vibe::to_string(s)] = count(s);

    // Cancelled work is neither done nor pending, so it is left out of the rate; a whole percent
    // keeps the value stable and readable.
    const std::size_t considered = issues.size() - count(vibe::task_status::cancelled);
    const std::size_t percent = considered == 0 ? 0 : (count(vibe::task_status::done) * 200 + considered) / (2 * considered);

    json::object o;
    o["total_issues"] = issues.size();
    o["by_status"] = std::move(by_status);
    o["wip_count"] = count(vibe::task_status::inprogress) + count(vibe::task_status::inreview);
    o["completion_rate_percent"] = percent;
    o["deleted"] = deleted;
    o["active_issues"] = std::move(active);
    return fit(std::move(o), {"active_issues"});
}

bool is_word_start(std::string_view text, std::size_t at) {
    return at == 0 || !std::isalnum(static_cast<unsigned char>(text[at - 1]));
}

// The original's keywords, matched at the start of a word so "unblocked" is not a blocker.
bool mentions_blocker(const issue& i) {
    const std::string text = lower(i.title + "\n" + i.description);
    for (std::string_view word : {"blocked", "blocker", "waiting on", "waiting for", "stuck"}) {
        for (auto at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
            if (is_word_start(text, at)) return true;
        }
    }
    return false;
}

std::string hotspots_value(const std::vector<issue>& issues, std::int64_t now_ms) {
    json::array blocked, ageing, urgent_todo;
    std::size_t blocked_count = 0, ageing_count = 0, urgent_todo_count = 0;
    for (const auto& i : issues) {
        if (!is_closed(i.category) && mentions_blocker(i)) {
            ++blocked_count;
            push_capped(blocked, item_of(i), hotspot_items);
        }
        if (i.category == vibe::task_status::inprogress && i.modified_ms && *i.modified_ms < now_ms - ageing_after_ms) {
            ++ageing_count;
            push_capped(ageing, item_of(i), hotspot_items);  // no age: it would change every cycle
        }
        if (i.category == vibe::task_status::todo && i.rank <= 1) {
            ++urgent_todo_count;
            push_capped(urgent_todo, item_of(i), hotspot_items);
        }
    }
    json::object o;
    o["summary"] = json::object{{"blocked_count", blocked_count},
                                {"ageing_wip_count", ageing_count},
                                {"high_priority_todo_count", urgent_todo_count}};
    o["blocked_items"] = std::move(blocked);
    o["ageing_wip"] = std::move(ageing);
    o["high_priority_todo"] = std::move(urgent_todo);
    return fit(std::move(o), {"blocked_items", "ageing_wip", "high_priority_todo"});
}

std::string backlog_summary_value(const std::vector<issue>& issues) {
    static constexpr std::array<std::string_view, 6> rank_names = {"urgent", "high",     "medium",
                                                                   "low",    "no_priority", "unset"};
    std::array<std::size_t, rank_names.size()> by_rank{};
    json::array top;
    std::size_t total = 0;
    for (const auto& i : issues) {
        if (i.category != vibe::task_status::todo) continue;
        ++total;
        ++by_rank[static_cast<std::size_t>(i.rank)];
        push_capped(top, item_of(i), backlog_items);
    }
    json::object breakdown;
    for (std::size_t r = 0; r < rank_names.size(); ++r) breakdown[rank_names[r]] = by_rank[r];

    json::object o;
    o["total_backlog"] = total;
    o["priority_breakdown"] = std::move(breakdown);
    o["top_items"] = std::move(top);
    return fit(std::move(o), {"top_items"});
}

std::string change_log_value(const std::vector<issue>& issues, const std::vector<sync::link>& previous_links) {
    const bool first_sync = previous_links.empty();
    std::map<std::string, issue> before_now;
    for (auto& i : live_issues(previous_links)) before_now.emplace(i.id, std::move(i));

    json::array added, updated, closed, transitions;
    std::size_t added_count = 0, updated_count = 0, closed_count = 0, transition_count = 0;
    // On the first sync every issue would be "new", which tells the agent nothing.
    const std::vector<issue> nothing;
    for (const auto& i : first_sync ? nothing : issues) {
        auto prev = before_now.find(i.id);
        if (prev == before_now.end()) {
            ++added_count;
            push_capped(added, item_of(i), change_items);
            continue;
        }
        const issue& was = prev->second;
        json::array changed;
        if (was.title != i.title) changed.push_back("title");
        if (was.status != i.status) changed.push_back("status");
        if (!changed.empty()) {
            ++updated_count;
            json::object item = item_of(i);
            item["changed"] = std::move(changed);
            push_capped(updated, std::move(item), change_items);
        }
        if (was.status != i.status) {
            ++transition_count;
            push_capped(transitions,
                        json::object{{"id", i.id}, {"title", i.title}, {"from", was.status}, {"to", i.status}},
                        transition_items);
        }
        if (!is_closed(was.category) && is_closed(i.category)) {
            ++closed_count;
            push_capped(closed, item_of(i), change_items);
        }
    }
    json::object o;
    o["summary"] = json::object{{"first_sync", first_sync},
                                {"new_count", added_count},
                                {"updated_count", updated_count},
                                {"closed_count", closed_count},
                                {"transition_count", transition_count}};
    o["new_issues"] = std::move(added);
    o["updated_issues"] = std::move(updated);
    o["closed_issues"] = std::move(closed);
    o["status_transitions"] = std::move(transitions);
    return fit(std::move(o), {"new_issues", "updated_issues", "closed_issues", "status_transitions"});
}

}  // namespace

std::vector<memory_block> build_memory_blocks(const project_facts& project, const std::vector<sync::link>& links,
                                              const std::vector<sync::link>& previous_links,
                                              const sync::huly_status_names& status_names, std::int64_t now_ms) {
    const std::vector<issue> issues = live_issues(links);
    const auto deleted = static_cast<std::size_t>(std::count_if(links.begin(), links.end(), is_deleted));

    std::vector<memory_block> blocks;
    const auto& label = managed_block_labels;
    blocks.push_back(make_block(std::string(label[0]), project_value(project)));
    blocks.push_back(make_block(std::string(label[1]), board_config_value(issues, status_names)));
    blocks.push_back(make_block(std::string(label[2]), board_metrics_value(issues, deleted)));
    blocks.push_back(make_block(std::string(label[3]), hotspots_value(issues, now_ms)));
    blocks.push_back(make_block(std::string(label[4]), backlog_summary_value(issues)));
    blocks.push_back(make_block(std::string(label[5]), change_log_value(issues, previous_links)));
    return blocks;
}

std::string scratchpad_initial_value() {
    json::object o;
    o["notes"] = json::array{};
    o["observations"] = json::array{};
    o["action_items"] = json::array{};
    o["context"] = json::object{};
    o["usage_guide"] =
        "Your own working memory; the sync never rewrites it. notes: facts worth keeping between "
        "conversations. observations: patterns you notice on the board (recurring blockers, slow reviews). "
        "action_items: follow-ups you owe, each with the issue id it concerns. context: anything else, as "
        "key/value pairs. Keep it short: remove items once they are done or no longer true.";
    return json::serialize(o);
}

memory_block persona_block(std::string persona) { return make_block(std::string(persona_label), std::move(persona)); }

std::vector<std::string> pm_agent_block_labels() {
    std::vector<std::string> labels(managed_block_labels.begin(), managed_block_labels.end());
    labels.emplace_back(persona_label);
    labels.emplace_back(scratchpad_label);
    return labels;
}

std::string default_project_persona(const project_facts& project) {
    std::string persona;
    persona += "You are the project manager and senior developer for the Huly project \"" + project.name + "\" (" +
               project.identifier + ").\n\n";
    persona +=
        "Huly is where the issues live; Vibe Kanban mirrors them as tasks. A sync service keeps both in step "
        "with a three-way merge per field (title, description, status); when both sides changed, Huly wins by "
        "default. Priorities are set in Huly only.\n\n";
    persona +=
        "Your memory blocks project, board_config, board_metrics, hotspots, backlog_summary and change_log are "
        "rewritten by the sync from its stored state whenever the board changes: read them, do not edit them. "
        "The scratchpad block is yours: keep notes, observations and action items there.\n\n";
    if (!project.repo_path.empty()) {
        persona += "The project's repository is at " + project.repo_path + ".\n\n";
    }
    persona +=
        "Your job: keep the board truthful and moving. Point out blocked and ageing work, keep the backlog "
        "ordered by priority, make sure finished work is marked done, and give short, concrete answers that "
        "name issues by their id (" + project.identifier + "-N). Say so when you do not know something "
        "rather than guessing.";
    return persona;
}

}  // namespace hvs::agents
