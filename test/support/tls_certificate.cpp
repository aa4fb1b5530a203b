#include "support/tls_certificate.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>

namespace hvs::test {
namespace {

template <class T, void (*Free)(T*)>
using owned = std::unique_ptr<T, decltype([](T* p) { Free(p); })>;

std::string pem_of(auto write) {
    owned<BIO, BIO_free_all> bio(BIO_new(BIO_s_mem()));
    if (!write(bio.get())) throw std::runtime_error("PEM write failed");
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace

tls_certificate make_self_signed_certificate() {
    owned<EVP_PKEY, EVP_PKEY_free> key(EVP_EC_gen("P-256"));
    if (!key) throw std::runtime_error("EC key generation failed");

    owned<X509, X509_free> cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(std::random_device{}() & 0x7fffffff));
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);

    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    for (auto [nid, value] : {std::pair{NID_subject_alt_name, "DNS:localhost"},
                              std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
        owned<X509_EXTENSION, X509_EXTENSION_free> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
        if (!ext || !X509_add_ext(cert.get(), ext.get(), -1)) throw std::runtime_error("extension failed");
    }
    if (!X509_sign(cert.get(), key.get(), EVP_sha256())) throw std::runtime_error("signing failed");

    tls_certificate out;
    out.certificate_pem = pem_of([&](BIO* b) { return PEM_write_bio_X509(b, cert.get()); });
    out.private_key_pem = pem_of([&](BIO* b) {
        return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    out.certificate_file = ::testing::TempDir() + "hvs-test-ca-" + std::to_string(std::random_device{}()) + ".pem";
    std::ofstream(out.certificate_file) << out.certificate_pem;
    return out;
}

}  // namespace hvs::test
