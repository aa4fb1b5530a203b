#include "hvs/net/circuit_breaker.hpp"

namespace hvs::net {

bool circuit_breaker::allow(clock::time_point now) {
    if (!open_) return true;
    if (now - opened_at_ < cooldown_) return false;
    if (probing_) return false;
    probing_ = true;  // half-open: this caller is the probe
    return true;
}

void circuit_breaker::record_success() {
    failures_ = 0;
    open_ = false;
    probing_ = false;
}

void circuit_breaker::record_failure(clock::time_point now) {
    ++failures_;
    if (probing_ || (!open_ && failures_ >= threshold_)) {
        if (!open_ || probing_) ++opened_;
        open_ = true;
        probing_ = false;
        opened_at_ = now;
    }
}

circuit_breaker::state circuit_breaker::current(clock::time_point now) const {
    if (!open_) return state::closed;
    if (probing_ || now - opened_at_ >= cooldown_) return state::half_open;
    return state::open;
}

std::string_view to_string(circuit_breaker::state s) {
    switch (s) {
    case circuit_breaker::state::closed: return "closed";
    case circuit_breaker::state::open: return "open";
    case circuit_breaker::state::half_open: return "half_open";
    }
    return "closed";
}

}  // namespace hvs::net
