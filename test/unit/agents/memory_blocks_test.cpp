#include "hvs/agents/memory_blocks.hpp"

#include "hvs/core/hash.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string_view>

namespace hvs::agents {
namespace {

namespace json = boost::json;

constexpr std::int64_t now = 1'700'000'000'000;
constexpr std::int64_t day = 86'400'000;
constexpr std::int64_t hour = 3'600'000;

sync::link issue(std::string id, std::string title, std::string status, std::optional<std::string> priority,
                 std::int64_t modified, std::string description = "") {
    sync::link l;
    l.issue_id = std::move(id);
    l.project = "P";
    l.task_id = "task-" + l.issue_id;
    l.huly_title = title;
    l.vibe_title = title;
    l.base_title = title;
    l.huly_description = description;
    l.huly_status = status;
    auto vibe = std::string(vibe::to_string(sync::vibe_status_of_huly(status)));
    l.vibe_status = vibe;
    l.base_status = vibe;
    l.huly_priority = std::move(priority);
    l.huly_modified_ms = modified;
    return l;
}

project_facts facts() {
    return {"P", "Payments Portal", "Customer payments", "vibe-42", "http://vibe:3105/api", "/opt/stacks/portal"};
}

// Six live issues, one of each interesting kind, and two deleted ones that must not show.
std::vector<sync::link> board() {
    std::vector<sync::link> links = {
        issue("P-1", "Login page broken", "In Progress", "High", now - 10 * day),
        issue("P-2", "Add search", "Todo", "Urgent", now - day),
        issue("P-10", "Write docs", "Backlog", "Low", now - day),
        issue("P-3", "Payments", "In Review", "Medium", now - 20 * day, "Waiting on the vendor's API keys"),
        issue("P-4", "Ship v1", "Done", "Medium", now - 2 * day),
        issue("P-5", "Old idea", "Canceled", "NoPriority", now - 40 * day),
        issue("P-6", "Removed in Huly", "Parked", "Urgent", now - 30 * day),
        issue("P-7", "Removed in Vibe", "In Progress", "High", now - 30 * day),
    };
    links[6].deleted_in_huly = true;
    links[7].deleted_in_vibe = true;
    return links;
}

const memory_block& block(const std::vector<memory_block>& blocks, std::string_view label) {
    auto it = std::find_if(blocks.begin(), blocks.end(), [&](const auto& b) { return b.label == label; });
    EXPECT_NE(it, blocks.end()) << label;
    return *it;
}

std::vector<memory_block> build(const std::vector<sync::link>& links, const std::vector<sync::link>& previous = {},
                                std::int64_t at = now, const project_facts& project = facts()) {
    return build_memory_blocks(project, links, previous, sync::huly_status_names{}, at);
}

const std::string p1 = R"({"id":"P-1","title":"Login page broken","status":"In Progress","priority":"High"})";
const std::string p2 = R"({"id":"P-2","title":"Add search","status":"Todo","priority":"Urgent"})";
const std::string p3 = R"({"id":"P-3","title":"Payments","status":"In Review","priority":"Medium"})";
const std::string p4 = R"({"id":"P-4","title":"Ship v1","status":"Done","priority":"Medium"})";
const std::string p10 = R"({"id":"P-10","title":"Write docs","status":"Backlog","priority":"Low"})";

TEST(MemoryBlocks, LabelsInOrderAndHashesOfTheValues) {
    auto blocks = build(board());
    std::vector<std::string> labels;
    for (const auto& b : blocks) {
        labels.push_back(b.label);
        EXPECT_EQ(b.hash, core::content_hash(b.value)) << b.label;
        EXPECT_NO_THROW((void)json::parse(b.value)) << b.label;
        EXPECT_EQ(b.value.find("truncated"), std::string::npos) << b.label;
    }
    EXPECT_EQ(labels, (std::vector<std::string>{"project", "board_config", "board_metrics", "hotspots",
                                                "backlog_summary", "change_log"}));
}

TEST(MemoryBlocks, ProjectBlock) {
    EXPECT_EQ(block(build(board()), "project").value,
              R"({"name":"Payments Portal","identifier":"P","description":"Customer payments",)"
              R"("huly":{"identifier":"P"},"vibe":{"id":"vibe-42","api_url":"http://vibe:3105/api"},)"
              R"("repository":{"filesystem_path":"/opt/stacks/portal"}})");
    auto bare = facts();
    bare.vibe_id.clear();
    bare.repo_path.clear();
    auto v = json::parse(block(build(board(), {}, now, bare), "project").value);
    EXPECT_TRUE(v.at("vibe").at("id").is_null());
    EXPECT_TRUE(v.at("repository").at("filesystem_path").is_null());
}

TEST(MemoryBlocks, BoardConfigStatesTheRealPolicies) {
    sync::huly_status_names names;
    names.cancelled = "Cancelled";
    auto blocks = build_memory_blocks(facts(), board(), {}, names, now);
    const auto& value = block(blocks, "board_config").value;
    EXPECT_EQ(value.find("last-write-wins"), std::string::npos);
    auto v = json::parse(value);
    EXPECT_EQ(json::serialize(v.at("status_mapping").at("vibe_to_huly")),
              R"({"todo":"Todo","inprogress":"In Progress","inreview":"In Review","done":"Done","cancelled":"Cancelled"})");
    // Configured names, Backlog and the names in use, each mapped by the sync's own rule.
    EXPECT_EQ(json::serialize(v.at("status_mapping").at("huly_to_vibe")),
              R"({"Backlog":"todo","Canceled":"cancelled","Cancelled":"cancelled","Done":"done",)"
              R"("In Progress":"inprogress","In Review":"inreview","Todo":"todo"})");
    const auto& workflow = v.at("workflow").as_object();
    EXPECT_EQ(workflow.at("sync_direction"), "bidirectional");
    EXPECT_TRUE(workflow.at("merge").as_string().starts_with("three-way"));
    EXPECT_TRUE(workflow.at("conflict_resolution").as_string().starts_with("huly-wins"));
    EXPECT_EQ(v.at("wip_policies").at("ageing_wip_after_days"), 7);
    EXPECT_TRUE(v.at("definitions_of_done").as_object().contains("done"));
}

TEST(MemoryBlocks, BoardMetrics) {
    EXPECT_EQ(block(build(board()), "board_metrics").value,
              R"({"total_issues":6,"by_status":{"todo":2,"inprogress":1,"inreview":1,"done":1,"cancelled":1},)"
              R"("wip_count":2,"completion_rate_percent":20,"deleted":2,"active_issues":[)" + p1 + "," + p3 + "]}");
}

TEST(MemoryBlocks, Hotspots) {
    EXPECT_EQ(block(build(board()), "hotspots").value,
              R"({"summary":{"blocked_count":1,"ageing_wip_count":1,"high_priority_todo_count":1},)"
              R"("blocked_items":[)" + p3 + R"(],"ageing_wip":[)" + p1 + R"(],"high_priority_todo":[)" + p2 + "]}");
}

TEST(MemoryBlocks, BlockerKeywordsMatchWholeWordsOnOpenIssuesOnly) {
    auto links = board();
    links.push_back(issue("P-20", "Unblocked the CI", "In Review", "Low", now));
    links.push_back(issue("P-21", "Stuck deploy", "Done", "Low", now));
    links.push_back(issue("P-22", "Deploy", "Todo", "Low", now, "We are BLOCKED by ops"));
    auto v = json::parse(block(build(links), "hotspots").value);
    EXPECT_EQ(json::serialize(v.at("blocked_items")),
              "[" + p3 + R"(,{"id":"P-22","title":"Deploy","status":"Todo","priority":"Low"}])");
}

TEST(MemoryBlocks, BacklogSummary) {
    EXPECT_EQ(block(build(board()), "backlog_summary").value,
              R"({"total_backlog":2,"priority_breakdown":{"urgent":1,"high":0,"medium":0,"low":1,"no_priority":0,)"
              R"("unset":0},"top_items":[)" + p2 + "," + p10 + "]}");
}

TEST(MemoryBlocks, PrioritiesComeFromHulyAndOrderListsThenIssueIdNumerically) {
    std::vector<sync::link> links = {
        issue("P-10", "ten", "Todo", "Low", now),       issue("P-9", "nine", "Todo", "Low", now),
        issue("P-11", "eleven", "Todo", std::nullopt, now), issue("P-12", "twelve", "Todo", "NoPriority", now),
        issue("P-13", "thirteen", "Todo", "urgent", now),
    };
    auto v = json::parse(block(build(links), "backlog_summary").value);
    std::vector<std::string> ids;
    for (const auto& item : v.at("top_items").as_array()) ids.emplace_back(item.at("id").as_string());
    EXPECT_EQ(ids, (std::vector<std::string>{"P-13", "P-9", "P-10", "P-12", "P-11"}));
    EXPECT_TRUE(v.at("top_items").as_array().back().at("priority").is_null());  // not invented
    EXPECT_EQ(json::serialize(v.at("priority_breakdown")),
              R"({"urgent":1,"high":0,"medium":0,"low":2,"no_priority":1,"unset":1})");
}

TEST(MemoryBlocks, StatusFallsBackToVibeWhenHulyWasNotObserved) {
    auto l = issue("P-1", "x", "Todo", "High", now);
    l.huly_status.reset();
    l.vibe_status = "inreview";
    auto v = json::parse(block(build({l}), "board_metrics").value);
    EXPECT_EQ(v.at("by_status").at("inreview"), 1);
    EXPECT_EQ(v.at("active_issues").at(0).at("status"), "inreview");
}

TEST(MemoryBlocks, FirstSyncChangeLog) {
    EXPECT_EQ(block(build(board()), "change_log").value,
              R"({"summary":{"first_sync":true,"new_count":0,"updated_count":0,"closed_count":0,"transition_count":0},)"
              R"("new_issues":[],"updated_issues":[],"closed_issues":[],"status_transitions":[]})");
}

TEST(MemoryBlocks, ChangeLogComparesWithThePreviousState) {
    auto previous = board();
    previous[0] = issue("P-1", "Login page broken", "Todo", "High", now - 11 * day);  // started
    previous[1].huly_title = "Search";                                                // renamed
    previous.erase(previous.begin() + 2);                                             // P-10 is new
    previous[3] = issue("P-4", "Ship v1", "In Progress", "Medium", now - 3 * day);    // finished
    previous[5].deleted_in_huly = false;  // P-6 was live, now deleted: not a change to report
    previous.push_back(issue("P-8", "Gone", "Todo", "Low", now));
    const std::string p2_changed = R"({"id":"P-2","title":"Add search","status":"Todo","priority":"Urgent","changed":["title"]})";
    const std::string p1_changed = p1.substr(0, p1.size() - 1) + R"(,"changed":["status"]})";
    const std::string p4_changed = p4.substr(0, p4.size() - 1) + R"(,"changed":["status"]})";
    EXPECT_EQ(block(build(board(), previous), "change_log").value,
              R"({"summary":{"first_sync":false,"new_count":1,"updated_count":3,"closed_count":1,"transition_count":2},)"
              R"("new_issues":[)" + p10 + R"(],"updated_issues":[)" + p2_changed + "," + p1_changed + "," + p4_changed +
                  R"(],"closed_issues":[)" + p4 +
                  R"(],"status_transitions":[{"id":"P-1","title":"Login page broken","from":"Todo","to":"In Progress"},)"
                  R"({"id":"P-4","title":"Ship v1","from":"In Progress","to":"Done"}]})");
    // Nothing changed since the previous cycle: an empty log, not a first sync.
    EXPECT_EQ(block(build(board(), board()), "change_log").value,
              R"({"summary":{"first_sync":false,"new_count":0,"updated_count":0,"closed_count":0,"transition_count":0},)"
              R"("new_issues":[],"updated_issues":[],"closed_issues":[],"status_transitions":[]})");
}

TEST(MemoryBlocks, SameStateSameBytesWhateverTheInputOrder) {
    auto links = board();
    auto previous = board();
    previous[0].huly_status = "Todo";
    auto reference = build(links, previous);
    EXPECT_EQ(build(links, previous).at(3).value, reference.at(3).value);
    std::mt19937 shuffle_with(7);
    for (int round = 0; round < 5; ++round) {
        std::shuffle(links.begin(), links.end(), shuffle_with);
        std::shuffle(previous.begin(), previous.end(), shuffle_with);
        auto blocks = build(links, previous);
        ASSERT_EQ(blocks.size(), reference.size());
        for (std::size_t i = 0; i < blocks.size(); ++i) {
            EXPECT_EQ(blocks[i].value, reference[i].value) << blocks[i].label;
            EXPECT_EQ(blocks[i].hash, reference[i].hash) << blocks[i].label;
        }
    }
}

TEST(MemoryBlocks, NoChurnWhenOnlyTimePasses) {
    auto previous = board();
    previous[0].huly_status = "Todo";
    auto at_now = build(board(), previous, now);
    auto an_hour_later = build(board(), previous, now + hour);
    for (std::size_t i = 0; i < at_now.size(); ++i) {
        EXPECT_EQ(at_now[i].value, an_hour_later[i].value) << at_now[i].label;
        // No clock value and no stored timestamp leaks into any block.
        for (auto stamp : {now, now + hour, now - 10 * day, now - day}) {
            EXPECT_EQ(at_now[i].value.find(std::to_string(stamp)), std::string::npos) << at_now[i].label;
        }
    }
}

TEST(MemoryBlocks, WorkBecomesAgeingOnceSevenDaysPass) {
    std::vector<sync::link> links = {issue("P-1", "x", "In Progress", "Low", now - 7 * day + 30 * 60 * 1000)};
    auto count = [&](std::int64_t at) {
        return json::parse(block(build(links, {}, at), "hotspots").value).at("summary").at("ageing_wip_count");
    };
    EXPECT_EQ(count(now), 0);
    EXPECT_EQ(count(now + hour), 1);
    links[0].huly_status = "In Review";  // only work in progress ages
    EXPECT_EQ(count(now + hour), 0);
}

TEST(MemoryBlocks, DeletedIssuesAppearOnlyAsACount) {
    auto blocks = build(board(), board());
    for (const auto& b : blocks) {
        for (auto hidden : {"Removed in", "\"P-6\"", "\"P-7\"", "Parked"}) {
            EXPECT_EQ(b.value.find(hidden), std::string::npos) << b.label << " shows " << hidden;
        }
    }
    EXPECT_EQ(json::parse(block(blocks, "board_metrics").value).at("deleted"), 2);
}

TEST(MemoryBlocks, LongListsAreCutByWholeItemsAndStayValidJson) {
    std::vector<sync::link> links;
    for (int n = 1; n <= 40; ++n) {
        links.push_back(issue("P-" + std::to_string(n), std::string(4000, 'a' + n % 26), "Todo",
                              n % 2 ? "High" : "Low", now));
    }
    const auto blocks = build(links);
    const auto& value = block(blocks, "backlog_summary").value;
    ASSERT_LE(value.size(), max_block_chars);
    auto v = json::parse(value);
    EXPECT_EQ(v.at("truncated"), true);
    EXPECT_EQ(v.at("total_backlog"), 40);  // counts stay exact
    EXPECT_EQ(v.at("priority_breakdown").at("high"), 20);
    const auto& items = v.at("top_items").as_array();
    ASSERT_GT(items.size(), 0u);
    ASSERT_LT(items.size(), 15u);
    // The kept items are the head of the ordered list: the odd (High) ids in numeric order.
    for (std::size_t i = 0; i < items.size(); ++i) {
        EXPECT_EQ(std::string(items[i].at("id").as_string()), "P-" + std::to_string(2 * i + 1));
        EXPECT_EQ(items[i].at("title").as_string().size(), 4000u);
    }
    // And no more was dropped than needed.
    EXPECT_GT(value.size() + json::serialize(items.back()).size() + 1, max_block_chars);
}

TEST(MemoryBlocks, AHugeDescriptionIsShortenedOnACharacterBoundary) {
    for (std::string prefix : {"", "a"}) {  // both parities of the cut
        auto project = facts();
        project.description = prefix;
        for (int i = 0; i < 40'000; ++i) project.description += "\xC3\xA9";  // é, two bytes
        const auto blocks = build(board(), {}, now, project);
        const auto& value = block(blocks, "project").value;
        ASSERT_LE(value.size(), max_block_chars);
        auto v = json::parse(value);  // rejects a cut UTF-8 sequence
        EXPECT_EQ(v.at("truncated"), true);
        EXPECT_EQ(v.at("name"), "Payments Portal");
        auto description = std::string(v.at("description").as_string());
        EXPECT_GT(description.size(), 40'000u);
        EXPECT_EQ(project.description.compare(0, description.size(), description), 0);
    }
}

TEST(Scratchpad, InitialValue) {
    EXPECT_EQ(scratchpad_initial_value().substr(0, 64),
              R"({"notes":[],"observations":[],"action_items":[],"context":{},"us)");
    auto v = json::parse(scratchpad_initial_value()).as_object();
    EXPECT_EQ(v.size(), 5u);
    EXPECT_GT(v.at("usage_guide").as_string().size(), 40u);
}

TEST(Persona, NamesTheProjectAndItsRules) {
    auto persona = default_project_persona(facts());
    for (auto text : {"\"Payments Portal\" (P)", "Huly wins", "/opt/stacks/portal", "scratchpad", "P-N"}) {
        EXPECT_NE(persona.find(text), std::string::npos) << text;
    }
    auto no_repo = facts();
    no_repo.repo_path.clear();
    EXPECT_EQ(default_project_persona(no_repo).find("repository"), std::string::npos);
}

}  // namespace
}  // namespace hvs::agents
