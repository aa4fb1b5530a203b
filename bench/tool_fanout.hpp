#pragma once
// The tools sync of S1 / S1-large with something running beside it on the service's io_context
// (S4 polls the ops server's /health while it runs).

#include "scenario.hpp"

#include "hvs/core/config.hpp"
#include "hvs/service/runtime.hpp"

#include <boost/asio/io_context.hpp>

namespace hvs::bench {

class fanout_probe {
public:
    virtual ~fanout_probe() = default;
    // Just before the tools sync starts, on the thread that drives `ioc`.
    virtual void start(boost::asio::io_context& ioc, service::runtime& rt, const core::config& cfg) = 0;
    // Just after it ended: must stop its own work, driving `ioc` as long as that work needs it.
    virtual void stop(boost::asio::io_context& ioc) = 0;
    // Adds what it measured.
    virtual void report(figures& f) const = 0;
};

figures tool_fanout(const fanout_workload& workload, const run_settings& run, fanout_probe* probe);

}  // namespace hvs::bench
