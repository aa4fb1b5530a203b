#include "hvs/store/leases.hpp"

namespace hvs::store {
namespace {

// Milliseconds since the epoch on the server's clock (clock_timestamp moves within a transaction).
constexpr std::string_view server_now_ms = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

std::string with_now(std::string_view sql) {
    std::string out;
    for (std::size_t at = 0;;) {
        auto next = sql.find("NOW_MS", at);
        out.append(sql.substr(at, next - at));
        if (next == std::string_view::npos) return out;
        out.append(server_now_ms);
        at = next + 6;
    }
}

}  // namespace

std::string project_lease(std::string_view project) { return "project:" + std::string(project); }

result<std::vector<std::string>> heartbeat(database& db, const std::string& replica, std::chrono::milliseconds ttl) {
    auto announce = db.prepare(with_now(
        "INSERT INTO replicas (id, expires_at_ms) VALUES (?1, NOW_MS + ?2) "
        "ON CONFLICT (id) DO UPDATE SET expires_at_ms = excluded.expires_at_ms"));
    if (!announce) return announce.error();
    if (auto done = announce->bind(1, replica).bind(2, static_cast<std::int64_t>(ttl.count())).run(); !done) {
        return done.error();
    }
    auto live = db.prepare(with_now("SELECT id FROM replicas WHERE expires_at_ms > NOW_MS ORDER BY id"));
    if (!live) return live.error();
    std::vector<std::string> ids;
    for (;;) {
        auto row = live->step();
        if (!row) return row.error();
        if (!*row) break;
        ids.push_back(live->text(0));
    }
    return ids;
}

result<std::optional<std::int64_t>> claim_lease(database& db, const std::string& lease, const std::string& holder,
                                                std::chrono::milliseconds ttl) {
    // A holder renewing its own lease keeps the fence; a lease changing hands gets a larger one.
    auto claim = db.prepare(with_now(
        "INSERT INTO leases (name, holder, fence, expires_at_ms) VALUES (?1, ?2, 1, NOW_MS + ?3) "
        "ON CONFLICT (name) DO UPDATE SET "
        "fence = CASE WHEN leases.holder = excluded.holder THEN leases.fence ELSE leases.fence + 1 END, "
        "holder = excluded.holder, expires_at_ms = excluded.expires_at_ms "
        "WHERE leases.holder = excluded.holder OR leases.expires_at_ms <= NOW_MS "
        "RETURNING fence"));
    if (!claim) return claim.error();
    claim->bind(1, lease).bind(2, holder).bind(3, static_cast<std::int64_t>(ttl.count()));
    auto row = claim->step();
    if (!row) return row.error();
    if (!*row) return std::optional<std::int64_t>{};
    return std::optional<std::int64_t>(claim->integer(0));
}

result<std::map<std::string, std::int64_t>> renew_leases(database& db, const std::string& holder,
                                                         std::chrono::milliseconds ttl) {
    auto renew = db.prepare(with_now(
        "UPDATE leases SET expires_at_ms = NOW_MS + ?2 WHERE holder = ?1 AND expires_at_ms > NOW_MS "
        "RETURNING name, fence"));
    if (!renew) return renew.error();
    renew->bind(1, holder).bind(2, static_cast<std::int64_t>(ttl.count()));
    std::map<std::string, std::int64_t> held;
    for (;;) {
        auto row = renew->step();
        if (!row) return row.error();
        if (!*row) break;
        held[renew->text(0)] = renew->integer(1);
    }
    return held;
}

result<void> release_lease(database& db, const std::string& lease, const std::string& holder) {
    auto release = db.prepare("UPDATE leases SET expires_at_ms = 0 WHERE name = ?1 AND holder = ?2");
    if (!release) return release.error();
    return release->bind(1, lease).bind(2, holder).run();
}

result<void> release_replica(database& db, const std::string& holder) {
    return db.transaction([&](database& tx) -> result<void> {
        auto leases = tx.prepare("UPDATE leases SET expires_at_ms = 0 WHERE holder = ?1");
        if (!leases) return leases.error();
        if (auto done = leases->bind(1, holder).run(); !done) return done;
        auto replica = tx.prepare("DELETE FROM replicas WHERE id = ?1");
        if (!replica) return replica.error();
        return replica->bind(1, holder).run();
    });
}

result<void> check_fence(database& tx, const write_fence& fence) {
    auto held = tx.prepare(with_now(
        "SELECT holder, fence, expires_at_ms > NOW_MS FROM leases WHERE name = ?1 FOR SHARE"));
    if (!held) return held.error();
    auto row = held->bind(1, fence.lease).step();
    if (!row) return row.error();
    if (!*row) return make_error(error_kind::lease_lost, "no lease '" + fence.lease + "' in the store");
    const auto holder = held->text(0);
    const auto current = held->integer(1);
    if (holder != fence.holder || current != fence.fence) {
        return make_error(error_kind::lease_lost, "lease '" + fence.lease + "' is now held by " + holder + " (fence " +
                                                      std::to_string(current) + "); this replica's fence " +
                                                      std::to_string(fence.fence) + " is stale");
    }
    if (held->text(2) != "t") {
        return make_error(error_kind::lease_lost, "lease '" + fence.lease + "' expired before this write");
    }
    return {};
}

result<std::vector<lease_row>> list_leases(database& db) {
    auto s = db.prepare(with_now("SELECT name, holder, fence, expires_at_ms > NOW_MS FROM leases ORDER BY name"));
    if (!s) return s.error();
    std::vector<lease_row> rows;
    for (;;) {
        auto row = s->step();
        if (!row) return row.error();
        if (!*row) break;
        rows.push_back({s->text(0), s->text(1), s->integer(2), s->text(3) == "t"});
    }
    return rows;
}

}  // namespace hvs::store
