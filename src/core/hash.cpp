#include "hvs/core/hash.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <stdexcept>

namespace hvs::core {

std::string content_hash(std::string_view text) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int length = 0;
    if (EVP_Digest(text.data(), text.size(), md.data(), &length, EVP_sha256(), nullptr) != 1) {
        // Only an OpenSSL that cannot allocate or lacks SHA-256 gets here: nothing to recover.
        throw std::runtime_error("OpenSSL could not compute SHA-256");
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * length);
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 0x0f];
    }
    return out;
}

std::string legacy_content_hash(std::string_view text) {
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ull;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return std::string(legacy_hash_mark) + buf;
}

content_digest digest(std::string_view text) { return {content_hash(text), legacy_content_hash(text)}; }

}  // namespace hvs::core
