// The single translation unit that compiles Asio, Asio's SSL layer and Beast.
#include <boost/version.hpp>
static_assert(BOOST_VERSION == 108100, "huly-vibe-sync is built and tested against Boost 1.81 only");

#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
