#pragma once
// What the commands share to declare their flags on CLI11: a flag that wants a value (never the
// flag after it), a repeatable one, `--wait[=SECONDS]` of the commands that write, a command's one
// verb (`tools sync`), a `--json` switch, and the check that no flag wanting a value went without.

#include <CLI/App.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace hvs::app {

// `--name VALUE` or `--name=VALUE`, the last one given wins. Given without a value (`--name` last,
// or `--name --other`: CLI11 then leaves `--other` alone), refused by missing_value_in.
template <typename T>
CLI::Option* add_value_option(CLI::App& app, const std::string& name, T& variable, const std::string& description) {
    return app.add_option(name, variable, description)
        ->expected(0, 1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

// `--name VALUE`, repeatable: each one given adds its value.
template <typename Container>
CLI::Option* add_repeated_option(CLI::App& app, const std::string& name, Container& values,
                                 const std::string& description) {
    return app.add_option(name, values, description)->expected(0, 1)->take_all()->allow_extra_args(false);
}

// A check that `parse` (a value's parser returning an optional) accepts the value; `allowed` says
// what it takes ("folders, agents or all").
template <typename Parse>
CLI::Validator accepted_by(Parse parse, const std::string& allowed) {
    return CLI::Validator(
        [parse, allowed](std::string& value) { return parse(value) ? std::string() : "expected " + allowed; }, allowed);
}

// How long a writing command waits for the database's single-writer lock; nullopt: not at all.
using lock_wait = std::optional<std::chrono::seconds>;

// `--wait[=SECONDS]` of a command that writes: alone, a day; `holder` names what is held.
void add_wait_flag(CLI::App& app, lock_wait& wait, const std::string& holder = "DB_PATH");

// `--json`: one JSON document instead of a table.
void add_json_flag(CLI::App& app, bool& json, const std::string& what = "one JSON document instead of a table");

// The command's one verb (`sync` of `tools sync`), required; its flags are added to the result.
CLI::App* add_verb(CLI::App& command, const std::string& verb, const std::string& description);

// The first option of the parsed command line (`root` and the subcommands used) that wants a
// value and was given none; nullptr when there is none.
[[nodiscard]] const CLI::Option* missing_value_in(const CLI::App& root);

}  // namespace hvs::app
