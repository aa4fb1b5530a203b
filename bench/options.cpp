#include "options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

namespace hvs::bench {
namespace {

std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : " ") + n;
    return out;
}

std::optional<double> positive_number(const std::string& text) {
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value) || value <= 0) return std::nullopt;
    return value;
}

}  // namespace

std::string usage(const std::vector<std::string>& known, const std::vector<std::string>& defaults) {
    return "usage: hvs-bench [--scenario NAME[,NAME...]]... [NAME...] [--scale F] [--legacy-equivalent]\n"
           "                 [--database-url URL] [--watcher-poll-ms MS] [--edits N] [--idle-window S] [--help]\n"
           "Runs the scenarios of docs/performance.md against the in-process simulators over loopback and\n"
           "prints one JSON object per scenario run. Exit status: 0 when every final state was right and no\n"
           "run had errors, 1 otherwise, 2 for bad arguments.\n"
           "  --scenario NAME      run this scenario (repeatable, or a comma list; names may also be given\n"
           "                       without the flag). Known: " + join(known) + "\n"
           "                       (s1-legacy = S1 with the original's pacing only). Default: " + join(defaults) + "\n"
           "  --scale F            multiply the scenarios' sizes (agents, tools, projects, issues) by F,\n"
           "                       at least 1 of each; e.g. 0.05 for a quick smoke run\n"
           "  --legacy-equivalent  for each scenario with an upstream rate, also run it with the original\n"
           "                       service's pacing (one worker, 5 requests/s, burst 1), printed after it\n"
           "  --database-url URL   the PostgreSQL server S7 creates its fresh database on (a URL whose user may\n"
           "                       CREATE DATABASE). Default: HVS_TEST_POSTGRES_URL, else a private server\n"
           "                       started with scripts/postgres-test-server.sh for this run\n"
           "  --watcher-poll-ms MS S8: huly-change-watcher's poll interval (default 1000)\n"
           "  --edits N            S8: how many single edits (default 200 x scale)\n"
           "  --idle-window S      S8: seconds of the measured idle window with the feeds on (default 20 x\n"
           "                       scale, at least 2)\n"
           "  --help               this text\n";
}

result<bench_options> parse_options(const std::vector<std::string>& args, const std::vector<std::string>& known,
                                    const std::set<std::string>& paced, const std::vector<std::string>& defaults) {
    bench_options out;
    std::vector<std::string> names;
    bool legacy_flag = false;
    auto take_names = [&](const std::string& list) -> result<void> {
        std::size_t start = 0;
        for (;;) {
            auto comma = list.find(',', start);
            std::string name = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (name != "s1-legacy" && std::find(known.begin(), known.end(), name) == known.end()) {
                return make_error(error_kind::invalid, "unknown scenario '" + name + "'; known: " + join(known) + " s1-legacy");
            }
            names.push_back(std::move(name));
            if (comma == std::string::npos) return {};
            start = comma + 1;
        }
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        auto value_of = [&](const std::string& flag) -> std::optional<std::string> {
            if (arg.starts_with(flag + "=")) return arg.substr(flag.size() + 1);
            if (arg == flag && i + 1 < args.size()) return args[++i];
            return std::nullopt;
        };
        if (arg == "--help" || arg == "-h") {
            out.help = true;
        } else if (arg == "--legacy-equivalent") {
            legacy_flag = true;
        } else if (arg == "--scenario" || arg.starts_with("--scenario=")) {
            auto list = value_of("--scenario");
            if (!list) return make_error(error_kind::invalid, "--scenario needs a scenario name");
            if (auto ok = take_names(*list); !ok) return ok.error();
        } else if (arg == "--scale" || arg.starts_with("--scale=")) {
            auto text = value_of("--scale");
            auto value = text ? positive_number(*text) : std::nullopt;
            if (!value) {
                return make_error(error_kind::invalid, "--scale needs a number greater than 0, got '" + text.value_or("") + "'");
            }
            out.scale = *value;
        } else if (arg == "--database-url" || arg.starts_with("--database-url=")) {
            auto url = value_of("--database-url");
            if (!url || url->empty()) return make_error(error_kind::invalid, "--database-url needs a postgresql:// URL");
            out.database_url = *url;
        } else if (arg == "--watcher-poll-ms" || arg.starts_with("--watcher-poll-ms=") || arg == "--edits" ||
                   arg.starts_with("--edits=")) {
            const std::string flag = arg.starts_with("--edits") ? "--edits" : "--watcher-poll-ms";
            auto text = value_of(flag);
            auto value = text ? positive_number(*text) : std::nullopt;
            if (!value || *value != std::floor(*value) || *value > 1e9) {
                return make_error(error_kind::invalid, flag + " needs a whole number greater than 0, got '" + text.value_or("") + "'");
            }
            if (flag == "--edits") {
                out.propagation.edits = static_cast<unsigned>(*value);
            } else {
                out.propagation.watcher_poll_ms = static_cast<unsigned>(*value);
            }
        } else if (arg == "--idle-window" || arg.starts_with("--idle-window=")) {
            auto text = value_of("--idle-window");
            auto value = text ? positive_number(*text) : std::nullopt;
            if (!value) {
                return make_error(error_kind::invalid, "--idle-window needs seconds greater than 0, got '" + text.value_or("") + "'");
            }
            out.propagation.idle_window_seconds = *value;
        } else if (arg.starts_with("-")) {
            return make_error(error_kind::invalid, "unknown option '" + arg + "' (see --help)");
        } else if (auto ok = take_names(arg); !ok) {
            return ok.error();
        }
    }
    if (names.empty()) names = defaults;
    for (const auto& name : names) {
        if (name == "s1-legacy") {
            out.legacy.insert("s1");
            continue;
        }
        out.service_paced.insert(name);
        if (legacy_flag && paced.contains(name)) out.legacy.insert(name);
    }
    return out;
}

}  // namespace hvs::bench
