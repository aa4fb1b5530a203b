#include "hvs/sync/repo_path.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

namespace hvs::sync {
namespace {

namespace fs = std::filesystem;

TEST(DescribedPath, KeywordsQuotesAndFirstMatch) {
    EXPECT_EQ(described_path("Path: /srv/stacks/app"), "/srv/stacks/app");
    EXPECT_EQ(described_path("Some text\nfilesystem: `/srv/a b` more"), "/srv/a b");
    EXPECT_EQ(described_path("**Directory:** /opt/x\nLocation: /opt/y"), "/opt/x");
    EXPECT_EQ(described_path("location:'/q'"), "/q");
    EXPECT_FALSE(described_path("Classpath: nothing here"));  // "path:" inside a word does not count
    EXPECT_FALSE(described_path("no path given"));
    EXPECT_FALSE(described_path("Path:   "));
}

class RepoPathTest : public ::testing::Test {
protected:
    void SetUp() override {
        base_ = fs::temp_directory_path() / ("hvs-paths-" + std::to_string(std::random_device{}()));
        fs::create_directories(base_ / "stacks" / "good" / ".git");
        fs::create_directories(base_ / "stacks" / "plain");
        fs::create_directories(base_ / "outside" / "repo" / ".git");
        fs::create_directory_symlink(base_ / "outside" / "repo", base_ / "stacks" / "sneaky");
    }
    void TearDown() override { fs::remove_all(base_); }
    std::string at(const std::string& rel) const { return (base_ / rel).string(); }
    std::vector<std::string> roots() const { return {at("stacks")}; }

    fs::path base_;
};

TEST_F(RepoPathTest, AGitRepositoryInsideARootIsAllowed) {
    auto check = check_repo_path(at("stacks/good"), roots());
    EXPECT_EQ(check.verdict, path_verdict::allowed);
}

TEST_F(RepoPathTest, DotDotAndSymlinkEscapesAreRefused) {
    EXPECT_EQ(check_repo_path(at("stacks/../outside/repo"), roots()).verdict, path_verdict::outside_roots);
    EXPECT_EQ(check_repo_path(at("stacks/sneaky"), roots()).verdict, path_verdict::outside_roots);
    EXPECT_EQ(check_repo_path(at("stacksevil"), {at("stacks")}).verdict, path_verdict::missing);
}

TEST_F(RepoPathTest, PrefixSiblingsAreNotInside) {
    fs::create_directories(base_ / "stacks2" / "r" / ".git");
    EXPECT_EQ(check_repo_path(at("stacks2/r"), roots()).verdict, path_verdict::outside_roots);
}

TEST_F(RepoPathTest, MissingRelativeAndNonGitPaths) {
    EXPECT_EQ(check_repo_path(at("stacks/none"), roots()).verdict, path_verdict::missing);
    EXPECT_EQ(check_repo_path("relative/path", roots()).verdict, path_verdict::not_absolute);
    EXPECT_EQ(check_repo_path(at("stacks/plain"), roots()).verdict, path_verdict::not_a_git_repository);
}

TEST(HulyIdentifier, TheShapeHulyGivesIsAcceptedAnythingElseRefused) {
    for (const char* good : {"PROJ", "HVSYN", "A1", "A", "ABCDEFGHIJKLMNOP"}) EXPECT_TRUE(valid_identifier(good)) << good;
    EXPECT_FALSE(valid_identifier("../../x"));
    EXPECT_FALSE(valid_identifier("../../../../outside/x"));
    EXPECT_FALSE(valid_identifier("a"));
    EXPECT_FALSE(valid_identifier("Proj"));
    EXPECT_FALSE(valid_identifier("1AB"));
    EXPECT_FALSE(valid_identifier(""));
    EXPECT_FALSE(valid_identifier("PROJ\nFAKE"));
    EXPECT_FALSE(valid_identifier("PROJ\n"));
    EXPECT_FALSE(valid_identifier("PR OJ"));
    EXPECT_FALSE(valid_identifier("PROJ-1"));
    EXPECT_FALSE(valid_identifier("ABCDEFGHIJKLMNOPQ"));  // 17: too long
    EXPECT_FALSE(valid_identifier(std::string_view("AB\0C", 4)));
}

TEST(HulyIdentifier, QuotedForMessagesWithControlsQuotesAndNonAsciiEscaped) {
    EXPECT_EQ(quoted_identifier("PROJ"), "\"PROJ\"");
    EXPECT_EQ(quoted_identifier("../../x"), "\"../../x\"");
    EXPECT_EQ(quoted_identifier("A\nB"), "\"A\\x0aB\"");
    EXPECT_EQ(quoted_identifier("A\rB\tC"), "\"A\\x0dB\\x09C\"");
    EXPECT_EQ(quoted_identifier("say \"hi\"\\"), "\"say \\x22hi\\x22\\x5c\"");
    EXPECT_EQ(quoted_identifier("\xc3\xa9\x7f"), "\"\\xc3\\xa9\\x7f\"");
    const auto quoted = quoted_identifier(std::string(100, 'X'));  // bounded: 64 bytes then "..."
    EXPECT_EQ(quoted, "\"" + std::string(64, 'X') + "...\"");
    EXPECT_EQ(quoted_identifier("A\nB").find('\n'), std::string::npos);
}

TEST(Placeholder, Path) {
    EXPECT_EQ(placeholder_path("/opt/stacks/", "PROJ"), "/opt/stacks/huly-sync-placeholders/PROJ");
}

}  // namespace
}  // namespace hvs::sync
