// The Vibe Kanban contract (reference vibe-kanban-api.md §7 and §8), expressed once and checked
// against the simulator and the real 0.0.71 server. A difference between the two is a simulator bug.

#include "support/vibe_target.hpp"

#include "support/blocking_http.hpp"
#include "support/event_reader.hpp"
#include "support/json_keys.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <regex>

namespace hvs::test {
namespace {

namespace json = boost::json;
namespace http = boost::beast::http;
namespace fs = std::filesystem;

const std::regex uuid_v4(R"(^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$)");
const std::regex timestamp(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$)");

class VibeContract : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        target_ = GetParam() == "simulator" ? &simulated_vibe() : &real_vibe();
        if (!target_->skip_reason.empty()) GTEST_SKIP() << target_->skip_reason;
        scratch_ = fs::temp_directory_path() / ("hvs-contract-" + std::to_string(std::random_device{}()));
        fs::create_directories(scratch_);
    }
    void TearDown() override {
        std::error_code ec;
        if (!scratch_.empty()) fs::remove_all(scratch_, ec);
    }

    raw_response call(http::verb method, const std::string& target, const std::string& body = "") {
        return blocking_call(target_->host, target_->port, method, target, body);
    }

    // The envelope's `data`, after checking the envelope itself.
    static json::value data_of(const raw_response& res, bool success = true) {
        EXPECT_EQ(res[http::field::content_type], "application/json");
        auto doc = json::parse(res.body()).as_object();
        EXPECT_EQ(keys_of(doc), (std::vector<std::string>{"success", "data", "error_data", "message"}));
        EXPECT_EQ(doc.at("success").as_bool(), success) << res.body();
        EXPECT_TRUE(doc.at("error_data").is_null());
        return doc.at("data");
    }

    static std::string message_of(const raw_response& res) {
        return std::string(json::parse(res.body()).at("message").as_string());
    }

    std::string unique_path(const std::string& name) { return (scratch_ / name).string(); }

    std::string git_repo(const std::string& name) {
        auto path = scratch_ / name;
        fs::create_directories(path / ".git");
        // A real repository for the real server: an empty `git init` is accepted as one.
        std::string command = "git init -q '" + path.string() + "' >/dev/null 2>&1";
        EXPECT_EQ(std::system(command.c_str()), 0);
        return path.string();
    }

    json::object create_project(const std::string& name, const std::string& path) {
        json::object body{{"name", name}, {"git_repo_path", path}, {"use_existing_repo", true}};
        auto res = call(http::verb::post, "/api/projects", json::serialize(body));
        EXPECT_EQ(res.result_int(), 200u);
        return data_of(res).as_object();
    }

    json::object create_task(const std::string& project_id, json::object fields) {
        fields["project_id"] = project_id;
        auto res = call(http::verb::post, "/api/tasks", json::serialize(fields));
        EXPECT_EQ(res.result_int(), 200u) << res.body();
        return data_of(res).as_object();
    }

    const vibe_target* target_ = nullptr;
    fs::path scratch_;
};

TEST_P(VibeContract, HealthAnswersOkInTheEnvelope) {
    auto res = call(http::verb::get, "/api/health");
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(res.body(), R"({"success":true,"data":"OK","error_data":null,"message":null})");
    EXPECT_EQ(res[http::field::content_type], "application/json");
}

TEST_P(VibeContract, ProjectCreateReturnsNineFieldsWithEqualTimestamps) {
    auto project = create_project("Alpha", git_repo("alpha"));
    EXPECT_EQ(keys_of(project), (std::vector<std::string>{"id", "name", "git_repo_path", "setup_script", "dev_script",
                                                          "cleanup_script", "copy_files", "created_at", "updated_at"}));
    EXPECT_TRUE(std::regex_match(std::string(project.at("id").as_string()), uuid_v4));
    EXPECT_TRUE(std::regex_match(std::string(project.at("created_at").as_string()), timestamp));
    EXPECT_EQ(project.at("created_at"), project.at("updated_at"));
    EXPECT_TRUE(project.at("setup_script").is_null());
}

