#include "hvs/core/log.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <iostream>
#include <sstream>

namespace hvs::log {
namespace {

// Captures what the console sink writes (it writes to std::clog).
class LogCapture : public ::testing::Test {
protected:
    void SetUp() override { previous_ = std::clog.rdbuf(captured_.rdbuf()); }
    void TearDown() override {
        std::clog.rdbuf(previous_);
        init(severity::info, format::text);
    }
    std::string lines() const { return captured_.str(); }

    std::stringstream captured_;
    std::streambuf* previous_ = nullptr;
};

TEST_F(LogCapture, JsonLinesCarryEachTasksOwnContext) {
    init(severity::debug, format::json);
    logger base("sync");
    logger alpha = base.with("project", "ALPHA");
    logger beta = base.with("project", "BETA").with("agent", "agent-1");
    HVS_LOG(alpha, info) << "first";
    HVS_LOG(beta, warning) << "second \"quoted\"";
    HVS_LOG(alpha, debug) << "third";

    std::istringstream in(lines());
    std::string line;
    std::vector<boost::json::object> records;
    while (std::getline(in, line)) records.push_back(boost::json::parse(line).as_object());
    ASSERT_EQ(records.size(), 3u);
    EXPECT_EQ(records[0].at("component").as_string(), "sync");
    EXPECT_EQ(records[0].at("project").as_string(), "ALPHA");
    EXPECT_FALSE(records[0].contains("agent"));
    EXPECT_EQ(records[0].at("msg").as_string(), "first");
    EXPECT_EQ(records[1].at("project").as_string(), "BETA");
    EXPECT_EQ(records[1].at("agent").as_string(), "agent-1");
    EXPECT_EQ(records[1].at("level").as_string(), "warning");
    EXPECT_EQ(records[1].at("msg").as_string(), "second \"quoted\"");
    EXPECT_EQ(records[2].at("project").as_string(), "ALPHA");  // interleaving does not bleed context
}

TEST_F(LogCapture, LevelsBelowTheThresholdAreDropped) {
    init(severity::warning, format::text);
    logger lg("net");
    HVS_LOG(lg, info) << "quiet";
    HVS_LOG(lg, error) << "loud";
    EXPECT_EQ(lines().find("quiet"), std::string::npos);
    EXPECT_NE(lines().find("error component=net | loud"), std::string::npos) << lines();
}

TEST_F(LogCapture, RegisteredSecretsNeverReachALine) {
    init(severity::info, format::text);
    redact("hunter2-secret-value");
    logger lg("letta");
    HVS_LOG(lg, info) << "connecting with password hunter2-secret-value to letta";
    EXPECT_EQ(lines().find("hunter2"), std::string::npos) << lines();
    EXPECT_NE(lines().find("password *** to letta"), std::string::npos);
    EXPECT_EQ(redacted("x hunter2-secret-value y"), "x *** y");
}

TEST_F(LogCapture, WithReplacesAnExistingKey) {
    init(severity::info, format::json);
    logger lg = logger("sync").with("project", "A").with("project", "B");
    HVS_LOG(lg, info) << "m";
    auto record = boost::json::parse(lines()).as_object();
    EXPECT_EQ(record.at("project").as_string(), "B");
}

// Text records are one line each: a newline in a message or a field (a Huly identifier, a git
// diagnostic) is written as \n, other control characters as \r, \t or \xNN.
TEST_F(LogCapture, ControlCharactersInTextRecordsAreEscapedOneRecordOneLine) {
    init(severity::info, format::text);
    logger lg = logger("sync").with("project", "EVIL\n2026-01-01T00:00:00.000Z error | forged");
    HVS_LOG(lg, warning) << "git said:\nfatal: detected dubious ownership\r\tand\x01\x1b[31mred\x7f";
    const std::string text = lines();
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.find('\n'), text.size() - 1) << text;  // only the record's own end of line
    EXPECT_NE(text.find(" project=EVIL\\n2026-01-01T00:00:00.000Z error | forged"), std::string::npos) << text;
    EXPECT_NE(text.find("| git said:\\nfatal: detected dubious ownership\\r\\tand\\x01\\x1b[31mred\\x7f"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find('\r'), std::string::npos);
    EXPECT_EQ(text.find('\x1b'), std::string::npos);
}

TEST_F(LogCapture, OrdinaryTextIsNotEscaped) {
    init(severity::info, format::text);
    logger lg("sync");
    HVS_LOG(lg, info) << "path /srv/a b \"quoted\" \xc3\xa9 100%";
    EXPECT_NE(lines().find("| path /srv/a b \"quoted\" \xc3\xa9 100%\n"), std::string::npos) << lines();
}

TEST_F(LogCapture, JsonRecordsStayOneLineToo) {
    init(severity::info, format::json);
    logger lg = logger("sync").with("project", "A\nB");
    HVS_LOG(lg, info) << "x\ny";
    const std::string text = lines();
    EXPECT_EQ(text.find('\n'), text.size() - 1) << text;
    auto record = boost::json::parse(text).as_object();
    EXPECT_EQ(record.at("project").as_string(), "A\nB");
    EXPECT_EQ(record.at("msg").as_string(), "x\ny");
}

}  // namespace
}  // namespace hvs::log
