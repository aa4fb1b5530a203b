// Letta simulator: a small, bounded multipart/form-data parser (what Starlette's request.form()
// yields) and Letta's upload media-type rules (normalise the part's type, else guess from the
// extension; anything else is unsupported).

#include "letta_state.hpp"

#include <boost/beast/http/field.hpp>

#include <algorithm>

namespace hvs::sim::letta {
namespace {

namespace http = boost::beast::http;

constexpr std::size_t max_parts = 1000;           // Starlette's max_files / max_fields
constexpr std::size_t max_header_block = 16 * 1024;

constexpr std::string_view allowed_types[] = {
    "application/pdf",      "text/plain",          "text/markdown",        "text/x-markdown",
    "application/json",     "application/jsonl",   "application/x-jsonlines", "text/csv",
    "text/x-python",        "text/x-script.python", "application/javascript", "text/javascript",
    "application/typescript", "text/typescript",   "text/x-typescript",    "text/x-java-source",
    "text/x-java",          "text/x-c",            "text/x-c++",           "text/x-csharp",
    "text/x-go",            "text/x-rust",         "text/x-ruby",          "text/x-php",
    "text/x-swift",         "text/x-kotlin",       "text/x-scala",         "text/x-r",
    "text/x-sql",           "application/sql",     "text/x-yaml",          "application/x-yaml",
    "application/yaml",     "text/yaml",           "application/toml",     "text/html",
    "text/css",             "text/xml",            "application/xml",      "text/x-shellscript",
    "application/x-sh",     "text/x-sh",
};

struct ext_type {
    std::string_view ext;
    std::string_view type;
};

constexpr ext_type extension_types[] = {
    {".pdf", "application/pdf"},     {".txt", "text/plain"},           {".md", "text/markdown"},
    {".markdown", "text/markdown"},  {".json", "application/json"},    {".jsonl", "application/jsonl"},
    {".csv", "text/csv"},            {".py", "text/x-python"},         {".js", "text/javascript"},
    {".mjs", "text/javascript"},     {".jsx", "text/javascript"},      {".ts", "application/typescript"},
    {".tsx", "application/typescript"}, {".java", "text/x-java-source"}, {".c", "text/x-c"},
    {".h", "text/x-c"},              {".cpp", "text/x-c++"},           {".cc", "text/x-c++"},
    {".cxx", "text/x-c++"},          {".hpp", "text/x-c++"},           {".hh", "text/x-c++"},
    {".cs", "text/x-csharp"},        {".go", "text/x-go"},             {".rs", "text/x-rust"},
    {".rb", "text/x-ruby"},          {".php", "text/x-php"},           {".swift", "text/x-swift"},
    {".kt", "text/x-kotlin"},        {".scala", "text/x-scala"},       {".r", "text/x-r"},
    {".sql", "text/x-sql"},          {".yaml", "text/x-yaml"},         {".yml", "text/x-yaml"},
    {".toml", "application/toml"},   {".html", "text/html"},           {".htm", "text/html"},
    {".css", "text/css"},            {".xml", "application/xml"},      {".sh", "text/x-shellscript"},
    {".bash", "text/x-shellscript"},
};

std::string_view trim_blanks(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// `type/subtype; key=value; key="quoted \" value"` → lower-case type plus parameters (keys lower-cased).
struct header_value {
    std::string type;
    std::vector<std::pair<std::string, std::string>> params;

    [[nodiscard]] std::optional<std::string> param(std::string_view key) const {
        for (const auto& [k, v] : params) {
            if (k == key) return v;
        }
        return std::nullopt;
    }
};

header_value parse_header_value(std::string_view s) {
    header_value out;
    std::size_t i = s.find(';');
    out.type = ascii_lower(trim_blanks(s.substr(0, i)));
    while (i != std::string_view::npos && i < s.size()) {
        ++i;  // past ';'
        const auto eq = s.find('=', i);
        const auto semi = s.find(';', i);
        if (eq == std::string_view::npos || (semi != std::string_view::npos && semi < eq)) {
            i = semi;
            continue;
        }
        std::string key = ascii_lower(trim_blanks(s.substr(i, eq - i)));
        std::size_t j = eq + 1;
        while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) ++j;
        std::string value;
        if (j < s.size() && s[j] == '"') {
            for (++j; j < s.size() && s[j] != '"'; ++j) {
                if (s[j] == '\\' && j + 1 < s.size()) ++j;
                value += s[j];
            }
            i = s.find(';', j);
        } else {
            const auto end = s.find(';', j);
            value = std::string(trim_blanks(s.substr(j, end == std::string_view::npos ? std::string_view::npos : end - j)));
            i = end;
        }
        out.params.emplace_back(std::move(key), std::move(value));
    }
    return out;
}

// Parses one part's header block ("Name: value" lines) into `part`; false when malformed.
bool parse_part_headers(std::string_view block, form_part& part) {
    bool named = false;
    while (!block.empty()) {
        const auto eol = block.find("\r\n");
        const auto line = block.substr(0, eol);
        block = eol == std::string_view::npos ? std::string_view() : block.substr(eol + 2);
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) return false;
        const auto name = ascii_lower(trim_blanks(line.substr(0, colon)));
        const auto value = trim_blanks(line.substr(colon + 1));
        if (name == "content-disposition") {
            const auto h = parse_header_value(value);
            const auto field = h.param("name");
            if (!field) return false;
            part.name = sanitize_utf8(*field);
            named = true;
            if (auto filename = h.param("filename")) part.filename = sanitize_utf8(*filename);
        } else if (name == "content-type") {
            part.content_type = std::string(value);
        }
    }
    return named;
}

}  // namespace

