// COSE and TEEP codec cost beside raw crypto, for ESP256 (RFC 6979 ECDSA P-256) and Ed25519.
//
// For each algorithm and each of the draft's query_request.cbor / update.cbor payloads:
//   Cose_Sign1_Sign   cose::Sign1 (build protected header + Sig_structure, sign, serialize)
//   Raw_Sign          crypto::Sign on the same Sig_structure bytes (same primitive, same k)
//   Evp_Sign          EVP_DigestSign on the Sig_structure (ECDSA with OpenSSL's random k)
//   Cose_Sign1_Verify cose::ParseSigned + cose::Verify (kid match, Sig_structure, verify)
//   Raw_Verify        crypto::Verify on the Sig_structure bytes
//   Evp_Verify        EVP_DigestVerify on the Sig_structure (DER signature for ECDSA)
//   Teep_EncodeSign   teep::EncodeSigned of the decoded message (CBOR encode + COSE + sign)
//   Teep_DecodeVerify teep::DecodeVerified (COSE parse + verify + TEEP decode/validate)
// After the runs a table prints codec / raw CPU time (target: <= 1.15); with
// --benchmark_repetitions=N the medians are used. Run e.g.
//   codec_bench --benchmark_min_time=0.2 --benchmark_repetitions=3
#include "teepsim/codec/cose.h"
#include "teepsim/codec/teep.h"
#include "teepsim/codec/teep_signed.h"

#include <benchmark/benchmark.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <stdexcept>
#include <string>

#include "bench_vectors.h"

using namespace teepsim;
using cbor::Bytes;

namespace
{

using bench::LoadVector;

struct Setup
{
    crypto::Alg alg;
    crypto::Key key;
    Bytes payload;
    Bytes sigStructure;
    Bytes signedMsg; // COSE_Sign1 of payload
    Bytes rawSig;    // crypto::Sign over sigStructure
    Bytes evpSig;    // EVP (DER for ECDSA)
};

Setup MakeSetup(crypto::Alg alg, const char* file)
{
    Setup s{alg,
            alg == crypto::Alg::ESP256 ? crypto::Key::GenerateP256(Bytes(32, 1))
                                       : crypto::Key::GenerateEd25519(Bytes(32, 2)),
            LoadVector(file)};
    s.signedMsg = cose::Sign1({alg, s.key}, s.payload);
    auto parsed = cose::ParseSigned(s.signedMsg);
    s.sigStructure = cose::SigStructure(*parsed, 0, s.payload);
    s.rawSig = crypto::Sign(alg, s.key, s.sigStructure);
    return s;
}

const EVP_MD* MdFor(crypto::Alg alg)
{
    return alg == crypto::Alg::ESP256 ? EVP_sha256() : nullptr;
}

Bytes EvpSign(const Setup& s, EVP_MD_CTX* ctx)
{
    EVP_MD_CTX_reset(ctx);
    size_t len = 0;
    if (EVP_DigestSignInit(ctx, nullptr, MdFor(s.alg), nullptr, s.key.get()) != 1 ||
        EVP_DigestSign(ctx, nullptr, &len, s.sigStructure.data(), s.sigStructure.size()) != 1)
    {
        throw std::runtime_error("EVP sign init");
    }
    Bytes sig(len);
    if (EVP_DigestSign(ctx, sig.data(), &len, s.sigStructure.data(), s.sigStructure.size()) != 1)
    {
        throw std::runtime_error("EVP sign");
    }
    sig.resize(len);
    return sig;
}

bool EvpVerify(const Setup& s, EVP_MD_CTX* ctx, const Bytes& sig)
{
    EVP_MD_CTX_reset(ctx);
    return EVP_DigestVerifyInit(ctx, nullptr, MdFor(s.alg), nullptr, s.key.get()) == 1 &&
           EVP_DigestVerify(ctx, sig.data(), sig.size(), s.sigStructure.data(),
                            s.sigStructure.size()) == 1;
}

enum class Op
{
    CoseSign,
    RawSign,
    EvpSign,
    CoseVerify,
    RawVerify,
    EvpVerify,
    TeepEncodeSign,
    TeepDecodeVerify,
};

void Run(benchmark::State& state, crypto::Alg alg, const char* file, Op op)
{
    Setup s = MakeSetup(alg, file);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    s.evpSig = EvpSign(s, ctx.get());
    const std::vector<crypto::Key> keys{s.key};
    const teep::Profile& profile = teep::Profile::Draft26();
    std::optional<teep::Message> message;
    Bytes teepSigned;
    if (op == Op::TeepEncodeSign || op == Op::TeepDecodeVerify)
    {
        auto m = teep::Decode(s.payload, profile);
        if (!m.ok())
        {
            state.SkipWithError("draft example does not decode as a draft26 TEEP message");
            return;
        }
        message = m.value();
        teepSigned = teep::EncodeSigned(*message, profile, {{alg, s.key}});
    }
    for (auto _ : state)
    {
        switch (op)
        {
            case Op::CoseSign:
                benchmark::DoNotOptimize(cose::Sign1({alg, s.key}, s.payload));
                break;
            case Op::RawSign:
                benchmark::DoNotOptimize(crypto::Sign(alg, s.key, s.sigStructure));
                break;
            case Op::EvpSign:
                benchmark::DoNotOptimize(EvpSign(s, ctx.get()));
                break;
            case Op::CoseVerify:
                if (!cose::VerifyBytes(s.signedMsg, keys).ok())
                {
                    state.SkipWithError("verify failed");
                }
                break;
            case Op::RawVerify:
                if (!crypto::Verify(alg, s.key, s.sigStructure, s.rawSig))
                {
                    state.SkipWithError("verify failed");
                }
                break;
            case Op::EvpVerify:
                if (!EvpVerify(s, ctx.get(), s.evpSig))
                {
                    state.SkipWithError("verify failed");
                }
                break;
            case Op::TeepEncodeSign:
                benchmark::DoNotOptimize(teep::EncodeSigned(*message, profile, {{alg, s.key}}));
                break;
            case Op::TeepDecodeVerify:
                if (!teep::DecodeVerified(teepSigned, profile, keys).ok())
                {
                    state.SkipWithError("decode+verify failed");
                }
                break;
        }
    }
    state.SetLabel(std::to_string(s.payload.size()) + " B payload");
}

const char* kOpNames[] = {"Cose_Sign1_Sign", "Raw_Sign",   "Evp_Sign",        "Cose_Sign1_Verify",
                          "Raw_Verify",      "Evp_Verify", "Teep_EncodeSign", "Teep_DecodeVerify"};

/// Console output plus a ratio table once all runs are in.
class RatioReporter : public benchmark::ConsoleReporter
{
  public:
    void ReportRuns(const std::vector<Run>& runs) override
    {
        for (const auto& r : runs)
        {
            // With --benchmark_repetitions the median aggregate wins over single repetitions.
            const bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
            if (!r.error_occurred && (median || r.run_type == Run::RT_Iteration))
            {
                const std::string key = r.run_name.str();
                if (median || !medians_.count(key))
                {
                    ns_[key] = r.GetAdjustedCPUTime();
                }
                if (median)
                {
                    medians_.insert(key);
                }
            }
        }
        ConsoleReporter::ReportRuns(runs);
    }

