#pragma once
// A simulator seen through a broken or hostile upstream: chosen answers are rewritten (bodies
// that are not JSON, wrong types, missing fields, oversized, 429 with Retry-After). By default the
// wrapped simulator applies the request first, as a real server that applied a write and then
// answered badly would; a refusal (429) is scripted with apply = false. Records when each request
// of each route arrived, and how long after a rewritten answer the same request came again.

#include "hvs/sim/simulator.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace hvs::test {

class scripted_simulator : public sim::simulator {
public:
    using clock = std::chrono::steady_clock;
    // The answer sent instead of `inner` (the wrapped simulator's answer to the same request).
    using rewrite_fn = std::function<sim::response(const sim::request& req, sim::response inner)>;

    explicit scripted_simulator(sim::simulator& inner) : inner_(inner) {}

    // The next `count` requests of `route` ("*" = any route) are answered by `rewrite`; with
    // apply = false the wrapped simulator never sees them (`rewrite` gets an empty 200 JSON answer).
    void script(std::string route, unsigned count, rewrite_fn rewrite, bool apply = true) {
        rules_.push_back({std::move(route), count, std::move(rewrite), apply});
    }
    void clear() { rules_.clear(); }
    // How many answers were rewritten so far.
    [[nodiscard]] unsigned rewritten() const { return rewritten_; }
    // When each request of `route` arrived, in order.
    [[nodiscard]] std::vector<clock::time_point> arrivals(const std::string& route) const {
        auto it = arrivals_.find(route);
        return it == arrivals_.end() ? std::vector<clock::time_point>{} : it->second;
    }
    // For every rewritten answer whose request (method, target, body) came again: the time between.
    [[nodiscard]] const std::vector<clock::duration>& repeat_gaps() const { return repeat_gaps_; }
    // Rewritten requests that never came again.
    [[nodiscard]] std::size_t not_repeated() const { return rewritten_at_.size(); }

    [[nodiscard]] std::string_view name() const override { return inner_.name(); }
    [[nodiscard]] std::string route_of(const sim::request& req) const override { return inner_.route_of(req); }
    sim::response handle(const sim::request& req) override {
        const std::string route = inner_.route_of(req);
        const auto now = clock::now();
        arrivals_[route].push_back(now);
        const std::string key = std::string(req.method_string()) + " " + std::string(req.target()) + "\n" + req.body();
        if (auto seen = rewritten_at_.find(key); seen != rewritten_at_.end()) {
            repeat_gaps_.push_back(now - seen->second);
            rewritten_at_.erase(seen);
        }
        for (auto it = rules_.begin(); it != rules_.end(); ++it) {
            if (it->route != "*" && it->route != route) continue;
            auto rewrite = it->rewrite;
            const bool apply = it->apply;
            if (--it->count == 0) rules_.erase(it);
            ++rewritten_;
            rewritten_at_[key] = now;
            return rewrite(req, apply ? inner_.handle(req) : blank(req));
        }
        return inner_.handle(req);
    }
    void seed(const boost::json::value& document) override { inner_.seed(document); }
    [[nodiscard]] boost::json::value state() const override { return inner_.state(); }

private:
    static sim::response blank(const sim::request& req) {
        sim::response res{boost::beast::http::status::ok, req.version()};
        res.set(boost::beast::http::field::content_type, "application/json");
        return res;
    }

    struct rule {
        std::string route;
        unsigned count;
        rewrite_fn rewrite;
        bool apply;
    };
    sim::simulator& inner_;
    std::deque<rule> rules_;
    unsigned rewritten_ = 0;
    std::map<std::string, std::vector<clock::time_point>> arrivals_;
    std::map<std::string, clock::time_point> rewritten_at_;
    std::vector<clock::duration> repeat_gaps_;
};

// ---- rewrites ----

// The inner answer's status and headers with `body` instead of its body.
inline scripted_simulator::rewrite_fn with_body(std::string body) {
    return [body = std::move(body)](const sim::request&, sim::response inner) {
        inner.body() = body;
        inner.prepare_payload();
        return inner;
    };
}

// The inner answer with its JSON body changed by `edit` (the inner body must be JSON).
inline scripted_simulator::rewrite_fn edit_json(std::function<void(boost::json::value&)> edit) {
    return [edit = std::move(edit)](const sim::request&, sim::response inner) {
        auto document = boost::json::parse(inner.body());
        edit(document);
        inner.body() = boost::json::serialize(document);
        inner.prepare_payload();
        return inner;
    };
}

// 429 with `Retry-After: <seconds>` (script it with apply = false: a refused request is not applied).
inline scripted_simulator::rewrite_fn too_many_requests(int seconds) {
    return [seconds](const sim::request& req, sim::response) {
        sim::response res{boost::beast::http::status::too_many_requests, req.version()};
        res.set(boost::beast::http::field::content_type, "application/json");
        res.set(boost::beast::http::field::retry_after, std::to_string(seconds));
        res.body() = R"({"detail":"Too many requests"})";
        res.prepare_payload();
        return res;
    };
}

}  // namespace hvs::test
