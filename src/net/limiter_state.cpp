#include "hvs/net/limiter_state.hpp"

namespace hvs::net {

limiter_decision limiter_state::arrive(time_point now, std::optional<time_point> until, limiter_ticket& ticket) {
    const auto wait = bucket_.reserve(now);
    if (until && now + wait > *until) {
        bucket_.refund(now);
        return {limiter_decision::action::past_deadline, {}};
    }
    if (wait <= duration::zero()) {
        ++stats_.acquired;
        return {limiter_decision::action::go, {}};
    }
    ++stats_.waits;
    ++stats_.waiting;
    ticket = limiter_ticket{pause_epoch_, now};
    return {limiter_decision::action::wait, wait};
}

limiter_decision limiter_state::woke(time_point now, std::optional<time_point> until, limiter_ticket& ticket) {
    if (ticket.pause_epoch == pause_epoch_) {
        stop_waiting(now, ticket);
        ++stats_.acquired;
        return {limiter_decision::action::go, {}};
    }
    ticket.pause_epoch = pause_epoch_;
    const auto requeued = bucket_.reserve(now);
    if (until && now + requeued > *until) {
        stop_waiting(now, ticket);
        bucket_.refund(now);
        return {limiter_decision::action::past_deadline, {}};
    }
    return {limiter_decision::action::wait, requeued};
}

void limiter_state::abandoned(time_point now, const limiter_ticket& ticket) {
    stop_waiting(now, ticket);
    bucket_.refund(now);
}

void limiter_state::pause_for(time_point now, duration delay) {
    if (delay <= duration::zero()) return;
    ++stats_.pauses;
    ++pause_epoch_;
    bucket_.pause_until(now + delay, now);
}

limiter_stats limiter_state::stats(time_point now) const {
    limiter_stats s = stats_;
    s.tokens = bucket_.available(now);
    return s;
}

void limiter_state::stop_waiting(time_point now, const limiter_ticket& ticket) {
    --stats_.waiting;
    stats_.wait_seconds += std::chrono::duration<double>(now - ticket.since).count();
}

}  // namespace hvs::net
