#pragma once
// Client TLS settings: peer and host-name verification on by default, optional extra CA bundle.

#include "hvs/core/error.hpp"

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

namespace hvs::net {

struct tls_options {
    bool verify = true;          // verify the peer certificate and the host name
    std::string ca_file;         // extra PEM bundle; the system store is always loaded too
    bool use_system_store = true;
};

// A TLS 1.2+ client context; error_kind::invalid when the CA bundle cannot be loaded.
[[nodiscard]] result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls_context(const tls_options& options);

}  // namespace hvs::net
