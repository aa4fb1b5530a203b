#include "hvs/core/config.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>

namespace hvs::core {
namespace {

env_lookup env_of(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(std::string(name));
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

TEST(Config, DefaultsMatchTheOriginalServiceWhereItHadThem) {
    auto loaded = load_config(env_of({}), {});
    ASSERT_TRUE(loaded);
    const config& c = loaded->values;
    EXPECT_EQ(c.sync_interval.count(), 300000);
    EXPECT_EQ(c.health_port, 3099);
    EXPECT_EQ(c.letta_control_agent, "Huly-PM-Control");
    EXPECT_EQ(c.letta_model, "anthropic/sonnet-4-5");
    EXPECT_EQ(c.stacks_dir, "/opt/stacks");
    EXPECT_TRUE(c.incremental_sync);
    EXPECT_FALSE(c.dry_run);
    EXPECT_TRUE(c.tls_verify);
    EXPECT_FALSE(c.letta_enabled());
}

TEST(Config, EnvironmentThenFlagsWin) {
    auto loaded = load_config(env_of({{"MAX_WORKERS", "3"}, {"DRY_RUN", "true"}, {"SYNC_INTERVAL", "0"}}),
                              {{"MAX_WORKERS", "7"}, {"SYNC_INTERVAL", "1000"}});
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->values.max_workers, 7u);
    EXPECT_TRUE(loaded->values.dry_run);
    EXPECT_EQ(loaded->values.sync_interval.count(), 1000);
}

TEST(Config, BadValueNamesVariableValueAndWhatIsAllowed) {
    auto loaded = load_config(env_of({{"MAX_WORKERS", "lots"}}), {});
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.error().kind, error_kind::invalid);
    EXPECT_EQ(loaded.error().message, "invalid MAX_WORKERS='lots': expected an integer from 1 to 1024");
}

struct bad_value_case {
    std::string env;
    std::string value;
};

class ConfigRejects : public ::testing::TestWithParam<bad_value_case> {};

TEST_P(ConfigRejects, WithAMessageNamingTheVariableTheValueAndWhatIsAllowed) {
    auto loaded = load_config(env_of({{GetParam().env, GetParam().value}}), {});
    ASSERT_FALSE(loaded) << GetParam().env << "=" << GetParam().value;
    const auto& message = loaded.error().message;
    EXPECT_EQ(loaded.error().kind, error_kind::invalid);
    EXPECT_EQ(message.rfind("invalid " + GetParam().env + "='" + GetParam().value + "': expected ", 0), 0u) << message;
    // The allowed values are the ones --help lists for that setting.
    for (const auto& s : settings()) {
        if (s.env == GetParam().env) {
            EXPECT_NE(message.find(s.allowed), std::string::npos) << message;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(
    Values, ConfigRejects,
    ::testing::Values(bad_value_case{"SYNC_INTERVAL", "-5"}, bad_value_case{"SYNC_INTERVAL", "10s"},
                      bad_value_case{"DRY_RUN", "maybe"}, bad_value_case{"HEALTH_PORT", "70000"},
                      bad_value_case{"HULY_API_URL", "ftp://huly/api"}, bad_value_case{"VIBE_API_URL", "not a url"},
                      bad_value_case{"CONFLICT_POLICY", "newest"}, bad_value_case{"LOG_FORMAT", "xml"},
                      bad_value_case{"LETTA_RATE", "fast"}, bad_value_case{"VIBE_BURST", "0"},
                      bad_value_case{"DB_PATH", ""}, bad_value_case{"HTTP_ATTEMPTS", "0"}));

TEST(Config, FlagValueIsValidatedToo) {
    auto loaded = load_config(env_of({}), {{"LOG_LEVEL", "loud"}});
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.error().message, "invalid LOG_LEVEL='loud': expected one of trace|debug|info|warning|error");
}

TEST(Config, SecretOverridesAreRefusedWithoutTheirValuePointingToTheFile) {
    for (const char* name : {"LETTA_PASSWORD", "API_TOKEN", "DATABASE_URL"}) {
        auto loaded = load_config(env_of({}), {{name, "hunter2"}});
        ASSERT_FALSE(loaded) << name;
        EXPECT_EQ(loaded.error().kind, error_kind::invalid);
        EXPECT_EQ(loaded.error().message.find("hunter2"), std::string::npos) << loaded.error().message;
        EXPECT_NE(loaded.error().message.find(std::string(name) + "_FILE"), std::string::npos) << loaded.error().message;
    }
}

TEST(Config, AnOverrideOfNoSettingIsRefused) {
    auto loaded = load_config(env_of({}), {{"NO_SUCH_SETTING", "1"}});
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.error().message, "unknown setting NO_SUCH_SETTING");
}

TEST(Config, SecretsComeFromEnvironmentOrFileAndAreNeverShown) {
    std::string path = ::testing::TempDir() + "letta-password";
    std::ofstream(path) << "s3cr3t-from-file\n";
    auto loaded = load_config(env_of({{"LETTA_BASE_URL", "http://letta:8283/v1"}, {"LETTA_PASSWORD_FILE", path},
                                      {"API_TOKEN", "tok-123456"}}),
                              {});
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->values.letta_password, "s3cr3t-from-file");
    EXPECT_TRUE(loaded->values.letta_enabled());
    for (const auto& [name, value] : effective_settings(loaded->values)) {
        EXPECT_EQ(value.find("s3cr3t"), std::string::npos) << name;
        EXPECT_EQ(value.find("tok-123456"), std::string::npos) << name;
    }
    std::remove(path.c_str());
}

TEST(Config, AnEmptySecretVariableLetsTheFileFormSpeak) {
    std::string path = ::testing::TempDir() + "api-token";
    std::ofstream(path) << "token-from-file";
    auto loaded = load_config(env_of({{"API_TOKEN", ""}, {"API_TOKEN_FILE", path}}), {});
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->values.api_token, "token-from-file");
    std::remove(path.c_str());
}

