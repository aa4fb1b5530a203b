#pragma once
// Private to the Vibe simulator: request bodies deserialised the way axum's Json<T> does it:
// serde_json 1.0.143's streaming Deserializer (from_slice, no end() check, so trailing bytes are
// ignored) wrapped in serde_path_to_error 0.1.17, into a #[derive(Deserialize)] struct.
// Reproducing the streaming order matters: a type error early in the body wins over a syntax
// error later on, and every message carries the byte position serde_json had reached.

#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hvs::sim::serde {

// The field types the simulator's request structs use. Option<T> fields may be absent or null.
enum class field_kind {
    string,         // String
    opt_string,     // Option<String>
    boolean,        // bool
    uuid,           // Uuid (uuid's Deserialize: a string, then FromStr)
    opt_uuid,       // Option<Uuid>
    opt_uuid_list,  // Option<Vec<Uuid>>
    opt_enum,       // Option<E>, E an enum of unit variants
};

struct field_spec {
    std::string_view name;
    field_kind kind;
    std::span<const std::string_view> variants = {};  // opt_enum: the variant names, in declaration order
};

struct field_value {
    bool present = false;  // given (and not null, for Option fields)
    std::string text;      // string, canonical uuid or variant name
    bool flag = false;
    std::vector<std::string> list;
};

// One per field_spec, in the same order.
using struct_values = std::vector<field_value>;

// serde_json's error Category: Data becomes axum's 422, Syntax and Eof its 400.
enum class error_kind { data, syntax };

struct error {
    error_kind kind = error_kind::syntax;
    std::string text;  // "path: message at line L column C", as serde_path_to_error displays it
};

// serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(body)) into the struct
// `name` with `fields`. Reports every failure as an `error`, never by throwing.
std::variant<struct_values, error> read_struct(std::string_view body, std::string_view name,
                                               std::span<const field_spec> fields);

}  // namespace hvs::sim::serde
