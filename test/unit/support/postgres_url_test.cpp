// postgres_url_with_database (test/support/postgres.hpp): the URL of a fresh test database is the
// server's admin URL naming it, whatever form the admin URL takes. No server needed.

#include "support/postgres.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace hvs::test {
namespace {

TEST(TestPostgresUrl, ReplacesTheDatabaseAndKeepsHostUserAndParameters) {
    EXPECT_EQ(postgres_url_with_database("postgresql:///postgres?host=/tmp/hvs-pg-1/socket&port=5432&user=postgres",
                                         "hvs_test_1"),
              "postgresql:///hvs_test_1?host=/tmp/hvs-pg-1/socket&port=5432&user=postgres");
    EXPECT_EQ(postgres_url_with_database("postgresql://hvs:secret@db.example:5433/state", "hvs_test_2"),
              "postgresql://hvs:secret@db.example:5433/hvs_test_2");
}

TEST(TestPostgresUrl, AddsADatabaseToAUrlWithout) {
    EXPECT_EQ(postgres_url_with_database("postgres://db.example", "hvs_test_3"), "postgres://db.example/hvs_test_3");
    EXPECT_EQ(postgres_url_with_database("postgresql://db.example?sslmode=disable", "hvs_test_4"),
              "postgresql://db.example/hvs_test_4?sslmode=disable");
}

TEST(TestPostgresUrl, RefusesAStringWithoutAScheme) {
    EXPECT_THROW(postgres_url_with_database("host=/tmp user=postgres", "hvs_test_5"), std::invalid_argument);
}

}  // namespace
}  // namespace hvs::test
