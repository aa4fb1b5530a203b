#pragma once
// A stable content digest for change detection (descriptions, memory blocks, uploaded files).

#include <string>
#include <string_view>

namespace hvs::core {

// SHA-256 in 64 lowercase hex digits: what change detection stores.
[[nodiscard]] std::string content_hash(std::string_view text);

// Hashes stored before SHA-256 were 64-bit FNV-1a (16 hex digits); a schema migration
// (store::legacy_hash_marking_migration) marked each with this prefix, so an unchanged content is still recognised by it and nothing is written again
// just because the hash format changed. A marked hash is replaced by the next write of its content.
inline constexpr std::string_view legacy_hash_mark = "fnv1a64:";

// The marked FNV-1a form of text, as that migration left the hashes stored before SHA-256.
[[nodiscard]] std::string legacy_content_hash(std::string_view text);

// What a content is recognised by when compared with a stored hash.
struct content_digest {
    std::string hash;         // content_hash: what is stored after a write
    std::string legacy_hash;  // legacy_content_hash: the same content, stored before SHA-256

    // True when `stored` is the hash of this content, in either format.
    [[nodiscard]] bool matches(std::string_view stored) const { return stored == hash || stored == legacy_hash; }
};

[[nodiscard]] content_digest digest(std::string_view text);

}  // namespace hvs::core
