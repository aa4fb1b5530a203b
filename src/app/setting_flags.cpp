#include "app/setting_flags.hpp"
#include "app/command_line.hpp"

#include <CLI/CLI.hpp>

#include <sstream>

namespace hvs::app {
namespace {

const std::string settings_group = "Settings (environment variable, or the flag after it, which wins)";

class settings_help : public CLI::Formatter {
public:
    explicit settings_help(const setting_flags& settings) : settings_(settings) {}

    std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override {
        if (app->get_parent() != nullptr || mode != CLI::AppFormatMode::Normal) {
            return CLI::Formatter::make_help(app, std::move(name), mode);
        }
        return make_description(app) + make_usage(app, std::move(name)) + make_subcommands(app, mode) + make_groups(app, mode) + make_footer(app);
    }

    std::string make_group(std::string group, bool is_positional, std::vector<const CLI::Option*> opts) const override {
        if (group != settings_group) return CLI::Formatter::make_group(std::move(group), is_positional, std::move(opts));
        std::ostringstream out;
        out << "\n" << group << ":\n";
        for (const CLI::Option* option : opts) {
            const core::setting_info* s = settings_.setting_of(option);
            if (!s) continue;
            const std::string flag = s->secret ? s->flag + " refused (ps shows it): or " + s->env + "_FILE" : s->flag;
            out << "  " << s->env << "  " << flag
                << (s->default_value.empty() ? "" : "  [default: " + s->default_value + "]") << "\n      "
                << s->description << "; " << s->allowed << "\n";
        }
        return out.str();
    }

    // `--wait` of `--wait{86400}`: the value a flag alone stands for is told in its description.
    std::string make_option_name(const CLI::Option* option, bool is_positional) const override {
        std::string name = CLI::Formatter::make_option_name(option, is_positional);
        if (auto open = name.find('{'); open != std::string::npos) name.erase(open, name.find('}', open) + 1 - open);
        return name;
    }

private:
    const setting_flags& settings_;
};

// A true/false setting is a flag alone (`--dry-run`), or `--dry-run=false`: its value never follows apart.
bool is_switch(const core::setting_info& s) { return s.allowed == "true or false"; }

}  // namespace

setting_flags::setting_flags(CLI::App& root) {
    for (const auto& s : core::settings()) {
        CLI::Option* option = is_switch(s) ? root.add_flag(s.flag, s.description)
                                           : root.add_option(s.flag, s.description)->expected(0, 1);
        option->group(settings_group);
        flags_.emplace_back(&s, option);
    }
}

core::setting_overrides setting_flags::given() const {
    core::setting_overrides out;
    for (const auto& [s, option] : flags_) {
        if (option->count() == 0) continue;
        const auto& values = option->results();
        out.emplace_back(s->env, values.empty() ? std::string() : values.back());
    }
    return out;
}

std::optional<std::string> setting_flags::missing_value(const CLI::App& root) const {
    const CLI::Option* missing = missing_value_in(root);
    if (!missing) return std::nullopt;
    std::string message = "missing value for " + missing->get_name();
    if (const core::setting_info* s = setting_of(missing)) message += " (" + s->env + "): expected " + s->allowed;
    return message;
}

const core::setting_info* setting_flags::setting_of(const CLI::Option* option) const {
    for (const auto& [s, own] : flags_) {
        if (own == option) return s;
    }
    return nullptr;
}

std::shared_ptr<CLI::Formatter> help_formatter(const setting_flags& settings) {
    return std::make_shared<settings_help>(settings);
}

}  // namespace hvs::app
