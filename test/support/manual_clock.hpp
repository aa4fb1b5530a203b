#pragma once
// A wall clock that stands still until the test moves it, shared by copies (one clock for two
// simulators that compare timestamps, e.g. Huly's modifiedOn and the change watcher's last poll).

#include <chrono>
#include <memory>

namespace hvs::test {

struct manual_clock {
    std::shared_ptr<std::chrono::system_clock::time_point> now =
        std::make_shared<std::chrono::system_clock::time_point>(std::chrono::milliseconds{1764700000000});
    std::chrono::system_clock::time_point operator()() const { return *now; }
    void advance(std::chrono::milliseconds by) const { *now += by; }
};

}  // namespace hvs::test
