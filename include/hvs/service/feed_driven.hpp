#pragma once
// The scheduler driven by the change feeds, as `run` runs it (the tests and the bench use the same
// two steps): the feeds the configuration asks for, their signals into the scheduler's queue of
// changed projects and their state into its poll pace; then the feeds opened, the loop run, the
// feeds ended.

#include "hvs/service/change_feeds.hpp"
#include "hvs/service/scheduler.hpp"

#include <chrono>
#include <memory>

namespace hvs::service {

// The change feeds of `cfg` for `loop` (none in a dry run: it writes nothing a feed could speed
// up). `rt`'s Vibe client has found the Vibe generation (a generation without /events gets no Vibe
// feed). error_kind::invalid when a feed's settings cannot be used.
[[nodiscard]] result<std::unique_ptr<change_feeds>> feeds_for(scheduler& loop, runtime& rt, const core::config& cfg);

// Opens the feeds and waits (at most `open_limit`) until they have, so the first full poll covers
// what their opening asks for; runs the loop until it stops; ends the feeds. The loop's result.
net::task<int> run_with_feeds(scheduler& loop, change_feeds& feeds,
                              std::chrono::milliseconds open_limit = std::chrono::seconds(2));

}  // namespace hvs::service
