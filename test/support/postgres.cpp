#include "support/postgres.hpp"

#include <libpq-fe.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <stdexcept>

namespace hvs::test {

namespace {

const std::string postgres_server_script = std::string(HVS_SOURCE_DIR) + "/scripts/postgres-test-server.sh";

// Runs `postgres-test-server.sh ACTION DIR` and returns its output (stdout and stderr); throws
// std::runtime_error with that output when the script fails.
std::string run_postgres_server_script(const std::string& action, const std::string& dir) {
    const std::string command = "bash '" + postgres_server_script + "' " + action + " '" + dir + "' 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    if (!pipe) throw std::runtime_error("cannot run " + postgres_server_script);
    std::string output;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe.get())) output.append(buffer, n);
    const int status = pclose(pipe.release());
    if (status != 0) {
        const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        throw std::runtime_error("postgres-test-server.sh " + action + " " + dir + " failed (exit " +
                                 std::to_string(code) + "):\n" + output);
    }
    return output;
}

// The last non-empty line of the script's output: what `start` prints last is the admin URL.
std::string last_line_of(std::string text) {
    while (!text.empty() && text.back() == '\n') text.pop_back();
    const auto newline = text.rfind('\n');
    return newline == std::string::npos ? text : text.substr(newline + 1);
}

// A server this process starts in a fresh /tmp directory and stops when it exits (only this
// process: a forked child that exits leaves it alone).
class postgres_private_server {
public:
    postgres_private_server() : owner_(getpid()) {
        char dir_template[] = "/tmp/hvs-pg-XXXXXX";  // short: unix socket paths have ~107 bytes
        if (!mkdtemp(dir_template)) throw std::runtime_error("cannot create a directory for PostgreSQL under /tmp");
        dir_ = dir_template;
        try {
            url_ = last_line_of(run_postgres_server_script("start", dir_));
        } catch (...) {
            stop();
            throw;
        }
    }
    ~postgres_private_server() {
        if (getpid() == owner_) stop();
    }
    postgres_private_server(const postgres_private_server&) = delete;
    postgres_private_server& operator=(const postgres_private_server&) = delete;

    [[nodiscard]] const std::string& url() const { return url_; }

private:
    void stop() noexcept {
        try {
            run_postgres_server_script("stop", dir_);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "%s\n", e.what());
        }
    }

    pid_t owner_;
    std::string dir_;
    std::string url_;
};

// libpq's messages end with a newline.
std::string without_trailing_newline(std::string message) {
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    return message;
}

std::string unique_database_name() {
    static std::atomic<unsigned> counter{0};
    char random_hex[9];
    std::snprintf(random_hex, sizeof random_hex, "%08x", static_cast<unsigned>(std::random_device{}()));
    return "hvs_test_" + std::to_string(getpid()) + "_" + std::to_string(++counter) + "_" + random_hex;
}

}  // namespace

std::string postgres_test_server_url() {
    if (const char* url = std::getenv("HVS_TEST_POSTGRES_URL"); url && *url) return url;
    static const postgres_private_server server;  // started once, stopped at exit
    return server.url();
}

std::string fresh_postgres_database() { return fresh_postgres_database(postgres_test_server_url()); }

std::string fresh_postgres_database(const std::string& admin_url) {
    const std::string name = unique_database_name();
    // FILE_COPY copies template1's files instead of writing them through the WAL (PostgreSQL 15's
    // default): on this 2-core machine 200 databases, 8 at a time, took 14 s instead of 24 s.
    postgres_query(admin_url, "CREATE DATABASE " + name + " STRATEGY FILE_COPY");
    return postgres_url_with_database(admin_url, name);
}

std::string postgres_url_with_database(std::string_view url, std::string_view database) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) throw std::invalid_argument("not a postgresql:// URL");
    const auto authority_end = url.find_first_of("/?", scheme_end + 3);
    std::string result(url.substr(0, authority_end));
    result += '/';
    result += database;
    if (authority_end != std::string_view::npos) {
        if (const auto query = url.find('?', authority_end); query != std::string_view::npos) {
            result += url.substr(query);
        }
    }
    return result;
}

std::vector<std::vector<std::string>> postgres_query(const std::string& url, const std::string& sql) {
    std::unique_ptr<PGconn, void (*)(PGconn*)> connection(PQconnectdb(url.c_str()), PQfinish);
    if (!connection) throw std::runtime_error("PostgreSQL: out of memory");
    if (PQstatus(connection.get()) != CONNECTION_OK) {
        throw std::runtime_error("cannot connect to PostgreSQL: " +
                                 without_trailing_newline(PQerrorMessage(connection.get())));
    }
    std::unique_ptr<PGresult, void (*)(PGresult*)> result(PQexec(connection.get(), sql.c_str()), PQclear);
    const auto status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        throw std::runtime_error("PostgreSQL: " + without_trailing_newline(result
                                                                                ? PQresultErrorMessage(result.get())
                                                                                : PQerrorMessage(connection.get())));
    }
    std::vector<std::vector<std::string>> rows(static_cast<std::size_t>(PQntuples(result.get())));
    for (int row = 0; row < PQntuples(result.get()); ++row) {
        for (int column = 0; column < PQnfields(result.get()); ++column) {
            rows[static_cast<std::size_t>(row)].emplace_back(PQgetvalue(result.get(), row, column));
        }
    }
    return rows;
}

bool tests_use_postgres_store() {
    const char* store = std::getenv("HVS_TEST_STORE");
    if (!store || !*store || std::string_view(store) == "sqlite") return false;
    if (std::string_view(store) == "postgres") return true;
    throw std::invalid_argument(std::string("HVS_TEST_STORE: unknown '") + store + "' (sqlite or postgres)");
}

}  // namespace hvs::test
