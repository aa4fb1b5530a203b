#include "app/vibe_generation_gate.hpp"

#include "app/cli.hpp"

#include <iostream>

namespace hvs::app {

net::task<int> refuse_unusable_vibe(vibe::client& vibe, std::string url) {
    auto generation = co_await vibe.detect_generation();
    if (generation && *generation == vibe::api_generation::unusable) {
        std::cerr << "huly-vibe-sync: " << vibe::unusable_vibe_message(url) << "\n";
        co_return exit_usage;
    }
    co_return exit_ok;
}

}  // namespace hvs::app
