#pragma once
// Reading every row of a statement into values (used by the repositories).

#include "hvs/store/database.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hvs::store {

// Calls each(s) on every row.
template <class Each>
result<void> for_each_row(statement& s, Each each) {
    for (;;) {
        auto row = s.step();
        if (!row) return row.error();
        if (!*row) return {};
        each(static_cast<const statement&>(s));
    }
}

// Every row, as read(s) makes it.
template <class Row, class Read>
result<std::vector<Row>> read_all(statement& s, Read read) {
    std::vector<Row> rows;
    auto done = for_each_row(s, [&](const statement& row) { rows.push_back(read(row)); });
    if (!done) return done.error();
    return rows;
}

// The first row, as read(s) makes it, or none when there is no row.
template <class Row, class Read>
result<std::optional<Row>> read_first(statement& s, Read read) {
    auto row = s.step();
    if (!row) return row.error();
    if (!*row) return std::optional<Row>{};
    return std::optional<Row>(read(static_cast<const statement&>(s)));
}

// The first column of every row, as a set of texts.
inline result<std::set<std::string>> read_text_set(statement& s) {
    std::set<std::string> texts;
    auto done = for_each_row(s, [&](const statement& row) { texts.insert(row.text(0)); });
    if (!done) return done.error();
    return texts;
}

}  // namespace hvs::store