TEST_P(VibeContract, ProjectValidationErrorsAreHttp200WithSuccessFalse) {
    auto repo = git_repo("dup");
    create_project("First", repo);
    auto expect_soft = [&](const std::string& path, const std::string& message) {
        json::object body{{"name", "X"}, {"git_repo_path", path}, {"use_existing_repo", true}};
        auto res = call(http::verb::post, "/api/projects", json::serialize(body));
        EXPECT_EQ(res.result_int(), 200u);
        EXPECT_TRUE(data_of(res, false).is_null());
        EXPECT_EQ(message_of(res), message) << path;
    };
    expect_soft(repo, "A project with this git repository path already exists");
    expect_soft(unique_path("missing"), "The specified path does not exist");
    std::ofstream(unique_path("file")) << "x";
    expect_soft(unique_path("file"), "The specified path is not a directory");
    fs::create_directories(unique_path("plain"));
    expect_soft(unique_path("plain"), "The specified directory is not a git repository");
}

TEST_P(VibeContract, DuplicateProjectNamesAreAllowed) {
    auto a = create_project("Same", git_repo("same-a"));
    auto b = create_project("Same", git_repo("same-b"));
    EXPECT_NE(a.at("id"), b.at("id"));
}

TEST_P(VibeContract, FrameworkRejectionsArePlainText) {
    auto missing_field = call(http::verb::post, "/api/projects", R"({"name":"x"})");
    EXPECT_EQ(missing_field.result_int(), 422u);
    EXPECT_EQ(missing_field[http::field::content_type], "text/plain; charset=utf-8");
    EXPECT_EQ(missing_field.body().rfind("Failed to deserialize the JSON body into the target type: ", 0), 0u)
        << missing_field.body();

    auto bad_json = call(http::verb::post, "/api/projects", R"({"name":)");
    EXPECT_EQ(bad_json.result_int(), 400u);
    EXPECT_EQ(bad_json[http::field::content_type], "text/plain; charset=utf-8");
    EXPECT_EQ(bad_json.body().rfind("Failed to parse the request body as JSON: ", 0), 0u) << bad_json.body();

    raw_request no_type{http::verb::post, "/api/projects", 11};
    no_type.body() = R"({"name":"x","git_repo_path":"/x","use_existing_repo":false})";
    auto unsupported = blocking_exchange(target_->host, target_->port, no_type);
    EXPECT_EQ(unsupported.result_int(), 415u);
    EXPECT_EQ(unsupported.body(), "Expected request with `Content-Type: application/json`");
}

TEST_P(VibeContract, UnknownIdsAre404EmptyAndMalformedIds400Text) {
    auto unknown = call(http::verb::get, "/api/projects/00000000-0000-4000-8000-000000000000");
    EXPECT_EQ(unknown.result_int(), 404u);
    EXPECT_TRUE(unknown.body().empty());
    auto malformed = call(http::verb::get, "/api/projects/zzz");
    EXPECT_EQ(malformed.result_int(), 400u);
    EXPECT_EQ(malformed[http::field::content_type], "text/plain; charset=utf-8");
    auto unknown_task = call(http::verb::get, "/api/tasks/00000000-0000-4000-8000-000000000000");
    EXPECT_EQ(unknown_task.result_int(), 404u);
    EXPECT_TRUE(unknown_task.body().empty());
}

TEST_P(VibeContract, ProjectsAreListedNewestFirst) {
    auto older = create_project("Older", git_repo("older"));
    auto newer = create_project("Newer", git_repo("newer"));
    auto list = data_of(call(http::verb::get, "/api/projects")).as_array();
    std::vector<std::string> ids;
    for (const auto& p : list) ids.emplace_back(p.at("id").as_string());
    auto pos_newer = std::find(ids.begin(), ids.end(), std::string(newer.at("id").as_string()));
    auto pos_older = std::find(ids.begin(), ids.end(), std::string(older.at("id").as_string()));
    ASSERT_NE(pos_newer, ids.end());
    ASSERT_NE(pos_older, ids.end());
    EXPECT_LT(pos_newer, pos_older);
}

