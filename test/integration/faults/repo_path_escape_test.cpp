// A Huly project description naming a repository outside the allowed roots by way of ".." or of a
// symlink inside a root, in whole cycles with Letta repository documents on: the path is ignored
// with a warning (the Vibe project gets a placeholder), and nothing there is uploaded or written.
// A repository inside the root, in the same cycle, is used — so the absence is not an accident.
// (The verdicts themselves are unit-tested in test/unit/sync/repo_path_test.cpp; a plain outside
// path in test/integration/agents/repo_docs_test.cpp.)

#include "integration/faults/fault_fixture.hpp"

#include "hvs/sync/repo_path.hpp"

#include <cstdlib>
#include <fstream>

namespace hvs::test {
namespace {

namespace fs = std::filesystem;

// Every entry under `root` with its size and modification time: what "nothing written" compares.
std::map<std::string, std::string> snapshot(const fs::path& root) {
    std::map<std::string, std::string> out;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        std::error_code ec;
        auto size = entry.is_regular_file(ec) ? entry.file_size(ec) : 0;
        auto stamp = fs::last_write_time(entry.path(), ec).time_since_epoch().count();
        out[fs::relative(entry.path(), root).string()] = std::to_string(size) + "@" + std::to_string(stamp);
    }
    return out;
}

class RepositoryPathEscapes : public FaultTest {
protected:
    RepositoryPathEscapes() {
        use_letta_ = true;
        cfg_.letta_attach_repo_docs = true;
    }

    void make_repository(const fs::path& repo, const std::string& readme) {
        fs::create_directories(repo);
        std::ofstream(repo / "README.md") << readme;
        std::string command = "git init -q '" + repo.string() + "' && git -C '" + repo.string() + "' add -A";
        ASSERT_EQ(std::system(command.c_str()), 0);
    }

    std::string vibe_path_of(const std::string& project_name) {
        const auto state = vibe_.state();
        for (const auto& p : state.at("projects").as_array()) {
            if (p.at("name").as_string() == project_name) return std::string(p.at("git_repo_path").as_string());
        }
        return "(no such Vibe project)";
    }

    // original_file_name of every file in every Letta folder.
    std::vector<std::string> letta_files() {
        std::vector<std::string> out;
        for (const auto& folder : letta_.folders()) {
            for (const auto& file : letta_.files_of(folder.at("id").as_string())) {
                out.emplace_back(file.at("original_file_name").as_string());
            }
        }
        return out;
    }
};

TEST_F(RepositoryPathEscapes, DotDotAndSymlinkOutsideTheRootsAreIgnoredWithAWarningAndNeverTouched) {
    capture_logs();
    const fs::path outside = dir_ / "outside" / "secret-repo";
    make_repository(outside, "# secret\n");
    const fs::path good = dir_ / "stacks" / "good-repo";
    make_repository(good, "# Good\n");
    fs::create_directory_symlink(outside, dir_ / "stacks" / "sneaky");
    const std::string dotdot = (dir_ / "stacks" / ".." / "outside" / "secret-repo").string();
    const std::string link = (dir_ / "stacks" / "sneaky").string();
    huly_.add_project("DOT", "Dot dot", "The repository.\nPath: " + dotdot + "\n");
    huly_.add_project("LNK", "Symlinked", "Directory: `" + link + "`");
    huly_.add_project("GOOD", "Good", "Location: " + good.string());
    for (const char* p : {"DOT", "LNK", "GOOD"}) huly_.add_issue(p, "First", "", "Todo");
    const auto before = snapshot(dir_ / "outside");

    auto outcome = cycle();
    ASSERT_TRUE(outcome.ok) << outcome.error;
    EXPECT_EQ(vibe_path_of("Dot dot"), sync::placeholder_path(cfg_.stacks_dir, "DOT"));
    EXPECT_EQ(vibe_path_of("Symlinked"), sync::placeholder_path(cfg_.stacks_dir, "LNK"));
    EXPECT_EQ(vibe_path_of("Good"), fs::canonical(good).string());

    const std::string logs = logs_.str();
    for (const auto& path : {dotdot, link}) {
        EXPECT_NE(logs.find("ignoring repository path '" + path + "' from the Huly description: outside the allowed roots"),
                  std::string::npos)
            << path << "\n" << logs;
    }
    EXPECT_EQ(letta_files(), std::vector<std::string>{"GOOD-README.md"});  // only the repository inside the root

    ASSERT_TRUE(cycle().ok);
    EXPECT_EQ(snapshot(dir_ / "outside"), before);  // nothing written there (no .letta hand-off either)
    EXPECT_FALSE(fs::exists(outside / ".letta"));
    EXPECT_EQ(letta_files(), std::vector<std::string>{"GOOD-README.md"});
}

}  // namespace
}  // namespace hvs::test
