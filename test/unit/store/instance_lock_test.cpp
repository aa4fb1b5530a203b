// The single-writer lock: its holder's description, and two acquisitions of one database.

#include "hvs/store/instance_lock.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

namespace hvs::store {
namespace {

namespace fs = std::filesystem;

class InstanceLock : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("hvs-lock-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        db_ = (dir_ / "state.db").string();
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
    std::string db_;
};

TEST(LockHolder, RoundTripsThroughTheFileFormat) {
    lock_holder holder{4242, "node-a", "2026-12-04T12:00:00Z", "once"};
    auto parsed = parse_lock_holder(format_lock_holder(holder));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->pid, 4242);
    EXPECT_EQ(parsed->host, "node-a");
    EXPECT_EQ(parsed->since, "2026-12-04T12:00:00Z");
    EXPECT_EQ(parsed->command, "once");
    EXPECT_EQ(describe_holder(parsed), "pid 4242 on host node-a since 2026-12-04T12:00:00Z (once)");
}

TEST(LockHolder, AnEmptyOrForeignFileNamesNoOne) {
    EXPECT_FALSE(parse_lock_holder(""));
    EXPECT_FALSE(parse_lock_holder("pid=abc\nhost=x\n"));
    EXPECT_EQ(describe_holder(std::nullopt), "another process");
}

TEST_F(InstanceLock, ASecondHolderIsRefusedWithTheFirstNamed) {
    auto first = instance_lock::acquire(db_, "run", std::nullopt);
    ASSERT_TRUE(first) << first.error().message;
    auto second = instance_lock::acquire(db_, "once", std::nullopt);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().kind, error_kind::io);
    EXPECT_NE(second.error().message.find("pid " + std::to_string(::getpid())), std::string::npos)
        << second.error().message;
    EXPECT_NE(second.error().message.find("(run)"), std::string::npos) << second.error().message;
    EXPECT_NE(second.error().message.find("--wait"), std::string::npos) << second.error().message;
}

TEST_F(InstanceLock, ReleasedWhenTheHolderGoes) {
    {
        auto first = instance_lock::acquire(db_, "once", std::nullopt);
        ASSERT_TRUE(first);
    }
    auto again = instance_lock::acquire(db_, "once", std::nullopt);
    EXPECT_TRUE(again) << again.error().message;
}

TEST_F(InstanceLock, WaitingEndsWithTheHolderNamedWhenItStays) {
    auto first = instance_lock::acquire(db_, "run", std::nullopt);
    ASSERT_TRUE(first);
    auto waited = instance_lock::acquire(db_, "once", std::chrono::seconds(0));
    ASSERT_FALSE(waited);
    EXPECT_NE(waited.error().message.find("waited 0 s"), std::string::npos) << waited.error().message;
}

TEST_F(InstanceLock, ALockFileThatIsASymlinkIsRefused) {
    fs::create_symlink(dir_ / "elsewhere", db_ + ".lock");
    auto lock = instance_lock::acquire(db_, "once", std::nullopt);
    ASSERT_FALSE(lock);
    EXPECT_EQ(lock.error().kind, error_kind::io);
    EXPECT_FALSE(fs::exists(dir_ / "elsewhere"));
}

}  // namespace
}  // namespace hvs::store