TEST_P(VibeContract, TaskCreateIgnoresStatusAndHasEightFields) {
    auto project = create_project("Tasks", git_repo("tasks"));
    std::string pid(project.at("id").as_string());
    auto task = create_task(pid, {{"title", "Write tests"}, {"status", "done"}});
    EXPECT_EQ(keys_of(task), (std::vector<std::string>{"id", "project_id", "title", "description", "status",
                                                       "parent_task_attempt", "created_at", "updated_at"}));
    EXPECT_EQ(task.at("status").as_string(), "todo");
    EXPECT_TRUE(task.at("description").is_null());
    EXPECT_EQ(task.at("created_at"), task.at("updated_at"));
    auto bogus = create_task(pid, {{"title", "Bogus status"}, {"status", "bogus"}, {"description", ""}});
    EXPECT_EQ(bogus.at("status").as_string(), "todo");
    EXPECT_EQ(bogus.at("description").as_string(), "");
}

TEST_P(VibeContract, TaskListCarriesAttemptFieldsNewestFirst) {
    auto project = create_project("List", git_repo("list"));
    std::string pid(project.at("id").as_string());
    auto first = create_task(pid, {{"title", "first"}});
    auto second = create_task(pid, {{"title", "second"}, {"description", "d"}});
    auto list = data_of(call(http::verb::get, "/api/tasks?project_id=" + pid)).as_array();
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].at("id"), second.at("id"));
    EXPECT_EQ(keys_of(list[0].as_object()),
              (std::vector<std::string>{"id", "project_id", "title", "description", "status", "parent_task_attempt",
                                        "created_at", "updated_at", "has_in_progress_attempt", "has_merged_attempt",
                                        "last_attempt_failed", "profile"}));
    EXPECT_EQ(list[0].at("profile").as_string(), "");
    EXPECT_FALSE(list[0].at("has_in_progress_attempt").as_bool());
}

TEST_P(VibeContract, TaskListQueryErrors) {
    auto missing = call(http::verb::get, "/api/tasks");
    EXPECT_EQ(missing.result_int(), 400u);
    EXPECT_EQ(missing.body(), "Failed to deserialize query string: missing field `project_id`");
    auto unknown = call(http::verb::get, "/api/tasks?project_id=00000000-0000-4000-8000-000000000000");
    EXPECT_EQ(unknown.result_int(), 200u);
    EXPECT_TRUE(data_of(unknown).as_array().empty());
}

TEST_P(VibeContract, TaskCreateForAnUnknownProjectIs500Json) {
    auto res = call(http::verb::post, "/api/tasks",
                    R"({"project_id":"00000000-0000-4000-8000-000000000000","title":"orphan"})");
    EXPECT_EQ(res.result_int(), 500u);
    EXPECT_TRUE(data_of(res, false).is_null());
    EXPECT_EQ(message_of(res),
              "DatabaseError: error returned from database: (code: 787) FOREIGN KEY constraint failed");
}

TEST_P(VibeContract, PartialPutKeepsWhatIsNullOrAbsentAndNeverTouchesUpdatedAt) {
    auto project = create_project("Put", git_repo("put"));
    auto task = create_task(std::string(project.at("id").as_string()), {{"title", "t"}, {"description", "keep me"}});
    std::string target = "/api/tasks/" + std::string(task.at("id").as_string());

    auto status = data_of(call(http::verb::put, target, R"({"status":"inprogress"})")).as_object();
    EXPECT_EQ(status.at("status").as_string(), "inprogress");
    EXPECT_EQ(status.at("description").as_string(), "keep me");
    EXPECT_EQ(status.at("title").as_string(), "t");

    auto nulls = data_of(call(http::verb::put, target, R"({"description":null,"title":null,"status":null})")).as_object();
    EXPECT_EQ(nulls.at("description").as_string(), "keep me");
    EXPECT_EQ(nulls.at("status").as_string(), "inprogress");

    auto both = data_of(call(http::verb::put, target, R"({"title":"renamed","description":""})")).as_object();
    EXPECT_EQ(both.at("title").as_string(), "renamed");
    EXPECT_EQ(both.at("description").as_string(), "");
    EXPECT_EQ(both.at("updated_at"), task.at("updated_at"));
    EXPECT_EQ(both.at("created_at"), task.at("created_at"));
}

