// Per-session COSE/crypto cost: the signature work of one TEEP session, without ns-3.
//
// A session on the message transport needs about 5 signatures and 8 verifications (TAM signs
// QueryRequest and Update, the Agent signs QueryResponse, Success and its EAT, the Verifier
// signs the attestation result; each is verified once or twice). Session/<alg> runs exactly
// that mix of cose::Sign1 / cose::VerifyBytes on the draft's query_request.cbor and
// update.cbor payloads; the single-operation runs show where the time of one step goes
// (Raw_* = crypto::Sign / crypto::Verify on a fixed Sig_structure; Evp_Verify = OpenSSL's
// EVP_DigestVerify with a fresh context, what `openssl speed` style code pays).
// Session_Memo/<alg> is the same with the signature memo on (crypto::SetSignatureMemo), which
// the simulator uses: the EAT is verified twice and the Update twice, so two of eight
// verifications are repeats. Key_* measure the key set-up that callers should do once and not per
// session. Raw_Verify reuses one key, which after 1024 verifications gets its precomputed table
// (p256_verify.cc; like the TAM's and Verifier's keys in a fleet); Raw_Verify_ColdKey cycles
// through 512 keys that never get one (like device keys). Modelled_* and Session_Modelled use
// crypto::SignatureMode::Modelled (hash tags instead of signatures).
// Run e.g. codec_session_bench --benchmark_min_time=0.2
#include "teepsim/codec/cose.h"

#include <benchmark/benchmark.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "bench_vectors.h"

using namespace teepsim;
using cbor::Bytes;
using cbor::ByteView;

