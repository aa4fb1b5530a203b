// The pool's decisions with a hand-driven clock and plain values for connections and waiters:
// no socket, no timer, no sleep.

#include "hvs/net/pool_state.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace hvs::net::pool_state_test {
namespace {

using namespace std::chrono_literals;
using state = pool_state<int, std::string>;  // connections are numbers, waiters names
using action = state::release_decision::action;
using time_point = state::time_point;

const time_point t0{std::chrono::seconds(1000)};

// The socket side, by hand: which connections look dead, which were closed, which were probed.
struct sockets {
    std::set<int> dead;
    std::vector<int> closed;
    std::vector<int> probed;

    auto alive() {
        return [this](int conn) {
            probed.push_back(conn);
            return !dead.contains(conn);
        };
    }
    auto close() {
        return [this](int conn) { closed.push_back(conn); };
    }
};

// Opens `count` connections numbered from 1 and gives each back at `at`, so they sit idle.
void open_idle(state& pool, int count, time_point at) {
    for (int i = 0; i < count; ++i) {
        ASSERT_TRUE(pool.reserve_slot());
        pool.opened();
    }
    for (int conn = 1; conn <= count; ++conn) ASSERT_EQ(pool.release(conn, true, at).what, action::keep_idle);
}

TEST(PoolState, OpensUpToTheLimitThenCallersQueue) {
    state pool(2, 30s);
    EXPECT_TRUE(pool.reserve_slot());
    EXPECT_TRUE(pool.reserve_slot());
    EXPECT_FALSE(pool.reserve_slot());
    pool.enqueue("third");
    auto s = pool.stats();
    EXPECT_EQ(s.open, 2u);
    EXPECT_EQ(s.waiting, 1u);
}

TEST(PoolState, AZeroLimitStillAllowsOneConnection) {
    state pool(0, 30s);
    EXPECT_TRUE(pool.reserve_slot());
    EXPECT_FALSE(pool.reserve_slot());
}

TEST(PoolState, AConnectionGivenBackGoesToTheLongestWaitingCaller) {
    state pool(1, 30s);
    ASSERT_TRUE(pool.reserve_slot());
    pool.opened();
    pool.enqueue("first");
    pool.enqueue("second");
    auto handed = pool.release(7, true, t0);
    ASSERT_EQ(handed.what, action::hand_to_waiter);
    EXPECT_EQ(handed.conn, 7);
    EXPECT_EQ(handed.waiter, "first");
    auto next = pool.release(7, true, t0 + 1s);
    EXPECT_EQ(next.waiter, "second");
    auto s = pool.stats();
    EXPECT_EQ(s.reused, 2u);
    EXPECT_EQ(s.open, 1u);
    EXPECT_EQ(s.idle, 0u);
}

TEST(PoolState, AFreeSlotIsNotTakenPastCallersAlreadyWaiting) {
    state pool(1, 30s);
    ASSERT_TRUE(pool.reserve_slot());
    pool.enqueue("waiting");
    auto broken = pool.release(1, false, t0);  // the one open connection broke: its slot goes to the waiter
    EXPECT_EQ(broken.what, action::close);
    EXPECT_EQ(broken.conn, 1);
    EXPECT_EQ(broken.waiter, "waiting");
    EXPECT_FALSE(pool.reserve_slot());  // a newcomer does not jump the queue: the slot is the waiter's
    EXPECT_EQ(pool.stats().open, 1u);
    EXPECT_EQ(pool.stats().discarded, 1u);
}

TEST(PoolState, ABrokenConnectionIsClosedAndItsSlotFreed) {
    state pool(1, 30s);
    ASSERT_TRUE(pool.reserve_slot());
    pool.opened();
    auto broken = pool.release(1, false, t0);
    EXPECT_EQ(broken.what, action::close);
    EXPECT_EQ(broken.conn, 1);
    EXPECT_FALSE(broken.waiter);
    EXPECT_EQ(pool.stats().open, 0u);
    EXPECT_TRUE(pool.reserve_slot());
}

TEST(PoolState, AFailedOpenPassesItsSlotToTheNextWaiter) {
    state pool(1, 30s);
    ASSERT_TRUE(pool.reserve_slot());
    pool.enqueue("next");
    auto failed = pool.open_failed();
    EXPECT_EQ(failed.what, action::close);
    EXPECT_FALSE(failed.conn);
    EXPECT_EQ(failed.waiter, "next");
    EXPECT_EQ(pool.stats().open, 1u);
    EXPECT_EQ(pool.stats().discarded, 0u);  // nothing was open to discard
    EXPECT_FALSE(pool.open_failed().waiter);
    EXPECT_EQ(pool.stats().open, 0u);
}

TEST(PoolState, TheMostRecentlyUsedIdleConnectionServesFirst) {
    state pool(3, 30s);
    open_idle(pool, 3, t0);
    sockets io;
    EXPECT_EQ(pool.take_idle(t0 + 1s, io.alive(), io.close()), 3);
    EXPECT_EQ(pool.take_idle(t0 + 1s, io.alive(), io.close()), 2);
    auto s = pool.stats();
    EXPECT_EQ(s.reused, 2u);
    EXPECT_EQ(s.idle, 1u);
    EXPECT_EQ(s.open, 3u);
    EXPECT_TRUE(io.closed.empty());
}

TEST(PoolState, AnIdleConnectionPastTheIdleTimeoutIsClosedWithoutTouchingItsSocket) {
    state pool(2, 30s);
    open_idle(pool, 2, t0);
    sockets io;
    EXPECT_EQ(pool.take_idle(t0 + 29s, io.alive(), io.close()), 2);  // within the timeout
    EXPECT_FALSE(pool.take_idle(t0 + 30s, io.alive(), io.close()));   // at it: expired
    EXPECT_EQ(io.closed, std::vector<int>{1});
    EXPECT_EQ(io.probed, std::vector<int>{2});  // only the one still within the timeout was probed
    auto s = pool.stats();
    EXPECT_EQ(s.open, 1u);
    EXPECT_EQ(s.discarded, 1u);
    EXPECT_TRUE(pool.reserve_slot());  // its slot is free again
}

TEST(PoolState, ADeadIdleConnectionIsNotReusedAndTheNextOneServes) {
    state pool(3, 30s);
    open_idle(pool, 3, t0);
    sockets io;
    io.dead = {3};  // the server closed the most recent one while it sat idle
    EXPECT_EQ(pool.take_idle(t0 + 1s, io.alive(), io.close()), 2);
    EXPECT_EQ(io.closed, std::vector<int>{3});
    auto s = pool.stats();
    EXPECT_EQ(s.open, 2u);
    EXPECT_EQ(s.discarded, 1u);
    EXPECT_EQ(s.reused, 1u);
}

TEST(PoolState, ASweepClosesExpiredAndDeadIdleConnectionsAndKeepsTheRest) {
    state pool(4, 30s);
    open_idle(pool, 2, t0);
    ASSERT_TRUE(pool.reserve_slot());
    ASSERT_TRUE(pool.reserve_slot());
    ASSERT_EQ(pool.release(3, true, t0 + 20s).what, action::keep_idle);
    ASSERT_EQ(pool.release(4, true, t0 + 20s).what, action::keep_idle);
    sockets io;
    io.dead = {4};
    pool.sweep(t0 + 35s, io.alive(), io.close());
    EXPECT_EQ(io.closed, (std::vector<int>{1, 2, 4}));
    auto s = pool.stats();
    EXPECT_EQ(s.idle, 1u);
    EXPECT_EQ(s.open, 1u);
    EXPECT_EQ(s.discarded, 3u);
    EXPECT_EQ(pool.take_idle(t0 + 35s, io.alive(), io.close()), 3);
}

TEST(PoolState, AWaiterThatGaveUpIsNotHandedAConnection) {
    state pool(1, 30s);
    ASSERT_TRUE(pool.reserve_slot());
    pool.enqueue("gave up");
    pool.enqueue("patient");
    pool.withdraw("gave up");
    EXPECT_EQ(pool.stats().waiting, 1u);
    EXPECT_EQ(pool.release(1, true, t0).waiter, "patient");
    EXPECT_EQ(pool.release(1, true, t0).what, action::keep_idle);  // nobody waits any more
}

TEST(PoolState, ClosingIdleConnectionsFreesTheirSlotsWithoutCountingThemDiscarded) {
    state pool(2, 30s);
    open_idle(pool, 2, t0);
    sockets io;
    pool.close_idle(io.close());
    EXPECT_EQ(io.closed, (std::vector<int>{1, 2}));
    auto s = pool.stats();
    EXPECT_EQ(s.open, 0u);
    EXPECT_EQ(s.idle, 0u);
    EXPECT_EQ(s.discarded, 0u);
    EXPECT_EQ(s.created, 2u);
}

}  // namespace
}  // namespace hvs::net::pool_state_test
