#include "hvs/agents/repo_docs.hpp"

#include "hvs/core/hash.hpp"
#include "hvs/core/repo_fs.hpp"
#include "hvs/store/agent_repository.hpp"
#include "hvs/sync/repo_path.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace hvs::agents {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 20> text_extensions = {
    ".md", ".json", ".yaml", ".yml", ".toml", ".js", ".ts",  ".tsx", ".py",  ".go",
    ".rs", ".java", ".c",    ".cc",  ".cpp",  ".h",  ".hpp", ".sh",  ".sql", ".proto",
};
constexpr std::array<std::string_view, 3> text_names = {"Dockerfile", "Makefile", "CMakeLists.txt"};

constexpr std::size_t max_git_output = 16 * 1024 * 1024;
constexpr std::size_t max_git_stderr = 4 * 1024;
constexpr std::chrono::seconds git_timeout{30};

std::string_view base_name(std::string_view path) {
    auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view extension(std::string_view path) {
    auto base = base_name(path);
    auto dot = base.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return {};
    return base.substr(dot);
}

// One file on disk, ready to compare (and later to upload).
struct local_file {
    std::string path;          // relative to the repository
    std::string name;          // its name in the Letta folder
    std::string content_type;
    core::content_digest digest;
};

struct scan_result {
    std::vector<local_file> files;
    std::vector<std::string> warnings;
};

// The content of <repo>/<relative> if it is a regular file inside the repository, reached
// without following any symlink, of at most max_project_file_bytes (`too_large` says when that
// was the reason).
result<std::string> read_repo_file(const std::string& repo, const std::string& relative, bool* too_large = nullptr) {
    auto content = core::read_repo_file(repo, relative, max_project_file_bytes, too_large);
    if (!content) return content.error();
    if (!*content) return make_error(error_kind::invalid, relative + " does not exist");
    return std::move(**content);
}

// Reads what the child writes to `out` and `err` until both close, within the deadline and bounds.
result<std::string> collect_output(pid_t pid, int out, int err, std::string& diagnostics) {
    std::string output;
    const auto deadline = std::chrono::steady_clock::now() + git_timeout;
    std::array<pollfd, 2> fds{pollfd{out, POLLIN, 0}, pollfd{err, POLLIN, 0}};
    std::array<char, 65536> buffer{};
    std::optional<std::string> failure;
    while ((fds[0].fd >= 0 || fds[1].fd >= 0) && !failure) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            failure = "git ls-files took longer than " + std::to_string(git_timeout.count()) + " s";
            break;
        }
        int ready = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) {
            failure = std::string("poll: ") + std::strerror(errno);
            break;
        }
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            ssize_t n = ::read(fds[i].fd, buffer.data(), buffer.size());
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                continue;
            }
            auto& sink = i == 0 ? output : diagnostics;
            std::size_t cap = i == 0 ? max_git_output : max_git_stderr;
            sink.append(buffer.data(), std::min(static_cast<std::size_t>(n), cap - std::min(cap, sink.size())));
            if (i == 0 && output.size() >= max_git_output) failure = "git ls-files printed more than 16 MB";
        }
    }
    for (auto& f : fds) {
        if (f.fd >= 0) ::close(f.fd);
    }
    if (failure) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (failure) return make_error(error_kind::io, *failure);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        while (!diagnostics.empty() && (diagnostics.back() == '\n' || diagnostics.back() == '\r')) diagnostics.pop_back();
        std::replace(diagnostics.begin(), diagnostics.end(), '\r', ' ');
        for (auto at = diagnostics.find('\n'); at != std::string::npos; at = diagnostics.find('\n', at)) {
            diagnostics.replace(at, 1, "; ");  // one line in the warning and the log
        }
        std::string why = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status)) : "killed by a signal";
        return make_error(error_kind::io, "git ls-files failed (" + why + ")" +
                                              (diagnostics.empty() ? std::string() : ": " + diagnostics));
    }
    return output;
}

