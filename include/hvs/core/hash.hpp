#pragma once
// A stable content digest for change detection (descriptions, memory blocks, uploaded files).

#include <string>
#include <string_view>

namespace hvs::core {

// 64-bit FNV-1a in 16 hex digits: the same on every build and platform.
[[nodiscard]] std::string content_hash(std::string_view text);

}  // namespace hvs::core
