#pragma once
// What an engine provides behind store::database and store::statement (database.hpp).

#include "hvs/store/database.hpp"

namespace hvs::store {

class statement_backend {
public:
    virtual ~statement_backend() = default;
    virtual void bind_text(int index, std::string_view value) = 0;
    virtual void bind_integer(int index, std::int64_t value) = 0;
    virtual void bind_null(int index) = 0;
    virtual result<bool> step() = 0;
    virtual void reset() = 0;
    [[nodiscard]] virtual bool is_null(int column) const = 0;
    [[nodiscard]] virtual std::string text(int column) const = 0;
    [[nodiscard]] virtual std::int64_t integer(int column) const = 0;
};

class connection_backend {
public:
    virtual ~connection_backend() = default;
    virtual result<void> exec(std::string_view sql) = 0;
    virtual result<std::unique_ptr<statement_backend>> prepare(std::string_view sql) = 0;
    [[nodiscard]] virtual int changes() const = 0;
    [[nodiscard]] virtual engine kind() const = 0;
};

}  // namespace hvs::store