TEST_P(VibeContract, PutRejectsUnknownStatusAndChecksTheIdBeforeTheBody) {
    auto project = create_project("Bad put", git_repo("badput"));
    auto task = create_task(std::string(project.at("id").as_string()), {{"title", "t"}});
    auto bad = call(http::verb::put, "/api/tasks/" + std::string(task.at("id").as_string()), R"({"status":"in_progress"})");
    EXPECT_EQ(bad.result_int(), 422u);
    EXPECT_NE(bad.body().find("unknown variant `in_progress`, expected one of `todo`, `inprogress`, `inreview`, `done`, `cancelled`"),
              std::string::npos) << bad.body();
    auto unknown = call(http::verb::put, "/api/tasks/00000000-0000-4000-8000-000000000000", "{not json");
    EXPECT_EQ(unknown.result_int(), 404u);
    EXPECT_TRUE(unknown.body().empty());
}

TEST_P(VibeContract, DeleteIsOnceThen404AndCascadesFromProjects) {
    auto project = create_project("Delete", git_repo("delete"));
    std::string pid(project.at("id").as_string());
    auto lone = create_task(pid, {{"title", "lone"}});
    auto kept = create_task(pid, {{"title", "cascade"}});
    std::string lone_target = "/api/tasks/" + std::string(lone.at("id").as_string());
    auto first = call(http::verb::delete_, lone_target);
    EXPECT_EQ(first.result_int(), 200u);
    EXPECT_TRUE(data_of(first).is_null());
    auto again = call(http::verb::delete_, lone_target);
    EXPECT_EQ(again.result_int(), 404u);
    EXPECT_TRUE(again.body().empty());

    EXPECT_EQ(call(http::verb::delete_, "/api/projects/" + pid).result_int(), 200u);
    EXPECT_EQ(call(http::verb::get, "/api/tasks/" + std::string(kept.at("id").as_string())).result_int(), 404u);
    auto tasks = call(http::verb::get, "/api/tasks?project_id=" + pid);
    EXPECT_TRUE(data_of(tasks).as_array().empty());
}

TEST_P(VibeContract, UnknownGetPathsServeTheSpaAndWrongMethodsAre405) {
    auto spa = call(http::verb::get, "/api/nonexistent");
    EXPECT_EQ(spa.result_int(), 200u);
    EXPECT_EQ(spa[http::field::content_type].substr(0, 9), "text/html");
    auto wrong = call(http::verb::patch, "/api/health");
    EXPECT_EQ(wrong.result_int(), 405u);
    EXPECT_TRUE(wrong.body().empty());
    EXPECT_FALSE(wrong[http::field::allow].empty());
}

// What the client's generation probe relies on (vibe/generation.hpp): 0.0.71 has no
// /api/projects/{id}/repositories route (added in 22ff27d8fd), so it answers the web page there,
// and a multi-repo body on create lacks the fields its CreateProject requires.
TEST_P(VibeContract, TheMultiRepoRoutesAreTheWebPageOnV0071) {
    auto probe = call(http::verb::get, "/api/projects/00000000-0000-0000-0000-000000000000/repositories");
    EXPECT_EQ(probe.result_int(), 200u);
    EXPECT_EQ(probe[http::field::content_type].substr(0, 9), "text/html");
    auto multi = call(http::verb::post, "/api/projects",
                      R"({"name":"multi","repositories":[{"display_name":"multi","git_repo_path":"/tmp/x"}]})");
    EXPECT_EQ(multi.result_int(), 422u);
}

