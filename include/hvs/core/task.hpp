#pragma once
// The coroutine vocabulary every layer shares (Boost 1.81: tokens are always explicit). Here in
// core so that a layer below net (store's database thread) can hand out tasks; net re-exports it.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace hvs::core {

template <class T>
using task = boost::asio::awaitable<T>;

using executor = boost::asio::any_io_executor;

// Completion token that reports errors as values: `auto [ec, n] = co_await op(..., use_nothrow);`
inline constexpr auto use_nothrow = boost::asio::as_tuple(boost::asio::use_awaitable);

}  // namespace hvs::core
