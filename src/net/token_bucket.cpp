#include "hvs/net/token_bucket.hpp"

#include <algorithm>

namespace hvs::net {

token_bucket::token_bucket(double rate, double burst, time_point now)
    : rate_(rate), burst_(std::max(burst, 1.0)), tokens_(burst_), last_(now), paused_until_(now) {}

void token_bucket::refill(time_point now) {
    if (now <= last_) return;
    if (rate_ > 0) {
        std::chrono::duration<double> elapsed = now - last_;
        tokens_ = std::min(burst_, tokens_ + elapsed.count() * rate_);
    }
    last_ = now;
}

token_bucket::duration token_bucket::reserve(time_point now) {
    duration paused = paused_until_ > now ? paused_until_ - now : duration::zero();
    if (rate_ <= 0) return paused;
    refill(now);
    tokens_ -= 1;
    // Refill resumes at last_ (later than now while paused); a negative balance is paid off at `rate`.
    duration start = last_ > now ? last_ - now : duration::zero();
    if (tokens_ >= 0) return start;
    auto deficit = std::chrono::duration<double>(-tokens_ / rate_);
    return start + std::chrono::duration_cast<duration>(deficit);
}

bool token_bucket::try_take(time_point now) {
    if (paused_until_ > now) return false;
    if (rate_ <= 0) return true;
    refill(now);
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
}

token_bucket::duration token_bucket::until_available(time_point now) const {
    duration paused = paused_until_ > now ? paused_until_ - now : duration::zero();
    if (rate_ <= 0) return paused;
    double missing = 1 - available(now);
    if (missing <= 0) return paused;
    auto refill_time = std::chrono::duration_cast<duration>(std::chrono::duration<double>(missing / rate_));
    return std::max(paused, (last_ > now ? last_ - now : duration::zero()) + refill_time);
}

void token_bucket::refund(time_point now) {
    if (rate_ <= 0) return;
    refill(now);
    tokens_ = std::min(burst_, tokens_ + 1);
}

void token_bucket::pause_until(time_point until, time_point now) {
    if (until <= now || until <= paused_until_) return;
    paused_until_ = until;
    if (rate_ <= 0) return;
    refill(now);
    // Outstanding reservations are void: their holders queue again (rate_limiter re-reserves
    // them in their original order), so the debt they represented is dropped too.
    tokens_ = 0;
    last_ = until;
}

double token_bucket::available(time_point now) const {
    if (rate_ <= 0) return burst_;
    if (now <= last_) return tokens_;
    std::chrono::duration<double> elapsed = now - last_;
    return std::min(burst_, tokens_ + elapsed.count() * rate_);
}

}  // namespace hvs::net