// `git ls-files -z` run in the repository: no shell, stdin from /dev/null, output bounded.
result<std::string> git_ls_files(const std::string& repo) {
    int out[2];
    int err[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return make_error(error_kind::io, std::string("pipe: ") + std::strerror(errno));
    if (::pipe2(err, O_CLOEXEC) != 0) {
        int e = errno;
        ::close(out[0]);
        ::close(out[1]);
        return make_error(error_kind::io, std::string("pipe: ") + std::strerror(e));
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    posix_spawn_file_actions_addchdir_np(&actions, repo.c_str());
    // The repository must not choose what runs: no system/global config, no HOME, and the hooks,
    // fsmonitor command and untracked cache of its .git/config overridden on the command line
    // (protected configuration, git-config(1)); safe.directory names this repository only, so a
    // checkout owned by another user is listed rather than refused.
    std::error_code ec;
    const std::string top = fs::canonical(repo, ec).string();
    const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
    std::vector<std::string> args = {"git",
                                     "-c", "core.fsmonitor=false",
                                     "-c", "core.hooksPath=/dev/null",
                                     "-c", "core.untrackedCache=false",
                                     "-c", "safe.directory=" + (ec ? repo : top),
                                     "--no-optional-locks", "ls-files", "-z"};
    std::vector<std::string> env = {"PATH=" + path, "LC_ALL=C", "GIT_CONFIG_NOSYSTEM=1",
                                     "GIT_CONFIG_GLOBAL=/dev/null", "GIT_TERMINAL_PROMPT=0"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    pid_t pid = 0;
    int spawned = ::posix_spawnp(&pid, "git", &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    ::close(err[1]);
    if (spawned != 0) {
        ::close(out[0]);
        ::close(err[0]);
        return make_error(error_kind::io, std::string("cannot run git in ") + repo + ": " + std::strerror(spawned));
    }
    std::string diagnostics;
    return collect_output(pid, out[0], err[0], diagnostics);
}

result<scan_result> scan_readme(const std::string& repo, const std::string& identifier) {
    scan_result scan;
    std::error_code ec;
    if (!fs::exists(fs::path(repo) / "README.md", ec)) return scan;
    auto content = read_repo_file(repo, "README.md");
    if (!content) {
        if (content.error().kind == error_kind::invalid) {
            scan.warnings.push_back("README.md not uploaded: " + content.error().message);
            return scan;
        }
        return content.error();
    }
    scan.files.push_back({"README.md", readme_upload_name(identifier), "text/markdown", core::digest(*content)});
    return scan;
}

result<scan_result> scan_project_files(const std::string& repo, unsigned max_files) {
    auto listed = git_ls_files(repo);
    if (!listed) return listed.error();
    scan_result scan;
    std::set<std::string> names;
    unsigned too_big = 0;
    unsigned over_limit = 0;
    for (auto& path : split_nul_list(*listed)) {
        if (!is_project_file(path)) continue;
        auto name = upload_name(path);
        if (names.contains(name)) {
            scan.warnings.push_back(path + " not uploaded: another file is also named " + name + " in Letta");
            continue;
        }
        if (scan.files.size() >= max_files) {
            ++over_limit;
            continue;
        }
        bool large = false;
        auto content = read_repo_file(repo, path, &large);
        if (!content) {
            // Deleted in the working tree, a directory (submodule), too big, a link outside: skipped.
            if (large) ++too_big;
            continue;
        }
        names.insert(name);
        scan.files.push_back({path, name, upload_content_type(path), core::digest(*content)});
    }
    if (too_big > 0) scan.warnings.push_back(std::to_string(too_big) + " files over 1 MB not uploaded");
    if (over_limit > 0) {
        scan.warnings.push_back(std::to_string(over_limit) + " files beyond LETTA_MAX_FILES (" +
                                std::to_string(max_files) + ") not uploaded");
    }
    return scan;
}

// What the Letta Code hand-off could not do. A symlink where it reads or writes (or anything but a
// real directory or a regular file of at most 1 MB) is refused, never followed: an error for the
// project (docs/reliability.md). Anything else (unreadable JSON, a permission denied) is a warning only:
// the sync does not depend on the hand-off.
struct handoff_outcome {
    std::vector<std::string> warnings;
    std::optional<error> refused;

    // Records a repository-file failure: a refusal (kind invalid) or a warning.
    void failed(const error& e, std::string_view context = {}) {
        const std::string text = std::string(context) + e.message;
        if (e.kind == error_kind::invalid && !refused) {
            refused = make_error(error_kind::invalid, text);
        } else {
            warnings.push_back(text + "; left alone");
        }
    }
};

// The file's content ("" when missing), read without following symlinks.
result<std::string> read_small_file(const std::string& repo, const std::string& relative) {
    auto content = core::read_repo_file(repo, relative, 1024 * 1024);
    if (!content) return content.error();
    return content->value_or(std::string());
}

handoff_outcome write_handoff(const std::string& repo, const std::string& agent_id) {
    handoff_outcome out;
    if (auto made = core::make_repo_dir(repo, ".letta"); !made) {
        out.failed(made.error(), "cannot create .letta: ");
        return out;
    }
    const std::string settings = ".letta/settings.local.json";
    if (auto existing = read_small_file(repo, settings)) {
        auto wanted = letta_settings_content(*existing, agent_id);
        if (!wanted) {
            out.warnings.push_back(repo + "/" + settings + " is not a JSON object; left alone");
        } else if (*wanted != *existing) {
            if (auto written = core::write_repo_file(repo, settings, *wanted); !written) out.failed(written.error());
        }
    } else {
        out.failed(existing.error());
    }
    const std::string ignore = ".letta/.gitignore";
    if (auto existing = read_small_file(repo, ignore)) {
        bool listed = false;
        std::size_t start = 0;
        while (start <= existing->size() && !listed) {
            auto end = existing->find('\n', start);
            auto line = std::string_view(*existing).substr(start, end == std::string::npos ? std::string::npos : end - start);
            while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
            listed = line == "settings.local.json" || line == "/settings.local.json";
            if (end == std::string::npos) break;
            start = end + 1;
        }
        if (!listed) {
            std::string content = *existing;
            if (!content.empty() && content.back() != '\n') content += '\n';
            content += "settings.local.json\n";
            if (auto written = core::write_repo_file(repo, ignore, content); !written) out.failed(written.error());
        }
    } else {
        out.failed(existing.error());
    }
    return out;
}

// The folder's id: found by exact name, else created (409: it exists, so found again by exact
// name); then attached to the agent if it is not yet.
net::task<result<std::string>> ensure_folder(agent_context& ctx, std::string name, std::string project,
                                             std::string agent_id) {
    auto found = co_await ctx.letta.folder_id_by_name(name);
    if (!found) co_return make_error(found.error().kind, "looking up folder " + name + ": " + found.error().message);
    std::string id;
    if (*found) {
        id = **found;
    } else {
        auto created = co_await ctx.letta.create_folder(name, ctx.settings.embedding);
        if (created) {
            id = created->id;
            auto record = [id, name, project](store::database& db) { return store::record_resource(db, id, "folder", name, project); };
            if (auto recorded = co_await ctx.db.run(std::move(record)); !recorded) co_return recorded.error();
            HVS_LOG(ctx.log, info) << "created Letta folder " << name << " (" << id << ")";
        } else if (created.error().http_status == 409) {
            // Folders and sources share one namespace; whoever holds the name, look it up exactly.
            auto again = co_await ctx.letta.folder_id_by_name(name);
            if (!again) co_return make_error(again.error().kind, "looking up folder " + name + ": " + again.error().message);
            if (!*again) {
                co_return make_error(error_kind::http_4xx, "folder " + name +
                                                               " exists (409 on create) but the lookup by name finds none");
            }
            id = **again;
        } else {
            co_return make_error(created.error().kind, "creating folder " + name + ": " + created.error().message);
        }
    }
    auto attached = co_await ctx.letta.agent_folder_ids(agent_id);
    if (!attached) co_return make_error(attached.error().kind, "listing the agent's folders: " + attached.error().message);
    if (std::find(attached->begin(), attached->end(), id) == attached->end()) {
        auto attach = co_await ctx.letta.attach_folder(agent_id, id);
        if (!attach) co_return make_error(attach.error().kind, "attaching folder " + name + ": " + attach.error().message);
    }
    co_return id;
}

// Uploads the files whose hash differs from the stored one, or that Letta no longer has. Every file
// is tried; the error names how many failed and the first reason.
net::task<result<void>> upload_changed(agent_context& ctx, std::string repo, std::string folder_id,
                                       std::string project, std::vector<local_file> files, repo_docs_outcome& out) {
    auto load = [folder_id](store::database& db) { return store::load_letta_files(db, folder_id); };
    auto stored = co_await ctx.db.run(std::move(load));
    if (!stored) co_return stored.error();
    auto remote = co_await ctx.letta.folder_files(folder_id);
    if (!remote) co_return make_error(remote.error().kind, "listing folder files: " + remote.error().message);
    std::map<std::string, std::string> remote_ids;
    for (const auto& f : *remote) remote_ids[f.original_file_name] = f.id;

    unsigned failed = 0;
    std::optional<error> first;
    for (auto& f : files) {
        auto known = stored->find(f.name);
        auto there = remote_ids.find(f.name);
        if (known != stored->end() && f.digest.matches(known->second.hash) && there != remote_ids.end() &&
            there->second == known->second.file_id) {
            ++out.unchanged;
            continue;
        }
        auto read = [repo, path = f.path]() { return read_repo_file(repo, path); };
        auto content = co_await ctx.blocking.run(std::move(read));
        if (!content) {
            ++failed;
            if (!first) first = content.error();
            continue;
        }
        store::stored_file saved;
        saved.hash = core::content_hash(*content);  // what is sent, even if it changed since the scan
        letta::upload file;
        file.file_name = f.name;
        file.content = std::move(*content);
        file.content_type = f.content_type;
        auto uploaded = co_await ctx.letta.upload_file(folder_id, std::move(file));
        if (!uploaded) {
            ++failed;
            if (!first) first = make_error(uploaded.error().kind, "uploading " + f.name + ": " + uploaded.error().message);
            continue;
        }
        saved.file_id = uploaded->id;
        auto save = [folder_id, name = f.name, saved, project](store::database& db) {
            return store::save_letta_file(db, folder_id, name, saved, project);
        };
        if (auto recorded = co_await ctx.db.run(std::move(save)); !recorded) co_return recorded.error();
        ++out.uploaded;
    }
    if (first) {
        co_return make_error(first->kind, std::to_string(failed) + " of " + std::to_string(files.size()) +
                                              " files not uploaded, first: " + first->message);
    }
    co_return result<void>{};
}

// Scanned files into one folder: the folder ensured and attached, then the changed files uploaded.
net::task<result<void>> sync_folder(agent_context& ctx, std::string folder, std::string repo, std::string project,
                                    std::string agent_id, std::vector<local_file> files, repo_docs_outcome& out) {
    auto id = co_await ensure_folder(ctx, folder, project, agent_id);
    if (!id) co_return id.error();
    auto done = co_await upload_changed(ctx, std::move(repo), *id, std::move(project), std::move(files), out);
    if (!done) co_return make_error(done.error().kind, "folder " + folder + ": " + done.error().message);
    co_return result<void>{};
}

}  // namespace

std::string readme_folder_name(std::string_view identifier) { return "Huly-" + std::string(identifier); }

std::string files_folder_name(std::string_view identifier) { return "Huly-" + std::string(identifier) + "-root"; }

std::string readme_upload_name(std::string_view identifier) { return std::string(identifier) + "-README.md"; }

bool is_project_file(std::string_view path) {
    auto base = base_name(path);
    if (base.empty()) return false;
    if (std::find(text_names.begin(), text_names.end(), base) != text_names.end()) return true;
    auto ext = extension(base);
    return !ext.empty() && std::find(text_extensions.begin(), text_extensions.end(), ext) != text_extensions.end();
}

std::string upload_name(std::string_view path) {
    std::string name(path);
    std::replace(name.begin(), name.end(), '/', '_');
    for (auto& c : name) {
        if (c != '.') break;
        c = '_';
    }
    return name;
}

std::string upload_content_type(std::string_view path) {
    struct entry {
        std::string_view ext;
        std::string_view type;
    };
    // Types Letta lists as supported; anything else goes as text/plain, which it also accepts.
    constexpr std::array<entry, 19> types = {{
        {".md", "text/markdown"},        {".json", "application/json"},     {".yaml", "text/x-yaml"},
        {".yml", "text/x-yaml"},         {".toml", "application/toml"},     {".js", "text/javascript"},
        {".ts", "application/typescript"}, {".tsx", "application/typescript"}, {".py", "text/x-python"},
        {".go", "text/x-go"},            {".rs", "text/x-rust"},            {".java", "text/x-java-source"},
        {".c", "text/x-c"},              {".h", "text/x-c"},                {".cc", "text/x-c++"},
        {".cpp", "text/x-c++"},          {".hpp", "text/x-c++"},            {".sh", "text/x-shellscript"},
        {".sql", "text/x-sql"},
    }};
    auto ext = extension(path);
    for (const auto& e : types) {
        if (e.ext == ext) return std::string(e.type);
    }
    return "text/plain";
}

std::vector<std::string> split_nul_list(std::string_view output) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < output.size()) {
        auto end = output.find('\0', start);
        if (end == std::string_view::npos) end = output.size();
        if (end > start) out.emplace_back(output.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

std::optional<std::string> letta_settings_content(std::string_view existing, const std::string& agent_id) {
    bool blank = std::all_of(existing.begin(), existing.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
    boost::json::object settings;
    if (!blank) {
        boost::system::error_code ec;
        auto parsed = boost::json::parse(existing, ec);
        if (ec || !parsed.is_object()) return std::nullopt;
        settings = std::move(parsed.as_object());
        if (auto* last = settings.if_contains("lastAgent"); last && last->is_string() && last->as_string() == agent_id) {
            return std::string(existing);
        }
    }
    settings["lastAgent"] = agent_id;
    return boost::json::serialize(settings) + "\n";
}

net::task<result<repo_docs_outcome>> sync_repo_docs(agent_context& ctx, project_facts project, std::string agent_id) {
    repo_docs_outcome out;
    if (project.repo_path.empty()) co_return out;
    auto check = [path = project.repo_path, roots = ctx.settings.allowed_repo_roots]() {
        return result<sync::path_check>(sync::check_repo_path(path, roots));
    };
    auto checked = co_await ctx.blocking.run(std::move(check));
    if (!checked) co_return checked.error();
    if (checked->verdict != sync::path_verdict::allowed) {
        HVS_LOG(ctx.log, debug) << "repository " << project.repo_path << " " << sync::to_string(checked->verdict)
                                << ": no documents, no hand-off";
        co_return out;
    }
    out.repository = true;
    const std::string repo = checked->resolved;

    unsigned failed = 0;
    std::optional<error> first;
    auto note = [&](const error& e, std::string_view what) {
        ++failed;
        if (!first) first = make_error(e.kind, std::string(what) + ": " + e.message);
    };
    auto handoff = [repo, agent_id]() { return result<handoff_outcome>(write_handoff(repo, agent_id)); };
    auto handed_off = co_await ctx.blocking.run(std::move(handoff));
    if (handed_off) {
        out.warnings = std::move(handed_off->warnings);
        if (handed_off->refused) note(*handed_off->refused, "Letta Code hand-off refused");
    }
    if (ctx.settings.attach_repo_docs) {
        auto scan = [repo, id = project.identifier]() { return scan_readme(repo, id); };
        auto scanned = co_await ctx.blocking.run(std::move(scan));
        if (!scanned) {
            note(scanned.error(), "README");
        } else {
            out.warnings.insert(out.warnings.end(), scanned->warnings.begin(), scanned->warnings.end());
            if (!scanned->files.empty()) {
                std::string folder = readme_folder_name(project.identifier);
                auto done = co_await sync_folder(ctx, std::move(folder), repo, project.identifier, agent_id,
                                                 std::move(scanned->files), out);
                if (!done) note(done.error(), "README");
            }
        }
    }
    if (ctx.settings.upload_project_files) {
        auto scan = [repo, max = ctx.settings.max_files]() { return scan_project_files(repo, max); };
        auto scanned = co_await ctx.blocking.run(std::move(scan));
        if (!scanned) {
            note(scanned.error(), "project files");
        } else {
            out.warnings.insert(out.warnings.end(), scanned->warnings.begin(), scanned->warnings.end());
            if (!scanned->files.empty()) {
                std::string folder = files_folder_name(project.identifier);
                auto done = co_await sync_folder(ctx, std::move(folder), repo, project.identifier, agent_id,
                                                 std::move(scanned->files), out);
                if (!done) note(done.error(), "project files");
            }
        }
    }
    for (const auto& w : out.warnings) HVS_LOG(ctx.log, warning) << w;
    if (out.uploaded > 0) HVS_LOG(ctx.log, info) << "uploaded " << out.uploaded << " files to Letta";
    if (first) {
        if (failed > 1) first->message += " (and " + std::to_string(failed - 1) + " more failures)";
        co_return *first;
    }
    co_return out;
}

}  // namespace hvs::agents
