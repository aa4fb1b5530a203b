#pragma once
// The whole content of a file as bytes ("" when it cannot be read): what tests compare on disk.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace hvs::test {

inline std::string contents_of(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace hvs::test