    void PrintRatios() const
    {
        std::printf("\ncodec / raw crypto, CPU time (same primitive on the same Sig_structure); "
                    "target <= 1.15\n");
        std::printf("%-8s %-20s %10s %10s %10s %10s %10s %10s\n", "alg", "payload", "sign",
                    "verify", "teepSign", "teepVerif", "raw/evp s", "raw/evp v");
        for (const char* alg : {"ESP256", "Ed25519"})
        {
            for (const char* file : {"query_request.cbor", "update.cbor"})
            {
                auto t = [&](const char* op)
                {
                    auto it = ns_.find(std::string(op) + "/" + alg + "/" + file);
                    return it == ns_.end() ? 0.0 : it->second;
                };
                auto ratio = [](double a, double b) { return b > 0 && a > 0 ? a / b : 0.0; };
                std::printf("%-8s %-20s %10.3f %10.3f %10.3f %10.3f %10.3f %10.3f\n", alg, file,
                            ratio(t("Cose_Sign1_Sign"), t("Raw_Sign")),
                            ratio(t("Cose_Sign1_Verify"), t("Raw_Verify")),
                            ratio(t("Teep_EncodeSign"), t("Raw_Sign")),
                            ratio(t("Teep_DecodeVerify"), t("Raw_Verify")),
                            ratio(t("Raw_Sign"), t("Evp_Sign")),
                            ratio(t("Raw_Verify"), t("Evp_Verify")));
            }
        }
    }

  private:
    std::map<std::string, double> ns_;
    std::set<std::string> medians_;
};

} // namespace

int main(int argc, char** argv)
{
    // Every iteration signs/verifies the same bytes: without this the memo would answer them.
    crypto::SetSignatureMemo(false);
    for (auto [alg, algName] :
         {std::pair{crypto::Alg::ESP256, "ESP256"}, std::pair{crypto::Alg::Ed25519, "Ed25519"}})
    {
        for (const char* file : {"query_request.cbor", "update.cbor"})
        {
            for (int op = 0; op < 8; ++op)
            {
                const std::string name = std::string(kOpNames[op]) + "/" + algName + "/" + file;
                benchmark::RegisterBenchmark(name.c_str(), Run, alg, file, static_cast<Op>(op))
                    ->Unit(benchmark::kMicrosecond);
            }
        }
    }
    benchmark::Initialize(&argc, argv);
    RatioReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    reporter.PrintRatios();
    benchmark::Shutdown();
    return 0;
}
