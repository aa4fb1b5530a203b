#pragma once
// The one rewrite the PostgreSQL engine applies to the SQL callers write for both engines: SQLite's
// `?N` (and bare `?`) parameters become PostgreSQL's `$N`. Text inside quotes and comments is kept.

#include <string>
#include <string_view>

namespace hvs::store {

[[nodiscard]] std::string postgres_parameters(std::string_view sql);

}  // namespace hvs::store
