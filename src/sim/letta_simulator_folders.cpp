// Letta simulator: folders and the deprecated sources (one store, one name namespace), their files
// and uploads, and an agent's folders (attach adds the file tools, detaching the last removes them).

#include "letta_state.hpp"

#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <variant>

namespace hvs::sim::letta {
namespace {

constexpr field_spec folder_create_fields[] = {
    {"name", kind::string, true}, {"description", kind::string},          {"instructions", kind::string},
    {"metadata", kind::object},   {"embedding", kind::string},            {"embedding_chunk_size", kind::integer},
    {"embedding_config", kind::object},
};

constexpr field_spec folder_update_fields[] = {
    {"name", kind::string},     {"description", kind::string},      {"instructions", kind::string},
    {"metadata", kind::object}, {"embedding_config", kind::object},
};

constexpr std::string_view duplicate_modes[] = {"skip", "error", "suffix", "replace"};

bool sources_route(const call& c) { return c.tgt.segments.size() > 1 && c.tgt.segments[1] == "sources"; }

std::string folder_miss(const call& c, std::string_view id) {
    return (sources_route(c) ? "Source with id=" : "Folder with id=") + std::string(id) + " not found.";
}

// Folders and sources share UNIQUE(name, organization_id): a taken name is 409 in both (letta/orm/source.py:25).
response duplicate_name(std::string_view name) {
    return detail(status::conflict,
                  "A unique constraint was violated for Source. Check your input for duplicates: "
                  "(sqlalchemy.dialects.postgresql.asyncpg.IntegrityError) <class "
                  "'asyncpg.exceptions.UniqueViolationError'>: duplicate key value violates unique constraint "
                  "\"uq_source_name_organization\"\nDETAIL:  Key (name, organization_id)=(" +
                      std::string(name) + ", " + std::string(org_id) + ") already exists.");
}

bool earlier(const folder_record* x, const folder_record* y) {
    return x->created != y->created ? x->created < y->created : x->id < y->id;
}

bool earlier_file(const file_record* x, const file_record* y) {
    return x->created != y->created ? x->created < y->created : x->id < y->id;
}

// os.path.splitext on a base name: leading dots do not start an extension.
std::pair<std::string, std::string> split_ext(const std::string& name) {
    const auto first = name.find_first_not_of('.');
    const auto dot = name.rfind('.');
    if (dot == std::string::npos || first == std::string::npos || dot <= first) return {name, ""};
    return {name.substr(0, dot), name.substr(dot)};
}

// The folders/sources list answer for an ordered list with cursors that must exist.
response folder_list(const letta_state& st, std::vector<const folder_record*> found, const list_query& q) {
    std::sort(found.begin(), found.end(), [&](auto* x, auto* y) { return q.ascending ? earlier(x, y) : earlier(y, x); });
    for (const auto& [cursor, keep_later] : {std::pair{q.after, true}, std::pair{q.before, false}}) {
        if (!cursor) continue;
        const auto it = std::find_if(st.folders.begin(), st.folders.end(), [&](auto& f) { return f.id == *cursor; });
        if (it == st.folders.end()) return detail(status::not_found, "No Source found with id " + *cursor);
        const folder_record* pivot = &*it;
        std::erase_if(found, [&](const folder_record* f) {
            const bool later = q.ascending ? earlier(pivot, f) : earlier(f, pivot);
            return f == pivot || later != keep_later;
        });
    }
    apply_limit(found, q);
    json::array out;
    for (const auto* f : found) out.push_back(folder_json(*f));
    return json_response(status::ok, out);
}

response file_list(letta_state& st, const call& c, bool sources) {
    std::vector<field_error> errors;
    bool negative = false;
    auto q = read_list_query(c, 1000, sources, errors, negative);
    const bool include_content = query_bool(c, "include_content", errors).value_or(false);
    if (!errors.empty()) return validation_error(errors);
    if (negative) return internal_error();
    if (sources) q.ascending = true, q.before.reset();
    std::vector<const file_record*> found;
    for (const auto& f : st.files) {
        if (f.source_id == c.arg(0)) found.push_back(&f);
    }
    std::sort(found.begin(), found.end(), [&](auto* x, auto* y) { return q.ascending ? earlier_file(x, y) : earlier_file(y, x); });
    for (const auto& [cursor, keep_later] : {std::pair{q.after, true}, std::pair{q.before, false}}) {
        if (!cursor) continue;
        const file_record* pivot = st.find_file(*cursor);
        if (!pivot) return detail(status::not_found, "No FileMetadata found with id " + *cursor);
        std::erase_if(found, [&](const file_record* f) {
            const bool later = q.ascending ? earlier_file(pivot, f) : earlier_file(f, pivot);
            return f == pivot || later != keep_later;
        });
    }
    apply_limit(found, q);
    json::array out;
    for (const auto* f : found) out.push_back(file_json(*f, st, true, include_content));
    return json_response(status::ok, out);
}

// Reads duplicate_handling and name; appends 422 errors.
std::string read_duplicate_mode(const call& c, std::vector<field_error>& errors) {
    const auto mode = c.last("duplicate_handling").value_or("suffix");
    if (std::find(std::begin(duplicate_modes), std::end(duplicate_modes), mode) == std::end(duplicate_modes)) {
        errors.push_back({"enum", loc({"query", "duplicate_handling"}),
                          "Input should be 'skip', 'error', 'suffix' or 'replace'", py_repr(mode),
                          "{'expected': \"'skip', 'error', 'suffix' or 'replace'\"}"});
    }
    return mode;
}

// The uploaded part named `file` (Starlette keeps the last one), or the answer FastAPI gives.
std::variant<form_part, response> upload_part(const call& c) {
    const auto form = parse_form(c.req);
    if (!form) return detail(status::bad_request, "There was an error parsing the body");
    const form_part* part = nullptr;
    for (const auto& p : *form) {
        if (p.name == "file") part = &p;
    }
    if (!part) return validation_error({{"missing", loc({"body", "file"}), "Field required", "None", {}}});
    if (!part->filename) {
        return validation_error({{"value_error", loc({"body", "file"}),
                                  "Value error, Expected UploadFile, received: <class 'str'>", py_repr(part->data), {}}});
    }
    return *part;
}

std::vector<const file_record*> files_named(const letta_state& st, const folder_record& folder, std::string_view name) {
    std::vector<const file_record*> out;
    for (const auto& f : st.files) {
        if (f.source_id == folder.id && f.original_file_name == name) out.push_back(&f);
    }
    return out;
}

response agent_missing() { return detail(status::not_found, "Agent not found"); }

}  // namespace

// limit 50, ascending, `name` a case-insensitive substring match, not exact (source_manager.py:239-261).
response list_folders(letta_state& st, const call& c) {
    std::vector<field_error> errors;
    bool negative = false;
    const auto q = read_list_query(c, 50, true, errors, negative);
    if (!errors.empty()) return validation_error(errors);
    if (negative) return internal_error();
    const auto name = c.last("name");
    std::vector<const folder_record*> found;
    for (const auto& f : st.folders) {
        if (!name || like_contains(f.name, *name)) found.push_back(&f);
    }
    return folder_list(st, std::move(found), q);
}

// The deprecated sources list takes no parameters: a hard cap of 50, ascending (sources.py:111-120).
response list_sources(letta_state& st, const call&) {
    std::vector<const folder_record*> found;
    for (const auto& f : st.folders) found.push_back(&f);
    list_query q;
    q.limit = 50;
    q.ascending = true;
    return folder_list(st, std::move(found), q);
}

response create_folder(letta_state& st, const call& c) {
    auto body = read_object_body(c.req);
    if (body.error) return std::move(*body.error);
    const auto& o = body.object;
    std::vector<field_error> errors;
    check_fields(o, folder_create_fields, loc({"body"}), errors, true);
    if (!errors.empty()) return validation_error(errors);
    json::object config;
    const auto chunk = get_int(o, "embedding_chunk_size");
    if (const auto handle = get_string(o, "embedding")) {
        config = embedding_config_for(*handle, chunk);
    } else if (const auto* cfg = o.if_contains("embedding_config"); cfg && cfg->is_object()) {
        config = cfg->get_object();
    } else if (!st.options.default_embedding.empty()) {
        config = embedding_config_for(st.options.default_embedding, chunk);
    } else {
        return detail(status::bad_request, "INVALID_ARGUMENT: Must specify either embedding or embedding_config in request");
    }
    const auto name = *get_string(o, "name");
    if (st.find_folder_by_name(name)) return duplicate_name(name);
    auto& f = add_folder(st, name, std::move(config));
    if (const auto d = get_string(o, "description")) f.description = *d;
    if (const auto i = get_string(o, "instructions")) f.instructions = *i;
    if (const auto* m = o.if_contains("metadata"); m && m->is_object()) f.metadata = *m;
    return json_response(status::ok, folder_json(f));
}

response count_folders(letta_state& st, const call&) {
    return json_response(status::ok, static_cast<std::int64_t>(st.folders.size()));
}

// Exact name; 200 with the id as a bare JSON string, 404 "Source with name=X not found." (source_manager.py:364-376).
response folder_id_by_name(letta_state& st, const call& c) {
    const auto* f = st.find_folder_by_name(c.arg(0));
    if (!f) return detail(status::not_found, "Source with name=" + c.arg(0) + " not found.");
    return json_response(status::ok, json::string(f->id));
}

response retrieve_folder(letta_state& st, const call& c) {
    const auto* f = st.find_folder(c.arg(0));
    if (!f) return detail(status::not_found, folder_miss(c, c.arg(0)));
    return json_response(status::ok, folder_json(*f));
}

response modify_folder(letta_state& st, const call& c) {
    auto body = read_object_body(c.req);
    if (body.error) return std::move(*body.error);
    const auto& o = body.object;
    std::vector<field_error> errors;
    check_fields(o, folder_update_fields, loc({"body"}), errors, true);
    if (!errors.empty()) return validation_error(errors);
    auto* f = st.find_folder(c.arg(0));
    if (!f) return detail(status::not_found, folder_miss(c, c.arg(0)));
    if (const auto name = get_string(o, "name"); name && *name != f->name) {
        if (st.find_folder_by_name(*name)) return duplicate_name(*name);
        f->name = *name;
    }
    if (o.contains("description")) f->description = o.at("description");
    if (o.contains("instructions")) f->instructions = o.at("instructions");
    if (o.contains("metadata")) f->metadata = o.at("metadata");
    if (const auto* cfg = o.if_contains("embedding_config"); cfg && cfg->is_object()) f->embedding_config = cfg->get_object();
    f->updated = st.stamp();
    return json_response(status::ok, folder_json(*f));
}

response remove_folder(letta_state& st, const call& c) {
    if (!st.find_folder(c.arg(0))) return detail(status::not_found, folder_miss(c, c.arg(0)));
    st.forget_folder(c.arg(0));
    std::erase_if(st.folders, [&](const folder_record& f) { return f.id == c.arg(0); });
    return null_response();
}

response list_folder_files(letta_state& st, const call& c) { return file_list(st, c, false); }

response list_source_files(letta_state& st, const call& c) { return file_list(st, c, true); }

response list_folder_agents(letta_state& st, const call& c) {
    std::vector<field_error> errors;
    bool negative = false;
    const auto q = read_list_query(c, 50, false, errors, negative);
    if (!errors.empty()) return validation_error(errors);
    if (negative) return internal_error();
    std::vector<const agent_record*> found;
    for (const auto& a : st.agents) {
        if (std::find(a.source_ids.begin(), a.source_ids.end(), c.arg(0)) != a.source_ids.end()) found.push_back(&a);
    }
    if (!q.ascending) std::reverse(found.begin(), found.end());
    apply_limit(found, q);
    json::array out;
    for (const auto* a : found) out.emplace_back(a->id);
    return json_response(status::ok, out);
}

response upload_file(letta_state& st, const call& c) {
    std::vector<field_error> errors;
    const auto mode = read_duplicate_mode(c, errors);
    if (!errors.empty()) return validation_error(errors);
    auto got = upload_part(c);
    if (auto* r = std::get_if<response>(&got)) return std::move(*r);
    auto& part = std::get<form_part>(got);
    const auto media_type = supported_media_type(part.content_type, *part.filename);
    if (media_type.empty()) {
        const auto ct = ascii_lower(part.content_type.substr(0, part.content_type.find(';')));
        return detail(status::unsupported_media_type,
                      "Unsupported file type: " + (ct.empty() ? std::string("unknown") : ct) + " (filename: " +
                          *part.filename + "). Supported types: PDF, text files (.txt, .md), JSON, and code files "
                                           "(.py, .js, .java, etc.).");
    }
    const auto* folder = st.find_folder(c.arg(0));
    if (!folder) return detail(status::not_found, folder_miss(c, c.arg(0)));
    std::string original = c.last("name").value_or("");
    if (original.empty()) {
        original = part.filename->substr(part.filename->rfind('/') == std::string::npos ? 0 : part.filename->rfind('/') + 1);
        if (original.empty() || original.front() == '.') {
            return detail(status::bad_request, "Invalid filename - derived file name " + original + " cannot start with '.'");
        }
    }
    std::string stored = folder->name + "/" + original;
    if (const auto existing = files_named(st, *folder, original); !existing.empty()) {
        if (mode == "error") {
            return detail(status::bad_request,
                          "INVALID_ARGUMENT: File '" + original + "' already exists in folder '" + folder->name + "'");
        }
        if (mode == "skip") {
            auto res = json_response(status::ok, file_json(*existing.back(), st, false, false));
            res.set("X-Upload-Result", "skipped");
            return res;
        }
        if (mode == "replace") {
            std::erase_if(st.files, [&](const file_record& f) { return f.source_id == folder->id && f.original_file_name == original; });
            stored = original;
        } else {
            const auto [base, ext] = split_ext(original);
            stored = folder->name + "/" + base + "_(" + std::to_string(existing.size()) + ")" + ext;
        }
    }
    auto& file = add_file(st, *folder, stored, original, media_type, std::move(part.data));
    auto res = json_response(status::ok, file_json(file, st, false, false));
    file.processed = true;
    return res;
}

response remove_file(letta_state& st, const call& c) {
    if (!st.find_file(c.arg(1))) return detail(status::not_found, "File with id=" + c.arg(1) + " not found.");
    std::erase_if(st.files, [&](const file_record& f) { return f.id == c.arg(1); });
    return empty_response(status::no_content);
}

response list_agent_folders(letta_state& st, const call& c) {
    std::vector<field_error> errors;
    bool negative = false;
    const auto q = read_list_query(c, 100, false, errors, negative);
    if (!errors.empty()) return validation_error(errors);
    const auto* a = st.find_agent(c.arg(0));
    if (!a) return agent_missing();
    if (negative) return internal_error();
    std::vector<const folder_record*> found;
    for (const auto& id : a->source_ids) {
        if (const auto* f = st.find_folder(id)) found.push_back(f);
    }
    std::sort(found.begin(), found.end(), [&](auto* x, auto* y) { return q.ascending ? earlier(x, y) : earlier(y, x); });
    // As for agent tools: ordered by created_at, cursors compare ID strings.
    if (q.after && st.find_folder(*q.after)) std::erase_if(found, [&](auto* f) { return !(f->id > *q.after); });
    if (q.before && st.find_folder(*q.before)) std::erase_if(found, [&](auto* f) { return !(f->id < *q.before); });
    apply_limit(found, q);
    json::array out;
    for (const auto* f : found) out.push_back(folder_json(*f));
    return json_response(status::ok, out);
}

response attach_folder(letta_state& st, const call& c) {
    auto* a = st.find_agent(c.arg(0));
    if (!a) return agent_missing();
    if (!st.find_folder(c.arg(1))) {
        return detail(status::not_found, "Items not found in sources: " + py_set_repr(std::vector<std::string>{c.arg(1)}));
    }
    if (std::find(a->source_ids.begin(), a->source_ids.end(), c.arg(1)) == a->source_ids.end()) {
        a->source_ids.push_back(c.arg(1));
        a->updated = st.stamp();
    }
    st.add_file_tools(*a);
    return json_response(status::ok, agent_json(st, *a));
}

response detach_folder(letta_state& st, const call& c) {
    auto* a = st.find_agent(c.arg(0));
    if (!a) return agent_missing();
    if (std::erase(a->source_ids, c.arg(1)) > 0) a->updated = st.stamp();
    if (a->source_ids.empty()) st.remove_file_tools(*a);
    return json_response(status::ok, agent_json(st, *a));
}

}  // namespace hvs::sim::letta
