// The state database unusable — its directory missing or not a directory, the file corrupt,
// read-only, or the disk full in the middle of a cycle: a clear error naming the file and a
// non-zero exit status, the file never silently replaced, and nothing lost once it is usable again.

#include "integration/faults/cli_runner.hpp"
#include "integration/faults/fault_fixture.hpp"

#include "support/file_contents.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>

namespace hvs::test {
namespace {

namespace fs = std::filesystem;

void write_file(const fs::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// Bytes no SQLite file starts with, deterministic.
std::string garbage(std::size_t size) {
    std::string out(size, '\0');
    std::uint32_t x = 2463534242u;
    for (auto& c : out) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        c = static_cast<char>(x & 0xff);
    }
    return out;
}

class DatabaseFaults : public FaultTest {
protected:
    // runtime::create on cfg_ with another DB_PATH: its error (fails the test when it succeeds).
    error create_fails_with(const fs::path& db) {
        auto cfg = cfg_;
        cfg.db_path = db.string();
        auto rt = service::runtime::create(ioc_.get_executor(), cfg);
        EXPECT_FALSE(rt) << db << " was accepted";
        return rt ? error{} : rt.error();
    }

    cli_run once_with(const fs::path& db, cli_limits limits = {}) {
        auto env = cli_env();
        env["DB_PATH"] = db.string();
        return run_cli({"once"}, env, ioc_, limits);
    }

