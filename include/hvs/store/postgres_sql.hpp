#pragma once
// The rewrites that let one SQL text serve both engines. Statements: SQLite's `?N` (and bare `?`)
// parameters become PostgreSQL's `$N`, text inside quotes and comments kept. Migrations: the
// schema is written once, in SQLite's dialect, and PostgreSQL runs its rewrite.

#include <string>
#include <string_view>

namespace hvs::store {

[[nodiscard]] std::string postgres_parameters(std::string_view sql);

// A migration in SQLite's dialect as PostgreSQL runs it: `INTEGER PRIMARY KEY` becomes an identity
// column, every other INTEGER a BIGINT (SQLite's integers are 64-bit), and the UTC timestamp
// default `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')` the same text from PostgreSQL's clock.
[[nodiscard]] std::string postgres_ddl(std::string_view sqlite_ddl);

}  // namespace hvs::store
