// The direct TEEP encoder (no cbor::Value tree) writes exactly the bytes of the tree encoder
// (reference::EncodeTeep = cbor::Encode(ToCbor(m))) and refuses the same messages with the same
// text: on every message found in the vectors, on generated messages covering every subset of
// optional fields (in both profiles and with shuffled wire orders), and on out-of-bounds fields.
#include "teepsim/codec/tree_reference.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <random>

#include "teep_test_util.h"

namespace teepsim::teep
{
namespace
{

namespace fs = std::filesystem;

const Bytes kToken(16, 0xa5);

// The encoders agree: equal bytes, or the same exception text.
void ExpectSameEncoding(const Message& m, const Profile& p, const std::string& what)
{
    std::string directError, treeError;
    Bytes direct, tree;
    try
    {
        direct = Encode(m, p);
    }
    catch (const std::invalid_argument& e)
    {
        directError = e.what();
    }
    try
    {
        tree = reference::EncodeTeep(m, p);
    }
    catch (const std::invalid_argument& e)
    {
        treeError = e.what();
    }
    EXPECT_EQ(directError, treeError) << what;
    EXPECT_EQ(test::Hex(direct), test::Hex(tree)) << what;
}

template<typename M> using Clearer = std::function<void(M&)>;
template<typename M, typename F> Clearer<M> Clear(F M::*field)
{
    return [field](M& m) { m.*field = F{}; };
}

// Every subset of `clearers` applied to `full` (2^n messages).
template<typename M> std::vector<Message> Subsets(const M& full, std::vector<Clearer<M>> clearers)
{
    std::vector<Message> out;
    for (uint32_t bits = 0; bits < (1u << clearers.size()); ++bits)
    {
        M m = full;
        for (size_t i = 0; i < clearers.size(); ++i)
        {
            if (bits & (1u << i))
            {
                clearers[i](m);
            }
        }
        out.emplace_back(std::move(m));
    }
    return out;
}

std::vector<Message> GeneratedMessages()
{
    std::vector<Message> all;
    auto add = [&](std::vector<Message> v) { all.insert(all.end(), v.begin(), v.end()); };

    QueryRequest q;
    q.token = kToken;
    q.supportedFreshnessMechanisms = {kFreshnessNonce, kFreshnessTimestamp};
    q.challenge = Bytes(32, 0x11);
    q.versions = {0, 70000};
    q.attestationPayloadFormat = "application/eat+cwt";
    q.attestationPayload = Bytes{1, 2, 3};
    q.suitReports = std::vector<Bytes>{Bytes{0xa0}};
    q.extensions = {{300, cbor::Value::Tstr("ext")}, {70000, cbor::Value::Double(1.5)}};
    q.supportedCipherSuites = {Sign1Suite(crypto::Alg::ESP256), Sign1Suite(crypto::Alg::Ed25519)};
    q.supportedSuitCoseProfiles = {{-16, -9, -29, -65534}};
    q.dataItemRequested = kDataAttestation | kDataTrustedComponents | kDataSuitReports;
    add(Subsets<QueryRequest>(
        q,
        {Clear(&QueryRequest::token), Clear(&QueryRequest::supportedFreshnessMechanisms),
         Clear(&QueryRequest::challenge), Clear(&QueryRequest::versions),
         Clear(&QueryRequest::attestationPayloadFormat), Clear(&QueryRequest::attestationPayload),
         Clear(&QueryRequest::suitReports), Clear(&QueryRequest::extensions)}));

    QueryResponse r;
    r.token = kToken;
    r.selectedVersion = 0;
    r.attestationPayloadFormat = "application/eat+cwt";
    r.attestationPayload = Bytes(300, 0x22);
    r.suitReports = std::vector<Bytes>{Bytes{0xa1, 0x01, 0x02}};
    TcInfo tc;
    tc.componentId = {Bytes{'T', 'E', 'E', 'P'}, Bytes(16, 0x8d)};
    tc.imageDigest = test::FromHex("822f4401020304");
    tc.imageSize = 70000;
    tc.manifestSequenceNumber = 7;
    tc.otherParams = {{cbor::Value::Uint(28), cbor::Value::Uint(1)},
                      {cbor::Value::Tstr("x"), cbor::Value::Null()}};
    TcInfo bare;
    bare.componentId = {Bytes{1}};
    r.tcList = {tc, bare};
    r.requestedTcList = {RequestedTcInfo{{Bytes{1}}, 3, true}, RequestedTcInfo{{Bytes{2}}, {}, {}},
                         RequestedTcInfo{{}, 1, false}};
    r.unneededManifestList = {{Bytes{'o', 'l', 'd'}, Bytes{'s', 'u', 'i', 't'}}, {}};
    r.extList = {1, 4294967295u};
    r.extensions = {{99, cbor::Value::MakeArray({cbor::Value::Int(-5)})}};
    add(Subsets<QueryResponse>(
        r,
        {Clear(&QueryResponse::token), Clear(&QueryResponse::selectedVersion),
         Clear(&QueryResponse::attestationPayloadFormat), Clear(&QueryResponse::attestationPayload),
         Clear(&QueryResponse::suitReports), Clear(&QueryResponse::tcList),
         Clear(&QueryResponse::requestedTcList), Clear(&QueryResponse::unneededManifestList),
         Clear(&QueryResponse::extList), Clear(&QueryResponse::extensions)}));

    Update u;
    u.token = kToken;
    u.unneededManifestList = {{Bytes{'o', 'l', 'd'}}};
    u.manifestList = {cbor::Encode(cbor::Value::MakeMap().set(3, cbor::Value::Bstr(Bytes{}))),
                      Bytes(70000, 0x40)};
    u.attestationPayloadFormat = "application/ear+cwt";
    u.attestationPayload = Bytes(40, 0x33);
    u.errCode = ErrorCode::AttestationRequired;
    u.errMsg = "attest";
    u.errLang = "en";
    add(Subsets<Update>(u, {Clear(&Update::token), Clear(&Update::unneededManifestList),
                            Clear(&Update::manifestList), Clear(&Update::attestationPayloadFormat),
                            Clear(&Update::attestationPayload), Clear(&Update::errCode),
                            Clear(&Update::errMsg), Clear(&Update::errLang)}));

    Success s;
    s.token = kToken;
    s.msg = "installed";
    s.suitReports = std::vector<Bytes>{Bytes{0xa0}, Bytes{0xa0}};
    s.extensions = {{1000, cbor::Value::Bool(true)}};
    add(Subsets<Success>(s, {Clear(&Success::token), Clear(&Success::msg),
                             Clear(&Success::suitReports), Clear(&Success::extensions)}));

    Error e;
    e.token = kToken;
    e.errMsg = "no";
    e.errLang = "en-US";
    e.supportedCipherSuites = {Sign1Suite(crypto::Alg::Ed25519)};
    e.supportedFreshnessMechanisms = {kFreshnessNonce};
    e.supportedSuitCoseProfiles = {{-16, -19, -29, -65534}};
    e.challenge = Bytes(8, 0x44);
    e.versions = {0};
    e.suitReports = std::vector<Bytes>{Bytes{0xa0}};
    e.errCode = ErrorCode::ManifestProcessingFailed;
    add(Subsets<Error>(e, {Clear(&Error::token), Clear(&Error::errMsg), Clear(&Error::errLang),
                           Clear(&Error::supportedCipherSuites),
                           Clear(&Error::supportedFreshnessMechanisms),
                           Clear(&Error::supportedSuitCoseProfiles), Clear(&Error::challenge),
                           Clear(&Error::versions), Clear(&Error::suitReports)}));
    return all;
}

// Labels a message would carry, shuffled into its wireOrder (plus one label it does not carry).
void ShuffleWireOrder(Message& m, std::mt19937& rng)
{
    std::visit(
        [&](auto& msg)
        {
            std::vector<uint64_t> labels;
            for (uint64_t l = 0; l < 40; ++l)
            {
                labels.push_back(l);
            }
            for (const auto& x : msg.extensions)
            {
                labels.push_back(x.label);
            }
            std::shuffle(labels.begin(), labels.end(), rng);
            labels.resize(labels.size() / 2);
            msg.wireOrder.labels = labels;
        },
        m);
}

TEST(DirectTeepEncoder, WritesTheTreeEncodersBytesForEveryOptionSubset)
{
    std::mt19937 rng(11);
    const std::vector<Message> messages = GeneratedMessages();
    ASSERT_GT(messages.size(), 2000u);
    for (ProfileId id : {ProfileId::Draft26, ProfileId::Legacy})
    {
        const Profile& p = Profile::Get(id);
        for (size_t i = 0; i < messages.size(); ++i)
        {
            Message m = messages[i];
            ExpectSameEncoding(m, p, "message " + std::to_string(i));
            ShuffleWireOrder(m, rng);
            ExpectSameEncoding(m, p, "message " + std::to_string(i) + " with a wire order");
        }
    }
}

TEST(DirectTeepEncoder, RefusesOutOfBoundsFieldsWithTheTreeEncodersText)
{
    std::vector<std::function<void(Message&)>> breakers = {
        [](Message& m) { std::get<QueryRequest>(m).token = Bytes(7, 1); },
        [](Message& m) { std::get<QueryRequest>(m).challenge = Bytes(513, 1); },
        [](Message& m) { std::get<QueryRequest>(m).versions = std::vector<uint32_t>{}; },
        [](Message& m) { std::get<QueryRequest>(m).supportedCipherSuites = {}; },
        [](Message& m) { std::get<QueryRequest>(m).supportedCipherSuites = {{}}; },
        [](Message& m) { std::get<QueryRequest>(m).supportedSuitCoseProfiles = {}; },
        [](Message& m) { std::get<QueryRequest>(m).suitReports = std::vector<Bytes>{}; },
        [](Message& m) {
            std::get<QueryRequest>(m).extensions = {{20, cbor::Value::Uint(1)}};
        },
        [](Message& m)
        {
            std::get<QueryRequest>(m).extensions = {{300, cbor::Value::Uint(1)},
                                                    {300, cbor::Value::Uint(2)}};
        },
        // Two violations: the first in table order is reported by both.
        [](Message& m)
        {
            auto& q = std::get<QueryRequest>(m);
            q.challenge = Bytes(1, 1);
            q.token = Bytes(1, 1);
        },
    };
    for (size_t i = 0; i < breakers.size(); ++i)
    {
        Message m = GeneratedMessages().front();
        breakers[i](m);
        ExpectSameEncoding(m, Profile::Draft26(), "breaker " + std::to_string(i));
    }
    QueryResponse r;
    TcInfo tc;
    tc.otherParams = {{cbor::Value::Uint(14), cbor::Value::Uint(1)}};
    r.tcList = {tc};
    ExpectSameEncoding(r, Profile::Draft26(), "tc-list collision");
    r.tcList = std::vector<TcInfo>{};
    ExpectSameEncoding(r, Profile::Draft26(), "empty tc-list");
    r.tcList.reset();
    r.requestedTcList = {RequestedTcInfo{{}, {}, true}};
    ExpectSameEncoding(r, Profile::Draft26(), "have-binary without sequence number");
    Success s;
    s.msg = std::string(129, 'x');
    ExpectSameEncoding(s, Profile::Draft26(), "msg too long");
    Update u;
    u.errLang = std::string(36, 'x');
    ExpectSameEncoding(u, Profile::Draft26(), "err-lang too long");
}

TEST(DirectTeepEncoder, ReencodesEveryVectorMessageLikeTheTreeEncoder)
{
    size_t checked = 0;
    for (const auto& e : fs::recursive_directory_iterator(TEEPSIM_VECTORS_DIR))
    {
        if (!e.is_regular_file() || e.path().extension() != ".cbor")
        {
            continue;
        }
        const Bytes wire = test::ReadFile(e.path().string());
        for (ProfileId id : {ProfileId::Draft26, ProfileId::Legacy})
        {
            const Profile& p = Profile::Get(id);
            auto r = Decode(wire, p);
            if (r.ok())
            {
                ExpectSameEncoding(*r, p, e.path().string());
                ++checked;
            }
        }
    }
    EXPECT_GT(checked, 10u);
}

} // namespace
} // namespace teepsim::teep
