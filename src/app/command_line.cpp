#include "app/command_line.hpp"

#include <CLI/CLI.hpp>

#include <charconv>

namespace hvs::app {

void add_wait_flag(CLI::App& app, lock_wait& wait, const std::string& holder) {
    constexpr long a_day = 86'400;
    const std::string description = "when another process holds " + holder + ", wait for it (SECONDS, default " +
                                    std::to_string(a_day) + ") instead of exiting 1: --wait or --wait=SECONDS";
    app.add_flag("--wait{" + std::to_string(a_day) + "}", description)
        ->check(CLI::Range(0L, a_day).description(""))
        ->each([&wait](const std::string& value) {
            long seconds = 0;
            std::from_chars(value.data(), value.data() + value.size(), seconds);  // checked by the range
            wait = std::chrono::seconds(seconds);
        });
}

void add_json_flag(CLI::App& app, bool& json, const std::string& what) { app.add_flag("--json", json, what); }

CLI::App* add_verb(CLI::App& command, const std::string& verb, const std::string& description) {
    command.require_subcommand(1);
    CLI::App* sub = command.add_subcommand(verb, description);
    sub->fallthrough();
    return sub;
}

const CLI::Option* missing_value_in(const CLI::App& root) {
    for (const CLI::Option* option : root.get_options()) {
        if (option->get_items_expected_max() == 0) continue;  // a switch takes none
        for (const auto& value : option->results()) {
            if (value.empty()) return option;
        }
    }
    for (const CLI::App* sub : root.get_subcommands()) {
        if (const CLI::Option* missing = missing_value_in(*sub)) return missing;
    }
    return nullptr;
}

}  // namespace hvs::app