namespace
{

using bench::LoadVector;

crypto::Key MakeKey(crypto::Alg alg, uint8_t seedByte)
{
    return alg == crypto::Alg::ESP256 ? crypto::Key::GenerateP256(Bytes(32, seedByte))
                                      : crypto::Key::GenerateEd25519(Bytes(32, seedByte));
}

/// memo: with crypto's signature memo on. Each iteration then gets fresh bytes (a counter is
/// appended, as a fresh challenge would change them), so only repeats within a session hit.
void Session(benchmark::State& state, crypto::Alg alg, bool memo, crypto::SignatureMode mode)
{
    crypto::SetSignatureMemo(memo);
    crypto::SetSignatureMode(mode);
    Bytes small = LoadVector("query_request.cbor");
    Bytes large = LoadVector("update.cbor");
    small.resize(small.size() + 8);
    large.resize(large.size() + 8);
    uint64_t counter = 0;
    // Three parties with their own keys; verifiers hold the public halves only.
    const crypto::Key tam = MakeKey(alg, 1), agent = MakeKey(alg, 2), verifier = MakeKey(alg, 3);
    auto pub = [](const crypto::Key& k) { return crypto::Key::FromCoseKey(k.PublicCoseKey()); };
    const std::vector<crypto::Key> tamKeys{pub(tam)}, agentKeys{pub(agent)},
        verifierKeys{pub(verifier)};
    for (auto _ : state)
    {
        ++counter;
        // Every message of a session has its own bytes (the last 8 bytes hold a counter that
        // differs per message and per iteration), like real challenges and tokens.
        auto fresh = [&](Bytes& b)
        {
            ++counter;
            std::memcpy(b.data() + b.size() - 8, &counter, 8);
            return ByteView(b);
        };
        const Bytes qreq = cose::Sign1({alg, tam}, fresh(small));
        const Bytes eat = cose::Sign1({alg, agent}, fresh(small));
        const Bytes qresp = cose::Sign1({alg, agent}, fresh(small));
        const Bytes result = cose::Sign1({alg, verifier}, fresh(small));
        const Bytes update = cose::Sign1({alg, tam}, fresh(large));
        bool ok = cose::VerifyBytes(qreq, tamKeys).ok();
        ok &= cose::VerifyBytes(qresp, agentKeys).ok();
        ok &= cose::VerifyBytes(eat, agentKeys).ok();
        ok &= cose::VerifyBytes(eat, agentKeys).ok(); // TAM peeks, Verifier appraises
        ok &= cose::VerifyBytes(result, verifierKeys).ok();
        ok &= cose::VerifyBytes(update, tamKeys).ok();
        ok &= cose::VerifyBytes(update, tamKeys).ok(); // TEEP message + SUIT authentication
        ok &= cose::VerifyBytes(qresp, agentKeys).ok();
        if (!ok)
        {
            state.SkipWithError("a session signature did not verify");
            break;
        }
    }
    crypto::SetSignatureMode(crypto::SignatureMode::Real);
}

enum class Op
{
    RawSign,
    RawVerify,
    EvpVerify,
    KeyFromCoseKey,
    KeyPublicPemRoundTrip,
    RawVerifyColdKey,
    ModelledSign,
    ModelledVerify,
};

void Single(benchmark::State& state, crypto::Alg alg, Op op)
{
    crypto::SetSignatureMemo(false); // the same bytes every iteration: measure the primitive
    const crypto::Key key = MakeKey(alg, 7);
    const Bytes tbs = LoadVector("query_request.cbor");
    const Bytes sig = crypto::Sign(alg, key, tbs);
    Bytes der;
    if (alg == crypto::Alg::ESP256)
    {
        // EVP wants DER for ECDSA.
        ECDSA_SIG* s = ECDSA_SIG_new();
        ECDSA_SIG_set0(s, BN_bin2bn(sig.data(), 32, nullptr),
                       BN_bin2bn(sig.data() + 32, 32, nullptr));
        unsigned char* p = nullptr;
        const int n = i2d_ECDSA_SIG(s, &p);
        der.assign(p, p + n);
        OPENSSL_free(p);
        ECDSA_SIG_free(s);
    }
    else
    {
        der = sig;
    }
    const cbor::Value coseKey = key.PublicCoseKey();
    const std::string pem = key.PublicPem();
    std::vector<std::pair<crypto::Key, Bytes>> cold; // 512 keys, each with its signature
    if (op == Op::RawVerifyColdKey)
    {
        for (int i = 0; i < 512; ++i)
        {
            Bytes seed(32, 0);
            std::memcpy(seed.data(), &i, sizeof(i));
            seed[31] = 0x5a;
            crypto::Key k = alg == crypto::Alg::ESP256 ? crypto::Key::GenerateP256(seed)
                                                       : crypto::Key::GenerateEd25519(seed);
            Bytes ks = crypto::Sign(alg, k, tbs);
            cold.emplace_back(std::move(k), std::move(ks));
        }
    }
    size_t next = 0;
    const bool modelled = op == Op::ModelledSign || op == Op::ModelledVerify;
    crypto::SetSignatureMode(modelled ? crypto::SignatureMode::Modelled
                                      : crypto::SignatureMode::Real);
    const Bytes tag = crypto::Sign(alg, key, tbs);
    for (auto _ : state)
    {
        switch (op)
        {
            case Op::RawSign:
                benchmark::DoNotOptimize(crypto::Sign(alg, key, tbs));
                break;
            case Op::RawVerify:
                if (!crypto::Verify(alg, key, tbs, sig))
                {
                    state.SkipWithError("verify failed");
                }
                break;
            case Op::EvpVerify:
            {
                EVP_MD_CTX* ctx = EVP_MD_CTX_new();
                const bool ok =
                    EVP_DigestVerifyInit(ctx, nullptr,
                                         alg == crypto::Alg::ESP256 ? EVP_sha256() : nullptr,
                                         nullptr, key.get()) == 1 &&
                    EVP_DigestVerify(ctx, der.data(), der.size(), tbs.data(), tbs.size()) == 1;
                EVP_MD_CTX_free(ctx);
                if (!ok)
                {
                    state.SkipWithError("EVP verify failed");
                }
                break;
            }
            case Op::KeyFromCoseKey:
                benchmark::DoNotOptimize(crypto::Key::FromCoseKey(coseKey));
                break;
            case Op::KeyPublicPemRoundTrip:
                benchmark::DoNotOptimize(crypto::Key::FromPem(pem));
                break;
            case Op::RawVerifyColdKey:
            {
                const auto& [k, ks] = cold[next++ % cold.size()];
                if (!crypto::Verify(alg, k, tbs, ks))
                {
                    state.SkipWithError("verify failed");
                }
                break;
            }
            case Op::ModelledSign:
                benchmark::DoNotOptimize(crypto::Sign(alg, key, tbs));
                break;
            case Op::ModelledVerify:
                if (!crypto::Verify(alg, key, tbs, tag))
                {
                    state.SkipWithError("modelled verify failed");
                }
                break;
        }
    }
    crypto::SetSignatureMode(crypto::SignatureMode::Real);
}

} // namespace

int main(int argc, char** argv)
{
    const char* opNames[] = {"Raw_Sign",        "Raw_Verify",     "Evp_Verify",
                             "Key_FromCoseKey", "Key_FromPem",    "Raw_Verify_ColdKey",
                             "Modelled_Sign",   "Modelled_Verify"};
    constexpr int kOps = sizeof(opNames) / sizeof(opNames[0]);
    for (auto [alg, algName] :
         {std::pair{crypto::Alg::ESP256, "ESP256"}, std::pair{crypto::Alg::Ed25519, "Ed25519"}})
    {
        using Mode = crypto::SignatureMode;
        benchmark::RegisterBenchmark((std::string("Session/") + algName).c_str(), Session, alg,
                                     false, Mode::Real)
            ->Unit(benchmark::kMicrosecond);
        benchmark::RegisterBenchmark((std::string("Session_Memo/") + algName).c_str(), Session, alg,
                                     true, Mode::Real)
            ->Unit(benchmark::kMicrosecond);
        benchmark::RegisterBenchmark((std::string("Session_Modelled/") + algName).c_str(), Session,
                                     alg, true, Mode::Modelled)
            ->Unit(benchmark::kMicrosecond);
        for (int op = 0; op < kOps; ++op)
        {
            benchmark::RegisterBenchmark((std::string(opNames[op]) + "/" + algName).c_str(), Single,
                                         alg, static_cast<Op>(op))
                ->Unit(benchmark::kMicrosecond);
        }
    }
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
