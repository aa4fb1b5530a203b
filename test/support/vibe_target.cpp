#include "support/vibe_target.hpp"

#include "hvs/sim/vibe_simulator.hpp"

#include "support/served_simulator.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <sys/wait.h>

namespace hvs::test {
namespace {

std::string run_capturing(const std::string& command, int& status) {
    std::string output;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) {
        status = -1;
        return output;
    }
    std::array<char, 4096> buf{};
    while (std::fgets(buf.data(), static_cast<int>(buf.size()), pipe)) output += buf.data();
    int raw = ::pclose(pipe);
    status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return output;
}

struct real_server {
    vibe_target target;
    std::string pid;
    std::string dir;

    real_server() {
        const std::string script = std::string(HVS_SOURCE_DIR) + "/scripts/real-vibe.sh";
        int status = 0;
        std::string out = run_capturing(script + " start 2>&1", status);
        std::smatch m;
        std::regex line(R"(PORT=(\d+) PID=(\d+) DIR=(\S+))");
        if (status != 0 || !std::regex_search(out, m, line)) {
            std::string reason = out.empty() ? "no output" : out.substr(out.find_last_of('\n', out.size() - 2) + 1);
            while (!reason.empty() && reason.back() == '\n') reason.pop_back();
            target.skip_reason = "real Vibe Kanban unavailable (real-vibe.sh start exited " + std::to_string(status) +
                                 "): " + reason;
            return;
        }
        target.port = static_cast<std::uint16_t>(std::stoi(m[1]));
        pid = m[2];
        dir = m[3];
    }

    ~real_server() {
        if (pid.empty()) return;
        int status = 0;
        run_capturing(std::string(HVS_SOURCE_DIR) + "/scripts/real-vibe.sh stop " + pid + " " + dir + " 2>&1", status);
    }
};

struct simulated_server {
    sim::vibe_simulator simulator{sim::vibe_options{}};
    served_simulator served{simulator};
    vibe_target target{"127.0.0.1", served.port(), ""};
};

}  // namespace

const vibe_target& simulated_vibe() {
    static simulated_server server;
    return server.target;
}

const vibe_target& real_vibe() {
    static real_server server;
    return server.target;
}

}  // namespace hvs::test
