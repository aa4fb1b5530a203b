#include "hvs/core/repo_fs.hpp"

#include <cerrno>
#include <cstring>
#include <random>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hvs::core {
namespace {

// Closes the descriptor when it goes out of scope.
struct unique_fd {
    int fd = -1;
    explicit unique_fd(int f) : fd(f) {}
    unique_fd(const unique_fd&) = delete;
    unique_fd& operator=(const unique_fd&) = delete;
    ~unique_fd() {
        if (fd >= 0) ::close(fd);
    }
};

std::vector<std::string> components(const std::string& relative) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= relative.size()) {
        auto end = relative.find('/', start);
        auto part = relative.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!part.empty() && part != ".") parts.push_back(part);
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return parts;
}

error open_failure(const std::string& repo, const std::string& relative, int e) {
    if (e == ELOOP || e == ENOTDIR) {
        return make_error(error_kind::invalid, repo + "/" + relative + ": a symlink or non-directory on the way; not followed");
    }
    return make_error(error_kind::io, repo + "/" + relative + ": " + std::strerror(e));
}

// The directory holding the last component of `parts`, opened without following any symlink
// (the repository directory itself is opened as given: it was checked against the allowed roots);
// -1 when a directory on the way does not exist.
result<int> open_parent(const std::string& repo, const std::string& relative, const std::vector<std::string>& parts) {
    int dir = ::open(repo.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return open_failure(repo, "", errno);
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        if (parts[i] == "..") {
            ::close(dir);
            return make_error(error_kind::invalid, repo + "/" + relative + ": \"..\" leads outside the repository");
        }
        int next = ::openat(dir, parts[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int e = errno;
        ::close(dir);
        if (next < 0 && e == ENOENT) return -1;
        if (next < 0) return open_failure(repo, relative, e);
        dir = next;
    }
    return dir;
}

}  // namespace

result<std::optional<std::string>> read_repo_file(const std::string& repo, const std::string& relative,
                                                  std::size_t max_bytes, bool* too_large) {
    auto parts = components(relative);
    if (parts.empty() || parts.back() == "..") return make_error(error_kind::invalid, relative + ": not a file name");
    auto parent = open_parent(repo, relative, parts);
    if (!parent) return parent.error();
    if (*parent < 0) return std::optional<std::string>();
    unique_fd dir(*parent);
    unique_fd file(::openat(dir.fd, parts.back().c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (file.fd < 0) {
        if (errno == ENOENT) return std::optional<std::string>();
        return open_failure(repo, relative, errno);
    }
    struct stat st {};
    if (::fstat(file.fd, &st) != 0) return open_failure(repo, relative, errno);
    if (!S_ISREG(st.st_mode)) return make_error(error_kind::invalid, relative + " is not a regular file");
    if (static_cast<std::size_t>(st.st_size) > max_bytes) {
        if (too_large) *too_large = true;
        return make_error(error_kind::invalid, relative + " has " + std::to_string(st.st_size) + " bytes, more than " +
                                                   std::to_string(max_bytes));
    }
    std::string content(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::read(file.fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return open_failure(repo, relative, errno);
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    content.resize(done);
    return std::optional<std::string>(std::move(content));
}

result<void> make_repo_dir(const std::string& repo, const std::string& relative) {
    auto parts = components(relative);
    if (parts.empty() || parts.back() == "..") return make_error(error_kind::invalid, relative + ": not a directory name");
    auto parent = open_parent(repo, relative, parts);
    if (!parent) return parent.error();
    if (*parent < 0) return open_failure(repo, relative, ENOENT);
    unique_fd dir(*parent);
    if (::mkdirat(dir.fd, parts.back().c_str(), 0755) != 0 && errno != EEXIST) return open_failure(repo, relative, errno);
    unique_fd made(::openat(dir.fd, parts.back().c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (made.fd < 0) return open_failure(repo, relative, errno);
    return {};
}

result<void> write_repo_file(const std::string& repo, const std::string& relative, const std::string& content) {
    auto parts = components(relative);
    if (parts.empty() || parts.back() == "..") return make_error(error_kind::invalid, relative + ": not a file name");
    auto parent = open_parent(repo, relative, parts);
    if (!parent) return parent.error();
    if (*parent < 0) return open_failure(repo, relative, ENOENT);
    unique_fd dir(*parent);
    struct stat st {};
    if (::fstatat(dir.fd, parts.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode)) {
        return make_error(error_kind::invalid, repo + "/" + relative + " is a symlink or not a regular file; not replaced");
    }
    std::random_device random;
    const std::string temporary = "." + parts.back() + ".hvs-tmp-" + std::to_string(random());
    unique_fd out(::openat(dir.fd, temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (out.fd < 0) return open_failure(repo, relative, errno);
    std::size_t done = 0;
    int failed = 0;
    while (done < content.size() && failed == 0) {
        ssize_t n = ::write(out.fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) failed = errno;
        else done += static_cast<std::size_t>(n);
    }
    if (failed == 0 && ::fsync(out.fd) != 0) failed = errno;
    if (failed == 0 && ::renameat(dir.fd, temporary.c_str(), dir.fd, parts.back().c_str()) != 0) failed = errno;
    if (failed != 0) {
        ::unlinkat(dir.fd, temporary.c_str(), 0);
        return make_error(error_kind::io, "cannot write " + repo + "/" + relative + ": " + std::strerror(failed));
    }
    return {};
}

}  // namespace hvs::core
