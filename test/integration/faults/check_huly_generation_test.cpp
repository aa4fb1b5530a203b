// `huly-vibe-sync check` names the Huly REST wrapper's generation it found (upstreams-2026.md): the
// current one (PATCH since 2026-01) or a 2025 one (no PATCH), probing with a PATCH that no
// generation can apply (an empty object).

#include "integration/faults/cli_runner.hpp"
#include "integration/faults/fault_fixture.hpp"

namespace hvs::test {
namespace {

class CheckHulyGeneration : public FaultTest, public ::testing::WithParamInterface<sim::huly_generation> {
protected:
    void SetUp() override {
        huly_generation_ = GetParam();
        FaultTest::SetUp();
    }
};

TEST_P(CheckHulyGeneration, TheHulyLineNamesTheWrapperGenerationAndChangesNothing) {
    const bool current = GetParam() == sim::huly_generation::current;
    const auto before = huly_.state();
    rt_.reset();
    reset_counts();
    auto run = run_cli({"check"}, cli_env(), ioc_);
    EXPECT_EQ(run.exit_status, 0) << run.out << run.err;
    const std::string expected = current ? "; wrapper current (since 2026-01: PATCH, one request per issue)\n"
                                         : "; wrapper 2025 (no PATCH: per-field PUT)\n";
    auto line_start = run.out.find("huly ");
    ASSERT_NE(line_start, std::string::npos) << run.out;
    auto line = run.out.substr(line_start, run.out.find('\n', line_start) + 1 - line_start);
    EXPECT_TRUE(line.starts_with("huly            ok  ")) << line;
    EXPECT_TRUE(line.ends_with(expected)) << line;
    EXPECT_EQ(huly_.state(), before);
}

INSTANTIATE_TEST_SUITE_P(Wrapper, CheckHulyGeneration,
                         ::testing::Values(sim::huly_generation::current, sim::huly_generation::v2025),
                         [](const auto& generation) { return generation.param == sim::huly_generation::current ? "current" : "v2025"; });

}  // namespace
}  // namespace hvs::test
