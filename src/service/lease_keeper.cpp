#include "hvs/service/lease_keeper.hpp"

#include "hvs/service/lease_plan.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <unistd.h>

#include <algorithm>
#include <climits>

namespace hvs::service {
namespace {

namespace asio = boost::asio;

constexpr std::string_view project_prefix = "project:";

std::vector<std::string> projects_in(const std::map<std::string, std::int64_t>& leases) {
    std::vector<std::string> projects;
    for (const auto& [name, fence] : leases) {
        if (name.starts_with(project_prefix)) projects.push_back(name.substr(project_prefix.size()));
    }
    return projects;
}

struct claim_result {
    std::map<std::string, store::write_fence> fences;
    lease_share share;
    std::vector<std::string> live;
};

struct renewal {
    std::vector<std::string> live;
    std::map<std::string, std::int64_t> leases;
};

}  // namespace

std::string default_replica_id() {
    char host[HOST_NAME_MAX + 1] = {};
    if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    return std::string(*host ? host : "replica") + "-" + std::to_string(::getpid());
}

lease_keeper::lease_keeper(net::executor ex, store::db_worker& db, std::string replica_id,
                           std::chrono::milliseconds ttl)
    : executor_(ex), db_(db), id_(std::move(replica_id)), ttl_(ttl), log_(log::logger("leases").with("replica", id_)),
      timer_(ex), loop_ended_(ex) {}

void lease_keeper::note_live(std::vector<std::string> live) {
    std::sort(live.begin(), live.end());
    if (live != live_at_full_claim_) wants_full_claim_ = true;
}

net::task<result<std::map<std::string, store::write_fence>>> lease_keeper::claim_projects(
    std::vector<std::string> projects, bool every_project) {
    if (!every_project) co_return co_await claim_changed_projects(std::move(projects));
    auto job = [id = id_, ttl = ttl_, projects = std::move(projects)](store::database& db) -> result<claim_result> {
        auto live = store::heartbeat(db, id, ttl);
        if (!live) return live.error();
        auto renewed = store::renew_leases(db, id, ttl);
        if (!renewed) return renewed.error();
        auto plan = plan_leases(id, *live, projects, projects_in(*renewed));
        claim_result out;
        for (const auto& project : plan.release) {
            if (auto released = store::release_lease(db, store::project_lease(project), id); !released) {
                return released.error();
            }
        }
        for (const auto& project : plan.claim) {
            auto lease = store::project_lease(project);
            // A lease still held was just extended by the renewal: one statement per cycle for all
            // of them, a claim only for those this replica does not hold yet.
            if (auto kept = renewed->find(lease); kept != renewed->end()) {
                out.fences[project] = store::write_fence{lease, id, kept->second};
                continue;
            }
            auto fence = store::claim_lease(db, lease, id, ttl);
            if (!fence) return fence.error();
            if (!*fence) {
                ++out.share.held_elsewhere;
                continue;
            }
            out.fences[project] = store::write_fence{lease, id, **fence};
        }
        out.live = *live;
        out.share.live_replicas = std::max<std::size_t>(live->size(), 1);
        out.share.projects = projects.size();
        out.share.claimed = out.fences.size();
        return out;
    };
    auto claimed = co_await db_.run(std::move(job));
    if (!claimed) co_return make_error(claimed.error().kind, "claiming project leases: " + claimed.error().message);
    held_.clear();
    for (const auto& [project, fence] : claimed->fences) held_[project] = fence.fence;
    std::sort(claimed->live.begin(), claimed->live.end());
    live_at_full_claim_ = claimed->live;
    wants_full_claim_ = claimed->share.held_elsewhere > 0;
    bool changed = claimed->share != share_;
    share_ = claimed->share;
    if (changed) {
        HVS_LOG(log_, info) << "leases: " << share_.live_replicas << " live replicas; this one writes "
                            << share_.claimed << " of " << share_.projects << " projects"
                            << (share_.held_elsewhere ? "; " + std::to_string(share_.held_elsewhere) +
                                                            " of its share still held by another replica"
                                                      : std::string());
    }
    co_return std::move(claimed->fences);
}

net::task<result<std::map<std::string, store::write_fence>>> lease_keeper::claim_changed_projects(
    std::vector<std::string> projects) {
    // The leases this replica holds are known (the last full claim, every renewal) and renewed by
    // keep_alive; only a project of its share it does not hold yet costs a statement. Hand-backs
    // and shares are the full polls' (wants_full_claim). A fence that lapsed since is refused at
    // the write, as always.
    std::vector<std::string> held;
    for (const auto& [project, fence] : held_) held.push_back(project);
    auto plan = plan_leases(id_, live_at_full_claim_, projects, held);
    std::map<std::string, store::write_fence> fences;
    std::vector<std::string> unheld;
    for (const auto& project : plan.claim) {
        if (auto kept = held_.find(project); kept != held_.end()) {
            fences[project] = store::write_fence{store::project_lease(project), id_, kept->second};
        } else {
            unheld.push_back(project);
        }
    }
    if (unheld.empty()) co_return fences;
    auto job = [id = id_, ttl = ttl_, unheld = std::move(unheld)](store::database& db)
        -> result<std::map<std::string, std::int64_t>> {
        std::map<std::string, std::int64_t> claimed;
        for (const auto& project : unheld) {
            auto fence = store::claim_lease(db, store::project_lease(project), id, ttl);
            if (!fence) return fence.error();
            if (*fence) claimed[project] = **fence;  // else still another replica's
        }
        return claimed;
    };
    auto claimed = co_await db_.run(std::move(job));
    if (!claimed) co_return make_error(claimed.error().kind, "claiming project leases: " + claimed.error().message);
    for (const auto& [project, fence] : *claimed) {
        held_[project] = fence;
        fences[project] = store::write_fence{store::project_lease(project), id_, fence};
    }
    co_return fences;
}

net::task<result<std::optional<store::write_fence>>> lease_keeper::claim_control() {
    auto job = [id = id_, ttl = ttl_](store::database& db) { return store::claim_lease(db, std::string(store::control_lease), id, ttl); };
    auto fence = co_await db_.run(std::move(job));
    if (!fence) co_return make_error(fence.error().kind, "claiming the control lease: " + fence.error().message);
    if (!*fence) co_return std::optional<store::write_fence>{};
    co_return std::optional<store::write_fence>(store::write_fence{std::string(store::control_lease), id_, **fence});
}

void lease_keeper::start() {
    if (running_) return;
    running_ = true;
    loop_done_ = false;
    loop_ended_.expires_at(std::chrono::steady_clock::time_point::max());
    asio::co_spawn(executor_, net::cancellation_as_values(keep_alive()), asio::detached);
}

net::task<void> lease_keeper::keep_alive() {
    while (running_) {
        timer_.expires_after(ttl_ / 3);
        co_await timer_.async_wait(net::use_nothrow);
        if (!running_) break;
        auto job = [id = id_, ttl = ttl_](store::database& db) -> result<renewal> {
            auto live = store::heartbeat(db, id, ttl);
            if (!live) return live.error();
            auto leases = store::renew_leases(db, id, ttl);
            if (!leases) return leases.error();
            return renewal{std::move(*live), std::move(*leases)};
        };
        auto renewed = co_await db_.run(std::move(job));
        if (!renewed) {
            HVS_LOG(log_, warning) << "renewing leases failed: " << renewed.error().describe();
            continue;
        }
        note_live(std::move(renewed->live));
        std::map<std::string, std::int64_t> still;
        for (const auto& [lease, fence] : renewed->leases) {
            if (lease.starts_with(project_prefix)) still[lease.substr(project_prefix.size())] = fence;
        }
        for (const auto& [project, fence] : held_) {
            if (!still.contains(project)) {
                HVS_LOG(log_, warning) << "lost the lease of project " << project
                                       << ": its writes stop here until it is claimed again";
            }
        }
        held_ = std::move(still);
    }
    loop_done_ = true;
    loop_ended_.cancel();
}

net::task<void> lease_keeper::finish() {
    if (!running_) co_return;
    running_ = false;
    timer_.cancel();
    auto job = [id = id_](store::database& db) { return store::release_replica(db, id); };
    auto released = co_await db_.run(std::move(job));
    if (!released) {
        HVS_LOG(log_, warning) << "releasing leases failed (they expire within LEASE_TTL): "
                               << released.error().describe();
    } else {
        HVS_LOG(log_, info) << "released every lease";
    }
    held_.clear();
    // The renewal loop ends at its next step (a renewal in flight finishes first): wait for it, so
    // nothing of this keeper outlives the call.
    if (!loop_done_) co_await loop_ended_.async_wait(net::use_nothrow);
}

}  // namespace hvs::service
