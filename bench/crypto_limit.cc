// crypto_limit: how close the simulator with real crypto comes to the raw OpenSSL cost of the
// signatures it performs. In one process it
//  1. runs the scenario (teepsim run, in-process) at two horizons with crypto.mode real, after
//     a discarded warm-up run, and takes the marginal sessions, CPU seconds and signature
//     operations between them (set-up subtracted), counted by kind (crypto::OperationCounts);
//  2. times the same operations with OpenSSL alone, the way `openssl speed ecdsap256` does
//     (a key made once, an EVP_PKEY_CTX initialised once, EVP_PKEY_sign / EVP_PKEY_verify on
//     the SHA-256 of a 300-byte message; Ed25519 through EVP_DigestSign/Verify);
//  3. prints sessions per CPU-second, the limit 1 / sum(ops per session x raw cost per op) and
//     their ratio. Also the teepsim primitives (memo off) and modelled tags per operation.
// Usage: crypto_limit SCENARIO [-n DEVICES] [--h1 H] [--h2 H] [--seconds S] [--set K=V ...]
#include "teepsim/codec/crypto.h"
#include "teepsim/sim/cli.h"

#include <malloc.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

// SHA256() is deprecated in 3.0 but is what `openssl speed` style hashing costs.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace
{

namespace crypto = teepsim::crypto;

double CpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

struct RunResult
{
    double cpu = 0;
    uint64_t sessions = 0;
    crypto::OperationTally ops;
};

uint64_t SessionsIn(const std::string& db)
{
    sqlite3* h = nullptr;
    uint64_t n = 0;
    if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK)
    {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(h, "SELECT coalesce(sum(count), 0) FROM sessions WHERE grp = 'all'",
                               -1, &st, nullptr) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
        {
            n = static_cast<uint64_t>(sqlite3_column_int64(st, 0));
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
    return n;
}

crypto::OperationTally Minus(const crypto::OperationTally& a, const crypto::OperationTally& b)
{
    return {a.p256Sign - b.p256Sign, a.p256Verify - b.p256Verify, a.ed25519Sign - b.ed25519Sign,
            a.ed25519Verify - b.ed25519Verify, a.memoHits - b.memoHits};
}

bool Simulate(const std::string& scenario, const std::string& db, const std::string& devices,
              const std::string& horizon, const std::vector<std::string>& extra, RunResult& r)
{
    std::filesystem::remove(db);
    std::vector<std::string> args = {"run",
                                     scenario,
                                     "-q",
                                     "--out",
                                     db,
                                     "--set",
                                     "fleet.0.count=" + devices,
                                     "--set",
                                     "horizon=" + horizon,
                                     "--set",
                                     "crypto.mode=real"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::istringstream in;
    std::ostringstream out, err;
    const crypto::OperationTally ops0 = crypto::OperationCounts();
    const double cpu0 = CpuSeconds();
    const int rc = teepsim::cli::Main(args, in, out, err);
    r.cpu = CpuSeconds() - cpu0;
    r.ops = Minus(crypto::OperationCounts(), ops0);
    if (rc != 0)
    {
        std::cerr << "crypto_limit: teepsim run (horizon " << horizon << ") failed:\n" << err.str();
        return false;
    }
    r.sessions = SessionsIn(db);
    return true;
}

/// Seconds per call of f, timed over about `seconds` of CPU.
double PerCall(double seconds, const std::function<void()>& f)
{
    for (int i = 0; i < 10; ++i)
    {
        f(); // warm-up (tables, allocations)
    }
    uint64_t n = 0;
    const double t0 = CpuSeconds();
    double t = t0;
    while (t - t0 < seconds)
    {
        for (int i = 0; i < 16; ++i)
        {
            f();
        }
        n += 16;
        t = CpuSeconds();
    }
    return (t - t0) / static_cast<double>(n);
}

struct RawCosts
{
    double p256Sign = 0, p256Verify = 0, ed25519Sign = 0, ed25519Verify = 0;
};

[[noreturn]] void Die(const char* what)
{
    std::cerr << "crypto_limit: OpenSSL " << what << " failed\n";
    std::exit(1);
}

/// OpenSSL alone: `openssl speed ecdsap256` / `ed25519` style, on 300-byte messages.
RawCosts MeasureOpenSsl(double seconds)
{
    RawCosts c;
    std::vector<unsigned char> msg(300);
    for (size_t i = 0; i < msg.size(); ++i)
    {
        msg[i] = static_cast<unsigned char>(i * 7);
    }
    EVP_PKEY* ec = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    EVP_PKEY_CTX* sctx = ec ? EVP_PKEY_CTX_new(ec, nullptr) : nullptr;
    EVP_PKEY_CTX* vctx = ec ? EVP_PKEY_CTX_new(ec, nullptr) : nullptr;
    if (!sctx || !vctx || EVP_PKEY_sign_init(sctx) != 1 || EVP_PKEY_verify_init(vctx) != 1)
    {
        Die("P-256 set-up");
    }
    unsigned char sig[80];
    size_t sigLen = sizeof(sig);
    unsigned char h[32];
    SHA256(msg.data(), msg.size(), h);
    if (EVP_PKEY_sign(sctx, sig, &sigLen, h, 32) != 1)
    {
        Die("P-256 sign");
    }
    c.p256Sign = PerCall(seconds,
                         [&]
                         {
                             unsigned char d[32], s[80];
                             size_t len = sizeof(s);
                             SHA256(msg.data(), msg.size(), d);
                             if (EVP_PKEY_sign(sctx, s, &len, d, 32) != 1)
                             {
                                 Die("P-256 sign");
                             }
                         });
    c.p256Verify = PerCall(seconds,
                           [&]
                           {
                               unsigned char d[32];
                               SHA256(msg.data(), msg.size(), d);
                               if (EVP_PKEY_verify(vctx, sig, sigLen, d, 32) != 1)
                               {
                                   Die("P-256 verify");
                               }
                           });
    EVP_PKEY_CTX_free(sctx);
    EVP_PKEY_CTX_free(vctx);
    EVP_PKEY_free(ec);

    EVP_PKEY* ed = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    EVP_MD_CTX* mctx = EVP_MD_CTX_new();
    if (!ed || !mctx)
    {
        Die("Ed25519 set-up");
    }
    unsigned char esig[64];
    size_t esigLen = 64;
    if (EVP_DigestSignInit(mctx, nullptr, nullptr, nullptr, ed) != 1 ||
        EVP_DigestSign(mctx, esig, &esigLen, msg.data(), msg.size()) != 1)
    {
        Die("Ed25519 sign");
    }
    c.ed25519Sign = PerCall(seconds,
                            [&]
                            {
                                unsigned char s[64];
                                size_t len = 64;
                                if (EVP_DigestSignInit(mctx, nullptr, nullptr, nullptr, ed) != 1 ||
                                    EVP_DigestSign(mctx, s, &len, msg.data(), msg.size()) != 1)
                                {
                                    Die("Ed25519 sign");
                                }
                            });
    c.ed25519Verify =
        PerCall(seconds,
                [&]
                {
                    if (EVP_DigestVerifyInit(mctx, nullptr, nullptr, nullptr, ed) != 1 ||
                        EVP_DigestVerify(mctx, esig, esigLen, msg.data(), msg.size()) != 1)
                    {
                        Die("Ed25519 verify");
                    }
                });
    EVP_MD_CTX_free(mctx);
    EVP_PKEY_free(ed);
    return c;
}

/// The teepsim primitives on the same messages (memo off: every call computes).
RawCosts MeasureTeepsim(double seconds, crypto::SignatureMode mode)
{
    crypto::SetSignatureMode(mode);
    crypto::SetSignatureMemo(false);
    RawCosts c;
    crypto::Bytes msg(300);
    for (size_t i = 0; i < msg.size(); ++i)
    {
        msg[i] = static_cast<uint8_t>(i * 7);
    }
    // A pool of keys verified in turn, each well below the 1024 uses after which a thread
    // builds a key its own multiples table: cold verifications, like a TAM's of device keys.
    struct Pair
    {
        crypto::Key p256, ed;
        crypto::Bytes ps, es;
    };
    std::vector<Pair> pool;
    for (uint8_t i = 0; i < 64; ++i)
    {
        const crypto::Bytes seed(32, i);
        Pair p;
        p.p256 = mode == crypto::SignatureMode::Modelled
                     ? crypto::Key::Modelled(crypto::KeyType::P256, seed)
                     : crypto::Key::GenerateP256(seed);
        p.ed = mode == crypto::SignatureMode::Modelled
                   ? crypto::Key::Modelled(crypto::KeyType::Ed25519, seed)
                   : crypto::Key::GenerateEd25519(seed);
        p.ps = crypto::Sign(crypto::Alg::ESP256, p.p256, msg);
        p.es = crypto::Sign(crypto::Alg::Ed25519, p.ed, msg);
        pool.push_back(std::move(p));
    }
    size_t at = 0;
    const auto next = [&]() -> const Pair& { return pool[at++ % pool.size()]; };
    c.p256Sign =
        PerCall(seconds, [&] { (void)crypto::Sign(crypto::Alg::ESP256, next().p256, msg); });
    c.p256Verify = PerCall(seconds,
                           [&]
                           {
                               const Pair& p = next();
                               if (!crypto::Verify(crypto::Alg::ESP256, p.p256, msg, p.ps))
                               {
                                   Die("teepsim P-256 verify");
                               }
                           });
    c.ed25519Sign =
        PerCall(seconds, [&] { (void)crypto::Sign(crypto::Alg::Ed25519, next().ed, msg); });
    c.ed25519Verify = PerCall(seconds,
                              [&]
                              {
                                  const Pair& p = next();
                                  if (!crypto::Verify(crypto::Alg::Ed25519, p.ed, msg, p.es))
                                  {
                                      Die("teepsim Ed25519 verify");
                                  }
                              });
    crypto::SetSignatureMemo(true);
    crypto::SetSignatureMode(crypto::SignatureMode::Real);
    return c;
}

/// Heap bytes per key (mallinfo2 in-use bytes, malloc headers included) for n keys made by
/// `make`, the Key objects themselves (16 bytes each) counted.
double BytesPerKey(size_t n, const std::function<crypto::Key(const crypto::Bytes&)>& make)
{
    crypto::Bytes seed(32, 0);
    const struct mallinfo2 m0 = mallinfo2();
    const size_t before = m0.uordblks + m0.hblkhd;
    std::vector<crypto::Key> keys;
    keys.reserve(n);
    for (size_t i = 0; i < n; ++i)
    {
        std::memcpy(seed.data(), &i, sizeof(i));
        keys.push_back(make(seed));
    }
    const struct mallinfo2 m1 = mallinfo2();
    const size_t after = m1.uordblks + m1.hblkhd;
    return static_cast<double>(after - before) / static_cast<double>(n);
}

int Usage(int rc)
{
    std::cerr << "usage: crypto_limit SCENARIO [-n DEVICES] [--h1 HORIZON] [--h2 HORIZON] "
                 "[--seconds S] [--set KEY=VALUE ...]\n"
                 "  runs SCENARIO with crypto.mode real at two horizons (default 1h, 3h; 1000 "
                 "devices) and compares its sessions per CPU-second with the OpenSSL limit of the "
                 "same signature operations (each timed for S CPU seconds, default 1)\n";
    return rc;
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> a(argv + 1, argv + argc);
    if (a.empty() || a[0] == "-h" || a[0] == "--help")
    {
        return Usage(a.empty() ? 2 : 0);
    }
    const std::string scenario = a[0];
    std::string devices = "1000", h1 = "1h", h2 = "3h";
    double seconds = 1.0;
    std::vector<std::string> extra;
    for (size_t i = 1; i < a.size(); ++i)
    {
        auto value = [&]() -> const std::string&
        {
            if (i + 1 >= a.size())
            {
                std::cerr << "crypto_limit: " << a[i] << " needs a value\n";
                std::exit(Usage(2));
            }
            return a[++i];
        };
        if (a[i] == "-n")
        {
            devices = value();
        }
        else if (a[i] == "--h1")
        {
            h1 = value();
        }
        else if (a[i] == "--h2")
        {
            h2 = value();
        }
        else if (a[i] == "--seconds")
        {
            seconds = std::stod(value());
        }
        else if (a[i] == "--set")
        {
            extra.push_back("--set");
            extra.push_back(value());
        }
        else
        {
            std::cerr << "crypto_limit: unknown option " << a[i] << "\n";
            return Usage(2);
        }
    }
    if (!std::filesystem::exists(scenario))
    {
        std::cerr << "crypto_limit: no scenario file " << scenario << "\n";
        return 2;
    }
    const auto dir = std::filesystem::temp_directory_path() /
                     ("crypto_limit." + std::to_string(static_cast<long>(getpid())));
    std::filesystem::create_directories(dir);
    // A first, discarded run pays the process's one-time costs (ns-3 type registration,
    // OpenSSL and library initialisation, first page faults), which would otherwise land in
    // the H1 run only and shrink the difference.
    RunResult warm, r1, r2;
    const bool ok = Simulate(scenario, (dir / "warm.db").string(), devices, h1, extra, warm) &&
                    Simulate(scenario, (dir / "h1.db").string(), devices, h1, extra, r1) &&
                    Simulate(scenario, (dir / "h2.db").string(), devices, h2, extra, r2);
    std::filesystem::remove_all(dir);
    if (!ok)
    {
        return 1;
    }
    if (r2.sessions <= r1.sessions)
    {
        std::cerr << "crypto_limit: no more sessions at " << h2 << " than at " << h1 << "\n";
        return 1;
    }
    const double sessions = static_cast<double>(r2.sessions - r1.sessions);
    const double cpu = r2.cpu - r1.cpu;
    const crypto::OperationTally ops = Minus(r2.ops, r1.ops);
    const auto per = [&](uint64_t n) { return static_cast<double>(n) / sessions; };

    const RawCosts raw = MeasureOpenSsl(seconds);
    const RawCosts ours = MeasureTeepsim(seconds, crypto::SignatureMode::Real);
    const RawCosts modelled = MeasureTeepsim(seconds / 4, crypto::SignatureMode::Modelled);
    const double rawPerSession =
        per(ops.p256Sign) * raw.p256Sign + per(ops.p256Verify) * raw.p256Verify +
        per(ops.ed25519Sign) * raw.ed25519Sign + per(ops.ed25519Verify) * raw.ed25519Verify;
    const double rate = sessions / cpu;
    const double limit = 1.0 / rawPerSession;

    std::printf("# crypto_limit: %s, %s devices, horizons %s and %s, crypto.mode real\n",
                scenario.c_str(), devices.c_str(), h1.c_str(), h2.c_str());
    std::printf("runs: warm-up %.3f s, H1 %.3f s (%llu sessions), H2 %.3f s (%llu sessions)\n",
                warm.cpu, r1.cpu, static_cast<unsigned long long>(r1.sessions), r2.cpu,
                static_cast<unsigned long long>(r2.sessions));
    std::printf("marginal sessions %.0f, CPU %.3f s: %.1f us/session\n", sessions, cpu,
                1e6 * cpu / sessions);
    std::printf("ops/session: p256 sign %.2f verify %.2f, ed25519 sign %.2f verify %.2f "
                "(memo hits %.2f)\n",
                per(ops.p256Sign), per(ops.p256Verify), per(ops.ed25519Sign),
                per(ops.ed25519Verify), per(ops.memoHits));
    std::printf("us/op           p256_sign p256_verify ed_sign ed_verify\n");
    std::printf("openssl (EVP)   %9.2f %11.2f %7.2f %9.2f\n", 1e6 * raw.p256Sign,
                1e6 * raw.p256Verify, 1e6 * raw.ed25519Sign, 1e6 * raw.ed25519Verify);
    std::printf("teepsim real    %9.2f %11.2f %7.2f %9.2f\n", 1e6 * ours.p256Sign,
                1e6 * ours.p256Verify, 1e6 * ours.ed25519Sign, 1e6 * ours.ed25519Verify);
    std::printf("teepsim modelled%9.3f %11.3f %7.3f %9.3f\n", 1e6 * modelled.p256Sign,
                1e6 * modelled.p256Verify, 1e6 * modelled.ed25519Sign,
                1e6 * modelled.ed25519Verify);
    const double modelledBytes =
        BytesPerKey(100000, [](const crypto::Bytes& s)
                    { return crypto::Key::Modelled(crypto::KeyType::P256, s); });
    const double realBytes =
        BytesPerKey(2000, [](const crypto::Bytes& s) { return crypto::Key::GenerateP256(s); });
    std::printf("heap bytes per P-256 key (Key object included): modelled %.0f, real %.0f\n",
                modelledBytes, realBytes);
    std::printf("OpenSSL cost of a session's operations: %.1f us\n", 1e6 * rawPerSession);
    std::printf("sessions/CPU-s %.0f  limit %.0f  ratio %.3f\n", rate, limit, rate / limit);
    return 0;
}
