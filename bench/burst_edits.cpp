#include "burst_edits.hpp"

#include "hvs/sync/text.hpp"

#include <boost/json.hpp>

namespace hvs::bench {

namespace json = boost::json;

namespace {

const status_value todo{"Todo", "todo"}, in_progress{"In Progress", "inprogress"}, done{"Done", "done"};

std::string issue_id_of(const std::string& prefix, unsigned project, unsigned n) {
    return prefix + std::to_string(project) + "-" + std::to_string(n);
}

}  // namespace

change change_of(unsigned offset, unsigned n) {
    const std::string title = "Issue " + std::to_string(n);
    change c;
    switch (offset) {
    case 0: c.huly.title = title + " (huly edit)"; break;
    case 1: c.huly.description = "d (huly edit)"; break;
    case 2: c.huly.status = in_progress; break;
    case 3: c.huly.title = title + " (huly edit)"; c.huly.status = done; break;
    case 4:  // both sides: the titles conflict, Vibe's status change is Vibe's alone
        c.huly.title = title + " (huly)";
        c.vibe.title = title + " (vibe)";
        c.vibe.status = in_progress;
        break;
    case 5: c.vibe.title = title + " (vibe edit)"; break;
    case 6: c.vibe.description = "d (vibe edit)"; break;
    case 7: c.vibe.status = done; break;
    case 8: c.vibe.title = title + " (vibe edit)"; c.vibe.status = in_progress; break;
    default: break;
    }
    return c;
}

expectation expect(const change& c, unsigned n) {
    expectation e;
    e.title = "Issue " + std::to_string(n);
    e.description = "d";
    e.status = todo;
    bool to_vibe = false;
    auto field = [&]<class T>(const char* name, T& final_value, const std::optional<T>& huly, const std::optional<T>& vibe) {
        if (huly) {
            final_value = *huly;
            to_vibe = true;
            e.conflicts += vibe ? 1 : 0;
        } else if (vibe) {
            final_value = *vibe;
            ++e.huly_puts;
            ++e.huly_puts_by_field[name];
        }
    };
    field("title", e.title, c.huly.title, c.vibe.title);
    field("description", e.description, c.huly.description, c.vibe.description);
    field("status", e.status, c.huly.status, c.vibe.status);
    e.vibe_puts = to_vibe ? 1 : 0;
    return e;
}

void apply_change(workspace& w, const std::string& issue_id, const std::string& task_id, const change& c) {
    if (c.huly.title) w.huly.edit_issue(issue_id, "title", json::value(*c.huly.title));
    if (c.huly.description) w.huly.edit_issue(issue_id, "description", json::value(*c.huly.description));
    if (c.huly.status) w.huly.edit_issue(issue_id, "status", json::value(c.huly.status->huly));
    std::optional<std::string> description;
    if (c.vibe.description) description = sync::with_marker(*c.vibe.description, issue_id);
    if (c.vibe.title || description) w.vibe.edit_task(task_id, c.vibe.title, description);
    if (c.vibe.status) w.vibe.move_task(task_id, c.vibe.status->vibe);
}

std::map<std::string, std::string> task_ids_by_issue(const sim::vibe_simulator& vibe) {
    std::map<std::string, std::string> task_of;
    for (const auto& p : projects_of(vibe)) {
        for (const auto& t : p.at("tasks").as_array()) {
            const auto& d = t.at("description");
            if (auto id = d.is_string() ? sync::marker_issue_id(d.as_string()) : std::nullopt) {
                task_of[*id] = std::string(t.at("id").as_string());
            }
        }
    }
    return task_of;
}

burst apply_burst(workspace& w, const std::string& prefix, unsigned projects, unsigned issues) {
    const auto task_of = task_ids_by_issue(w.vibe);
    burst b;
    std::uint64_t index = 0;
    for (unsigned p = 0; p < projects; ++p) {
        for (unsigned n = 1; n <= issues; ++n, ++index) {
            const std::string id = issue_id_of(prefix, p, n);
            const change c = change_of(static_cast<unsigned>(index % 50), n);
            apply_change(w, id, task_of.at(id), c);
            auto e = expect(c, n);
            b.total.vibe_puts += e.vibe_puts;
            b.total.huly_puts += e.huly_puts;
            b.huly_patches_needed += e.huly_puts > 0 ? 1 : 0;
            for (const auto& [name, count] : e.huly_puts_by_field) b.total.huly_puts_by_field[name] += count;
            b.total.conflicts += e.conflicts;
            b.expected.emplace(id, std::move(e));
        }
    }
    return b;
}

std::map<std::string, expectation> unchanged(const std::string& prefix, unsigned projects, unsigned issues) {
    std::map<std::string, expectation> expected;
    for (unsigned p = 0; p < projects; ++p) {
        for (unsigned n = 1; n <= issues; ++n) expected.emplace(issue_id_of(prefix, p, n), expect(change{}, n));
    }
    return expected;
}

void check_converged(const workspace& w, const std::map<std::string, expectation>& expected, figures& f) {
    std::map<std::string, json::object> issues, tasks;
    std::size_t marked_tasks = 0;
    for (const auto& p : projects_of(w.huly)) {
        for (const auto& i : p.at("issues").as_array()) issues[std::string(i.at("identifier").as_string())] = i.as_object();
    }
    for (const auto& p : projects_of(w.vibe)) {
        for (const auto& t : p.at("tasks").as_array()) {
            const auto& d = t.at("description");
            if (auto id = d.is_string() ? sync::marker_issue_id(d.as_string()) : std::nullopt) {
                tasks[*id] = t.as_object();
                ++marked_tasks;
            }
        }
    }
    auto text = [](const json::object& o, const char* key) {
        const auto& v = o.at(key);
        return v.is_string() ? std::string(v.as_string()) : json::serialize(v);
    };
    for (const auto& [id, e] : expected) {
        auto i = issues.find(id);
        auto t = tasks.find(id);
        if (i == issues.end() || t == tasks.end()) {
            f.wrong.push_back(id + ": issue or task missing");
            continue;
        }
        const std::string got_huly = text(i->second, "title") + " | " + sync::normalize_description(text(i->second, "description")) +
                                     " | " + text(i->second, "status");
        const std::string got_vibe = text(t->second, "title") + " | " + sync::strip_marker(text(t->second, "description")) +
                                     " | " + text(t->second, "status");
        const std::string want_huly = e.title + " | " + e.description + " | " + e.status.huly;
        const std::string want_vibe = e.title + " | " + e.description + " | " + e.status.vibe;
        if (got_huly != want_huly) f.wrong.push_back(id + " in Huly: " + got_huly + ", expected " + want_huly);
        if (got_vibe != want_vibe) f.wrong.push_back(id + " in Vibe: " + got_vibe + ", expected " + want_vibe);
    }
    if (marked_tasks != expected.size()) {
        f.wrong.push_back(std::to_string(marked_tasks) + " marked tasks (" + std::to_string(tasks.size()) +
                          " issues), expected one for each of " + std::to_string(expected.size()) + " issues");
    }
}

}  // namespace hvs::bench
