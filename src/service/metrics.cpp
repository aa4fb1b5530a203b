#include "hvs/service/metrics.hpp"

#include "hvs/agents/pm_agent.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <unistd.h>

namespace hvs::service {
namespace {

using std::chrono::duration;
using std::chrono::system_clock;

std::string label_escape(std::string_view v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

// Shortest text that reads back as the same double (0.1 is "0.1", not "0.10000000000000001":
// Prometheus matches `le` labels as text), with Prometheus's spellings of the special values.
std::string number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char text[32];
    auto written = std::to_chars(text, text + sizeof text, v);
    return std::string(text, written.ptr);
}

double seconds_since_epoch(const std::optional<system_clock::time_point>& at) {
    return at ? duration<double>(at->time_since_epoch()).count() : 0.0;
}

// Appends families to the exposition text: a family's HELP and TYPE, then its samples.
class metrics_text {
public:
    void family(std::string_view name, std::string_view type, std::string_view help) {
        text_ += "# HELP " + std::string(name) + " " + std::string(help) + "\n# TYPE " + std::string(name) + " " +
                 std::string(type) + "\n";
    }
    void sample(std::string_view name, const std::string& labels, double value) {
        text_ += std::string(name) + (labels.empty() ? "" : "{" + labels + "}") + " " + number(value) + "\n";
    }
    // A histogram's cumulative buckets, sum and count; `labels` come before `le`.
    template <std::size_t N>
    void histogram(std::string_view name, const std::string& labels, const core::histogram<N>& h) {
        const std::string prefix = labels.empty() ? "" : labels + ",";
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < h.bounds.size(); ++i) {
            cumulative += h.counts[i];
            sample(std::string(name) + "_bucket", prefix + "le=\"" + number(h.bounds[i]) + "\"",
                   static_cast<double>(cumulative));
        }
        cumulative += h.counts.back();
        sample(std::string(name) + "_bucket", prefix + "le=\"+Inf\"", static_cast<double>(cumulative));
        sample(std::string(name) + "_sum", labels, h.sum);
        sample(std::string(name) + "_count", labels, static_cast<double>(cumulative));
    }
    // One family with a sample per item, labelled `label`="name of the item".
    template <class Items, class Value>
    void per_item(std::string_view name, std::string_view type, std::string_view help, const Items& items,
                  std::string_view label, Value value) {
        family(name, type, help);
        for (const auto& item : items) sample(name, std::string(label) + "=\"" + label_escape(item.name) + "\"", value(item));
    }
    [[nodiscard]] std::string take() { return std::move(text_); }

private:
    std::string text_;
};

void write_process(metrics_text& m, health_status health) {
    m.family("hvs_up", "gauge", "1 while the service runs; health: 0 healthy, 1 degraded, 2 unhealthy in hvs_health");
    m.sample("hvs_up", "", 1);
    m.family("hvs_health", "gauge", "0 healthy, 1 degraded, 2 unhealthy");
    m.sample("hvs_health", "", static_cast<double>(health));
    m.family("hvs_build_info", "gauge", "Always 1; the version of the running binary in its label");
    m.sample("hvs_build_info", "version=\"" + label_escape(HVS_VERSION) + "\"", 1);
    m.family("hvs_resident_memory_bytes", "gauge", "Resident set size");
    m.sample("hvs_resident_memory_bytes", "", static_cast<double>(resident_memory_bytes()));
}

void write_cycles(metrics_text& m, const service_status& s) {
    m.family("hvs_cycles_total", "counter", "Sync cycles by outcome");
    for (const char* outcome : {"ok", "partial", "failed", "timeout", "interrupted"}) {
        auto it = s.cycles_by_outcome.find(outcome);
        m.sample("hvs_cycles_total", "outcome=\"" + std::string(outcome) + "\"",
                 static_cast<double>(it == s.cycles_by_outcome.end() ? 0 : it->second));
    }
    m.family("hvs_cycles_by_kind_total", "counter",
             "Sync cycles by kind: full_poll (every project) or changes (the projects the feeds or a trigger named)");
    m.sample("hvs_cycles_by_kind_total", "kind=\"full_poll\"", static_cast<double>(s.full_polls));
    m.sample("hvs_cycles_by_kind_total", "kind=\"changes\"", static_cast<double>(s.change_syncs));
    m.family("hvs_cycle_duration_seconds", "histogram", "Duration of sync cycles");
    m.histogram("hvs_cycle_duration_seconds", "", s.durations);
    m.family("hvs_last_success_timestamp_seconds", "gauge",
             "When the last cycle in which every project succeeded ended (0: none since the start)");
    m.sample("hvs_last_success_timestamp_seconds", "", seconds_since_epoch(s.last_success));
    m.family("hvs_poll_interval_seconds", "gauge",
             "The pause between full polls now: SYNC_INTERVAL_WITH_EVENTS while both change feeds are connected, else SYNC_INTERVAL");
    m.sample("hvs_poll_interval_seconds", "", duration<double>(s.poll_interval).count());
    m.family("hvs_propagation_seconds", "histogram",
             "From a change's time, or its arrival, to the end of the project's sync that wrote it to the other side");
    m.histogram("hvs_propagation_seconds", "", s.propagation);
}

void write_sync_totals(metrics_text& m, const service_status& s) {
    m.family("hvs_writes_total", "counter", "Writes confirmed by the upstreams, by kind");
    m.sample("hvs_writes_total", "kind=\"task_created\"", static_cast<double>(s.tasks_created));
    m.sample("hvs_writes_total", "kind=\"task_updated\"", static_cast<double>(s.tasks_updated));
    m.sample("hvs_writes_total", "kind=\"issue_updated\"", static_cast<double>(s.issues_updated));
    m.family("hvs_conflicts_total", "counter", "Fields changed on both sides since the last sync");
    m.sample("hvs_conflicts_total", "", static_cast<double>(s.conflicts));
    m.family("hvs_projects_failing", "gauge", "Projects that failed in the last cycle");
    m.sample("hvs_projects_failing", "", static_cast<double>(s.failing_projects.size()));
    m.family("hvs_duplicate_tasks", "gauge",
             "Vibe tasks carrying the marker of an issue another task carries too (repair duplicates removes them)");
    double duplicates = 0;
    for (const auto& [project, n] : s.duplicate_tasks) duplicates += n;
    m.sample("hvs_duplicate_tasks", "", duplicates);
}

std::string_view agent_metric_help(std::string_view family) {
    if (family == "hvs_letta_writes_total") return "Writes Letta confirmed for PM agents, by kind";
    if (family == "hvs_agent_drift_total") return "Differences between a PM agent and what Letta holds, found and repaired";
    return "PM agent work";
}

void write_agents(metrics_text& m, const service_status& s) {
    // One series, not one per project: labels stay bounded with thousands of projects (/health
    // and the history name the projects).
    m.family("hvs_agent_failures_total", "counter", "Projects whose PM agent work failed, summed over cycles");
    m.sample("hvs_agent_failures_total", "", static_cast<double>(s.agent_failures));
    // Every count of agents::agent_counts, summed over projects and cycles (no project label).
    std::string_view family;
    for (const auto& count : agents::agent_counts(agents::agent_outcome{})) {
        if (count.metric != family) {
            family = count.metric;
            m.family(family, "counter", agent_metric_help(family));
        }
        auto total = s.agent_work.find(count.name);
        m.sample(count.metric, std::string(count.label),
                 total == s.agent_work.end() ? 0.0 : static_cast<double>(total->second));
    }
}

void write_replicas(metrics_text& m, const service_status& s) {
    if (s.replica_id.empty()) return;
    m.family("hvs_replicas_live", "gauge", "Replicas sharing the PostgreSQL store, as this one last saw them");
    m.sample("hvs_replicas_live", "", s.leases ? static_cast<double>(s.leases->live_replicas) : 0.0);
    m.family("hvs_projects_leased", "gauge", "Projects whose lease this replica held in its last cycle");
    m.sample("hvs_projects_leased", "", s.leases ? static_cast<double>(s.leases->claimed) : 0.0);
}

void write_upstream_calls(metrics_text& m, const std::vector<upstream_view>& upstreams) {
    m.family("hvs_upstream_requests_total", "counter", "Requests answered by each upstream, by HTTP status");
    for (const auto& u : upstreams) {
        for (const auto& [code, n] : u.client.by_status) {
            m.sample("hvs_upstream_requests_total",
                     "upstream=\"" + label_escape(u.name) + "\",status=\"" + std::to_string(code) + "\"",
                     static_cast<double>(n));
        }
    }
    m.family("hvs_upstream_errors_total", "counter", "Failed upstream calls by error kind");
    for (const auto& u : upstreams) {
        for (const auto& [kind, n] : u.client.errors) {
            m.sample("hvs_upstream_errors_total", "upstream=\"" + label_escape(u.name) + "\",kind=\"" + kind + "\"",
                     static_cast<double>(n));
        }
    }
    m.family("hvs_upstream_request_duration_seconds", "histogram",
             "Duration of each call to an upstream, retries and waits included");
    for (const auto& u : upstreams) {
        m.histogram("hvs_upstream_request_duration_seconds", "upstream=\"" + label_escape(u.name) + "\"",
                    u.client.durations);
    }
    auto per_upstream = [&](std::string_view name, std::string_view type, std::string_view help, auto value) {
        m.per_item(name, type, help, upstreams, "upstream", value);
    };
    per_upstream("hvs_upstream_calls_total", "counter", "Calls to each upstream", [](const upstream_view& u) {
        return static_cast<double>(u.client.requests);
    });
    per_upstream("hvs_upstream_retries_total", "counter", "Retried attempts", [](const upstream_view& u) {
        return static_cast<double>(u.client.retries);
    });
    per_upstream("hvs_upstream_rate_limited_total", "counter", "429 answers", [](const upstream_view& u) {
        return static_cast<double>(u.client.rate_limited);
    });
    per_upstream("hvs_upstream_latency_seconds_total", "counter", "Total time spent in completed calls",
                 [](const upstream_view& u) { return u.client.latency_seconds; });
    per_upstream("hvs_upstream_breaker_open", "gauge", "1 while the circuit breaker is not closed",
                 [](const upstream_view& u) { return u.client.breaker_state == "closed" ? 0.0 : 1.0; });
}

void write_upstream_capacity(metrics_text& m, const std::vector<upstream_view>& upstreams) {
    auto per_upstream = [&](std::string_view name, std::string_view type, std::string_view help, auto value) {
        m.per_item(name, type, help, upstreams, "upstream", value);
    };
    per_upstream("hvs_pool_connections_open", "gauge", "Open connections", [](const upstream_view& u) {
        return static_cast<double>(u.pool.open);
    });
    per_upstream("hvs_pool_connections_idle", "gauge", "Idle keep-alive connections", [](const upstream_view& u) {
        return static_cast<double>(u.pool.idle);
    });
    per_upstream("hvs_pool_waiting", "gauge", "Callers waiting for a connection", [](const upstream_view& u) {
        return static_cast<double>(u.pool.waiting);
    });
    per_upstream("hvs_limiter_tokens", "gauge", "Tokens available in the rate limiter", [](const upstream_view& u) {
        return u.limiter.tokens;
    });
    per_upstream("hvs_limiter_waits_total", "counter", "Requests that waited for a token", [](const upstream_view& u) {
        return static_cast<double>(u.limiter.waits);
    });
    per_upstream("hvs_limiter_waiting", "gauge", "Requests waiting for a token now", [](const upstream_view& u) {
        return static_cast<double>(u.limiter.waiting);
    });
}

void write_feeds(metrics_text& m, const std::vector<feed_view>& feeds) {
    auto per_feed = [&](std::string_view name, std::string_view type, std::string_view help, auto value) {
        m.per_item(name, type, help, feeds, "feed", value);
    };
    per_feed("hvs_feed_connected", "gauge", "1 while the change feed's stream is open", [](const feed_view& f) {
        return f.stats.connected ? 1.0 : 0.0;
    });
    per_feed("hvs_feed_events_total", "counter", "Events the change feed received", [](const feed_view& f) {
        return static_cast<double>(f.stats.events);
    });
    per_feed("hvs_feed_reconnects_total", "counter", "Connection attempts after the first", [](const feed_view& f) {
        return static_cast<double>(f.stats.reconnects);
    });
    per_feed("hvs_feed_resyncs_total", "counter",
             "Full polls the change feed asked for: each connect (what happened while it was closed is unknown) and each lost or unreadable event",
             [](const feed_view& f) { return static_cast<double>(f.stats.resyncs); });
    per_feed("hvs_feed_last_event_timestamp_seconds", "gauge", "When the change feed's last event arrived (0: none yet)",
             [](const feed_view& f) { return seconds_since_epoch(f.stats.last_event); });
}

}  // namespace

std::int64_t resident_memory_bytes() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    if (!(statm >> pages >> resident)) return 0;
    return static_cast<std::int64_t>(resident) * sysconf(_SC_PAGESIZE);
}

std::string render_metrics(const service_status& status, const std::vector<upstream_view>& upstreams,
                           const std::vector<feed_view>& feeds, health_status health) {
    metrics_text m;
    write_process(m, health);
    write_cycles(m, status);
    write_sync_totals(m, status);
    write_agents(m, status);
    write_replicas(m, status);
    write_upstream_calls(m, upstreams);
    write_upstream_capacity(m, upstreams);
    write_feeds(m, feeds);
    return m.take();
}

}  // namespace hvs::service
