#include "hvs/core/flags.hpp"

namespace hvs::core {

std::string_view flag_name(std::string_view arg) { return arg.substr(0, arg.find('=')); }

bool is_flag_named(std::string_view arg, std::string_view name) { return flag_name(arg) == name; }

result<std::string> take_flag_value(const std::vector<std::string>& args, std::size_t& i, std::string_view detail) {
    const std::string_view arg = args[i];
    const std::string_view name = flag_name(arg);
    if (name.size() < arg.size()) return std::string(arg.substr(name.size() + 1));
    const std::string missing = "missing value for " + std::string(name) + std::string(detail);
    if (i + 1 >= args.size()) return make_error(error_kind::invalid, missing);
    if (args[i + 1].rfind("--", 0) == 0) {
        return make_error(error_kind::invalid, missing + " (the next argument is a flag; a value that starts with -- is written " +
                                                   std::string(name) + "=VALUE)");
    }
    return args[++i];
}

}  // namespace hvs::core
