#include "hvs/store/postgres_sql.hpp"

#include <cctype>

namespace hvs::store {

std::string postgres_parameters(std::string_view sql) {
    std::string out;
    out.reserve(sql.size() + 8);
    int next_bare = 1;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        char c = sql[i];
        if (c == '\'' || c == '"') {  // a quoted literal or identifier, '' / "" escapes included
            std::size_t end = i + 1;
            while (end < sql.size() && sql[end] != c) ++end;
            out.append(sql.substr(i, end + 1 - i));
            i = end;
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {  // a comment to the line's end
            std::size_t end = sql.find('\n', i);
            if (end == std::string_view::npos) end = sql.size();
            out.append(sql.substr(i, end - i));
            i = end - 1;
        } else if (c == '?') {
            std::size_t digits = i + 1;
            while (digits < sql.size() && std::isdigit(static_cast<unsigned char>(sql[digits]))) ++digits;
            out += '$';
            if (digits == i + 1) {
                out += std::to_string(next_bare++);
            } else {
                out.append(sql.substr(i + 1, digits - i - 1));
                i = digits - 1;
            }
        } else {
            out += c;
        }
    }
    return out;
}

namespace {

void replace_all(std::string& text, std::string_view from, std::string_view to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
}

bool identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

std::string postgres_ddl(std::string_view sqlite_ddl) {
    std::string out(sqlite_ddl);
    replace_all(out, "INTEGER PRIMARY KEY", "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY");
    // The word INTEGER, not a part of a longer name.
    constexpr std::string_view integer = "INTEGER";
    for (auto at = out.find(integer); at != std::string::npos; at = out.find(integer, at + 1)) {
        const bool word_start = at == 0 || !identifier_char(out[at - 1]);
        const bool word_end = at + integer.size() == out.size() || !identifier_char(out[at + integer.size()]);
        if (word_start && word_end) out.replace(at, integer.size(), "BIGINT");
    }
    replace_all(out, "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')");
    return out;
}

}  // namespace hvs::store
