// `huly-vibe-sync agents list [--json]`: each PM agent bound in the database (read-only) with its
// tool drift against the control agent and its block drift (agents/agent_drift.hpp), as a table or
// one JSON document. Exits 0, or 1 when the database or an agent could not be read.

#include "app/cli.hpp"
#include "app/command_line.hpp"
#include "app/command_io.hpp"
#include "hvs/store/open.hpp"
#include "app/table.hpp"

#include "hvs/agents/agent_drift.hpp"
#include "hvs/store/agent_repository.hpp"

#include <boost/json/serialize.hpp>

#include <iostream>
#include <memory>

namespace hvs::app {
namespace {

namespace asio = boost::asio;

void print_listing(std::ostream& out, const agents::agent_listing& listing) {
    out << "Control agent " << listing.control.name << " (" << listing.control.id << ") has "
        << listing.control_tools.size() << " tools\n";
    for (const auto& note : listing.notes) out << "note: " << note << "\n";
    out << "\nBound agents (" << listing.agents.size() << "; MISSING = control tools it lacks, EXTRA = tools the "
           "control agent lacks, tool names with --json; MISSING BLOCKS = blocks the next cycle restores)\n";
    if (listing.agents.empty()) return;
    std::vector<std::vector<std::string>> rows;
    for (const auto& a : listing.agents) {
        std::string status(agents::to_string(a.status));
        if (!a.error.empty()) status += ": " + one_line(a.error, 80);
        std::string missing_blocks;
        for (const auto& label : a.missing_blocks) missing_blocks += (missing_blocks.empty() ? "" : ",") + label;
        rows.push_back({a.project, a.agent_name, a.agent_id, std::to_string(a.missing.size()),
                        std::to_string(a.extra.size()), missing_blocks.empty() ? "-" : missing_blocks, status});
    }
    print_table(out, {"PROJECT", "AGENT NAME", "AGENT ID", "MISSING", "EXTRA", "MISSING BLOCKS", "STATUS"}, rows);
}

// The block hashes stored for each bound agent (read-only, beside a running service).
result<agents::stored_block_hashes> read_block_hashes(const core::config& cfg,
                                                      const std::map<std::string, store::agent_binding>& bindings) {
    agents::stored_block_hashes out;
    if (bindings.empty()) return out;
    auto db = store::open_for_reading(cfg);
    if (!db) return db.error();
    for (const auto& [project, bound] : bindings) {
        auto hashes = store::load_block_hashes(*db, bound.agent_id);
        if (!hashes) return make_error(hashes.error().kind, "reading '" + store::describe_database(cfg) + "': " + hashes.error().message);
        out[bound.agent_id] = std::move(*hashes);
    }
    return out;
}

net::task<int> list(letta::client& letta, std::string control_agent, std::map<std::string, store::agent_binding> bindings,
                    agents::stored_block_hashes hashes, bool as_json) {
    auto listing = co_await agents::list_agent_drift(letta, std::move(control_agent), std::move(bindings),
                                                     std::move(hashes));
    if (!listing) {
        std::cerr << "agents list: " << listing.error().describe() << "\n";
        co_return listing.error().kind == error_kind::invalid ? exit_usage : exit_failed;
    }
    if (as_json) {
        std::cout << boost::json::serialize(agents::to_json(*listing)) << "\n";
    } else {
        print_listing(std::cout, *listing);
    }
    co_return listing->any_unreadable() ? exit_failed : exit_ok;
}

int agents_command(const core::config& cfg, bool as_json) {
    auto bindings = read_bindings(cfg);
    if (!bindings) {
        std::cerr << "huly-vibe-sync agents list: " << bindings.error().message << "\n";
        return exit_failed;
    }
    auto hashes = read_block_hashes(cfg, *bindings);
    if (!hashes) {
        std::cerr << "huly-vibe-sync agents list: " << hashes.error().message << "\n";
        return exit_failed;
    }
    asio::io_context ioc;
    auto letta = connect_letta(ioc, cfg);
    if (!letta) {
        std::cerr << "huly-vibe-sync agents: " << letta.error().message << "\n";
        return exit_usage;
    }
    return run_to_completion(ioc, list(*(*letta)->client, cfg.letta_control_agent, std::move(*bindings),
                                       std::move(*hashes), as_json));
}

}  // namespace

command add_agents_command(CLI::App& root) {
    CLI::App* app = root.add_subcommand(
        "agents", "agents list: each bound PM agent, its tool drift against the control agent and its missing blocks");
    CLI::App* list = add_verb(*app, "list", "Each bound PM agent, its tool drift and its missing blocks");
    auto as_json = std::make_shared<bool>(false);
    add_json_flag(*list, *as_json);
    return {app, [as_json](const core::config& cfg) { return agents_command(cfg, *as_json); }};
}

}  // namespace hvs::app
