#pragma once
// Every setting of the settings table (core::settings(): environment name, default, what is
// allowed, secret) as a flag of the command line's root, which every command accepts too:
// `--max-workers 3`, `--dry-run` alone (or `--dry-run=false`) for a true/false one. A flag wins over
// its environment variable; core::load_config validates both. A secret's flag is declared for the
// help only: the command line refuses it before parsing (`ps` would show its value).

#include "hvs/core/config.hpp"

#include <CLI/App.hpp>
#include <CLI/Formatter.hpp>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hvs::app {

class setting_flags {
public:
    explicit setting_flags(CLI::App& root);

    // The settings given as flags, in the table's order (the last of a repeated flag wins).
    [[nodiscard]] core::setting_overrides given() const;

    // "missing value for --name ..." for the first flag of the parsed command line that wants a
    // value and was given none (a setting's names its variable and what it allows); else nullopt.
    [[nodiscard]] std::optional<std::string> missing_value(const CLI::App& root) const;

    // The setting behind a root option; nullptr for an option that is no setting.
    [[nodiscard]] const core::setting_info* setting_of(const CLI::Option* option) const;

private:
    std::vector<std::pair<const core::setting_info*, CLI::Option*>> flags_;
};

// The help formatter: CLI11's, with the commands listed before the settings and each setting shown
// as `  ENV  --flag  [default: X]` then its description and what it allows (deploy/known-settings.sh
// reads these lines).
[[nodiscard]] std::shared_ptr<CLI::Formatter> help_formatter(const setting_flags& settings);

}  // namespace hvs::app
