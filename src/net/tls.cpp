#include "hvs/net/tls.hpp"

namespace hvs::net {

namespace ssl = boost::asio::ssl;

result<std::shared_ptr<ssl::context>> make_client_tls_context(const tls_options& options) {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    boost::system::error_code ec;
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                         ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                     ec);
    if (options.use_system_store) ctx->set_default_verify_paths(ec);
    if (!options.ca_file.empty()) {
        ctx->load_verify_file(options.ca_file, ec);
        if (ec) {
            return make_error(error_kind::invalid,
                              "cannot load CA bundle '" + options.ca_file + "': " + ec.message());
        }
    }
    ctx->set_verify_mode(options.verify ? ssl::verify_peer : ssl::verify_none, ec);
    return ctx;
}

}  // namespace hvs::net
