// The interpreter's handling of individual commands, malformed sequences and its bounds.
// Manifests are edited after parsing (RunInstall does not re-check signatures), so each test
// states exactly the command sequence it runs.
#include "teepsim/codec/cbor.h"
#include "teepsim/codec/crypto.h"
#include "teepsim/codec/suit.h"

#include <gtest/gtest.h>

#include <string>

namespace teepsim::suit
{
namespace
{

using cbor::Value;

Bytes Str(std::string_view s)
{
    return Bytes(s.begin(), s.end());
}

// A parsed one-component envelope (integrated payload "#tc") whose sections tests replace.
struct Base
{
    Device device;
    Envelope env;
    Bytes payload = Str("payload");

    Base()
    {
        device.vendorId = Bytes(16, 1);
        device.classId = Bytes(16, 2);
        BuildParams p;
        p.componentId = {Str("c")};
        p.vendorId = device.vendorId;
        p.classId = device.classId;
        p.integratedPayload = payload;
        p.signer = crypto::Key::GenerateP256(Bytes(32, 1));
        auto parsed = ParseEnvelope(BuildEnvelope(p));
        EXPECT_TRUE(parsed);
        env = parsed.value();
    }
};

CommandSequence Seq(std::initializer_list<std::pair<int64_t, Value>> cmds)
{
    CommandSequence s;
    for (const auto& [c, a] : cmds)
    {
        s.push_back(Command{c, a});
    }
    return s;
}

Value Params(std::initializer_list<std::pair<int64_t, Value>> kv)
{
    Value m = Value::MakeMap();
    for (const auto& [k, v] : kv)
    {
        m.set(k, v);
    }
    return m;
}

Value EncodedSeq(const CommandSequence& s)
{
    Value a = Value::MakeArray();
    for (const auto& c : s)
    {
        a.push(Value::Int(c.code));
        a.push(c.arg);
    }
    return cbor::Wrap(a);
}

// Command sequences must be arrays of (int code, argument) pairs.
TEST(SuitCommandSequence, RejectsMalformedSequences)
{
    auto odd = ParseCommandSequence(cbor::Encode(Value::MakeArray({Value::Uint(21)})), "install");
    ASSERT_FALSE(odd);
    EXPECT_NE(odd.error().message.find("install"), std::string::npos);
    EXPECT_NE(odd.error().message.find("odd"), std::string::npos);

    auto text = ParseCommandSequence(
        cbor::Encode(Value::MakeArray({Value::Tstr("x"), Value::Uint(1)})), "validate");
    ASSERT_FALSE(text);
    EXPECT_NE(text.error().message.find("integer command code"), std::string::npos);

    auto notArray = ParseCommandSequence(cbor::Encode(Value::Uint(3)), "uninstall");
    EXPECT_FALSE(notArray);

    const Bytes truncated{0x84, 0x14, 0xA0, 0x15};
    auto cut = ParseCommandSequence(truncated, "install");
    ASSERT_FALSE(cut);
    EXPECT_NE(cut.error().message.find("install"), std::string::npos);

    auto ok = ParseCommandSequence(cbor::Encode(Value::MakeArray({Value::Uint(21), Value::Uint(15),
                                                                  Value::Int(-1), Value::Null()})),
                                   "install");
    ASSERT_TRUE(ok);
    ASSERT_EQ(ok->size(), 2u);
    EXPECT_EQ((*ok)[1].code, -1);
}

// Commands outside the subset fail with their name and position.
TEST(SuitInterpreter, UnsupportedCommand)
{
    Base b;
    b.env.manifest.install = Seq({{cmd::kSwap, Value::Uint(15)}});
    auto out = RunInstall(b.env, b.device, {});
    EXPECT_EQ(out.status, Status::UnsupportedCommand);
    EXPECT_EQ(out.reason, "install[0]: directive-swap: code 31 not in the supported subset");
}

// An index that names neither a component nor a dependency is rejected.
TEST(SuitInterpreter, BadComponentIndex)
{
    Base b;
    b.env.manifest.install = Seq({{cmd::kSetComponentIndex, Value::Uint(1)}});
    EXPECT_EQ(RunInstall(b.env, b.device, {}).status, Status::BadComponentIndex);
    b.env.manifest.install = Seq({{cmd::kSetComponentIndex, Value::Tstr("0")}});
    EXPECT_EQ(RunInstall(b.env, b.device, {}).status, Status::BadComponentIndex);
    b.env.manifest.install =
        Seq({{cmd::kSetComponentIndex, Value::MakeArray({Value::Uint(0), Value::Uint(7)})}});
    EXPECT_EQ(RunInstall(b.env, b.device, {}).status, Status::BadComponentIndex);
}

// Conditions that need a parameter fail clearly when it was never set.
TEST(SuitInterpreter, MissingParameters)
{
    Base b;
    b.env.manifest.sharedSequence.reset();
    b.env.manifest.install = Seq({{cmd::kVendorIdentifier, Value::Uint(15)}});
    EXPECT_EQ(RunInstall(b.env, b.device, {}).status, Status::MissingParameter);
    b.env.manifest.install = Seq({{cmd::kFetch, Value::Uint(15)}});
    EXPECT_EQ(RunInstall(b.env, b.device, {}).status, Status::MissingParameter);
    b.env.manifest.install = Seq({{cmd::kWrite, Value::Uint(15)}});
    EXPECT_EQ(RunInstall(b.env, b.device, {}).status, Status::MissingParameter);
    b.env.manifest.install = Seq({{cmd::kOverrideParameters, Value::Uint(3)}});
    EXPECT_EQ(RunInstall(b.env, b.device, {}).status, Status::Malformed);
}

// image-match without an image (nothing fetched) fails instead of passing vacuously.
TEST(SuitInterpreter, ImageMatchNeedsAnImage)
{
    Base b;
    b.env.manifest.install = Seq({{cmd::kImageMatch, Value::Uint(15)}});
    auto out = RunInstall(b.env, b.device, {});
    EXPECT_EQ(out.status, Status::ImageMismatch);
    EXPECT_NE(out.reason.find("no image"), std::string::npos) << out.reason;
}

// write stores parameter-content; check-content compares it.
TEST(SuitInterpreter, WriteAndCheckContent)
{
    Base b;
    b.env.manifest.sharedSequence.reset();
    b.env.manifest.install =
        Seq({{cmd::kOverrideParameters, Params({{param::kContent, Value::Bstr(Str("abc"))}})},
             {cmd::kWrite, Value::Uint(15)},
             {cmd::kCheckContent, Value::Uint(15)}});
    auto out = RunInstall(b.env, b.device, {});
    ASSERT_TRUE(out.ok()) << out.reason;
    EXPECT_EQ(out.written.at(0).second, Str("abc"));
}

// set-parameters keeps earlier values; override-parameters replaces them.
TEST(SuitInterpreter, SetVersusOverrideParameters)
{
    Base b;
    b.env.manifest.sharedSequence.reset();
    auto run = [&](int64_t second)
    {
        b.env.manifest.install =
            Seq({{cmd::kOverrideParameters, Params({{param::kContent, Value::Bstr(Str("first"))}})},
                 {second, Params({{param::kContent, Value::Bstr(Str("2nd"))}})},
                 {cmd::kWrite, Value::Uint(15)}});
        auto out = RunInstall(b.env, b.device, {});
        EXPECT_TRUE(out.ok()) << out.reason;
        return out.written.at(0).second;
    };
    EXPECT_EQ(run(cmd::kSetParameters), Str("first"));
    EXPECT_EQ(run(cmd::kOverrideParameters), Str("2nd"));
}

// try-each: a failing option leaves no trace and the next one runs.
TEST(SuitInterpreter, TryEachFallsThrough)
{
    Base b;
    b.env.manifest.sharedSequence.reset();
    auto wrongVendor = EncodedSeq(
        Seq({{cmd::kOverrideParameters, Params({{param::kVendorId, Value::Bstr(Bytes(16, 9))},
                                                {param::kContent, Value::Bstr(Str("bad"))}})},
             {cmd::kWrite, Value::Uint(15)},
             {cmd::kVendorIdentifier, Value::Uint(15)}}));
    auto good = EncodedSeq(Seq(
        {{cmd::kOverrideParameters, Params({{param::kVendorId, Value::Bstr(b.device.vendorId)}})},
         {cmd::kVendorIdentifier, Value::Uint(15)}}));
    b.env.manifest.install = Seq({{cmd::kTryEach, Value::MakeArray({wrongVendor, good})}});
    auto out = RunInstall(b.env, b.device, {});
    ASSERT_TRUE(out.ok()) << out.reason;
    EXPECT_TRUE(out.written.empty()); // the failed option's write was rolled back

    b.env.manifest.install = Seq({{cmd::kTryEach, Value::MakeArray({wrongVendor})}});
    EXPECT_EQ(RunInstall(b.env, b.device, {}).status, Status::VendorMismatch);
    b.env.manifest.install = Seq({{cmd::kTryEach, Value::MakeArray({wrongVendor, Value::Null()})}});
    EXPECT_TRUE(RunInstall(b.env, b.device, {}).ok());
}

// condition-abort stops the procedure.
TEST(SuitInterpreter, Abort)
{
    Base b;
    b.env.manifest.install = Seq({{cmd::kAbort, Value::Uint(15)}});
    EXPECT_EQ(RunInstall(b.env, b.device, {}).status, Status::Aborted);
}

// Nesting (run-sequence inside run-sequence) and total work are bounded.
TEST(SuitInterpreter, NestingAndStepLimits)
{
    Base b;
    CommandSequence inner = Seq({{cmd::kInvoke, Value::Uint(15)}});
    for (int i = 0; i < 10; ++i)
    {
        inner = Seq({{cmd::kRunSequence, EncodedSeq(inner)}});
    }
    b.env.manifest.install = inner;
    auto out = RunInstall(b.env, b.device, {});
    EXPECT_EQ(out.status, Status::LimitExceeded);
    EXPECT_NE(out.reason.find("nesting"), std::string::npos);

    CommandSequence many;
    for (int i = 0; i < 5000; ++i)
    {
        many.push_back(Command{cmd::kSetComponentIndex, Value::Uint(0)});
    }
    b.env.manifest.install = many;
    out = RunInstall(b.env, b.device, {});
    EXPECT_EQ(out.status, Status::LimitExceeded);
    EXPECT_LE(out.steps, Limits{}.maxSteps + 1);

    // try-each over try-each: exponential in principle, but the step budget caps it.
    CommandSequence leaf = Seq({{cmd::kAbort, Value::Uint(15)}});
    Value level = EncodedSeq(leaf);
    for (int d = 0; d < 3; ++d)
    {
        Value arr = Value::MakeArray();
        for (int k = 0; k < 30; ++k)
        {
            arr.push(level);
        }
        level = EncodedSeq(Seq({{cmd::kTryEach, arr}}));
    }
    b.env.manifest.install = Seq({{cmd::kRunSequence, level}});
    out = RunInstall(b.env, b.device, {});
    EXPECT_EQ(out.status, Status::LimitExceeded) << out.reason;
    // The run stops at the first charge that crosses the budget (here a small snapshot).
    EXPECT_LE(out.steps, Limits{}.maxSteps + 16);

    // Re-decoding the same large nested bstr is bounded by a byte budget as well.
    Limits tight;
    tight.maxNestedBytes = 10000;
    out = RunInstall(b.env, b.device, {}, std::nullopt, tight);
    EXPECT_EQ(out.status, Status::LimitExceeded);
    EXPECT_NE(out.reason.find("byte budget"), std::string::npos) << out.reason;
}

// An image larger than the limit is refused rather than stored.
TEST(SuitInterpreter, ImageSizeLimit)
{
    Base b;
    Limits small;
    small.maxImageSize = 3;
    EXPECT_EQ(RunInstall(b.env, b.device, {}, std::nullopt, small).status, Status::LimitExceeded);
    EXPECT_TRUE(RunInstall(b.env, b.device, {}).ok());
}

// Envelope-level structure errors name the element.
TEST(SuitEnvelope, StructureErrorsNameTheElement)
{
    auto expectError = [](const Value& v, std::string_view needle)
    {
        auto r = ParseEnvelope(cbor::Encode(v));
        ASSERT_FALSE(r);
        EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
    };
    expectError(Value::MakeArray(), "not a map");
    expectError(Value::Tag(18, Value::MakeMap()), "tag 18");
    expectError(Value::MakeMap().set(3, Value::Bstr(Bytes{0xA0})), "authentication-wrapper");
    Value digestOnly =
        cbor::Wrap(Value::MakeArray({cbor::Wrap(DigestToCbor(Sha256Digest(Bytes{})))}));
    expectError(Value::MakeMap().set(2, digestOnly), "manifest (3) is missing");
    expectError(Value::MakeMap().set(2, digestOnly).set(3, Value::Bstr(Bytes{0xA0})),
                "manifest-version is missing");
    Value m2 = Value::MakeMap().set(1, Value::Uint(2)).set(2, Value::Uint(0));
    Status why = Status::Ok;
    auto r = ParseEnvelope(cbor::Encode(Value::MakeMap().set(2, digestOnly).set(3, cbor::Wrap(m2))),
                           &why);
    ASSERT_FALSE(r);
    EXPECT_EQ(why, Status::UnsupportedVersion);
    Value m1 = Value::MakeMap().set(1, Value::Uint(1)).set(2, Value::Uint(0));
    expectError(Value::MakeMap().set(2, digestOnly).set(3, cbor::Wrap(m1)), "common is missing");
    Value badCommon =
        Value::MakeMap()
            .set(1, Value::Uint(1))
            .set(2, Value::Uint(0))
            .set(3, cbor::Wrap(Value::MakeMap().set(2, Value::MakeArray({Value::Uint(1)}))));
    expectError(Value::MakeMap().set(2, digestOnly).set(3, cbor::Wrap(badCommon)), "components[0]");
    expectError(Value::MakeMap().set(2, digestOnly).set(2, digestOnly), "duplicate");
}

// A severed install section is accepted when its digest matches and rejected otherwise.
TEST(SuitEnvelope, SeveredMember)
{
    Value install = cbor::Wrap(Value::MakeArray({Value::Uint(cmd::kInvoke), Value::Uint(15)}));
    Digest d = Sha256Digest(cbor::Encode(install));
    Value common = cbor::Wrap(
        Value::MakeMap().set(2, Value::MakeArray({Value::MakeArray({Value::Bstr(Str("c"))})})));
    Value manifest = Value::MakeMap()
                         .set(1, Value::Uint(1))
                         .set(2, Value::Uint(0))
                         .set(3, common)
                         .set(manifest_key::kInstall, DigestToCbor(d));
    Value wrapper = cbor::Wrap(Value::MakeArray(
        {cbor::Wrap(DigestToCbor(Sha256Digest(cbor::Encode(cbor::Wrap(manifest)))))}));
    Value env = Value::MakeMap().set(2, wrapper).set(3, cbor::Wrap(manifest));
    auto missing = ParseEnvelope(cbor::Encode(env));
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("severed"), std::string::npos);

    Value withMember = env;
    withMember.set(manifest_key::kInstall, install);
    auto ok = ParseEnvelope(cbor::Encode(withMember));
    ASSERT_TRUE(ok) << ok.error().ToString();
    ASSERT_TRUE(ok->manifest.install.has_value());
    EXPECT_EQ(ok->manifest.install->at(0).code, cmd::kInvoke);
    EXPECT_TRUE(CheckManifestDigest(*ok).ok());

    Value wrong = env;
    wrong.set(manifest_key::kInstall,
              cbor::Wrap(Value::MakeArray({Value::Uint(cmd::kUnlink), Value::Uint(15)})));
    Status why = Status::Ok;
    EXPECT_FALSE(ParseEnvelope(cbor::Encode(wrong), &why));
    EXPECT_EQ(why, Status::DigestMismatch);
}

} // namespace
} // namespace teepsim::suit
