// Draft26 signed vectors generated deterministically (RFC 6979 ECDSA, Ed25519) from the draft's
// Appendix D payloads, written to the build tree and cross-checked by an independent Python
// implementation (crosscheck_signed.py: cbor2 + cryptography).
#include "teepsim/codec/teep_signed.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "teep_test_util.h"

namespace teepsim::teep
{
namespace
{

using crypto::Alg;

// Computed by this generator, then verified by crosscheck_signed.py (see the Python test).
const std::string kPinnedQueryRequestSign1 =
    "d28443a10128a1045820c770ec535d8c949586324adaf2ddffb76b1a852dfa52e19c80f7440ec163beea"
    "58408501a21350a0a1a2a3a4a5a6a7a8a9aaabacadaeaf03810082818212288182123284842f28381c39fffd"
    "842f32381c39fffd842f28381c01842f32381c181803584083a386f393a462cce299f78d1ca80046bcc90eae"
    "961210f6f97a9d9b500c6a7d66ce9a46a83fb7c52fa2be1c2cc762d0647d7d144e9201ddebcc91e1ca6b0939";

const std::string kOutDir = std::string(TEEPSIM_BINARY_DIR) + "/teep_vectors";

struct Generated
{
    const char* out;
    const char* example;
    std::vector<Alg> algs;
};

const std::vector<Generated>& Vectors()
{
    static const std::vector<Generated> v = {
        {"query_request_sign1_esp256.cbor", "query_request.cbor", {Alg::ESP256}},
        {"query_request_sign_esp256_ed25519.cbor",
         "query_request.cbor",
         {Alg::ESP256, Alg::Ed25519}},
        {"query_response_sign1_ed25519.cbor", "query_response.cbor", {Alg::Ed25519}},
        {"update_sign1_esp256.cbor", "update.cbor", {Alg::ESP256}},
        {"teep_success_sign1_ed25519.cbor", "teep_success.cbor", {Alg::Ed25519}},
        {"teep_error_sign1_esp256.cbor", "teep_error.cbor", {Alg::ESP256}},
    };
    return v;
}

cose::Signer SignerFor(Alg alg)
{
    return alg == Alg::ESP256 ? cose::Signer{alg, test::LibteepKey("tam_prime256v1")}
                              : cose::Signer{alg, test::Ed25519TestKey()};
}

Bytes Generate(const Generated& g)
{
    auto m = Decode(test::ReadVector(std::string("ietf-teep-protocol-draft26-pr420/") + g.example));
    if (!m)
    {
        throw std::runtime_error(m.failure().ToString());
    }
    std::vector<cose::Signer> signers;
    for (Alg a : g.algs)
    {
        signers.push_back(SignerFor(a));
    }
    return EncodeSigned(*m, Profile::Draft26(), signers);
}

// Generation is deterministic and each vector verifies with every one of its signers' keys.
TEST(GeneratedVectors, AreDeterministicAndVerify)
{
    std::filesystem::create_directories(kOutDir);
    for (const auto& g : Vectors())
    {
        const Bytes wire = Generate(g);
        EXPECT_EQ(wire, Generate(g)) << g.out;
        for (Alg a : g.algs)
        {
            auto r = DecodeVerified(wire, Profile::Draft26(), {SignerFor(a).key});
            ASSERT_TRUE(r.ok()) << g.out << ": " << r.failure().ToString();
            EXPECT_EQ(r->alg, a);
        }
        std::ofstream(kOutDir + "/" + g.out, std::ios::binary)
            .write(reinterpret_cast<const char*>(wire.data()),
                   static_cast<std::streamsize>(wire.size()));
    }
}

// Pinned bytes of the ESP256 QueryRequest (cross-checked by crosscheck_signed.py): a change of
// encoding, header layout or nonce generation shows up here.
TEST(GeneratedVectors, QueryRequestSign1Esp256IsPinned)
{
    EXPECT_EQ(test::Hex(Generate(Vectors()[0])), kPinnedQueryRequestSign1);
}

// The independent Python implementation verifies every generated file (skipped when
// /usr/bin/python3 with cbor2 + cryptography is not installed).
TEST(GeneratedVectors, PythonCrossCheckPasses)
{
    if (std::system("/usr/bin/python3 -c 'import cbor2, cryptography' >/dev/null 2>&1") != 0)
    {
        GTEST_SKIP() << "python3 with cbor2 + cryptography not available";
    }
    std::filesystem::create_directories(kOutDir);
    for (const auto& g : Vectors())
    {
        const Bytes wire = Generate(g);
        std::ofstream(kOutDir + "/" + g.out, std::ios::binary)
            .write(reinterpret_cast<const char*>(wire.data()),
                   static_cast<std::streamsize>(wire.size()));
    }
    const std::string cmd = std::string("/usr/bin/python3 ") + TEEPSIM_SOURCE_DIR +
                            "/tests/codec/teep/crosscheck_signed.py " + kOutDir + " " +
                            TEEPSIM_VECTORS_DIR;
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

} // namespace
} // namespace teepsim::teep
