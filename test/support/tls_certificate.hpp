#pragma once
// A self-signed certificate for the name "localhost" (not for 127.0.0.1), generated when a test runs.

#include <string>

namespace hvs::test {

struct tls_certificate {
    std::string certificate_pem;
    std::string private_key_pem;
    std::string certificate_file;  // the certificate written to a temporary file (a CA bundle)
};

// Throws std::runtime_error if OpenSSL fails.
tls_certificate make_self_signed_certificate();

}  // namespace hvs::test
