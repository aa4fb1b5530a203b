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

}  // namespace hvs::store
