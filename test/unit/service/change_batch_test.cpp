// The change feeds' debounce (service/change_batch.hpp): a burst becomes one batch, due once the
// feeds were quiet for the debounce or at the latest max_wait after its first mark; a resync or a
// signal without project asks for every project; the earliest change time of each project is kept.

#include "hvs/service/change_batch.hpp"
#include "hvs/service/cycle.hpp"

#include <gtest/gtest.h>

namespace hvs::service {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;
using wall = std::chrono::system_clock;

const steady::time_point steady_start = steady::time_point{} + 1h;
const wall::time_point wall_start = wall::time_point{} + 1h;

TEST(ChangeDebouncer, NothingMarkedIsNeverDue) {
    change_debouncer d(250ms, 2s);
    EXPECT_FALSE(d.pending());
    EXPECT_FALSE(d.due());
    EXPECT_TRUE(d.take_all().empty());
}

TEST(ChangeDebouncer, ABurstOfMarksIsOneBatchDueAfterTheLastIsQuiet) {
    change_debouncer d(250ms, 2s);
    for (int i = 0; i < 200; ++i) d.mark(change_side::vibe, net::project_signal("p1", wall_start + i * 1ms), steady_start + i * 1ms);
    ASSERT_TRUE(d.due());
    EXPECT_EQ(*d.due(), steady_start + 199ms + 250ms);
    auto batch = d.take_all();
    EXPECT_FALSE(batch.everything);
    ASSERT_EQ(batch.vibe.size(), 1u);
    EXPECT_EQ(batch.vibe.at("p1"), wall_start);  // the earliest change, for the propagation latency
    EXPECT_TRUE(batch.huly.empty());
    EXPECT_FALSE(d.pending());
}

TEST(ChangeDebouncer, ASteadyStreamIsStillDueMaxWaitAfterItsFirstMark) {
    change_debouncer d(250ms, 2s);
    for (int i = 0; i < 100; ++i) d.mark(change_side::huly, net::project_signal("P" + std::to_string(i % 3), wall_start), steady_start + i * 100ms);
    EXPECT_EQ(*d.due(), steady_start + 2s);
    EXPECT_EQ(d.take_all().huly.size(), 3u);
}

TEST(ChangeDebouncer, ABurstInOneProjectDoesNotDelayAnother) {
    change_debouncer d(250ms, 2s);
    d.mark(change_side::vibe, net::project_signal("quiet", wall_start), steady_start);
    for (int i = 0; i < 10; ++i) d.mark(change_side::huly, net::project_signal("BUSY", wall_start), steady_start + i * 100ms);
    EXPECT_EQ(*d.due(), steady_start + 250ms);
    auto first = d.take_due(steady_start + 250ms);
    EXPECT_EQ(first.vibe.size(), 1u);
    EXPECT_TRUE(first.huly.empty());
    EXPECT_EQ(*d.due(), steady_start + 900ms + 250ms);
    EXPECT_TRUE(d.take_due(steady_start + 1s).empty());
    auto second = d.take_due(steady_start + 1150ms);
    EXPECT_EQ(second.huly.size(), 1u);
    EXPECT_FALSE(d.pending());
}

TEST(ChangeDebouncer, AResyncDueTakesEveryPendingProjectWithIt) {
    change_debouncer d(250ms, 2s);
    d.mark(change_side::huly, net::project_signal("WEB", wall_start), steady_start + 200ms);
    d.mark(change_side::vibe, net::resync_signal(wall_start), steady_start);
    auto batch = d.take_due(steady_start + 250ms);
    EXPECT_TRUE(batch.everything);
    EXPECT_EQ(batch.huly.size(), 1u);
    EXPECT_FALSE(d.pending());
}

TEST(ChangeDebouncer, EachSideNamesItsProjectsApart) {
    change_debouncer d;
    d.mark(change_side::huly, net::project_signal("WEB", wall_start + 5s), steady_start);
    d.mark(change_side::vibe, net::project_signal("0b6c-uuid", wall_start + 3s), steady_start);
    d.mark(change_side::huly, net::project_signal("WEB", wall_start + 1s), steady_start);
    auto batch = d.take_all();
    EXPECT_EQ(batch.huly.at("WEB"), wall_start + 1s);
    EXPECT_EQ(batch.vibe.at("0b6c-uuid"), wall_start + 3s);
    EXPECT_EQ(batch.changed_at("WEB", "0b6c-uuid"), wall_start + 1s);
    EXPECT_EQ(batch.changed_at("SHOP", "0b6c-uuid"), wall_start + 3s);
    EXPECT_EQ(batch.changed_at("SHOP", ""), std::nullopt);
}

TEST(ChangeDebouncer, AResyncOrASignalWithoutProjectAsksForEveryProject) {
    change_debouncer d;
    d.mark(change_side::vibe, net::resync_signal(wall_start), steady_start);
    auto batch = d.take_all();
    EXPECT_TRUE(batch.everything);
    EXPECT_EQ(batch.changed_at("ANY", ""), wall_start);

    net::feed_signal refresh;
    refresh.refresh_projects = true;
    refresh.at = wall_start;
    d.mark(change_side::huly, refresh, steady_start);
    EXPECT_TRUE(d.take_all().everything);
}

TEST(ProjectSelection, NamesAProjectByItsIdentifierOrItsVibeProject) {
    project_selection only{{"WEB"}, {"v-1"}};
    EXPECT_TRUE(only.contains("WEB", ""));
    EXPECT_TRUE(only.contains("SHOP", "v-1"));
    EXPECT_FALSE(only.contains("SHOP", "v-2"));
    EXPECT_FALSE(only.contains("SHOP", ""));
}

}  // namespace
}  // namespace hvs::service
