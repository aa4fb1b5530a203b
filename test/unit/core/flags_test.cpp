#include "hvs/core/flags.hpp"

#include <gtest/gtest.h>

namespace hvs::core {
namespace {

TEST(Flags, ValueAfterEqualsOrInTheNextArgument) {
    const std::vector<std::string> args{"--db=a.db", "--what", "folders", "--project", "-5"};
    std::size_t i = 0;
    EXPECT_EQ(flag_name(args[i]), "--db");
    EXPECT_EQ(take_flag_value(args, i).value(), "a.db");
    EXPECT_EQ(i, 0u);
    i = 1;
    EXPECT_TRUE(is_flag_named(args[i], "--what"));
    EXPECT_EQ(take_flag_value(args, i).value(), "folders");
    EXPECT_EQ(i, 2u);  // the value was consumed
    i = 3;
    EXPECT_EQ(take_flag_value(args, i).value(), "-5");  // one dash: a value (a negative number)
    EXPECT_FALSE(is_flag_named("--dbx", "--db"));
    EXPECT_TRUE(is_flag_named("--db=", "--db"));
}

TEST(Flags, AFollowingFlagIsNotAValueAndTheErrorNamesTheFlag) {
    const std::vector<std::string> args{"--db", "--wait"};
    std::size_t i = 0;
    auto value = take_flag_value(args, i);
    ASSERT_FALSE(value);
    EXPECT_EQ(value.error().kind, error_kind::invalid);
    EXPECT_EQ(value.error().message,
              "missing value for --db (the next argument is a flag; a value that starts with -- is written --db=VALUE)");
    EXPECT_EQ(i, 0u);
}

TEST(Flags, AMissingValueNamesTheFlagAndNeverRepeatsTheNextArgument) {
    const std::vector<std::string> last{"--project"};
    std::size_t i = 0;
    auto value = take_flag_value(last, i, ": expected a project id");
    ASSERT_FALSE(value);
    EXPECT_EQ(value.error().message, "missing value for --project: expected a project id");

    const std::vector<std::string> secret_next{"--what", "--letta-password=hunter2"};
    auto swallowed = take_flag_value(secret_next, i);
    ASSERT_FALSE(swallowed);
    EXPECT_EQ(swallowed.error().message.find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace hvs::core
