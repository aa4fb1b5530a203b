#pragma once
// Leases in the PostgreSQL store: one writer per project among replicas. A lease names its holder,
// lasts until an expiry on the database server's clock (so replicas' clocks do not matter), and
// carries a fence that grows each time the lease changes hands. Every write of a project checks,
// in its own transaction, that the writer still holds the lease with the fence it claimed
// (check_fence): a replica that lost a lease — paused past its expiry, cut off, killed and
// restarted — never writes for that project again until it claims it anew.
//
// PostgreSQL only (the SQL uses its clock); a SQLite store has one process and no leases.

#include "hvs/store/database.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hvs::store {

// What a write of a project carries: whose lease, by which fence.
struct write_fence {
    std::string lease;   // project:<ID> or control
    std::string holder;  // REPLICA_ID
    std::int64_t fence = 0;
};

[[nodiscard]] std::string project_lease(std::string_view project);
inline constexpr std::string_view control_lease = "control";

// Announces `replica` alive for `ttl` and returns every live replica's id, sorted (itself included).
result<std::vector<std::string>> heartbeat(database& db, const std::string& replica, std::chrono::milliseconds ttl);

// Claims `lease` for `holder` for `ttl` when it is free, expired or already the holder's; the
// fence to write with, or nullopt while another live holder has it.
result<std::optional<std::int64_t>> claim_lease(database& db, const std::string& lease, const std::string& holder,
                                                std::chrono::milliseconds ttl);

// Extends every unexpired lease of `holder` by `ttl`; returns those it still holds, with fences.
result<std::map<std::string, std::int64_t>> renew_leases(database& db, const std::string& holder,
                                                         std::chrono::milliseconds ttl);

// Ends `holder`'s lease now (its fence stays: the next holder's is larger).
result<void> release_lease(database& db, const std::string& lease, const std::string& holder);
// Ends every lease of `holder` and its replica entry (graceful stop): others take over at once.
result<void> release_replica(database& db, const std::string& holder);

// Inside a write's transaction: holds a share lock on the lease row until the transaction ends,
// so a takeover waits for the write and the new holder sees it. error_kind::lease_lost when the
// lease expired or another holder (or a later claim) has it.
result<void> check_fence(database& tx, const write_fence& fence);

// Who holds which lease (status, /health): holder and whether it is still valid.
struct lease_row {
    std::string name;
    std::string holder;
    std::int64_t fence = 0;
    bool valid = false;
};
result<std::vector<lease_row>> list_leases(database& db);

}  // namespace hvs::store
