// The real binary against each Vibe Kanban local API generation (shared/reference/upstreams-2026.md):
// `check` names the generation it found; on >= 0.1.15 (no local task API, GET /api/projects answers
// the web page while /api/health stays OK) `check`, `once` and `run` stop at start with exit 2 and
// one line that names the cause and the versions that work.

#include "integration/faults/cli_runner.hpp"
#include "integration/faults/fault_fixture.hpp"

namespace hvs::test {
namespace {

class VibeGenerationCli : public FaultTest, public ::testing::WithParamInterface<sim::vibe_generation> {
protected:
    VibeGenerationCli() { vibe_generation_ = GetParam(); }
};

std::string vibe_line_of(const std::string& out) {
    auto at = out.find("\nvibe ");
    if (at == std::string::npos) return {};
    auto end = out.find('\n', at + 1);
    return out.substr(at + 1, end - at - 1);
}

TEST_P(VibeGenerationCli, CheckNamesTheGenerationFound) {
    rt_.reset();
    auto run = run_cli({"check"}, cli_env(), ioc_);
    const auto line = vibe_line_of(run.out);
    switch (GetParam()) {
    case sim::vibe_generation::v0_0_71:
        EXPECT_EQ(run.exit_status, 0) << run.out << run.err;
        EXPECT_NE(line.find("ok  "), std::string::npos) << line;
        EXPECT_NE(line.find("(local API: single-repo, ≤ 0.0.136)"), std::string::npos) << line;
        break;
    case sim::vibe_generation::multi_repo:
        EXPECT_EQ(run.exit_status, 0) << run.out << run.err;
        EXPECT_NE(line.find("(local API: multi-repo, 0.0.140 … 0.1.14)"), std::string::npos) << line;
        break;
    case sim::vibe_generation::v0_1_15:
        EXPECT_EQ(run.exit_status, 2) << run.out << run.err;
        EXPECT_NE(line.find("FAILED"), std::string::npos) << line;
        EXPECT_NE(line.find("0.1.15"), std::string::npos) << line;
        EXPECT_NE(line.find("0.0.71 … 0.1.14"), std::string::npos) << line;
        break;
    }
}

INSTANTIATE_TEST_SUITE_P(Generations, VibeGenerationCli,
                         ::testing::Values(sim::vibe_generation::v0_0_71, sim::vibe_generation::multi_repo,
                                           sim::vibe_generation::v0_1_15),
                         vibe_generation_test_name);

class UnusableVibe : public FaultTest {
protected:
    UnusableVibe() { vibe_generation_ = sim::vibe_generation::v0_1_15; }
};

TEST_F(UnusableVibe, OnceAndRunStopAtStartWithOneLine) {
    rt_.reset();
    auto env = cli_env();
    env["HEALTH_PORT"] = "0";
    for (const char* command : {"once", "run"}) {
        auto run = run_cli({command}, env, ioc_);
        EXPECT_EQ(run.exit_status, 2) << command << ": " << run.out << run.err;
        EXPECT_EQ(run.err.find("huly-vibe-sync: Vibe Kanban at " + cfg_.vibe_api_url), 0u) << command << ": " << run.err;
        EXPECT_NE(run.err.find("0.0.71 … 0.1.14 (0.0.71 is the only self-contained release)"), std::string::npos)
            << run.err;
        EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << command << ": " << run.err;
    }
    EXPECT_EQ(huly_host_->counts().total, 0u);  // no cycle ran
}

}  // namespace
}  // namespace hvs::test
