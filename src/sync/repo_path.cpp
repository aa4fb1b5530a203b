#include "hvs/sync/repo_path.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>

namespace hvs::sync {
namespace {

namespace fs = std::filesystem;

bool starts_with_ci(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
            return false;
        }
    }
    return true;
}

bool inside(const fs::path& candidate, const fs::path& root) {
    auto c = candidate.lexically_normal().string();
    auto r = root.lexically_normal().string();
    while (r.size() > 1 && r.back() == '/') r.pop_back();
    return c == r || (c.size() > r.size() && c.compare(0, r.size(), r) == 0 && (r == "/" || c[r.size()] == '/'));
}

}  // namespace

std::optional<std::string> described_path(std::string_view description) {
    constexpr std::string_view keywords[] = {"path:", "filesystem:", "directory:", "location:"};
    std::size_t line_start = 0;
    while (line_start <= description.size()) {
        auto line_end = description.find('\n', line_start);
        std::string_view line = description.substr(line_start, line_end == std::string_view::npos
                                                                   ? std::string_view::npos
                                                                   : line_end - line_start);
        for (std::size_t i = 0; i < line.size(); ++i) {
            for (auto keyword : keywords) {
                if (!starts_with_ci(line.substr(i), keyword)) continue;
                if (i > 0 && std::isalnum(static_cast<unsigned char>(line[i - 1]))) continue;
                std::string_view rest = line.substr(i + keyword.size());
                while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t' || rest.front() == '*')) {
                    rest.remove_prefix(1);
                }
                if (!rest.empty() && (rest.front() == '`' || rest.front() == '"' || rest.front() == '\'')) {
                    char quote = rest.front();
                    rest.remove_prefix(1);
                    rest = rest.substr(0, rest.find(quote));
                } else {
                    rest = rest.substr(0, rest.find_first_of(" \t\r"));
                }
                if (!rest.empty()) return std::string(rest);
            }
        }
        if (line_end == std::string_view::npos) break;
        line_start = line_end + 1;
    }
    return std::nullopt;
}

path_check check_repo_path(const std::string& path, const std::vector<std::string>& allowed_roots) {
    fs::path given(path);
    if (!given.is_absolute()) return {path_verdict::not_absolute, {}};
    std::error_code ec;
    if (!fs::exists(given, ec)) return {path_verdict::missing, {}};
    fs::path resolved = fs::canonical(given, ec);  // resolves every symlink and ".."
    if (ec) return {path_verdict::missing, {}};
    bool allowed = std::any_of(allowed_roots.begin(), allowed_roots.end(), [&](const std::string& root) {
        std::error_code root_ec;
        fs::path canonical_root = fs::canonical(root, root_ec);
        return !root_ec && inside(resolved, canonical_root);
    });
    if (!allowed) return {path_verdict::outside_roots, resolved.string()};
    if (!fs::is_directory(resolved, ec) || !fs::exists(resolved / ".git", ec)) {
        return {path_verdict::not_a_git_repository, resolved.string()};
    }
    return {path_verdict::allowed, resolved.string()};
}

std::string_view to_string(path_verdict verdict) {
    switch (verdict) {
    case path_verdict::allowed: return "allowed";
    case path_verdict::not_absolute: return "not an absolute path";
    case path_verdict::outside_roots: return "outside the allowed roots";
    case path_verdict::missing: return "does not exist";
    case path_verdict::not_a_git_repository: return "not a git repository";
    }
    return "unknown";
}

bool valid_identifier(std::string_view identifier) {
    constexpr std::size_t max_identifier_length = 16;
    if (identifier.empty() || identifier.size() > max_identifier_length) return false;
    if (identifier.front() < 'A' || identifier.front() > 'Z') return false;
    return std::all_of(identifier.begin(), identifier.end(),
                       [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

std::string quoted_identifier(std::string_view identifier) {
    std::string out = "\"";
    for (unsigned char c : identifier.substr(0, 64)) {
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out += hex;
        } else {
            out += static_cast<char>(c);
        }
    }
    if (identifier.size() > 64) out += "...";
    return out + "\"";
}

std::string placeholder_path(std::string_view stacks_dir, std::string_view identifier) {
    std::string base(stacks_dir);
    while (base.size() > 1 && base.back() == '/') base.pop_back();
    return base + "/huly-sync-placeholders/" + std::string(identifier);
}

}  // namespace hvs::sync
