#pragma once
// Waits, by the clock, until simulator hosts have answered every request they were sent, those
// whose client gave up included (a stall fault applies its request late, as a slow upstream does).

#include "hvs/sim/host.hpp"

#include "support/run_async.hpp"

#include <initializer_list>

namespace hvs::test {

// Runs `ioc` until none of `hosts` (null ones skipped) has a request in progress; true once so.
inline bool run_until_answered(boost::asio::io_context& ioc, std::initializer_list<const sim::host*> hosts,
                               std::chrono::steady_clock::duration limit = std::chrono::seconds(10)) {
    return run_until(ioc, [&] {
        for (const auto* h : hosts) {
            if (h && h->requests_in_progress() > 0) return false;
        }
        return true;
    }, limit);
}

}  // namespace hvs::test
