#pragma once
// `huly-vibe-sync completion bash`: a bash completion script generated from the command line's
// CLI11 tree: the commands, each one's verb and own flags, and every setting's flag (with its
// values when the settings table names few). Secret settings are left out: their flags are
// refused (`ps` would show the value).

#include <CLI/App.hpp>

#include <string>

namespace hvs::app {

// The script: `source <(huly-vibe-sync completion bash)`.
[[nodiscard]] std::string bash_completion(const CLI::App& root);

}  // namespace hvs::app
