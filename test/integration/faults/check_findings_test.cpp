// `huly-vibe-sync check` catches what `once` would hit, through the real binary: an authenticated
// request on each configured base path (a Letta refusing the password, a HULY_API_URL under a wrong
// path prefix), a database directory that does not exist; one line per check, exit 1 on any
// finding, and `--json` with the same verdicts and exit status.

#include "integration/faults/cli_runner.hpp"
#include "integration/faults/fault_fixture.hpp"

#include <boost/json/parse.hpp>

#include <filesystem>
#include <sstream>

namespace hvs::test {
namespace {

class CheckFindings : public FaultTest {
protected:
    CheckFindings() { use_letta_ = true; }

    // The line of the check `name` ("letta" → "letta           …"), without its newline.
    static std::string line_of(const std::string& out, const std::string& name) {
        std::istringstream lines(out);
        std::string label = name + std::string(16 - name.size(), ' ');
        for (std::string line; std::getline(lines, line);) {
            if (line.starts_with(label)) return line;
        }
        return {};
    }

    // `check --json`, parsed; expects the same exit status as the lines gave.
    boost::json::object json_check(const std::map<std::string, std::string>& env, int expected_status) {
        auto run = run_cli({"check", "--json"}, env, ioc_);
        EXPECT_EQ(run.exit_status, expected_status) << run.out << run.err;
        boost::system::error_code ec;
        auto doc = boost::json::parse(run.out, ec);
        EXPECT_FALSE(ec) << "not one JSON document: " << run.out;
        return ec || !doc.is_object() ? boost::json::object{} : doc.as_object();
    }

    static std::map<std::string, bool> verdicts(const boost::json::object& doc) {
        std::map<std::string, bool> out;
        if (!doc.contains("checks")) return out;
        for (const auto& c : doc.at("checks").as_array()) {
            out[std::string(c.at("name").as_string())] = c.at("ok").as_bool();
            EXPECT_TRUE(c.at("detail").is_string());
        }
        return out;
    }
};

TEST_F(CheckFindings, AllGoodExitsZeroAndJsonSaysTheSame) {
    rt_.reset();
    auto run = run_cli({"check"}, cli_env(), ioc_);
    EXPECT_EQ(run.exit_status, 0) << run.out << run.err;
    for (const char* name : {"configuration", "local http", "database", "stacks", "huly", "vibe", "letta"}) {
        EXPECT_TRUE(line_of(run.out, name).find(" ok  ") != std::string::npos) << name << ":\n" << run.out;
    }
    EXPECT_NE(line_of(run.out, "huly").find("2 projects listed"), std::string::npos) << run.out;
    EXPECT_NE(line_of(run.out, "letta").find("password accepted"), std::string::npos) << run.out;

    auto doc = json_check(cli_env(), 0);
    ASSERT_TRUE(doc.contains("ok")) << boost::json::serialize(doc);
    EXPECT_TRUE(doc.at("ok").as_bool());
    auto found = verdicts(doc);
    EXPECT_EQ(found.size(), 7u) << boost::json::serialize(doc);
    for (const auto& [name, ok] : found) EXPECT_TRUE(ok) << name;
}

TEST_F(CheckFindings, LettaRefusingThePasswordIsAFindingNamingLetta) {
    rt_.reset();
    auto env = cli_env();
    env["LETTA_PASSWORD"] = "not-the-password";
    auto run = run_cli({"check"}, env, ioc_);
    EXPECT_EQ(run.exit_status, 1) << run.out << run.err;
    EXPECT_TRUE(line_of(run.out, "letta").starts_with("letta           FAILED Letta refused the password")) << run.out;
    EXPECT_EQ(run.out.find("not-the-password"), std::string::npos) << run.out;

    auto doc = json_check(env, 1);
    EXPECT_FALSE(doc.contains("ok") && doc.at("ok").as_bool());
    auto found = verdicts(doc);
    EXPECT_FALSE(found.at("letta"));
    EXPECT_TRUE(found.at("huly"));
}

TEST_F(CheckFindings, HulyUrlUnderAWrongPathPrefixIsAFinding) {
    rt_.reset();
    auto env = cli_env();
    auto at = cfg_.huly_api_url.rfind("/api");
    ASSERT_NE(at, std::string::npos) << cfg_.huly_api_url;
    env["HULY_API_URL"] = cfg_.huly_api_url.substr(0, at) + "/wrong-prefix/api";
    auto run = run_cli({"check"}, env, ioc_);
    EXPECT_EQ(run.exit_status, 1) << run.out << run.err;
    const auto line = line_of(run.out, "huly");
    EXPECT_TRUE(line.starts_with("huly            FAILED ")) << run.out;
    EXPECT_NE(line.find("/wrong-prefix/"), std::string::npos) << line;
    EXPECT_FALSE(verdicts(json_check(env, 1)).at("huly"));
}

TEST_F(CheckFindings, DatabaseDirectoryThatDoesNotExistIsAFindingAndIsNotCreated) {
    rt_.reset();
    auto env = cli_env();
    const auto missing = dir_ / "no-such-directory";
    env["DB_PATH"] = (missing / "state.db").string();
    auto run = run_cli({"check"}, env, ioc_);
    EXPECT_EQ(run.exit_status, 1) << run.out << run.err;
    EXPECT_TRUE(line_of(run.out, "database").starts_with("database        FAILED the directory '" + missing.string() +
                                                          "' of DB_PATH does not exist"))
        << run.out;
    EXPECT_FALSE(std::filesystem::exists(missing));
    EXPECT_FALSE(verdicts(json_check(env, 1)).at("database"));
}

}  // namespace
}  // namespace hvs::test
