// SUIT envelopes parsed by view: the integrated payload (the TA image) is never copied to be
// parsed, fetched or installed, and the result is the same as the full decode's whichever path
// the parser takes (the fast scan of the envelope map, or the full CBOR decode it falls back to
// for any unusual shape), errors included.
#include "teepsim/codec/cbor.h"
#include "teepsim/codec/crypto.h"
#include "teepsim/codec/suit.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace teepsim::suit
{
namespace
{

using cbor::Value;

struct Fixture
{
    Device device;
    BuildParams params;
    crypto::Key signer = crypto::Key::GenerateP256(Bytes(32, 7));
    Bytes image = crypto::DeterministicBytes(Bytes{'t', 'a'}, 1, 5000);

    Fixture()
    {
        device.vendorId = Bytes(16, 1);
        device.classId = Bytes(16, 2);
        params.componentId = {Bytes{'c'}};
        params.vendorId = device.vendorId;
        params.classId = device.classId;
        params.integratedPayload = image;
        params.signer = signer;
    }
};

bool Within(ByteView inner, ByteView outer)
{
    return inner.data() >= outer.data() &&
           inner.data() + inner.size() <= outer.data() + outer.size();
}

// The envelope map of `bytes` with one more member, as the full decoder sees it.
Bytes WithMember(const Bytes& bytes, Value key, Value value)
{
    Value v = cbor::Decode(bytes).value();
    v.map().emplace_back(std::move(key), std::move(value));
    return cbor::Encode(v);
}

TEST(SuitViewParse, IntegratedPayloadAndWrittenImageAreViewsOfTheInput)
{
    Fixture f;
    const Bytes bytes = BuildEnvelope(f.params);
    auto env = ParseEnvelopeView(bytes);
    ASSERT_TRUE(env) << env.error().ToString();
    EXPECT_EQ(env->storage, nullptr) << "a view parse keeps nothing alive";
    const ImageBytes* payload = env->FindIntegrated("#tc");
    ASSERT_NE(payload, nullptr);
    EXPECT_TRUE(payload->isView());
    EXPECT_TRUE(Within(payload->view(), bytes)) << "the payload points into the input";
    EXPECT_EQ(*payload, f.image);

    ASSERT_TRUE(VerifyEnvelope(*env, {f.signer}).ok());
    ProcessOutcome out = RunInstall(*env, f.device, {});
    ASSERT_TRUE(out.ok()) << out.reason;
    ASSERT_EQ(out.written.size(), 1u);
    EXPECT_TRUE(Within(out.written[0].second.view(), bytes)) << "fetch copied the image";
    EXPECT_EQ(out.written[0].second, f.image);
    EXPECT_FALSE(out.deviceSpecific) << "nothing of this device was read";
}

TEST(SuitViewParse, OwningParsesKeepTheirBytesAlive)
{
    Fixture f;
    Envelope kept;
    ProcessOutcome out;
    {
        const Bytes bytes = BuildEnvelope(f.params);
        auto env = ParseEnvelope(bytes);
        ASSERT_TRUE(env) << env.error().ToString();
        EXPECT_FALSE(Within(env->FindIntegrated("#tc")->view(), bytes)) << "ParseEnvelope copies";
        kept = env.value();
        out = ProcessUpdate(bytes, {f.signer}, f.device, {});
        ASSERT_TRUE(out.ok()) << out.reason;
    }
    // `bytes` is gone: the envelope and the outcome still hold the payload.
    EXPECT_EQ(*kept.FindIntegrated("#tc"), f.image);
    EXPECT_EQ(out.written.at(0).second, f.image);

    auto shared = std::make_shared<const Bytes>(BuildEnvelope(f.params));
    auto env = ParseEnvelopeShared(shared);
    ASSERT_TRUE(env);
    EXPECT_TRUE(Within(env->FindIntegrated("#tc")->view(), *shared))
        << "no copy of a shared buffer";
    EXPECT_EQ(env->storage, shared);
}

// A top-level member that is not a bstr (an extension) sends the parser down the full decode:
// the same envelope results, and its payload stays valid after the input is gone.
TEST(SuitViewParse, UnusualShapesTakeTheFullDecodeWithTheSameResult)
{
    Fixture f;
    const Bytes plain = BuildEnvelope(f.params);
    const Bytes extended = WithMember(plain, Value::Int(99), Value::MakeArray({Value::Uint(1)}));
    auto a = ParseEnvelopeView(plain);
    auto b = ParseEnvelopeView(extended);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->storage, nullptr);
    ASSERT_NE(b->storage, nullptr) << "the decoded tree is kept for the payload views";
    EXPECT_EQ(a->manifest.bytes, b->manifest.bytes);
    EXPECT_EQ(a->manifestDigest, b->manifestDigest);
    EXPECT_EQ(a->authBlocks, b->authBlocks);
    EXPECT_EQ(*a->FindIntegrated("#tc"), *b->FindIntegrated("#tc"));
    EXPECT_TRUE(VerifyEnvelope(*b, {f.signer}).ok());

    // Tagged (107) envelopes take the fast path too.
    const Bytes tagged = cbor::Encode(Value::Tag(kEnvelopeTag, cbor::Decode(plain).value()));
    auto t = ParseEnvelopeView(tagged);
    ASSERT_TRUE(t);
    EXPECT_TRUE(t->tagged);
    EXPECT_EQ(t->storage, nullptr);
    EXPECT_EQ(t->manifest.bytes, a->manifest.bytes);
}

// Inputs the fast scan does not accept are rejected with the full decoder's message.
TEST(SuitViewParse, MalformedEnvelopesGiveTheFullDecodersErrors)
{
    Fixture f;
    const Bytes plain = BuildEnvelope(f.params);
    auto expectError = [](const Bytes& in, const std::string& fragment)
    {
        Status why = Status::Ok;
        auto env = ParseEnvelopeView(in, &why);
        ASSERT_FALSE(env) << "accepted: expected '" << fragment << "'";
        EXPECT_NE(env.error().ToString().find(fragment), std::string::npos)
            << env.error().ToString();
        EXPECT_EQ(why, Status::Malformed);
    };
    Bytes trailing = plain;
    trailing.push_back(0x00);
    expectError(trailing, "envelope");
    expectError(WithMember(plain, Value::Tstr("#tc"), Value::Bstr(Bytes{1})), "duplicate map key");
    expectError(WithMember(plain, Value::Tstr("#x"), Value::Uint(1)),
                "envelope[\"#x\"] (integrated payload) is not a bstr");
    expectError(cbor::Encode(Value::Tag(99, cbor::Decode(plain).value())), "envelope has tag 99");
    expectError(Bytes(plain.begin(), plain.end() - 1), "envelope");
}

} // namespace
} // namespace teepsim::suit
