// Issue 16: under the legacy wire profile every party signs as legacy peers (libteep with t_cose
// 2.0-alpha) do: COSE alg ES256 (-7) or EdDSA (-8) on TEEP messages, SUIT manifests, evidence
// and attestation results, never ESP256 (-9) / Ed25519 (-19); and the TAM's QueryRequest offers
// the legacy cipher suites [[18, -7]], [[18, -8]] with the matching SUIT COSE profiles, as the
// draft-21 example and libteep's query_request do. Checked on the captured traffic of a small
// run with each key type, with a decoder that knows only -7/-8.
#include "teepsim/codec/cbor.h"
#include "teepsim/codec/teep_signed.h"

#include "ns3/config.h"
#include "ns3/enum.h"
#include "ns3/global-value.h"
#include "ns3/string.h"

#include <gtest/gtest.h>

#include <set>
#include <variant>

#include "models/teep/teep-wire.h"
#include "teep_deployment_fixture.h"

namespace teepsim_test
{
namespace
{

namespace cbor = teepsim::cbor;
namespace crypto = teepsim::crypto;
namespace teep = teepsim::teep;

constexpr const char* kSuiteAttributes[] = {
    "ns3::teepsim::TamServer::Suite", "ns3::teepsim::TeepAgent::Suite",
    "ns3::teepsim::Verifier::Suite", "ns3::teepsim::TaCatalog::Suite"};

/// The legacy numbering with only the legacy algorithms: what a libteep-era peer understands.
const teep::Profile& LegacyOnlyDecoder()
{
    static const teep::Profile p(
        teep::ProfileId::Legacy, "legacy-7-8", {1, 2, 3, 5, 6}, teep::Profile::Legacy().labels(),
        17, {crypto::Alg::ES256, crypto::Alg::EdDSA}, {crypto::Alg::ES256, crypto::Alg::EdDSA});
    return p;
}

/// Every COSE alg (protected header label 1) found in `v`, looking inside every byte string
/// that is itself CBOR (payloads, SUIT envelopes, evidence and attestation results).
void CollectAlgs(const cbor::Value& v, std::multiset<int64_t>& algs, int depth = 0)
{
    if (depth > 16)
    {
        return;
    }
    const cbor::Value& x = v.isTag() ? v.tagged() : v;
    if (x.isArray())
    {
        const cbor::Array& a = x.array();
        if (a.size() == 4 && a[0].isBstr() && a[1].isMap())
        {
            if (auto prot = cbor::Decode(a[0].bytes()); prot.ok() && prot->isMap())
            {
                if (const cbor::Value* alg = prot->find(1))
                {
                    algs.insert(alg->asInt64().value_or(0));
                }
            }
        }
        for (const cbor::Value& e : a)
        {
            CollectAlgs(e, algs, depth + 1);
        }
    }
    else if (x.isMap())
    {
        for (const auto& [k, e] : x.map())
        {
            CollectAlgs(e, algs, depth + 1);
        }
    }
    else if (x.isBstr() && !x.bytes().empty())
    {
        if (auto inner = cbor::Decode(x.bytes()); inner.ok())
        {
            CollectAlgs(*inner, algs, depth + 1);
        }
    }
}

class LegacyAlgorithms : public ::testing::TestWithParam<std::string>
{
  protected:
    void SetUp() override
    {
        GlobalValue::Bind("TeepWireProfile", StringValue("Legacy"));
        for (const char* a : kSuiteAttributes)
        {
            Config::SetDefault(a, StringValue(GetParam()));
        }
    }
    void TearDown() override
    {
        for (const char* a : kSuiteAttributes)
        {
            Config::SetDefault(a, StringValue("Ed25519"));
        }
        teepwire::ResetCodecGlobals();
    }
};

TEST_P(LegacyAlgorithms, EverySignatureAndOfferIsEs256OrEdDsa)
{
    const int64_t expected = GetParam() == "ESP256" ? -7 : -8;
    DeploymentOptions o;
    o.devices = 2;
    o.recordTraffic = true;
    o.brokerAttributes = {{"Start", "Synchronized"}, {"SynchronizedOffset", "60s"}};
    std::vector<crypto::Key> keys;
    {
        Deployment d(o);
        d.DeclareMalicious("bad-ta", Hours(2), Minutes(10), Seconds(0));
        Simulator::Stop(Hours(4));
        Simulator::Run();
        ASSERT_EQ(d.timeline.removed.size(), 2u) << "both devices install and then remove";
        EXPECT_TRUE(d.timeline.agentRejects.empty());
        EXPECT_EQ(d.tam->GetRejectedCount(), 0u);
        keys.push_back(d.tam->GetKey());
        for (uint32_t i = 0; i < o.devices; ++i)
        {
            keys.push_back(d.Agent(i)->GetKey());
        }
    }
    std::multiset<int64_t> algs;
    size_t messages = 0, queryRequests = 0;
    for (const CapturedExchange& e : Captured())
    {
        for (const std::vector<uint8_t>* body : {&e.request, &e.response})
        {
            if (body->empty())
            {
                continue;
            }
            ++messages;
            auto verified = teep::DecodeVerified(*body, LegacyOnlyDecoder(), keys);
            ASSERT_TRUE(verified.ok())
                << "message " << messages << ": " << verified.failure().ToString();
            auto parsed = cbor::Decode(*body);
            ASSERT_TRUE(parsed.ok());
            CollectAlgs(*parsed, algs);
            if (const auto* q = std::get_if<teep::QueryRequest>(&verified->message))
            {
                ++queryRequests;
                const std::vector<teep::CipherSuite> suites = {
                    teep::Sign1Suite(static_cast<crypto::Alg>(expected)),
                    teep::Sign1Suite(static_cast<crypto::Alg>(expected == -7 ? -8 : -7))};
                EXPECT_EQ(q->supportedCipherSuites, suites);
                const std::vector<teep::SuitCoseProfile> profiles = {
                    {-16, expected, -29, -65534}, {-16, expected == -7 ? -8 : -7, -29, -65534}};
                EXPECT_EQ(q->supportedSuitCoseProfiles, profiles);
            }
        }
    }
    EXPECT_GE(queryRequests, 4u) << "two sessions per device";
    EXPECT_GT(algs.count(expected), 4 * queryRequests)
        << "TEEP messages, manifests, evidence and results all carry the legacy alg";
    for (int64_t alg : algs)
    {
        EXPECT_EQ(alg, expected) << "a signature with COSE alg " << alg;
    }
}

INSTANTIATE_TEST_SUITE_P(KeyTypes, LegacyAlgorithms, ::testing::Values("ESP256", "Ed25519"),
                         [](const auto& info) { return info.param; });

} // namespace
} // namespace teepsim_test
