#include "hvs/store/database.hpp"

#include "backend.hpp"

namespace hvs::store {

statement::statement() = default;
statement::statement(std::unique_ptr<statement_backend> backend) : backend_(std::move(backend)) {}
statement::statement(statement&&) noexcept = default;
statement& statement::operator=(statement&&) noexcept = default;
statement::~statement() = default;

statement& statement::bind(int index, std::string_view value) {
    backend_->bind_text(index, value);
    return *this;
}

statement& statement::bind(int index, std::int64_t value) {
    backend_->bind_integer(index, value);
    return *this;
}

statement& statement::bind(int index, std::nullptr_t) {
    backend_->bind_null(index);
    return *this;
}

statement& statement::bind(int index, const std::optional<std::string>& value) {
    return value ? bind(index, std::string_view(*value)) : bind(index, nullptr);
}

statement& statement::bind(int index, const std::optional<std::int64_t>& value) {
    return value ? bind(index, *value) : bind(index, nullptr);
}

result<bool> statement::step() { return backend_->step(); }

result<void> statement::run() {
    auto stepped = step();
    reset();
    if (!stepped) return stepped.error();
    return {};
}

void statement::reset() { backend_->reset(); }

bool statement::is_null(int column) const { return backend_->is_null(column); }
std::string statement::text(int column) const { return backend_->text(column); }

std::optional<std::string> statement::optional_text(int column) const {
    if (is_null(column)) return std::nullopt;
    return text(column);
}

std::int64_t statement::integer(int column) const { return backend_->integer(column); }

std::optional<std::int64_t> statement::optional_integer(int column) const {
    if (is_null(column)) return std::nullopt;
    return integer(column);
}

database::database(std::unique_ptr<connection_backend> backend, std::string where)
    : backend_(std::move(backend)), where_(std::move(where)) {}
database::database(database&&) noexcept = default;
database& database::operator=(database&&) noexcept = default;
database::~database() = default;

result<void> database::exec(std::string_view sql) { return backend_->exec(sql); }

result<statement> database::prepare(std::string_view sql) {
    auto prepared = backend_->prepare(sql);
    if (!prepared) return prepared.error();
    return statement(std::move(*prepared));
}

int database::changes() const { return backend_->changes(); }
engine database::kind() const { return backend_->kind(); }

namespace {
std::string savepoint_name(int depth) { return "hvs_savepoint_" + std::to_string(depth); }
}  // namespace

result<void> database::begin() {
    std::string sql;
    if (depth_ > 0) {
        sql = "SAVEPOINT " + savepoint_name(depth_);
    } else {
        // SQLite: take the write lock now, not at the first write (no deadlock between readers
        // that both want to write). PostgreSQL locks rows as they are written.
        sql = kind() == engine::sqlite ? "BEGIN IMMEDIATE" : "BEGIN";
    }
    if (auto begun = exec(sql); !begun) return begun;
    ++depth_;
    return {};
}

result<void> database::end(bool commit) {
    --depth_;
    if (depth_ > 0) {
        auto name = savepoint_name(depth_);
        result<void> released;
        if (commit) {
            released = exec("RELEASE SAVEPOINT " + name);
            if (released) return released;
        }
        auto undone = exec("ROLLBACK TO SAVEPOINT " + name);
        (void)exec("RELEASE SAVEPOINT " + name);
        return released ? undone : released;
    }
    if (commit) {
        auto committed = exec("COMMIT");
        if (committed) return committed;
        (void)exec("ROLLBACK");
        return committed;
    }
    return exec("ROLLBACK");
}

}  // namespace hvs::store
