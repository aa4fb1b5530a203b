#pragma once
// Command-line flags with values, read one way by every parser: `--name=VALUE` or `--name VALUE`.

#include "hvs/core/error.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hvs::core {

// The flag's name: `arg` up to its first '=' ("--db=x" -> "--db").
[[nodiscard]] std::string_view flag_name(std::string_view arg);

// Whether `arg` is the flag `name`, with or without "=VALUE".
[[nodiscard]] bool is_flag_named(std::string_view arg, std::string_view name);

// The value of the flag at args[i]: what follows its '=', else the next argument, which is then
// consumed (i moves onto it). error_kind::invalid "missing value for NAME<detail>" when there is
// none, or when the next argument is itself a flag ("--db --wait" never makes "--wait" the value;
// a value that starts with "--" is written "--db=--VALUE"). The next argument is never repeated in
// the message: it may be a secret.
[[nodiscard]] result<std::string> take_flag_value(const std::vector<std::string>& args, std::size_t& i,
                                                  std::string_view detail = {});

}  // namespace hvs::core
