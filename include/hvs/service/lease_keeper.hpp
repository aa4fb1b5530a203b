#pragma once
// A replica's leases in a shared PostgreSQL store (store/leases.hpp): at each cycle's start it
// announces itself, hands back the projects that now belong to another live replica and claims its
// own (lease_plan.hpp); while it runs (start … finish) it renews its announcement and its leases
// every third of LEASE_TTL; on a graceful stop it releases everything, so the others take over at
// their next cycle instead of after the TTL.

#include "hvs/core/log.hpp"
#include "hvs/net/async.hpp"
#include "hvs/store/db_worker.hpp"
#include "hvs/store/leases.hpp"

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hvs::service {

// What the last claim saw, for logs and /health.
struct lease_share {
    std::size_t live_replicas = 0;
    std::size_t projects = 0;          // in the cycle, every replica's
    std::size_t claimed = 0;           // held by this replica for the cycle
    std::size_t held_elsewhere = 0;    // this replica's by the plan, still held by another

    bool operator==(const lease_share&) const = default;
};

class lease_keeper {
public:
    lease_keeper(net::executor ex, store::db_worker& db, std::string replica_id, std::chrono::milliseconds ttl);

    // The fences of the projects this replica writes this cycle (others are left out). An error
    // when the store cannot be asked: the cycle then writes nothing. `every_project` (a full
    // poll): announces the replica, renews, hands back and claims its whole share; otherwise (a
    // cycle over changed projects) uses the leases it holds and claims only those of its share it
    // does not hold yet.
    net::task<result<std::map<std::string, store::write_fence>>> claim_projects(std::vector<std::string> projects,
                                                                                bool every_project = true);
    // True until a full poll has claimed this replica's whole share with the replicas now live:
    // before the first, while part of its share is still held by another replica, and after a
    // replica joined or left (seen at a claim or a renewal). Cycles over changed projects claim
    // only those, so the scheduler then polls at SYNC_INTERVAL, however quiet the change feeds.
    [[nodiscard]] bool wants_full_claim() const { return wants_full_claim_; }
    // The control agent's lease (its creation, its id in the store); nullopt: another replica's.
    net::task<result<std::optional<store::write_fence>>> claim_control();

    // Renews in the background from now until finish(); finish() releases every lease.
    void start();
    net::task<void> finish();

    [[nodiscard]] const std::string& replica_id() const { return id_; }
    [[nodiscard]] const lease_share& last_share() const { return share_; }

private:
    net::task<void> keep_alive();

    net::executor executor_;
    store::db_worker& db_;
    std::string id_;
    std::chrono::milliseconds ttl_;
    log::logger log_;
    boost::asio::steady_timer timer_;
    boost::asio::steady_timer loop_ended_;  // never expires: cancelled when the renewal loop ends
    bool running_ = false;
    bool loop_done_ = true;
    net::task<result<std::map<std::string, store::write_fence>>> claim_changed_projects(std::vector<std::string> projects);

    std::map<std::string, std::int64_t> held_;  // project -> fence of each lease this replica holds
    lease_share share_;
    bool wants_full_claim_ = true;
    std::vector<std::string> live_at_full_claim_;  // sorted
    void note_live(std::vector<std::string> live);
};

// REPLICA_ID, else host-pid.
[[nodiscard]] std::string default_replica_id();

}  // namespace hvs::service