std::optional<std::vector<form_part>> parse_form(const request& req) {
    std::vector<form_part> parts;
    const auto ct = parse_header_value(req[http::field::content_type]);
    if (ct.type != "multipart/form-data") return parts;
    const auto boundary = ct.param("boundary");
    if (!boundary || boundary->empty() || boundary->size() > 200) return std::nullopt;
    const std::string_view body = req.body();
    const std::string delimiter = "--" + *boundary;
    auto pos = body.find(delimiter);
    if (pos == std::string_view::npos) return std::nullopt;
    while (true) {
        pos += delimiter.size();
        if (body.substr(pos, 2) == "--") return parts;
        while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
        if (body.substr(pos, 2) != "\r\n") return std::nullopt;
        pos += 2;
        const auto headers_end = body.find("\r\n\r\n", pos);
        if (headers_end == std::string_view::npos || headers_end - pos > max_header_block) return std::nullopt;
        form_part part;
        if (!parse_part_headers(body.substr(pos, headers_end - pos), part)) return std::nullopt;
        const auto data_start = headers_end + 4;
        const auto next = body.find("\r\n" + delimiter, data_start);
        if (next == std::string_view::npos) return std::nullopt;
        part.data = std::string(body.substr(data_start, next - data_start));
        if (parts.size() == max_parts) return std::nullopt;
        parts.push_back(std::move(part));
        pos = next + 2;
    }
}

std::string supported_media_type(std::string_view part_content_type, std::string_view filename) {
    const std::string declared = ascii_lower(trim_blanks(part_content_type.substr(0, part_content_type.find(';'))));
    auto allowed = [](std::string_view t) {
        return std::find(std::begin(allowed_types), std::end(allowed_types), t) != std::end(allowed_types);
    };
    if (allowed(declared)) return declared;
    const auto base = filename.substr(filename.rfind('/') == std::string_view::npos ? 0 : filename.rfind('/') + 1);
    const auto dot = base.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return {};
    const std::string ext = ascii_lower(base.substr(dot));
    for (const auto& e : extension_types) {
        if (e.ext == ext) return std::string(e.type);
    }
    return {};
}

}  // namespace hvs::sim::letta
