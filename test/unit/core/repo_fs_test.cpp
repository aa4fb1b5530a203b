// Repository files reached without following symlinks (issue 12 item 2): a symlink at any
// component — the directory on the way or the file itself — is an error value and nothing outside
// the repository is read, created or changed; a regular file round-trips; a write replaces the
// file in one step (the old content or the new one, never half, no temporary left behind).

#include "hvs/core/repo_fs.hpp"

#include "support/file_contents.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

namespace hvs::core {
namespace {

namespace fs = std::filesystem;

using test::contents_of;

void write(const fs::path& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

class RepoFiles : public ::testing::Test {
protected:
    void SetUp() override {
        base_ = fs::temp_directory_path() / ("hvs-repo-fs-" + std::to_string(std::random_device{}()));
        fs::create_directories(repo_path());
        fs::create_directories(outside());
        write(outside() / "secret", "hunter2-secret");
    }
    void TearDown() override { fs::remove_all(base_); }

    fs::path repo_path() const { return base_ / "repo"; }
    std::string repo() const { return repo_path().string(); }
    fs::path outside() const { return base_ / "outside"; }

    // Every entry under outside() with its content (what "touches nothing outside" compares).
    std::map<std::string, std::string> outside_snapshot() const {
        std::map<std::string, std::string> out;
        for (const auto& entry : fs::recursive_directory_iterator(outside())) {
            struct stat st {};
            ::lstat(entry.path().c_str(), &st);
            out[fs::relative(entry.path(), outside()).string()] =
                std::to_string(st.st_mode) + ":" + (S_ISREG(st.st_mode) ? contents_of(entry.path()) : std::string());
        }
        return out;
    }

    fs::path base_;
};

TEST_F(RepoFiles, ARegularFileRoundTrips) {
    ASSERT_TRUE(make_repo_dir(repo(), ".letta"));
    ASSERT_TRUE(make_repo_dir(repo(), ".letta"));  // an existing real directory is fine
    const std::string content("line one\nline two\0binary\xff", 24);
    auto written = write_repo_file(repo(), ".letta/settings.local.json", content);
    ASSERT_TRUE(written) << written.error().describe();
    auto read = read_repo_file(repo(), ".letta/settings.local.json", 1024);
    ASSERT_TRUE(read) << read.error().describe();
    ASSERT_TRUE(read->has_value());
    EXPECT_EQ(**read, content);
    EXPECT_EQ(contents_of(repo_path() / ".letta" / "settings.local.json"), content);
    EXPECT_EQ(fs::status(repo_path() / ".letta" / "settings.local.json").permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
}

TEST_F(RepoFiles, AMissingFileIsNulloptAndATooLargeOneAnError) {
    auto missing = read_repo_file(repo(), "no/such/file", 1024);
    ASSERT_TRUE(missing) << missing.error().describe();
    EXPECT_FALSE(missing->has_value());
    write(repo_path() / "big", std::string(2048, 'x'));
    bool too_large = false;
    auto big = read_repo_file(repo(), "big", 1024, &too_large);
    ASSERT_FALSE(big);
    EXPECT_TRUE(too_large);
}

TEST_F(RepoFiles, ASymlinkedTargetIsNeitherReadNorWrittenThrough) {
    fs::create_directories(repo_path() / ".letta");
    fs::create_symlink(outside() / "secret", repo_path() / ".letta" / ".gitignore");
    const auto before = outside_snapshot();

    auto read = read_repo_file(repo(), ".letta/.gitignore", 1024);
    ASSERT_FALSE(read) << "read through a symlink: " << (read && *read ? **read : std::string("(missing)"));
    EXPECT_EQ(read.error().kind, error_kind::invalid);

    auto written = write_repo_file(repo(), ".letta/.gitignore", "settings.local.json\n");
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().kind, error_kind::invalid);
    EXPECT_NE(written.error().message.find(".letta/.gitignore"), std::string::npos) << written.error().message;

    EXPECT_EQ(outside_snapshot(), before);
    EXPECT_TRUE(fs::is_symlink(repo_path() / ".letta" / ".gitignore"));  // left as it was
    EXPECT_EQ(std::distance(fs::directory_iterator(repo_path() / ".letta"), fs::directory_iterator()), 1);
}

TEST_F(RepoFiles, ASymlinkedDirectoryOnTheWayIsNeverEntered) {
    fs::create_directory_symlink(outside(), repo_path() / ".letta");
    const auto before = outside_snapshot();

    auto made = make_repo_dir(repo(), ".letta");
    EXPECT_FALSE(made) << "a symlinked .letta accepted as a directory";
    auto written = write_repo_file(repo(), ".letta/settings.local.json", "{}");
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().kind, error_kind::invalid);
    auto read = read_repo_file(repo(), ".letta/secret", 1024);
    ASSERT_FALSE(read);
    EXPECT_EQ(read.error().kind, error_kind::invalid);
    auto deeper = make_repo_dir(repo(), ".letta/sub");
    EXPECT_FALSE(deeper);

    EXPECT_EQ(outside_snapshot(), before);
}

TEST_F(RepoFiles, DotDotNeverLeavesTheRepository) {
    const auto before = outside_snapshot();
    EXPECT_FALSE(read_repo_file(repo(), "../outside/secret", 1024));
    EXPECT_FALSE(write_repo_file(repo(), "../outside/secret", "x"));
    EXPECT_FALSE(write_repo_file(repo(), "..", "x"));
    EXPECT_FALSE(make_repo_dir(repo(), "../outside/made"));
    EXPECT_EQ(outside_snapshot(), before);
}

TEST_F(RepoFiles, AWriteReplacesTheFileInOneStep) {
    write(repo_path() / "notes", "old content\n");
    struct stat before {};
    ASSERT_EQ(::stat((repo_path() / "notes").c_str(), &before), 0);
    // A reader holding the old file keeps reading the old content: the new one is a new inode
    // renamed over it, not the old one truncated and rewritten.
    std::ifstream held(repo_path() / "notes", std::ios::binary);
    ASSERT_TRUE(write_repo_file(repo(), "notes", "new content\n"));
    struct stat after {};
    ASSERT_EQ(::stat((repo_path() / "notes").c_str(), &after), 0);
    EXPECT_NE(after.st_ino, before.st_ino);
    std::stringstream old_seen;
    old_seen << held.rdbuf();
    EXPECT_EQ(old_seen.str(), "old content\n");
    EXPECT_EQ(contents_of(repo_path() / "notes"), "new content\n");
    // No temporary left next to it.
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(repo_path())) names.push_back(entry.path().filename().string());
    EXPECT_EQ(names, std::vector<std::string>{"notes"});
}

TEST_F(RepoFiles, ADirectoryWhereAFileShouldBeIsNotReplaced) {
    fs::create_directories(repo_path() / "notes");
    auto written = write_repo_file(repo(), "notes", "x");
    ASSERT_FALSE(written);
    EXPECT_TRUE(fs::is_directory(repo_path() / "notes"));
    auto read = read_repo_file(repo(), "notes", 1024);
    EXPECT_FALSE(read);
}

}  // namespace
}  // namespace hvs::core
