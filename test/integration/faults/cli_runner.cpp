#include "integration/faults/cli_runner.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>

namespace hvs::test {
namespace {

// Appends what is available on a non-blocking descriptor; false once it reached end of file.
bool drain(int fd, std::string& into) {
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            into.append(buf, static_cast<std::size_t>(n));
            continue;
        }
        if (n == 0) return false;
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    }
}

}  // namespace

std::string cli_binary() { return HVS_CLI_BINARY; }

cli_run run_cli(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                boost::asio::io_context& ioc, cli_limits limits) {
    // Everything the child needs is built before fork: after it only async-signal-safe calls.
    const std::string binary = cli_binary();
    std::vector<std::string> argv_text{binary};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_text;
    for (const auto& [k, v] : env) env_text.push_back(k + "=" + v);
    // A sanitizer build's child reports under the same options; git needs PATH.
    for (const char* inherited : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "PATH"}) {
        if (const char* value = std::getenv(inherited); value && !env.contains(inherited)) {
            env_text.push_back(std::string(inherited) + "=" + value);
        }
    }
    std::vector<char*> envp;
    for (auto& e : env_text) envp.push_back(e.data());
    envp.push_back(nullptr);

    int out_pipe[2], err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    struct rlimit fsize {};
    if (limits.file_size_bytes) fsize.rlim_cur = fsize.rlim_max = *limits.file_size_bytes;

    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::dup2(out_pipe[1], STDOUT_FILENO);
        ::dup2(err_pipe[1], STDERR_FILENO);
        if (limits.file_size_bytes) {
            struct sigaction ignore {};
            ignore.sa_handler = SIG_IGN;
            ::sigaction(SIGXFSZ, &ignore, nullptr);  // a write past the limit fails with EFBIG instead
            ::setrlimit(RLIMIT_FSIZE, &fsize);
        }
        if (limits.user) {
            if (::setgroups(0, nullptr) != 0 || ::setgid(*limits.user) != 0 || ::setuid(*limits.user) != 0) ::_exit(126);
        }
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    ::fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
    ::fcntl(err_pipe[0], F_SETFL, O_NONBLOCK);

    cli_run run;
    bool out_open = true, err_open = true, exited = false;
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + limits.time;
    while (out_open || err_open || !exited) {
        if (ioc.stopped()) ioc.restart();
        ioc.run_one_for(std::chrono::milliseconds(2));  // the simulators answer the child
        if (out_open) out_open = drain(out_pipe[0], run.out);
        if (err_open) err_open = drain(err_pipe[0], run.err);
        if (!exited && ::waitpid(pid, &status, WNOHANG) == pid) exited = true;
        if (!exited && std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);  // the child this call started
            ::waitpid(pid, &status, 0);
            exited = true;
            run.err += "\n[killed at the time limit]";
        }
    }
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    run.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

}  // namespace hvs::test
