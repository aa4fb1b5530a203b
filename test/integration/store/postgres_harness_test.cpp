// The tests' PostgreSQL harness (test/support/postgres.hpp) against the real server ctest's
// `postgres` fixture starts (or a private one when run by hand): fresh databases are distinct,
// empty and writable, the server is PostgreSQL 15 running unprivileged, and failures carry the
// server's own message.

#include "support/postgres.hpp"

#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>
#include <string>

namespace hvs::test {
namespace {

using rows = std::vector<std::vector<std::string>>;

// The real uid of the server of the database at `url`: its postmaster's (a backend ends with its
// connection), whose pid heads postmaster.pid in the data directory.
uid_t uid_of_server(const std::string& url) {
    std::ifstream pid_file(postgres_query(url, "SHOW data_directory").at(0).at(0) + "/postmaster.pid");
    std::string pid;
    std::getline(pid_file, pid);
    std::ifstream status("/proc/" + pid + "/status");
    std::string key;
    while (status >> key) {
        if (key == "Uid:") {
            uid_t uid = 0;
            status >> uid;
            return uid;
        }
        status.ignore(4096, '\n');
    }
    throw std::runtime_error("no Uid line for the server's process '" + pid + "'");
}

// The message of the std::runtime_error that `fn` throws ("" when it throws none).
template <class F>
std::string runtime_error_of(F fn) {
    try {
        fn();
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

TEST(PostgresHarness, TwoFreshDatabasesAreDistinctEmptyAndWritable) {
    const std::string first = fresh_postgres_database();
    const std::string second = fresh_postgres_database();
    ASSERT_NE(first, second);
    EXPECT_NE(postgres_query(first, "SELECT current_database()"), postgres_query(second, "SELECT current_database()"));

    postgres_query(first, "CREATE TABLE marker (value text)");
    postgres_query(first, "INSERT INTO marker VALUES ('first')");
    EXPECT_EQ(postgres_query(second, "SELECT to_regclass('marker') IS NULL"), (rows{{"t"}}));  // fresh: empty
    postgres_query(second, "CREATE TABLE marker (value text)");
    postgres_query(second, "INSERT INTO marker VALUES ('second')");

    EXPECT_EQ(postgres_query(first, "SELECT value FROM marker"), (rows{{"first"}}));
    EXPECT_EQ(postgres_query(second, "SELECT value FROM marker"), (rows{{"second"}}));
}

TEST(PostgresHarness, TheServerIsPostgreSql15RunningUnprivileged) {
    const std::string url = fresh_postgres_database();
    const rows version = postgres_query(url, "SHOW server_version");
    ASSERT_EQ(version.size(), 1u);
    EXPECT_EQ(version[0][0].rfind("15.", 0), 0u) << version[0][0];

    // As root, the server runs as the `postgres` system user; else as ourselves.
    const uid_t server_uid = uid_of_server(url);
    if (geteuid() == 0) {
        const passwd* postgres_user = getpwnam("postgres");
        ASSERT_NE(postgres_user, nullptr);
        EXPECT_EQ(server_uid, postgres_user->pw_uid);
    } else {
        EXPECT_EQ(server_uid, geteuid());
    }
}

TEST(PostgresHarness, FailuresAreThrownWithTheServersMessage) {
    const std::string missing = postgres_url_with_database(postgres_test_server_url(), "hvs_no_such_database");
    EXPECT_NE(runtime_error_of([&] { postgres_query(missing, "SELECT 1"); })
                  .find(R"(database "hvs_no_such_database" does not exist)"),
              std::string::npos);
    EXPECT_NE(runtime_error_of([&] { fresh_postgres_database(missing); }).find("does not exist"), std::string::npos);

    const std::string url = fresh_postgres_database();
    EXPECT_NE(runtime_error_of([&] { postgres_query(url, "SELEC 1"); }).find("syntax error"), std::string::npos);
}

}  // namespace
}  // namespace hvs::test
