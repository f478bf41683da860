// The direct EAT encoders and decoders (no cbor::Value tree) against the tree versions kept in
// tree_reference.h: byte-identical claim sets for every combination of optional claims, and
// equal values or equal failures (error kind, reason, offset) on valid, hand-made and mutated
// claim sets.
#include "teepsim/codec/tree_reference.h"

#include <gtest/gtest.h>

#include <random>

#include "tests/support/byte_mutations.h"

namespace teepsim::eat
{
namespace
{

using cbor::Value;

std::string Hex(cbor::ByteView b)
{
    static const char* const kDigits = "0123456789abcdef";
    std::string s;
    for (uint8_t c : b)
    {
        s += kDigits[c >> 4];
        s += kDigits[c & 15];
    }
    return s;
}

template<typename T> void ExpectSameResult(const Result<T>& direct, const Result<T>& tree)
{
    ASSERT_EQ(direct.ok(), tree.ok());
    if (direct.ok())
    {
        EXPECT_TRUE(*direct == *tree);
        return;
    }
    EXPECT_EQ(direct.failure().ToString(), tree.failure().ToString());
}

std::vector<Evidence> EvidenceVariants()
{
    std::vector<Evidence> out;
    for (uint32_t bits = 0; bits < 64; ++bits)
    {
        Evidence e;
        e.ueid = Bytes(17, 0x01);
        e.oemid = bits & 1 ? Bytes(16, 0x02) : Bytes{0x89, 0x48, 0x23};
        e.hwModel = Bytes(16, 0x54);
        e.hwVersion = {"1.3.4", bits & 2 ? std::optional<int64_t>(-3) : std::nullopt};
        e.cnfKid = Bytes(32, 0x77);
        if (bits & 4)
        {
            e.nonce = Bytes(64, 0x94);
        }
        if (bits & 8)
        {
            e.iat = bits & 1 ? -5 : 1700000000;
        }
        if (bits & 16)
        {
            e.manifests = {InstalledTc{{Bytes{'T', 'E', 'E', 'P'}, Bytes(16, 0x8d)},
                                       3,
                                       Bytes(32, 0xa7),
                                       "https://example.org/ta.suit"},
                           InstalledTc{{}, std::nullopt, Bytes(32, 0x01), std::nullopt},
                           InstalledTc{{Bytes{}}, 1u << 20, Bytes{}, std::nullopt}};
        }
        if (bits & 32)
        {
            e.otherClaims = {{Value::Tstr("x"), Value::MakeArray({Value::Null()})},
                             {Value::Int(-70000), Value::Double(0.5)},
                             {Value::Uint(UINT64_MAX), Value::Uint(1)}};
        }
        out.push_back(std::move(e));
    }
    return out;
}

std::vector<AttestationResult> ResultVariants()
{
    std::vector<AttestationResult> out;
    for (ArStatus st :
         {ArStatus::None, ArStatus::Affirming, ArStatus::Warning, ArStatus::Contraindicated})
    {
        for (int bits = 0; bits < 4; ++bits)
        {
            AttestationResult ar;
            ar.iat = bits & 1 ? -100 : 1700000000;
            ar.exp = ar.iat + 14400;
            ar.status = st;
            ar.cnfKid = Bytes(32, uint8_t(bits));
            ar.verifierBuild = bits & 2 ? "" : "build 7";
            if (bits & 2)
            {
                ar.nonce = Bytes(8, 0x10);
            }
            out.push_back(std::move(ar));
        }
    }
    return out;
}

// Deterministic mutations of a valid claim set: flipped bytes, truncations, inserted heads.
std::vector<Bytes> Mutations(const Bytes& valid, std::mt19937_64& rng, int n)
{
    std::vector<Bytes> out;
    for (int k = 0; k < n; ++k)
    {
        static const uint8_t heads[] = {0x00, 0x20, 0x40, 0x60, 0x80, 0xa0, 0xa1,
                                        0xc1, 0xf4, 0xf6, 0x19, 0x39, 0x1b, 0xf9};
        Bytes m = valid;
        test::MutateEncoding(m, k, rng, heads);
        out.push_back(std::move(m));
    }
    return out;
}

TEST(DirectEat, EvidenceEncodesToTheTreeEncodersBytes)
{
    for (const Evidence& e : EvidenceVariants())
    {
        const Bytes direct = EncodeEvidence(e);
        EXPECT_EQ(Hex(direct), Hex(reference::EncodeEvidence(e)));
        ExpectSameResult(DecodeEvidence(direct), reference::DecodeEvidence(direct));
        auto back = DecodeEvidence(direct);
        ASSERT_TRUE(back.ok()) << back.failure().ToString();
        EXPECT_TRUE(*back == e);
    }
}

TEST(DirectEat, AttestationResultEncodesToTheTreeEncodersBytes)
{
    for (const AttestationResult& ar : ResultVariants())
    {
        const Bytes direct = EncodeAttestationResult(ar);
        EXPECT_EQ(Hex(direct), Hex(reference::EncodeAttestationResult(ar)));
        auto back = DecodeAttestationResult(direct);
        ASSERT_TRUE(back.ok()) << back.failure().ToString();
        EXPECT_TRUE(*back == ar);
    }
}

TEST(DirectEat, DecodersAgreeWithTheTreeDecodersOnHandMadeClaimSets)
{
    const Value kid = Value::MakeMap().set(3, Value::Bstr(Bytes(32, 1)));
    auto evidence = [&](std::vector<std::pair<Value, Value>> extra)
    {
        Value m = Value::MakeMap();
        m.set(kClaimCnf, kid);
        m.set(kClaimUeid, Value::Bstr(Bytes(17, 1)));
        m.set(kClaimOemid, Value::Bstr(Bytes(3, 1)));
        m.set(kClaimHwModel, Value::Bstr(Bytes(4, 1)));
        m.set(kClaimHwVersion, Value::MakeArray({Value::Tstr("1")}));
        for (auto& [k, v] : extra)
        {
            m.map().emplace_back(k, v);
        }
        return cbor::Encode(m);
    };
    const Value digest = Value::MakeArray({Value::Int(-16), Value::Bstr(Bytes(32, 2))});
    const Value body = Value::MakeMap().set(0, digest);
    const std::vector<Bytes> cases = {
        evidence({}), // manifests missing
        evidence({{Value::Int(kClaimManifests), Value::MakeArray()}}),
        evidence({{Value::Int(kClaimManifestsDraftExample),
                   Value::MakeArray({Value::MakeArray({Value::Uint(60), body})})}}),
        evidence({{Value::Int(kClaimManifests), Value::MakeArray()},
                  {Value::Int(kClaimManifestsDraftExample), Value::MakeArray()}}),
        evidence({{Value::Int(kClaimManifests),
                   Value::MakeArray({Value::MakeArray({Value::Uint(61), body})})}}),
        evidence({{Value::Int(kClaimManifests),
                   Value::MakeArray({Value::MakeArray({Value::Uint(60), Value::Bstr({0x18})})})}}),
        evidence(
            {{Value::Int(kClaimManifests),
              Value::MakeArray({Value::MakeArray(
                  {Value::Uint(60),
                   Value::MakeMap().set(
                       0, Value::MakeArray({Value::Int(-43), Value::Bstr(Bytes(2, 2))}))})})}}),
        evidence(
            {{Value::Int(kClaimManifests),
              Value::MakeArray({Value::MakeArray(
                  {Value::Uint(60), Value::Bstr(cbor::Encode(Value::MakeMap().set(0, digest).set(
                                        1, Value::Uint(1))))})})}}),
        evidence({{Value::Int(kClaimManifests), Value::MakeArray()},
                  {Value::Int(kClaimIat), Value::Uint(UINT64_MAX)}}),
        evidence({{Value::Int(kClaimManifests), Value::MakeArray()},
                  {Value::Int(kClaimNonce), Value::Bstr(Bytes(7, 0))}}),
        evidence({{Value::Int(kClaimManifests), Value::MakeArray()},
                  {Value::Uint(UINT64_MAX), Value::Tstr("big key")},
                  {Value::Tstr("t"), Value::Undefined()}}),
        cbor::Encode(Value::MakeArray()),
        Bytes{},
        Bytes{0xa1, 0x01},
    };
    for (const Bytes& c : cases)
    {
        SCOPED_TRACE(Hex(c));
        ExpectSameResult(DecodeEvidence(c), reference::DecodeEvidence(c));
        ExpectSameResult(DecodeAttestationResult(c), reference::DecodeAttestationResult(c));
    }
    AttestationResult ar = ResultVariants()[5];
    Value m = cbor::Decode(EncodeAttestationResult(ar)).value();
    for (size_t drop = 0; drop < m.map().size(); ++drop)
    {
        Value cut = m;
        cut.map().erase(cut.map().begin() + long(drop));
        const Bytes c = cbor::Encode(cut);
        SCOPED_TRACE(Hex(c));
        ExpectSameResult(DecodeAttestationResult(c), reference::DecodeAttestationResult(c));
    }
}

TEST(DirectEat, DecodersAgreeWithTheTreeDecodersOnMutatedClaimSets)
{
    std::mt19937_64 rng(7);
    size_t accepted = 0;
    for (const Evidence& e : EvidenceVariants())
    {
        for (const Bytes& m : Mutations(EncodeEvidence(e), rng, 60))
        {
            SCOPED_TRACE(Hex(m));
            const auto direct = DecodeEvidence(m);
            ExpectSameResult(direct, reference::DecodeEvidence(m));
            accepted += direct.ok();
        }
    }
    for (const AttestationResult& ar : ResultVariants())
    {
        for (const Bytes& m : Mutations(EncodeAttestationResult(ar), rng, 200))
        {
            SCOPED_TRACE(Hex(m));
            const auto direct = DecodeAttestationResult(m);
            ExpectSameResult(direct, reference::DecodeAttestationResult(m));
            accepted += direct.ok();
        }
    }
    EXPECT_GT(accepted, 100u) << "some mutations (changed contents) must still decode";
}

} // namespace
} // namespace teepsim::eat
