#pragma once
// A fresh database on a real PostgreSQL server for each test that needs one.
//
// The server is the one HVS_TEST_POSTGRES_URL names: ctest's `postgres` fixture starts it once per
// build directory (test/CMakeLists.txt, hvs_requires_postgres). When that variable is unset (a test
// binary run by hand), the first call starts a private server for this process with
// scripts/postgres-test-server.sh and the process stops it when it exits: a test never skips for
// want of a server.

#include <string>
#include <string_view>
#include <vector>

namespace hvs::test {

// The admin URL of the tests' server (postgresql:///postgres?host=…&user=postgres), starting the
// private server first when HVS_TEST_POSTGRES_URL is unset.
std::string postgres_test_server_url();

// Creates an empty database named hvs_test_<pid>_<counter>_<random> on the tests' server (or on the
// server whose admin URL is given) and returns its URL: the admin URL naming the new database.
// Databases are never dropped: stopping the server removes them all.
std::string fresh_postgres_database();
std::string fresh_postgres_database(const std::string& admin_url);

// `url` (postgresql://… or postgres://…) naming `database` instead of its own, its host, user and
// parameters kept. Throws std::invalid_argument when `url` has no scheme.
std::string postgres_url_with_database(std::string_view url, std::string_view database);

// HVS_TEST_STORE=postgres (ctest's postgres: re-run of the engine suite): the state of a test's
// service lives in a fresh PostgreSQL database instead of a SQLite file. Throws on another value.
bool tests_use_postgres_store();

// Runs one SQL statement on a new connection to `url` and returns the rows it produced, each
// value as text (NULL as ""). Throws std::runtime_error carrying the server's message when the
// connection or the statement fails.
std::vector<std::vector<std::string>> postgres_query(const std::string& url, const std::string& sql);

}  // namespace hvs::test
