#pragma once
// A Prometheus-style histogram: fixed upper bounds, a count per bucket (the last one +Inf), and
// the sum of what was observed. Plain data, copied into snapshots for /metrics.

#include <array>
#include <cstddef>
#include <cstdint>

namespace hvs::core {

template <std::size_t N>
struct histogram {
    std::array<double, N> bounds{};
    std::array<std::uint64_t, N + 1> counts{};  // not cumulative; counts[N] is +Inf
    double sum = 0;

    void observe(double value) {
        std::size_t bucket = 0;
        while (bucket < N && value > bounds[bucket]) ++bucket;
        ++counts[bucket];
        sum += value;
    }
    [[nodiscard]] std::uint64_t count() const {
        std::uint64_t n = 0;
        for (auto c : counts) n += c;
        return n;
    }
};

}  // namespace hvs::core
