#include "hvs/sync/vibe_project.hpp"

#include "hvs/sync/repo_path.hpp"

#include <filesystem>

namespace hvs::sync {
namespace {

// The repository a new Vibe project gets, whether it already exists as a git repository, and why
// a described path was refused (empty when it was not). Reads the filesystem: runs on the
// database thread, never on the I/O thread.
struct repository_choice {
    std::string path;
    bool existing = false;
    std::string refused;
};

repository_choice choose_repository(std::vector<std::string> roots, const std::string& stacks_dir,
                                    const huly::project& project) {
    roots.push_back(stacks_dir);
    repository_choice choice;
    if (auto described = described_path(project.description)) {
        auto check = check_repo_path(*described, roots);
        if (check.verdict == path_verdict::allowed) return {check.resolved, true, {}};
        choice.refused = "ignoring repository path '" + *described + "' from the Huly description: " +
                         std::string(to_string(check.verdict)) + "; using a placeholder";
    }
    choice.path = placeholder_path(stacks_dir, project.identifier);
    std::error_code ec;
    // When it does not exist, Vibe creates it (mkdir -p, git init) for use_existing_repo=false.
    choice.existing = std::filesystem::exists(std::filesystem::path(choice.path) / ".git", ec);
    return choice;
}

}  // namespace

net::task<result<std::string>> ensure_vibe_project(sync_context& ctx, const huly::project& project,
                                                   const mirror_decision& mirror, std::string& repo_path) {
    if (mirror.what == mirror_decision::kind::linked || mirror.what == mirror_decision::kind::adopt) {
        co_return mirror.vibe_id;
    }
    if (mirror.what == mirror_decision::kind::vanished) {
        co_return make_error(error_kind::http_4xx, "Vibe project " + mirror.vibe_id +
                                                       " mapped to this project no longer exists; nothing is "
                                                       "re-created (remove the project's row to start over)");
    }
    auto choose = [roots = ctx.settings.allowed_repo_roots, stacks = ctx.settings.stacks_dir,
                   project](store::database&) -> result<repository_choice> {
        return choose_repository(roots, stacks, project);
    };
    auto choice = co_await ctx.db.run(std::move(choose));
    if (!choice) co_return choice.error();
    if (!choice->refused.empty()) HVS_LOG(ctx.log, warning) << choice->refused;
    const std::string path = choice->path;
    repo_path = path;
    auto created = co_await ctx.vibe.create_project(project.name, path, choice->existing);
    if (created) co_return created->id;
    // Vibe refused the create (its answer to a repository another project has already: an earlier
    // create that timed out, or a placeholder reused): adopt that project rather than fail forever.
    if (created.error().kind == error_kind::refused) {
        auto listed = co_await ctx.vibe.list_projects();
        if (!listed) co_return listed.error();
        for (const auto& candidate : *listed) {
            if (candidate.git_repo_path == path) co_return candidate.id;
        }
    }
    co_return created.error();
}

}  // namespace hvs::sync
