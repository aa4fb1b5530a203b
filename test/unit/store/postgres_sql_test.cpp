// The rewrites that let one SQL text serve SQLite and PostgreSQL (store/postgres_sql.hpp).

#include "hvs/store/postgres_sql.hpp"

#include <gtest/gtest.h>

namespace hvs::store {
namespace {

TEST(PostgresParameters, NumberedAndBareParametersBecomeDollarParameters) {
    EXPECT_EQ(postgres_parameters("SELECT a FROM t WHERE b = ?1 AND c = ?12"),
              "SELECT a FROM t WHERE b = $1 AND c = $12");
    EXPECT_EQ(postgres_parameters("INSERT INTO t VALUES (?, ?)"), "INSERT INTO t VALUES ($1, $2)");
}

TEST(PostgresParameters, QuotesAndCommentsAreKept) {
    EXPECT_EQ(postgres_parameters("SELECT '?1', \"a?\" FROM t -- why ?2\nWHERE x = ?1"),
              "SELECT '?1', \"a?\" FROM t -- why ?2\nWHERE x = $1");
    EXPECT_EQ(postgres_parameters("SELECT 'it''s ?' WHERE y = ?2"), "SELECT 'it''s ?' WHERE y = $2");
}

TEST(PostgresDdl, IntegersAre64BitAndARowIdKeyAnIdentity) {
    EXPECT_EQ(postgres_ddl("CREATE TABLE h (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, ok INTEGER);"),
              "CREATE TABLE h (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, n BIGINT NOT NULL, ok BIGINT);");
    EXPECT_EQ(postgres_ddl("ALTER TABLE t ADD COLUMN INTEGERS_SEEN TEXT; -- MYINTEGER"),
              "ALTER TABLE t ADD COLUMN INTEGERS_SEEN TEXT; -- MYINTEGER");
}

TEST(PostgresDdl, TheUtcTimestampDefaultComesFromPostgresClockInTheSameFormat) {
    EXPECT_EQ(postgres_ddl("at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"),
              "at TEXT NOT NULL DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))");
}

}  // namespace
}  // namespace hvs::store
