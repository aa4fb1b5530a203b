// The PostgreSQL engine behind store::database: a server replicas share (leases keep one writer per
// project). Blocking libpq calls on the store's own thread, as SQLite's are (store/db_worker.hpp):
// one connection per process, statements short, and the coroutines never wait on a socket of the
// database on the I/O thread. Parameters travel as text, results come back as text.

#include "backend.hpp"

#include "hvs/store/open.hpp"
#include "hvs/store/postgres_sql.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <vector>

namespace hvs::store {
namespace {

struct result_deleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using pg_result = std::unique_ptr<PGresult, result_deleter>;

std::string trimmed(const char* message) {
    std::string text = message ? message : "";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

}  // namespace

std::string describe_postgres_target(const std::string& url) {
    char* problem = nullptr;
    PQconninfoOption* options = PQconninfoParse(url.c_str(), &problem);
    if (!options) {
        PQfreemem(problem);
        return "postgresql (unparsable connection string)";
    }
    std::string user, host, port, dbname;
    for (auto* o = options; o->keyword; ++o) {
        std::string_view key = o->keyword;
        std::string value = o->val ? o->val : "";
        if (key == "user") user = value;
        if (key == "host") host = value;
        if (key == "port") port = value;
        if (key == "dbname") dbname = value;
    }
    PQconninfoFree(options);
    std::string where = "postgresql://";
    if (!user.empty()) where += user + "@";
    where += host.empty() ? "localhost" : host;
    if (!port.empty()) where += ":" + port;
    return where + "/" + dbname;
}

namespace {

class postgres_connection;

class postgres_statement final : public statement_backend {
public:
    postgres_statement(postgres_connection& connection, std::string sql) : connection_(connection), sql_(std::move(sql)) {}

    void bind_text(int index, std::string_view value) override { slot(index) = std::string(value); }
    void bind_integer(int index, std::int64_t value) override { slot(index) = std::to_string(value); }
    void bind_null(int index) override { slot(index).reset(); }

    result<bool> step() override;

    void reset() override {
        result_.reset();
        row_ = -1;
        parameters_.clear();
    }

    [[nodiscard]] bool is_null(int column) const override { return PQgetisnull(result_.get(), row_, column) == 1; }

    [[nodiscard]] std::string text(int column) const override {
        const char* value = PQgetvalue(result_.get(), row_, column);
        return std::string(value, static_cast<std::size_t>(PQgetlength(result_.get(), row_, column)));
    }

    [[nodiscard]] std::int64_t integer(int column) const override {
        const char* value = PQgetvalue(result_.get(), row_, column);
        std::int64_t n = 0;
        auto size = static_cast<std::size_t>(PQgetlength(result_.get(), row_, column));
        std::from_chars(value, value + size, n);
        return n;
    }

private:
    std::optional<std::string>& slot(int index) {
        auto at = static_cast<std::size_t>(index - 1);
        if (parameters_.size() <= at) parameters_.resize(at + 1);
        return parameters_[at];
    }

    postgres_connection& connection_;
    std::string sql_;
    std::vector<std::optional<std::string>> parameters_;
    pg_result result_;
    int row_ = -1;
};

class postgres_connection final : public connection_backend {
public:
    postgres_connection(PGconn* conn, std::string where) : conn_(conn), where_(std::move(where)) {}
    ~postgres_connection() override { PQfinish(conn_); }
    postgres_connection(const postgres_connection&) = delete;
    postgres_connection& operator=(const postgres_connection&) = delete;

    result<void> exec(std::string_view sql) override {
        if (auto ready = reconnect_if_lost(); !ready) return ready;
        std::string text(sql);
        pg_result r(PQexec(conn_, text.c_str()));
        return check(r.get(), sql);
    }

    result<std::unique_ptr<statement_backend>> prepare(std::string_view sql) override {
        return std::unique_ptr<statement_backend>(std::make_unique<postgres_statement>(*this, postgres_parameters(sql)));
    }

    [[nodiscard]] int changes() const override { return changes_; }
    [[nodiscard]] engine kind() const override { return engine::postgres; }

    // Runs one statement with its parameters; the result (rows or none) on success.
    result<pg_result> run(const std::string& sql, const std::vector<std::optional<std::string>>& parameters) {
        if (auto ready = reconnect_if_lost(); !ready) return ready.error();
        std::vector<const char*> values;
        values.reserve(parameters.size());
        for (const auto& p : parameters) values.push_back(p ? p->c_str() : nullptr);
        pg_result r(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                                 nullptr, 0));
        if (auto ok = check(r.get(), sql); !ok) return ok.error();
        return r;
    }

private:
    // A connection the server dropped (restart, failover) is re-opened before the next statement;
    // a transaction it was in is lost, and its statements failed, so nothing half-done is committed.
    result<void> reconnect_if_lost() {
        if (PQstatus(conn_) == CONNECTION_OK) return {};
        PQreset(conn_);
        if (PQstatus(conn_) == CONNECTION_OK) return {};
        return make_error(error_kind::io, "PostgreSQL " + where_ + " unreachable: " + trimmed(PQerrorMessage(conn_)));
    }

    result<void> check(PGresult* r, std::string_view sql) {
        auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
            const char* affected = PQcmdTuples(r);
            changes_ = affected && *affected ? std::atoi(affected) : 0;
            // COMMIT of a transaction a failed statement aborted answers "ROLLBACK", not an error.
            if (std::string_view(PQcmdStatus(r)) == "ROLLBACK" && sql.starts_with("COMMIT")) {
                return make_error(error_kind::io, "PostgreSQL rolled the transaction back instead of committing it");
            }
            return {};
        }
        std::string message = r ? trimmed(PQresultErrorMessage(r)) : trimmed(PQerrorMessage(conn_));
        if (message.empty()) message = trimmed(PQerrorMessage(conn_));
        return make_error(error_kind::io, "PostgreSQL: " + message);
    }

    PGconn* conn_;
    std::string where_;
    int changes_ = 0;
};

result<bool> postgres_statement::step() {
    if (!result_) {
        auto ran = connection_.run(sql_, parameters_);
        if (!ran) return ran.error();
        result_ = std::move(*ran);
        row_ = -1;
    }
    ++row_;
    return row_ < PQntuples(result_.get());
}

void ignore_notice(void*, const char*) {}

}  // namespace

result<database> database::open_postgres(const std::string& url) {
    auto where = describe_postgres_target(url);
    // The URL's own settings win over these defaults (expand_dbname: later values override).
    const char* keywords[] = {"connect_timeout", "application_name", "dbname", nullptr};
    const char* values[] = {"10", "huly-vibe-sync", url.c_str(), nullptr};
    PGconn* conn = PQconnectdbParams(keywords, values, 1);
    if (!conn) return make_error(error_kind::io, "cannot connect to " + where + ": out of memory");
    auto connection = std::make_unique<postgres_connection>(conn, where);
    if (PQstatus(conn) != CONNECTION_OK) {
        return make_error(error_kind::io, "cannot connect to " + where + ": " + trimmed(PQerrorMessage(conn)));
    }
    PQsetNoticeProcessor(conn, ignore_notice, nullptr);
    database db(std::move(connection), where);
    if (auto set = db.exec("SET TIME ZONE 'UTC'"); !set) {
        return make_error(error_kind::io, "cannot use " + where + ": " + set.error().message);
    }
    return db;
}

}  // namespace hvs::store
