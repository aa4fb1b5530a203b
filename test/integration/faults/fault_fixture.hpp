#pragma once
// The fault matrix's fixture: the service as `run` wires it (OpsTest: WEB with two issues, OPS with
// one) plus controls over each upstream as a whole — take it down (its port closed), bring it back
// on the same port, or serve it through a scripted_simulator that rewrites chosen answers — and
// the checks every fault test ends with: each Huly issue has exactly one Vibe task, read from the
// simulators' own state (so they work while an upstream is down), and the stored project rows.

#include "integration/faults/scripted_simulator.hpp"
#include "integration/service/ops_fixture.hpp"

#include "hvs/store/project_repository.hpp"
#include "hvs/sync/text.hpp"

#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace hvs::test {

enum class upstream { huly, vibe, letta };

inline std::string name_of(upstream u) {
    switch (u) {
    case upstream::huly: return "huly";
    case upstream::vibe: return "vibe";
    case upstream::letta: return "letta";
    }
    return "?";
}

inline void PrintTo(upstream u, std::ostream* os) { *os << name_of(u); }

class FaultTest : public OpsTest {
protected:
    void TearDown() override {
        // EngineTest stops the Huly and Vibe hosts: one taken down gets a stand-in that never listened.
        for (auto u : {upstream::huly, upstream::vibe}) {
            if (!host_of(u)) host_of(u) = std::make_unique<sim::host>(ioc_.get_executor(), simulator_of(u), sim::host_options{});
        }
        OpsTest::TearDown();
        if (previous_log_) {
            std::clog.rdbuf(previous_log_);
            log::init(log::severity::info, log::format::text);
        }
        // Hosts serving a scripted_simulator go before it does.
        for (const auto& [u, wrapper] : scripted_) host_of(u).reset();
        retired_.clear();
    }

    // From now on every log line (trace and up) lands in logs_ too.
    void capture_logs() {
        if (previous_log_) return;
        previous_log_ = std::clog.rdbuf(logs_.rdbuf());
        log::init(log::severity::trace, log::format::text);
    }

    std::unique_ptr<sim::host>& host_of(upstream u) {
        return u == upstream::huly ? huly_host_ : u == upstream::vibe ? vibe_host_ : letta_host_;
    }
    sim::simulator& simulator_of(upstream u) {
        if (auto it = scripted_.find(u); it != scripted_.end()) return *it->second;
        return u == upstream::huly ? static_cast<sim::simulator&>(huly_)
               : u == upstream::vibe ? static_cast<sim::simulator&>(vibe_)
                                     : static_cast<sim::simulator&>(letta_);
    }

    // Closes the upstream's port: connections are refused until bring_back().
    void take_down(upstream u) {
        auto& host = host_of(u);
        ports_[u] = host->port();
        host->stop();
        retired_.push_back(std::move(host));
    }

    // Serves the upstream again on the port it had (through its script, if it has one).
    void bring_back(upstream u) {
        auto& host = host_of(u);
        ASSERT_FALSE(host) << name_of(u) << " is up";
        host = std::make_unique<sim::host>(ioc_.get_executor(), simulator_of(u), sim::host_options{});
        auto port = host->listen(ports_.at(u));
        ASSERT_TRUE(port) << port.error().describe();
    }

    // From now on the upstream answers through a scripted_simulator (same port, same state).
    scripted_simulator& script(upstream u) {
        auto& simulator = simulator_of(u);
        auto wrapper = std::make_unique<scripted_simulator>(simulator);
        auto& ref = *wrapper;
        take_down(u);
        scripted_[u] = std::move(wrapper);
        bring_back(u);
        return ref;
    }

    // The project's row as the database holds it.
    std::optional<store::project_row> stored_project(const std::string& identifier) {
        auto job = [identifier](store::database& db) { return store::load_project(db, identifier); };
        auto row = run_async(ioc_, rt_->db().run(std::move(job)));
        EXPECT_TRUE(row) << row.error().describe();
        return row ? *row : std::nullopt;
    }