// The change feed (vibe-kanban-api.md §4.1): history replayed on connect, then one json_patch
// event per task write; the simulator's side is src/sim/vibe_events.cpp.
TEST_P(VibeContract, EventsReplayTheHistoryThenStreamTaskWritesAsJsonPatches) {
    const std::string project(create_project("Feed", git_repo("feed")).at("id").as_string());
    const std::string task(create_task(project, {{"title", "before-subscribe"}}).at("id").as_string());
    event_reader reader(target_->host, target_->port, "/api/events");
    EXPECT_EQ(reader.status(), 200u);
    EXPECT_EQ(reader.header(http::field::content_type), "text/event-stream");

    // The add operation of each event, checked for the shape every event has.
    auto operations = [](const std::vector<net::sse_event>& events) {
        std::vector<json::object> out;
        for (const auto& e : events) {
            EXPECT_EQ(e.type, "json_patch");
            EXPECT_FALSE(e.id);
            auto patch = json::parse(e.data).as_array();
            EXPECT_EQ(patch.size(), 1u) << e.data;
            out.push_back(patch.at(0).as_object());
        }
        return out;
    };
    // The server's hook reads the row on another connection, maybe before the write committed
    // (events.rs: `Ok(None) => RecordTypes::DeletedTask { rowid }`): an insert can come as a
    // DELETED_TASK with db_op "insert", an update with the row as it was before.
    auto task_event = [&](const std::vector<net::sse_event>& events,
                          std::string_view db_op) -> std::optional<json::object> {
        for (auto& op : operations(events)) {
            const auto& value = op.at("value").as_object();
            const auto& record = value.at("record").as_object();
            if (value.at("db_op").as_string() != db_op) continue;
            if (record.at("type").as_string() == "DELETED_TASK" && db_op == "insert") return op;
            if (record.at("type").as_string() == "TASK" && record.at("data").at("id").as_string() == task) return op;
        }
        return std::nullopt;
    };
    auto replayed = [&](const auto& events) { return task_event(events, "insert").has_value(); };
    auto insert = task_event(reader.read_until(replayed), "insert");
    ASSERT_TRUE(insert) << "the history since the server started is replayed on connect; got: " << reader.raw();
    if (insert->at("value").at("record").at("type").as_string() == "TASK") {
        const auto& data = insert->at("value").at("record").at("data").as_object();
        EXPECT_EQ(keys_of(data), (std::vector<std::string>{"created_at", "description", "id", "parent_task_attempt",
                                                            "project_id", "status", "title", "updated_at"}));
        EXPECT_EQ(data.at("project_id").as_string(), project);
    }
    EXPECT_EQ(insert->at("path").as_string().subview().substr(0, 9), "/entries/");

    EXPECT_EQ(call(http::verb::put, "/api/tasks/" + task, R"({"status":"inreview"})").result_int(), 200u);
    auto updated = [&](const auto& events) { return task_event(events, "update").has_value(); };
    auto update = task_event(reader.read_until(updated), "update");
    ASSERT_TRUE(update) << "a live update carries the whole task";
    EXPECT_EQ(update->at("value").at("record").at("data").at("project_id").as_string(), project);

    const std::size_t before_delete = reader.read_until([](const auto&) { return false; }, std::chrono::milliseconds(0)).size();
    EXPECT_EQ(call(http::verb::delete_, "/api/tasks/" + task).result_int(), 200u);
    auto deleted_after = [&](const std::vector<net::sse_event>& events) {
        for (std::size_t i = before_delete; i < events.size(); ++i) {
            auto op = json::parse(events[i].data).as_array().at(0).as_object();
            if (op.at("value").at("record").at("type").as_string() == "DELETED_TASK") return true;
        }
        return false;
    };
    const auto& events = reader.read_until(deleted_after);
    ASSERT_TRUE(deleted_after(events));
    auto removed = json::parse(events.back().data).as_array().at(0).as_object();
    EXPECT_EQ(removed.at("value").at("db_op").as_string(), "delete");
    const auto& rowid = removed.at("value").at("record").at("data").as_object();
    EXPECT_EQ(keys_of(rowid), std::vector<std::string>{"rowid"}) << "a delete names no task and no project";
    EXPECT_TRUE(rowid.at("rowid").is_int64());
}

INSTANTIATE_TEST_SUITE_P(Targets, VibeContract, ::testing::Values("simulator", "real"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace hvs::test
