#pragma once
// `huly-vibe-sync completion bash`: a bash completion script generated from the command table and the
// settings table, through a CLI11 model of the command line (one subcommand per command, each with
// its own flags and every setting that may be given as a flag).

#include <string>
#include <string_view>
#include <vector>

namespace hvs::app {

// What completion needs of one command: its name, its verb ("sync" of `tools sync`; empty when it
// has none) and its own flags.
struct command_words {
    std::string_view name;
    std::string_view summary;
    std::string_view verb;
    std::vector<std::string> flags;
};

// The flags ("--name") written in a command's usage text, in order, each once.
[[nodiscard]] std::vector<std::string> flags_in_usage(std::string_view usage);

// The script: `source <(huly-vibe-sync completion bash)`. Secret settings are left out: their
// flags are refused (`ps` would show the value).
[[nodiscard]] std::string bash_completion(const std::vector<command_words>& table);

// Every command of the command table (src/app/cli.cpp), for completion.
[[nodiscard]] std::vector<command_words> commands_for_completion();

}  // namespace hvs::app