    // Vibe's tasks by project name, from the simulator's state.
    std::map<std::string, std::vector<boost::json::object>> vibe_tasks_by_project() {
        std::map<std::string, std::vector<boost::json::object>> out;
        auto state = vibe_.state();
        for (const auto& p : state.at("projects").as_array()) {
            auto& tasks = out[std::string(p.at("name").as_string())];
            for (const auto& t : p.at("tasks").as_array()) tasks.push_back(t.as_object());
        }
        return out;
    }
    std::size_t vibe_task_count() {
        std::size_t n = 0;
        for (const auto& [name, tasks] : vibe_tasks_by_project()) n += tasks.size();
        return n;
    }
    std::size_t vibe_project_count() { return vibe_.state().at("projects").as_array().size(); }

    // Every Huly issue has exactly one Vibe task (by marker) with its title, in the one Vibe
    // project of its project's name, and no task carries an unknown marker.
    void expect_one_task_per_issue() {
        auto huly = huly_.state();
        auto vibe = vibe_tasks_by_project();
        std::map<std::string, int> projects_named;
        const auto vibe_state = vibe_.state();  // named: a temporary would die before the loop ran
        for (const auto& p : vibe_state.at("projects").as_array()) ++projects_named[std::string(p.at("name").as_string())];
        for (const auto& p : huly.at("projects").as_array()) {
            std::string name(p.at("name").as_string());
            EXPECT_EQ(projects_named[name], 1) << "Vibe projects named " << name;
            std::map<std::string, int> markers;
            for (const auto& t : vibe[name]) {
                const auto* d = t.if_contains("description");
                auto marker = d && d->is_string() ? sync::marker_issue_id(d->as_string()) : std::nullopt;
                if (marker) ++markers[*marker];
            }
            std::size_t issues = 0;
            for (const auto& i : p.at("issues").as_array()) {
                ++issues;
                std::string id(i.at("identifier").as_string());
                EXPECT_EQ(markers[id], 1) << "tasks for " << id;
                bool titled = false;
                for (const auto& t : vibe[name]) {
                    const auto* d = t.if_contains("description");
                    if (d && d->is_string() && sync::marker_issue_id(d->as_string()) == id) {
                        titled = t.at("title") == i.at("title");
                    }
                }
                EXPECT_TRUE(titled) << id << " has a task with another title";
            }
            EXPECT_EQ(markers.size(), issues) << "tasks with markers in " << name;
        }
    }

    // The environment that makes the real binary use this fixture's simulators and files.
    std::map<std::string, std::string> cli_env() const {
        std::map<std::string, std::string> env{
            {"HULY_API_URL", cfg_.huly_api_url}, {"VIBE_API_URL", cfg_.vibe_api_url},
            {"DB_PATH", cfg_.db_path},           {"STACKS_DIR", cfg_.stacks_dir},
            {"HTTP_ATTEMPTS", "2"},              {"RETRY_BASE", "1"},
            {"RETRY_MAX", "5"},                  {"HTTP_TIMEOUT", "2000"},
            {"HULY_RATE", "0"},                  {"VIBE_RATE", "0"},
            {"LOG_LEVEL", "info"},
        };
        if (!cfg_.database_url.empty()) env["DATABASE_URL"] = cfg_.database_url;
        if (use_letta_) {
            env["LETTA_BASE_URL"] = cfg_.letta_base_url;
            env["LETTA_PASSWORD"] = cfg_.letta_password;
        }
        return env;
    }

    // The reasons /health gives, and the whole answer for messages.
    std::vector<std::string> health_reasons(const boost::json::object& health) {
        std::vector<std::string> out;
        for (const auto& r : health.at("reasons").as_array()) out.emplace_back(r.as_string());
        return out;
    }

    std::stringstream logs_;
    std::streambuf* previous_log_ = nullptr;
    std::map<upstream, std::uint16_t> ports_;
    std::map<upstream, std::unique_ptr<scripted_simulator>> scripted_;
    std::vector<std::unique_ptr<sim::host>> retired_;
};

}  // namespace hvs::test
