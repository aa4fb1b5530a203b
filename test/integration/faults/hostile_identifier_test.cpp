// Issue 12 item 2 (identifiers), through the real binary: a Huly project identifier is validated
// (the shape Huly gives them) before it becomes a placeholder path, a folder name or a log field.
// `../../../../outside/x` fails that project with an error naming it escaped — `once` exits 1, no
// Vibe project points outside STACKS_DIR and nothing is created outside it (Letta repository
// documents on, so a hand-off would have written there); an identifier carrying a newline never
// splits a log record. The other projects of the cycle still sync.

#include "integration/faults/cli_runner.hpp"
#include "integration/faults/fault_fixture.hpp"

#include <regex>
#include <set>
#include <sstream>

namespace hvs::test {
namespace {

namespace fs = std::filesystem;

class HostileIdentifiers : public FaultTest {
protected:
    HostileIdentifiers() {
        use_letta_ = true;
        cfg_.letta_attach_repo_docs = true;
    }

    void SetUp() override {
        FaultTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        rt_.reset();  // the binary owns the database
        // Four levels under dir_: "<stacks>/huly-sync-placeholders/../../../../outside/x" is dir_/outside/x.
        stacks_ = dir_ / "s1" / "s2" / "stacks";
        fs::create_directories(stacks_);
        env_ = cli_env();
        env_["STACKS_DIR"] = stacks_.string();
        env_["LETTA_ATTACH_REPO_DOCS"] = "true";
        env_["LOG_FORMAT"] = "text";
    }

    // Every entry under dir_ outside STACKS_DIR and the database files: what "nothing created
    // outside" compares.
    std::set<std::string> outside_stacks() {
        std::set<std::string> out;
        for (const auto& entry : fs::recursive_directory_iterator(dir_)) {
            const std::string relative = fs::relative(entry.path(), dir_).string();
            if (relative.rfind("s1/s2/stacks", 0) == 0 || relative.rfind("state.db", 0) == 0) continue;
            out.insert(relative);
        }
        return out;
    }

    // Each Vibe project's repository is inside STACKS_DIR (after resolving "..").
    void expect_vibe_paths_inside_stacks() {
        const auto state = vibe_.state();
        const std::string root = stacks_.string() + "/";
        for (const auto& p : state.at("projects").as_array()) {
            const std::string path = fs::path(std::string(p.at("git_repo_path").as_string())).lexically_normal().string();
            EXPECT_EQ(path.rfind(root, 0), 0u) << p.at("name") << " has git_repo_path " << path;
        }
    }

    void expect_the_other_projects_synced() {
        auto tasks = vibe_tasks_by_project();
        EXPECT_EQ(tasks["Web"].size(), 2u);
        EXPECT_EQ(tasks["Ops"].size(), 1u);
    }

    fs::path stacks_;
    std::map<std::string, std::string> env_;
};

TEST_F(HostileIdentifiers, AnIdentifierLeadingOutsideTheStacksDirFailsThatProjectAndTouchesNothingOutside) {
    const std::string identifier = "../../../../outside/x";
    huly_.add_project(identifier, "Escape", "");
    huly_.add_issue(identifier, "First", "", "Todo");
    const auto before = outside_stacks();

    auto run = run_cli({"once"}, env_, ioc_);
    const std::string said = run.out + run.err;
    EXPECT_EQ(run.exit_status, 1) << said;
    EXPECT_NE(said.find("invalid Huly project identifier \"../../../../outside/x\""), std::string::npos) << said;
    expect_vibe_paths_inside_stacks();
    EXPECT_EQ(vibe_tasks_by_project().count("Escape"), 0u) << "a Vibe project was created for it";
    EXPECT_FALSE(fs::exists(dir_ / "outside"));
    EXPECT_EQ(outside_stacks(), before);
    expect_the_other_projects_synced();
}

TEST_F(HostileIdentifiers, AnIdentifierWithANewlineNeverSplitsALogRecord) {
    // The second half would pass for a record of its own if the newline reached the log.
    const std::string identifier = "EVIL\n2026-01-01T00:00:00.000Z error | forged";
    huly_.add_project(identifier, "Evil", "");
    huly_.add_issue(identifier, "First", "", "Todo");

    auto run = run_cli({"once"}, env_, ioc_);
    const std::string said = run.out + run.err;
    EXPECT_EQ(run.exit_status, 1) << said;
    EXPECT_NE(said.find("invalid Huly project identifier \"EVIL\\x0a2026-01-01T00:00:00.000Z error | forged\""),
              std::string::npos)
        << said;
    const std::regex record("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (trace|debug|info|warning|error) .*");
    std::istringstream lines(run.err);
    std::size_t records = 0;
    for (std::string line; std::getline(lines, line);) {
        ++records;
        EXPECT_TRUE(std::regex_match(line, record)) << "a line that is not a record: [" << line << "]\n" << run.err;
        EXPECT_NE(line.rfind("2026-01-01T00:00:00.000Z", 0), 0u) << line;
    }
    EXPECT_GT(records, 0u);
    EXPECT_EQ(run.out.find("\n2026-01-01T00:00:00.000Z"), std::string::npos) << run.out;
    EXPECT_EQ(vibe_tasks_by_project().count("Evil"), 0u);
    expect_the_other_projects_synced();
}

}  // namespace
}  // namespace hvs::test