TEST(Config, UnreadableSecretFileIsAnError) {
    auto loaded = load_config(env_of({{"API_TOKEN_FILE", "/nonexistent/token"}}), {});
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.error().message, "invalid API_TOKEN_FILE='/nonexistent/token': cannot read the file");
}

TEST(Config, UrlsAreKeptAsGivenWithoutTrailingSlash) {
    auto loaded = load_config(env_of({{"HULY_API_URL", "http://huly:3457/api/"}}), {});
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->values.huly_api_url, "http://huly:3457/api");  // the port is never rewritten
}

TEST(Config, UrlCredentialsAndPortsOutOfRangeAreRefusedWithoutShowingTheCredentials) {
    auto with_credentials = load_config(env_of({{"LETTA_BASE_URL", "http://user:pw@letta/v1"}}), {});
    ASSERT_FALSE(with_credentials);
    EXPECT_EQ(with_credentials.error().message,
              "invalid LETTA_BASE_URL='http://***@letta/v1': expected a URL without credentials (user:password@)");
    auto wrapped = load_config(env_of({{"HULY_API_URL", "http://huly:99999/api"}}), {});
    ASSERT_FALSE(wrapped);
    EXPECT_EQ(wrapped.error().message, "invalid HULY_API_URL='http://huly:99999/api': expected a port from 1 to 65535");
    EXPECT_TRUE(load_config(env_of({{"HULY_API_URL", "http://huly:65535/api"}}), {}));
    EXPECT_EQ(without_credentials("https://a:b@c@host:1/p@q"), "https://***@host:1/p@q");
    EXPECT_EQ(without_credentials("not a url"), "not a url");
}

TEST(Config, FlagsThatLookLikeASecretsAreNamed) {
    EXPECT_EQ(secret_flag_resembled("--letta-pasword"), "--letta-password");
    EXPECT_EQ(secret_flag_resembled("--api-tokn"), "--api-token");
    EXPECT_EQ(secret_flag_resembled("--letta-password-file"), "--letta-password");
    EXPECT_EQ(secret_flag_resembled("--my-secret"), "a secret setting");
    for (const char* ordinary : {"--letta-password", "--force", "--project", "--letta-port", "--json", "--wait"}) {
        EXPECT_EQ(secret_flag_resembled(ordinary), std::nullopt) << ordinary;
    }
}

TEST(Config, LettaRootUrlWithOrWithoutV1) {
    EXPECT_EQ(letta_root_url("http://letta:8283/v1"), "http://letta:8283");
    EXPECT_EQ(letta_root_url("http://letta:8283/v1/"), "http://letta:8283");
    EXPECT_EQ(letta_root_url("http://letta:8283"), "http://letta:8283");
}

TEST(Config, ListsSplitOnCommasAndColons) {
    auto loaded = load_config(env_of({{"ALLOWED_REPO_ROOTS", "/srv/a:/srv/b, /srv/c"}}), {});
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->values.allowed_repo_roots, (std::vector<std::string>{"/srv/a", "/srv/b", "/srv/c"}));
}

TEST(Config, ParallelSyncFalseMeansOneWorker) {
    auto loaded = load_config(env_of({{"PARALLEL_SYNC", "false"}, {"MAX_WORKERS", "9"}}), {});
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->values.max_workers, 1u);
}

TEST(Config, RetiredSettingsAreAcceptedWithANotice) {
    auto loaded = load_config(env_of({{"API_DELAY", "10"}}), {});
    ASSERT_TRUE(loaded);
    ASSERT_EQ(loaded->notices.size(), 1u);
    EXPECT_NE(loaded->notices[0].find("API_DELAY"), std::string::npos);
}

TEST(Config, EverySettingHasAFlagADescriptionAndAValidDefault) {
    for (const auto& s : settings()) {
        EXPECT_EQ(s.flag.rfind("--", 0), 0u) << s.env;
        EXPECT_FALSE(s.description.empty()) << s.env;
        EXPECT_FALSE(s.allowed.empty()) << s.env;
        if (!s.secret && !s.default_value.empty()) {
            auto loaded = load_config(env_of({{s.env, s.default_value}}), {});
            EXPECT_TRUE(loaded) << s.env << "=" << s.default_value;
        }
    }
}

}  // namespace
}  // namespace hvs::core
