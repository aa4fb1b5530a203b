// `huly-vibe-sync check`: proves the configuration, the local HTTP stack and each configured
// upstream's reachability, one line each.

#include "app/cli.hpp"

#include "hvs/huly/client.hpp"
#include "hvs/letta/client.hpp"
#include "hvs/net/http_client.hpp"
#include "hvs/net/http_server.hpp"
#include "hvs/vibe/client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <iostream>

namespace hvs::app {
namespace {

struct probe {
    std::string name;
    std::string url;          // as configured; empty = not configured
    std::string setting;      // the variable that configures it
    std::string health_path;  // absolute path of its health endpoint
};

std::string milliseconds_text(net::steady_clock::duration d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f ms", std::chrono::duration<double, std::milli>(d).count());
    return buf;
}

// One attempt, a short timeout: a check reports, it does not wait out an outage.
result<std::unique_ptr<net::http_client>> probe_client(net::executor ex, const net::base_url& where,
                                                       const std::string& name, const core::config& cfg,
                                                       net::rate_limiter& limiter) {
    net::client_params params;
    params.name = name;
    params.retry.max_attempts = 1;
    params.timeout = std::min(cfg.http_timeout, net::milliseconds{5000});
    params.tls = {cfg.tls_verify, cfg.tls_ca_file};
    return net::http_client::create(ex, where, params, limiter);
}

net::task<result<std::string>> probe_once(net::base_url where, std::string name, std::string path,
                                          core::config cfg) {
    net::rate_limiter limiter(0, 1);
    auto client = probe_client(co_await boost::asio::this_coro::executor, where, name, cfg, limiter);
    if (!client) co_return client.error();
    net::http_request req{net::http::verb::get, path, 11};
    auto started = net::steady_clock::now();
    auto res = co_await (*client)->send(std::move(req));
    if (!res) co_return res.error();
    std::string text = std::to_string(res->result_int()) + " in " + milliseconds_text(net::steady_clock::now() - started);
    if (name == "letta") {  // the profile found: which server version answers
        auto version = letta::decode_health_version(res->body());
        text += version ? "  Letta server " + *version : "  Letta server version not reported";
    }
    co_return text;
}

// "(local API: …)" for the Vibe line, from what GET /api/projects answers (its /api/health is OK on
// every generation); an error naming the cause and the versions that work on >= 0.1.15.
net::task<result<std::string>> vibe_generation_words(net::base_url where, core::config cfg) {
    net::rate_limiter limiter(0, 1);
    auto http = probe_client(co_await boost::asio::this_coro::executor, where, "vibe", cfg, limiter);
    if (!http) co_return http.error();
    vibe::client client(**http);
    auto generation = co_await client.detect_generation();
    if (!generation) co_return generation.error();
    if (*generation == vibe::api_generation::unusable) {
        co_return make_error(error_kind::invalid, vibe::unusable_vibe_message(cfg.vibe_api_url));
    }
    co_return "(local API: " + std::string(vibe::describe(*generation)) + ")";
}

// "; wrapper <generation>" for the Huly line (a harmless PATCH without fields, see huly::client).
net::task<std::string> huly_generation_text(net::base_url where, core::config cfg) {
    net::rate_limiter limiter(0, 1);
    auto http = probe_client(co_await boost::asio::this_coro::executor, where, "huly", cfg, limiter);
    if (!http) co_return "; wrapper generation unknown: " + http.error().describe();
    huly::client client(**http);
    auto generation = co_await client.probe_generation();
    co_return generation ? "; wrapper " + std::string(huly::describe(*generation))
                         : "; wrapper generation unknown: " + generation.error().describe();
}

// exit_ok, exit_failed (something unreachable or failing) or exit_usage (an upstream this
// service cannot work with).
net::task<int> run_checks(core::config cfg) {
    bool ok = true;
    bool usable = true;
    std::cout << "configuration   ok (" << core::settings().size() << " settings validated)\n";

    // The local stack: our server answers our client over loopback.
    net::http_server server(co_await boost::asio::this_coro::executor, {}, [](net::server_request) -> net::task<std::optional<net::server_response>> {
        net::server_response res{net::http::status::ok, 11};
        res.body() = "ok";
        co_return res;
    });
    auto port = server.listen("127.0.0.1", 0);
    if (!port) {
        std::cout << "local http      FAILED " << port.error().describe() << "\n";
        co_return exit_failed;
    }
    auto local = net::parse_base_url("http://127.0.0.1:" + std::to_string(*port));
    auto round_trip = co_await probe_once(*local, "local", "/", cfg);
    std::cout << "local http      " << (round_trip ? "ok  " + *round_trip : "FAILED " + round_trip.error().describe())
              << "\n";
    ok = ok && round_trip.has_value();
    server.stop();

    std::string letta_root = core::letta_root_url(cfg.letta_base_url);
    const probe probes[] = {
        {"huly", cfg.huly_api_url, "HULY_API_URL", "/health"},
        {"vibe", cfg.vibe_api_url, "VIBE_API_URL", "/health"},
        {"letta", letta_root, "LETTA_BASE_URL", "/v1/health/"},
    };
    for (const auto& p : probes) {
        std::string label = p.name + std::string(16 - p.name.size(), ' ');
        if (p.url.empty()) {
            std::cout << label << "not configured (" << p.setting << ")\n";
            continue;
        }
        auto where = net::parse_base_url(p.url);
        if (!where) {
            std::cout << label << "FAILED " << where.error().describe() << "\n";
            ok = false;
            continue;
        }
        // Huly's health sits at the server root; Vibe's under its /api base; Letta's under /v1.
        std::string path = p.name == "vibe" ? where->path + p.health_path : p.health_path;
        auto outcome = co_await probe_once(*where, p.name, path, cfg);
        if (outcome && p.name == "vibe") {
            auto words = co_await vibe_generation_words(*where, cfg);
            if (words) {
                *outcome += "  " + *words;
            } else {
                usable = usable && words.error().kind != error_kind::invalid;
                outcome = words.error();
            }
        }
        if (outcome && p.name == "huly") {
            auto generation = co_await huly_generation_text(*where, cfg);
            *outcome += generation;
        }
        std::cout << label << (outcome ? "ok  " + where->where.to_string() + path + "  " + *outcome
                                       : "FAILED " + outcome.error().describe())
                  << "\n";
        ok = ok && outcome.has_value();
    }
    if (!usable) co_return exit_usage;
    co_return ok ? exit_ok : exit_failed;
}

}  // namespace

int check_command(const core::config& cfg, const std::vector<std::string>& args) {
    if (!args.empty()) {
        std::cerr << "huly-vibe-sync check: unknown argument '" << args.front() << "'\n";
        return exit_usage;
    }
    boost::asio::io_context ioc;
    int status = exit_failed;
    boost::asio::co_spawn(ioc, run_checks(cfg), [&](std::exception_ptr e, int result) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                std::cerr << "check failed: " << ex.what() << "\n";
            }
        }
        status = e ? exit_failed : result;
    });
    ioc.run();
    return status;
}

}  // namespace hvs::app
