#pragma once
// The database as one project's work sees it: the store's thread, and — when replicas share a
// PostgreSQL store — the project's lease. With a fence every job runs in a transaction that first
// checks the lease (store::check_fence), so a replica that lost the project writes nothing more;
// without one (SQLite, or work that is not a project's) jobs run as they are.

#include "hvs/store/db_worker.hpp"
#include "hvs/store/leases.hpp"

#include <optional>

namespace hvs::store {

class fenced_db {
public:
    fenced_db(db_worker& worker) : worker_(&worker) {}  // NOLINT: a worker is a database without a fence
    fenced_db(db_worker& worker, std::optional<write_fence> fence) : worker_(&worker), fence_(std::move(fence)) {}

    template <class F, class R = std::invoke_result_t<F, database&>>
    core::task<R> run(F fn) {
        if (!fence_) return worker_->run(std::move(fn));
        auto fenced = [fn = std::move(fn), fence = *fence_](database& db) mutable -> R {
            return db.transaction([&](database& tx) -> R {
                if (auto held = check_fence(tx, fence); !held) return held.error();
                return fn(tx);
            });
        };
        return worker_->run(std::move(fenced));
    }

    [[nodiscard]] db_worker& worker() const { return *worker_; }
    [[nodiscard]] const std::optional<write_fence>& fence() const { return fence_; }

private:
    db_worker* worker_;
    std::optional<write_fence> fence_;
};

}  // namespace hvs::store
