#include "hvs/sim/huly_watcher_simulator.hpp"

#include "hvs/net/http_client.hpp"
#include "hvs/net/rate_limiter.hpp"
#include "hvs/sim/http_util.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/asio/this_coro.hpp>

#include <algorithm>

namespace hvs::sim {
namespace {

namespace watcher_http = boost::beast::http;
namespace watcher_json = boost::json;

// index.js checkForChanges: `LIMIT 100` on the task table, `LIMIT 50` on projects.
constexpr std::size_t task_rows_per_poll = 100;
constexpr std::size_t project_rows_per_poll = 50;
constexpr std::string_view connected_frame = "data: {\"connected\": true}\n\n";

// A JSON answer as Node's res.writeHead(code, {'Content-Type': 'application/json'}) + JSON.stringify.
response node_json(status code, const watcher_json::value& body) { return json_response(code, body); }

std::string path_of(const request& req) { return std::string(req.target()); }  // index.js compares req.url whole

// The Huly references a row of CockroachDB holds; the simulated Huly has names only.
std::string status_reference(std::string_view name) {
    std::string ref = "tracker:status:";
    for (char c : name) {
        if (c != ' ') ref.push_back(c);
    }
    return ref;
}

// JSON.stringify(x, null, 2) for the small objects /stats answers (flat: numbers and booleans).
std::string pretty(const watcher_json::object& o) {
    std::string out = "{";
    bool first = true;
    for (const auto& [key, value] : o) {
        out += first ? "\n  " : ",\n  ";
        first = false;
        out += watcher_json::serialize(watcher_json::value(key)) + ": " + watcher_json::serialize(value);
    }
    return out + (first ? "}" : "\n}");
}

struct change_row {
    std::int64_t modified_on = 0;
    watcher_json::object event;
};

}  // namespace

huly_watcher_simulator::huly_watcher_simulator(const simulator& huly, huly_watcher_options options)
    : huly_(huly), options_(std::move(options)) {
    restart();
}

std::int64_t huly_watcher_simulator::now_ms() const {
    const auto now = options_.clock ? options_.clock() : std::chrono::system_clock::now();
    return std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
}

void huly_watcher_simulator::restart() {
    streams_.close_all();
    webhooks_.clear();
    for (const auto& url : options_.webhook_urls) {
        if (std::find(webhooks_.begin(), webhooks_.end(), url) == webhooks_.end()) webhooks_.push_back(url);
    }
    last_checked_ = now_ms();  // constructor: `this.lastChecked = Date.now()`
    stats_ = {};
}

std::string huly_watcher_simulator::route_of(const request& req) const {
    const std::string path = path_of(req);
    const auto method = req.method();
    if (path == "/health" || path == "/events" || path == "/stats") return std::string(method == watcher_http::verb::get ? "GET " : "ANY ") + path;
    if ((path == "/subscribe" || path == "/unsubscribe") && method == watcher_http::verb::post) return "POST " + path;
    if (path == "/subscribers" && method == watcher_http::verb::get) return "GET /subscribers";
    return "unmatched";
}

std::shared_ptr<event_stream> huly_watcher_simulator::open_stream(const request& req) {
    if (path_of(req) != "/events") return nullptr;
    response head{status::ok, 11};
    head.set(watcher_http::field::content_type, "text/event-stream");
    head.set(watcher_http::field::cache_control, "no-cache");
    head.set(watcher_http::field::connection, "keep-alive");
    auto stream = streams_.subscribe(std::move(head), 0);  // res.write buffers without bound
    stream->push(std::string(connected_frame));
    return stream;
}

watcher_json::object huly_watcher_simulator::stats_json() const {
    return {{"checksPerformed", stats_.checks_performed},
            {"changesDetected", stats_.changes_detected},
            {"webhooksSent", stats_.webhooks_sent},
            {"errors", stats_.errors},
            {"sseSubscriberCount", streams_.subscribers()},
            {"webhookSubscriberCount", webhooks_.size()},
            {"lastChecked", last_checked_},
            {"isRunning", true}};
}

response huly_watcher_simulator::handle(const request& req) {
    const std::string path = path_of(req);
    if (path == "/health") {
        watcher_json::object body{{"status", "ok"}};
        for (const auto& [key, value] : stats_json()) body[key] = value;
        return node_json(status::ok, body);
    }
    if (path == "/stats") return text_response(status::ok, pretty(stats_json()), "application/json");
    if (path == "/subscribe" && req.method() == watcher_http::verb::post) return change_subscription(req, true);
    if (path == "/unsubscribe" && req.method() == watcher_http::verb::post) return change_subscription(req, false);
    if (path == "/subscribers" && req.method() == watcher_http::verb::get) {
        watcher_json::array urls;
        for (const auto& url : webhooks_) urls.emplace_back(url);
        return node_json(status::ok, watcher_json::object{{"webhookSubscribers", std::move(urls)}, {"count", webhooks_.size()}});
    }
    response res{status::not_found, 11};
    res.body() = "Not found";
    res.prepare_payload();
    return res;
}

response huly_watcher_simulator::change_subscription(const request& req, bool subscribe) {
    // getBody: '' is {}, anything else must be JSON; `!body.url` refuses a missing or empty url.
    watcher_json::value body = watcher_json::object{};
    if (!req.body().empty()) {
        boost::system::error_code ec;
        body = watcher_json::parse(req.body(), ec);
        if (ec) return node_json(status::bad_request, watcher_json::object{{"error", "Invalid JSON"}});
    }
    const auto* url = body.is_object() ? body.as_object().if_contains("url") : nullptr;
    if (!url || !url->is_string() || url->as_string().empty()) {
        return node_json(status::bad_request, watcher_json::object{{"error", "Missing \"url\" field in request body"}});
    }
    const std::string target(url->as_string());
    auto it = std::find(webhooks_.begin(), webhooks_.end(), target);
    bool success = true;
    if (subscribe && it == webhooks_.end()) webhooks_.push_back(target);
    if (!subscribe) {
        success = it != webhooks_.end();
        if (success) webhooks_.erase(it);
    }
    return node_json(status::ok, watcher_json::object{{"success", success}, {"subscriberCount", webhooks_.size()}});
}

std::optional<watcher_json::object> huly_watcher_simulator::poll() {
    ++stats_.checks_performed;
    const std::int64_t since = last_checked_;
    last_checked_ = now_ms();
    const std::int64_t stamp = last_checked_;

    std::vector<change_row> tasks;
    std::vector<change_row> projects;
    const auto state = huly_.state();
    for (const auto& p : state.at("projects").as_array()) {
        const auto& project = p.as_object();
        const std::string space = "project:" + std::string(project.at("identifier").as_string());
        const std::int64_t project_modified = project.at("modifiedOn").to_number<std::int64_t>();
        if (project_modified > since) {
            watcher_json::object data{{"id", space},
                                      {"class", "tracker:class:Project"},
                                      {"identifier", project.at("identifier")},
                                      {"name", project.at("name")},
                                      {"archived", project.at("archived")},
                                      {"modifiedOn", project_modified},
                                      {"modifiedBy", "core:account:System"}};
            projects.push_back({project_modified, {{"type", "project.updated"}, {"timestamp", stamp}, {"data", std::move(data)}}});
        }
        for (const auto& i : project.at("issues").as_array()) {
            const auto& issue = i.as_object();
            const std::int64_t modified = issue.at("modifiedOn").to_number<std::int64_t>();
            if (modified <= since) continue;
            watcher_json::object data{{"id", "issue:" + std::string(issue.at("identifier").as_string())},
                                      {"class", "tracker:class:Issue"},
                                      {"space", space},
                                      {"identifier", issue.at("identifier")},
                                      {"title", issue.at("title")},
                                      {"status", status_reference(issue.at("status").as_string())},
                                      {"modifiedOn", modified},
                                      {"modifiedBy", "core:account:System"}};
            tasks.push_back({modified, {{"type", "issue.updated"}, {"timestamp", stamp}, {"data", std::move(data)}}});
        }
    }
    auto newest_first = [](const change_row& a, const change_row& b) { return a.modified_on > b.modified_on; };
    std::stable_sort(tasks.begin(), tasks.end(), newest_first);
    std::stable_sort(projects.begin(), projects.end(), newest_first);
    if (tasks.size() > task_rows_per_poll) tasks.resize(task_rows_per_poll);
    if (projects.size() > project_rows_per_poll) projects.resize(project_rows_per_poll);
    std::vector<change_row> all = std::move(tasks);
    for (auto& row : projects) all.push_back(std::move(row));
    std::stable_sort(all.begin(), all.end(), newest_first);
    if (all.empty()) return std::nullopt;
    stats_.changes_detected += all.size();

    watcher_json::array events;
    for (auto& row : all) events.push_back(std::move(row.event));
    streams_.publish("data: " + watcher_json::serialize(watcher_json::object{{"events", events}}) + "\n\n");
    return watcher_json::object{{"source", "huly-change-watcher"}, {"timestamp", now_ms()}, {"events", std::move(events)}};
}

void huly_watcher_simulator::delivered(bool ok) {
    if (ok) ++stats_.webhooks_sent;
}

std::vector<std::string> huly_watcher_simulator::webhook_subscribers() const { return webhooks_; }

void huly_watcher_simulator::seed(const watcher_json::value& document) {
    const auto* o = document.if_object();
    const auto* urls = o ? o->if_contains("webhookSubscribers") : nullptr;
    if (!urls || !urls->is_array()) throw std::invalid_argument("huly-watcher seed: webhookSubscribers must be an array");
    std::vector<std::string> next;
    for (const auto& url : urls->as_array()) {
        if (!url.is_string()) throw std::invalid_argument("huly-watcher seed: every subscriber is a URL string");
        if (std::find(next.begin(), next.end(), url.as_string()) == next.end()) next.emplace_back(url.as_string());
    }
    webhooks_ = std::move(next);
}

watcher_json::value huly_watcher_simulator::state() const {
    watcher_json::array urls;
    for (const auto& url : webhooks_) urls.emplace_back(url);
    return watcher_json::object{{"webhookSubscribers", std::move(urls)}, {"stats", stats_json()}};
}

namespace {

// emitWebhooks for one URL: fetch POST with AbortSignal.timeout(5000), no retry. fetch requests
// the URL's path and query as given (a subscriber's ?token=… reaches it).
net::task<void> deliver_webhook(huly_watcher_simulator& watcher, std::string url, std::string body) {
    const auto query_at = url.find('?');
    const std::string query = query_at == std::string::npos ? "" : url.substr(query_at, url.find('#') - query_at);
    auto where = net::parse_base_url(url.substr(0, std::min(query_at, url.find('#'))));
    if (!where) co_return;
    net::rate_limiter unlimited(0, 1);
    net::client_params params;
    params.name = "huly-change-watcher webhook";
    params.retry.max_attempts = 1;
    params.timeout = std::chrono::milliseconds{5'000};
    auto ex = co_await boost::asio::this_coro::executor;
    auto client = net::http_client::create(ex, *where, params, unlimited);
    if (!client) co_return;
    const std::string target = (where->path.empty() ? "/" : where->path) + query;
    net::http_request req{watcher_http::verb::post, target, 11};
    req.set(watcher_http::field::content_type, "application/json");
    req.body() = std::move(body);
    net::request_options once;
    once.idempotent = false;
    auto answer = co_await (*client)->send(std::move(req), once);
    watcher.delivered(answer.has_value());
}

}  // namespace

net::task<void> run_watcher(huly_watcher_simulator& watcher) {
    for (;;) {
        // poll(): setTimeout(() => this.poll(), pollInterval) after each poll.
        if (auto payload = watcher.poll()) {
            const std::string body = watcher_json::serialize(*payload);
            std::vector<net::task<void>> deliveries;
            for (const auto& url : watcher.webhook_subscribers()) deliveries.push_back(deliver_webhook(watcher, url, body));
            co_await net::run_all(std::move(deliveries));
        }
        if (auto slept = co_await net::sleep_for(watcher.poll_interval()); !slept) co_return;
    }
}

}  // namespace hvs::sim
