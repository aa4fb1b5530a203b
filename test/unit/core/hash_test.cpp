// Change detection's digest: SHA-256 (FIPS 180-4 test vectors), and the FNV-1a hashes stored
// before it still recognised once marked.

#include "hvs/core/hash.hpp"

#include <gtest/gtest.h>

#include <string>

namespace hvs::core {
namespace {

TEST(ContentHash, IsSha256InLowercaseHex) {
    EXPECT_EQ(content_hash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(content_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(content_hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(content_hash(std::string(1000000, 'a')),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(ContentHash, CoversEmbeddedNulBytes) {
    const std::string with_nul("a\0b", 3);
    EXPECT_NE(content_hash(with_nul), content_hash("a"));
    EXPECT_EQ(content_hash(with_nul).size(), 64u);
}

TEST(LegacyContentHash, IsTheMarkedFnv1aTheOldBinaryStored) {
    EXPECT_EQ(legacy_content_hash(""), "fnv1a64:cbf29ce484222325");
    EXPECT_EQ(legacy_content_hash("a"), "fnv1a64:af63dc4c8601ec8c");
}

TEST(ContentDigest, MatchesTheContentsHashInEitherFormatOnly) {
    const auto d = digest("a");
    EXPECT_EQ(d.hash, content_hash("a"));
    EXPECT_TRUE(d.matches(content_hash("a")));
    EXPECT_TRUE(d.matches("fnv1a64:af63dc4c8601ec8c"));
    EXPECT_FALSE(d.matches(content_hash("b")));
    EXPECT_FALSE(d.matches(legacy_content_hash("b")));
    EXPECT_FALSE(d.matches(""));
}

}  // namespace
}  // namespace hvs::core
