// A bad configuration value, given to the real binary as an operator would (environment or flag):
// exit status 2 before anything starts, and one message naming the variable, the value given and
// what is allowed. (The parsing itself is unit-tested in test/unit/core/config_test.cpp.)

#include "integration/faults/cli_runner.hpp"
#include "integration/faults/fault_fixture.hpp"

namespace hvs::test {
namespace {

struct bad_setting {
    std::string label;
    std::map<std::string, std::string> env;
    std::vector<std::string> args;
    std::string expected;  // the whole message after "huly-vibe-sync: "
};

void PrintTo(const bad_setting& c, std::ostream* os) { *os << c.label; }

class BadConfiguration : public FaultTest, public ::testing::WithParamInterface<bad_setting> {};

TEST_P(BadConfiguration, ExitsWithUsageStatusNamingVariableValueAndAllowedRange) {
    const auto& c = GetParam();
    rt_.reset();
    auto env = cli_env();
    for (const auto& [k, v] : c.env) env[k] = v;
    reset_counts();
    for (const char* command : {"once", "run", "check"}) {
        std::vector<std::string> args{command};
        args.insert(args.end(), c.args.begin(), c.args.end());
        auto run = run_cli(args, env, ioc_);
        EXPECT_EQ(run.exit_status, 2) << command << ": " << run.out << run.err;
        EXPECT_EQ(run.err, "huly-vibe-sync: " + c.expected + "\n") << command;
    }
    EXPECT_EQ(huly_host_->counts().total + vibe_host_->counts().total, 0u);  // nothing started
}

INSTANTIATE_TEST_SUITE_P(
    Values, BadConfiguration,
    ::testing::Values(
        bad_setting{"WorkersZero", {{"MAX_WORKERS", "0"}}, {}, "invalid MAX_WORKERS='0': expected an integer from 1 to 1024"},
        bad_setting{"WorkersTooMany", {{"MAX_WORKERS", "5000"}}, {}, "invalid MAX_WORKERS='5000': expected an integer from 1 to 1024"},
        bad_setting{"PortOutOfRange", {{"HEALTH_PORT", "70000"}}, {}, "invalid HEALTH_PORT='70000': expected an integer from 0 to 65535"},
        bad_setting{"NegativeInterval", {{"SYNC_INTERVAL", "-1"}}, {}, "invalid SYNC_INTERVAL='-1': expected milliseconds from 0 to 86400000"},
        bad_setting{"IntervalWithUnit", {{"SYNC_INTERVAL", "5m"}}, {}, "invalid SYNC_INTERVAL='5m': expected milliseconds from 0 to 86400000"},
        bad_setting{"AttemptsZero", {{"HTTP_ATTEMPTS", "0"}}, {}, "invalid HTTP_ATTEMPTS='0': expected an integer from 1 to 20"},
        bad_setting{"RateNotANumber", {{"VIBE_RATE", "fast"}}, {}, "invalid VIBE_RATE='fast': expected requests per second, a number from 0 (unlimited) to 1000000"},
        bad_setting{"BooleanMaybe", {{"DRY_RUN", "maybe"}}, {}, "invalid DRY_RUN='maybe': expected true or false"},
        bad_setting{"PolicyUnknown", {{"CONFLICT_POLICY", "newest"}}, {}, "invalid CONFLICT_POLICY='newest': expected one of huly|vibe"},
        bad_setting{"UrlScheme", {{"HULY_API_URL", "ftp://huly/api"}}, {}, "invalid HULY_API_URL='ftp://huly/api': expected an http:// or https:// URL with a host, or empty to disable"},
        bad_setting{"RetryMaxBelowBase", {{"RETRY_BASE", "500"}, {"RETRY_MAX", "100"}}, {}, "invalid RETRY_MAX='100': expected at least RETRY_BASE (500)"},
        bad_setting{"FlagValue", {}, {"--max-workers=lots"}, "invalid MAX_WORKERS='lots': expected an integer from 1 to 1024"},
        bad_setting{"FlagWithoutValue", {}, {"--sync-timeout"}, "missing value for --sync-timeout (SYNC_TIMEOUT): expected milliseconds from 1 to 86400000"},
        bad_setting{"SyncTimeoutZero", {{"SYNC_TIMEOUT", "0"}}, {}, "invalid SYNC_TIMEOUT='0': expected milliseconds from 1 to 86400000"},
        bad_setting{"HttpTimeoutZero", {{"HTTP_TIMEOUT", "0"}}, {}, "invalid HTTP_TIMEOUT='0': expected milliseconds from 1 to 3600000"},
        bad_setting{"UrlPortAbove65535", {{"HULY_API_URL", "http://127.0.0.1:99999/api"}}, {}, "invalid HULY_API_URL='http://127.0.0.1:99999/api': expected a port from 1 to 65535"},
        bad_setting{"UrlPortZero", {}, {"--vibe-api-url=http://127.0.0.1:0/api"}, "invalid VIBE_API_URL='http://127.0.0.1:0/api': expected a port from 1 to 65535"},
        bad_setting{"UrlWithCredentials", {{"LETTA_BASE_URL", "http://admin:hunter2@letta:8283"}}, {}, "invalid LETTA_BASE_URL='http://***@letta:8283': expected a URL without credentials (user:password@)"},
        bad_setting{"MistypedSecretFlag", {}, {"--letta-pasword=hunter2"}, "unknown flag --letta-pasword (looks like --letta-password; its value is not shown)"},
        bad_setting{"MistypedTokenFlagValueApart", {}, {"--api-tokn", "hunter2"}, "unknown flag --api-tokn (looks like --api-token; its value is not shown)"},
        bad_setting{"SecretAsFlag", {}, {"--letta-password", "hunter2"}, "--letta-password is refused: a flag's value is visible to every user in ps; put the secret in a file named by LETTA_PASSWORD_FILE (or set LETTA_PASSWORD)"},
        bad_setting{"TokenAsFlag", {}, {"--api-token=hunter2"}, "--api-token is refused: a flag's value is visible to every user in ps; put the secret in a file named by API_TOKEN_FILE (or set API_TOKEN)"},
        bad_setting{"UnreadableSecretFile", {{"API_TOKEN_FILE", "/nonexistent/token"}}, {}, "invalid API_TOKEN_FILE='/nonexistent/token': cannot read the file"}),
    [](const auto& p) { return p.param.label; });

}  // namespace
}  // namespace hvs::test