    static bool running_as_root() { return ::geteuid() == 0; }
    // As root, the child runs as nobody (65534) so that permissions apply to it.
    static cli_limits as_unprivileged() {
        cli_limits limits;
        if (running_as_root()) limits.user = 65534;
        return limits;
    }
};

TEST_F(DatabaseFaults, AMissingDirectoryIsAClearErrorAndExitStatus) {
    auto db = dir_ / "no" / "such" / "state.db";
    auto e = create_fails_with(db);
    EXPECT_EQ(e.kind, error_kind::io);
    EXPECT_NE(e.message.find((dir_ / "no" / "such").string()), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("DB_PATH"), std::string::npos) << e.message;

    auto run = once_with(db);
    EXPECT_EQ(run.exit_status, 1) << run.err;
    EXPECT_NE(run.err.find((dir_ / "no" / "such").string()), std::string::npos) << run.err;
    EXPECT_FALSE(fs::exists(dir_ / "no"));  // nothing created in its place
    EXPECT_EQ(vibe_project_count(), 0u);   // and no cycle ran without a database
}

// A path under a regular file (ENOTDIR): fails even for root, who ignores permissions.
TEST_F(DatabaseFaults, ADirectoryThatIsAFileIsAClearErrorAndTheFileIsUntouched) {
    auto file = dir_ / "not-a-directory";
    write_file(file, "precious\n");
    auto db = file / "state.db";
    auto e = create_fails_with(db);
    EXPECT_EQ(e.kind, error_kind::io);
    EXPECT_NE(e.message.find(file.string()), std::string::npos) << e.message;

    auto run = once_with(db);
    EXPECT_EQ(run.exit_status, 1) << run.err;
    EXPECT_NE(run.err.find(file.string()), std::string::npos) << run.err;
    EXPECT_EQ(contents_of(file), "precious\n");
    EXPECT_EQ(vibe_project_count(), 0u);
}

TEST_F(DatabaseFaults, ACorruptFileIsAClearErrorAndIsNeverReplaced) {
    auto db = dir_ / "corrupt.db";
    const std::string bytes = garbage(16384);
    write_file(db, bytes);
    auto e = create_fails_with(db);
    EXPECT_EQ(e.kind, error_kind::io);
    EXPECT_NE(e.message.find(db.string()), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("not a database"), std::string::npos) << e.message;

    for (const char* command : {"once", "run", "status"}) {
        auto env = cli_env();
        env["DB_PATH"] = db.string();
        env["HEALTH_PORT"] = "0";
        auto run = run_cli({command}, env, ioc_);
        EXPECT_NE(run.exit_status, 0) << command << ": " << run.out << run.err;
        EXPECT_NE(run.err.find(db.string()), std::string::npos) << command << ": " << run.err;
        EXPECT_NE(run.err.find("not a database"), std::string::npos) << command << ": " << run.err;
    }
    EXPECT_EQ(contents_of(db), bytes);  // never "repaired" by starting over: that would lose every link
    EXPECT_EQ(vibe_project_count(), 0u);
}

TEST_F(DatabaseFaults, AReadOnlyFileIsAClearErrorAndExitStatus) {
    rt_.reset();
    fs::permissions(cfg_.db_path, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    if (!running_as_root()) {  // root ignores permissions in this process; its child drops root below
        auto e = create_fails_with(cfg_.db_path);
        EXPECT_EQ(e.kind, error_kind::io);
        EXPECT_NE(e.message.find(cfg_.db_path), std::string::npos) << e.message;
    }
    auto run = once_with(cfg_.db_path, as_unprivileged());
    EXPECT_EQ(run.exit_status, 1) << run.err;
    EXPECT_NE(run.err.find(cfg_.db_path), std::string::npos) << run.err;
    fs::permissions(cfg_.db_path, fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(DatabaseFaults, AReadOnlyDirectoryIsAClearErrorAndExitStatus) {
    auto ro = dir_ / "read-only";
    fs::create_directories(ro);
    fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec);
    if (!running_as_root()) {
        auto e = create_fails_with(ro / "state.db");
        EXPECT_EQ(e.kind, error_kind::io);
        EXPECT_NE(e.message.find((ro / "state.db").string()), std::string::npos) << e.message;
    }
    auto run = once_with(ro / "state.db", as_unprivileged());
    EXPECT_EQ(run.exit_status, 1) << run.err;
    EXPECT_NE(run.err.find((ro / "state.db").string()), std::string::npos) << run.err;
    EXPECT_FALSE(fs::exists(ro / "state.db"));
    fs::permissions(ro, fs::perms::owner_all);
}

// The disk fills up (RLIMIT_FSIZE: every write past the limit fails with EFBIG, as for root too)
// while a cycle stores its links: the run fails loudly, and the next run, with room again, ends
// with exactly one task per issue — the tasks created before the failure are linked, not copied.
TEST_F(DatabaseFaults, ADiskThatFillsUpMidCycleFailsLoudlyAndLosesNothing) {
    rt_.reset();
    auto first = once_with(cfg_.db_path);
    ASSERT_EQ(first.exit_status, 0) << first.out << first.err;
    expect_one_task_per_issue();

    for (int p = 0; p < 4; ++p) {
        auto id = "F" + std::to_string(p);
        huly_.add_project(id, "Full " + std::to_string(p), "");
        for (int i = 0; i < 6; ++i) huly_.add_issue(id, "Issue " + std::to_string(i) + " " + std::string(300, 'x'), std::string(2000, 'd'), "Todo");
    }
    huly_.edit_issue("WEB-1", "title", boost::json::value("Checkout bug on iOS 18"));
    cli_limits small_disk;
    small_disk.file_size_bytes = 40 * 1024;
    auto full = once_with(cfg_.db_path, small_disk);
    EXPECT_EQ(full.exit_status, 1) << full.out << full.err;
    const std::string said = full.out + full.err;
    EXPECT_NE(said.find("saving"), std::string::npos) << said;
    EXPECT_TRUE(said.find("full") != std::string::npos || said.find("I/O error") != std::string::npos) << said;

    auto again = once_with(cfg_.db_path);
    EXPECT_EQ(again.exit_status, 0) << again.out << again.err;
    auto idle = once_with(cfg_.db_path);
    EXPECT_EQ(idle.exit_status, 0) << idle.out << idle.err;
    expect_one_task_per_issue();
}

}  // namespace
}  // namespace hvs::test
