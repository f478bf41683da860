// SUIT_Envelope / SUIT_Manifest decoding. Every rejection names the element it concerns; CBOR
// errors keep the decoder's byte offset (relative to the bstr being decoded, named in the text).
#include "teepsim/codec/crypto.h"
#include "teepsim/codec/suit.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace teepsim::suit
{
namespace
{

// Manifests of a TEEP deployment are small; tighter than the CBOR defaults so that a hostile
// envelope cannot make the Agent build huge trees. The decoder also rejects duplicate map keys.
cbor::DecodeLimits SuitLimits()
{
    cbor::DecodeLimits l;
    l.maxDepth = 16;
    l.maxItems = 1u << 16;
    l.maxLength = 64u << 20;
    return l;
}

struct Failure
{
    Status status;
    cbor::DecodeError error;
};

Failure Fail(std::string what, Status status = Status::Malformed, size_t offset = 0)
{
    return Failure{status, cbor::DecodeError{offset, std::move(what)}};
}

Failure FromCbor(const cbor::DecodeError& e, std::string_view where)
{
    return Fail(std::string(where) + ": " + e.message, Status::Malformed, e.offset);
}

// Decodes the content of a bstr .cbor member.
std::optional<Failure> DecodeWrapped(const cbor::Value& v, std::string_view where, cbor::Value& out)
{
    if (!v.isBstr())
    {
        return Fail(std::string(where) + " is not a bstr");
    }
    auto r = cbor::Decode(v.bytes(), SuitLimits());
    if (!r)
    {
        return FromCbor(r.error(), where);
    }
    out = std::move(r.value());
    return std::nullopt;
}

std::optional<Failure> ParseSequence(const cbor::Value& v, std::string_view where,
                                     std::optional<CommandSequence>& out)
{
    if (!v.isBstr())
    {
        return Fail(std::string(where) + " is not a bstr");
    }
    auto r = ParseCommandSequence(v.bytes(), where);
    if (!r)
    {
        return Failure{Status::Malformed, r.error()};
    }
    out = std::move(r.value());
    return std::nullopt;
}

std::optional<Failure> ParseCommon(const cbor::Value& v, Manifest& m)
{
    cbor::Value common;
    if (auto f = DecodeWrapped(v, "manifest.common", common))
    {
        return f;
    }
    if (!common.isMap())
    {
        return Fail("manifest.common is not a map");
    }
    for (const auto& [key, val] : common.map())
    {
        auto k = key.asInt64();
        if (!key.isInt() || !k)
        {
            continue; // unknown extension keys are ignored
        }
        switch (*k)
        {
            case common_key::kComponents:
            {
                if (!val.isArray() || val.array().empty())
                {
                    return Fail("manifest.common.components is not a non-empty array");
                }
                m.components.reserve(val.array().size());
                for (size_t i = 0; i < val.array().size(); ++i)
                {
                    auto id = ComponentIdFromCbor(val.array()[i]);
                    if (!id)
                    {
                        return Fail("manifest.common.components[" + std::to_string(i) +
                                    "] is not an array of bstr");
                    }
                    m.components.push_back(std::move(*id));
                }
                break;
            }
            case common_key::kDependencies:
            {
                if (!val.isMap())
                {
                    return Fail("manifest.common.dependencies is not a map");
                }
                for (const auto& [idx, meta] : val.map())
                {
                    if (!idx.isUint() || !meta.isMap())
                    {
                        return Fail("manifest.common.dependencies entry is not uint => map");
                    }
                    Dependency d;
                    d.componentIndex = idx.rawUint();
                    if (const auto* prefix = meta.find(1))
                    {
                        auto id = ComponentIdFromCbor(*prefix);
                        if (!id)
                        {
                            return Fail("manifest.common.dependencies[" +
                                        std::to_string(d.componentIndex) +
                                        "].dependency-prefix is not an array of bstr");
                        }
                        d.prefix = std::move(*id);
                    }
                    m.dependencies.push_back(std::move(d));
                }
                break;
            }
            case common_key::kSharedSequence:
                if (auto f =
                        ParseSequence(val, "manifest.common.shared-sequence", m.sharedSequence))
                {
                    return f;
                }
                break;
            default:
                break;
        }
    }
    if (m.components.empty())
    {
        return Fail("manifest.common.components is missing");
    }
    return std::nullopt;
}

// A severable member is either the bstr itself or a SUIT_Digest pointing at the envelope.
std::optional<Failure> ResolveSeverable(const cbor::Value& v, int64_t key, std::string_view where,
                                        const cbor::Map& envelope, cbor::Value& resolved)
{
    if (v.isBstr())
    {
        resolved = v;
        return std::nullopt;
    }
    auto digest = DigestFromCbor(v);
    if (!digest)
    {
        return Fail(std::string(where) + " is neither a bstr nor a SUIT_Digest");
    }
    if (digest->alg != kDigestSha256)
    {
        return Fail(std::string(where) + ": digest algorithm " + std::to_string(digest->alg) +
                        " unsupported",
                    Status::UnsupportedAlgorithm);
    }
    for (const auto& [k, member] : envelope)
    {
        if (k.isInt() && k.asInt64() == key)
        {
            if (!member.isBstr())
            {
                return Fail(std::string("envelope.") + std::string(where) + " is not a bstr");
            }
            // The digest covers the bstr-wrapped member, as for the manifest.
            if (crypto::Sha256(cbor::Encode(member)) != digest->bytes)
            {
                return Fail(std::string(where) + ": severed member digest mismatch",
                            Status::DigestMismatch);
            }
            resolved = member;
            return std::nullopt;
        }
    }
    return Fail(std::string(where) + " is severed but absent from the envelope");
}

std::optional<Failure> ParseManifest(const cbor::Value& wrapped, const cbor::Map& envelope,
                                     Manifest& m)
{
    cbor::Value mv;
    if (auto f = DecodeWrapped(wrapped, "manifest", mv))
    {
        return f;
    }
    m.bytes = wrapped.bytes();
    if (!mv.isMap())
    {
        return Fail("manifest is not a map");
    }
    bool haveVersion = false;
    bool haveSequence = false;
    bool haveCommon = false;
    for (const auto& [key, val] : mv.map())
    {
        auto k = key.asInt64();
        if (!key.isInt() || !k)
        {
            return Fail("manifest has a non-integer key");
        }
        cbor::Value severed;
        switch (*k)
        {
            case manifest_key::kVersion:
                if (!val.isUint())
                {
                    return Fail("manifest.manifest-version is not a uint");
                }
                m.version = val.rawUint();
                haveVersion = true;
                break;
            case manifest_key::kSequenceNumber:
                if (!val.isUint())
                {
                    return Fail("manifest.manifest-sequence-number is not a uint");
                }
                m.sequenceNumber = val.rawUint();
                haveSequence = true;
                break;
            case manifest_key::kCommon:
                if (auto f = ParseCommon(val, m))
                {
                    return f;
                }
                haveCommon = true;
                break;
            case manifest_key::kReferenceUri:
                if (!val.isTstr())
                {
                    return Fail("manifest.reference-uri is not a tstr");
                }
                m.referenceUri = val.text();
                break;
            case manifest_key::kManifestComponentId:
            {
                auto id = ComponentIdFromCbor(val);
                if (!id)
                {
                    return Fail("manifest.manifest-component-id is not an array of bstr");
                }
                m.manifestComponentId = std::move(*id);
                break;
            }
            case manifest_key::kValidate:
                if (auto f = ParseSequence(val, "manifest.validate", m.validate))
                {
                    return f;
                }
                break;
            case manifest_key::kLoad:
                if (auto f = ParseSequence(val, "manifest.load", m.load))
                {
                    return f;
                }
                break;
            case manifest_key::kInvoke:
                if (auto f = ParseSequence(val, "manifest.invoke", m.invoke))
                {
                    return f;
                }
                break;
            case manifest_key::kDependencyResolution:
                if (auto f = ResolveSeverable(val, *k, "dependency-resolution", envelope, severed))
                {
                    return f;
                }
                if (auto f = ParseSequence(severed, "manifest.dependency-resolution",
                                           m.dependencyResolution))
                {
                    return f;
                }
                break;
            case manifest_key::kPayloadFetch:
                if (auto f = ResolveSeverable(val, *k, "payload-fetch", envelope, severed))
                {
                    return f;
                }
                if (auto f = ParseSequence(severed, "manifest.payload-fetch", m.payloadFetch))
                {
                    return f;
                }
                break;
            case manifest_key::kInstall:
                if (auto f = ResolveSeverable(val, *k, "install", envelope, severed))
                {
                    return f;
                }
                if (auto f = ParseSequence(severed, "manifest.install", m.install))
                {
                    return f;
                }
                break;
            case manifest_key::kText:
            {
                if (auto f = ResolveSeverable(val, *k, "text", envelope, severed))
                {
                    return f;
                }
                cbor::Value text;
                if (auto f = DecodeWrapped(severed, "manifest.text", text))
                {
                    return f;
                }
                m.text = std::move(text);
                break;
            }
            case manifest_key::kUninstall:
                if (auto f = ParseSequence(val, "manifest.uninstall", m.uninstall))
                {
                    return f;
                }
                break;
            default:
                m.unknownKeys.push_back(*k);
                break;
        }
    }
    if (!haveVersion)
    {
        return Fail("manifest.manifest-version is missing");
    }
    if (m.version != 1)
    {
        return Fail("manifest.manifest-version is " + std::to_string(m.version) +
                        " (only 1 is supported)",
                    Status::UnsupportedVersion);
    }
    if (!haveSequence)
    {
        return Fail("manifest.manifest-sequence-number is missing");
    }
    if (!haveCommon)
    {
        return Fail("manifest.common is missing");
    }
    return std::nullopt;
}

std::optional<Failure> ParseAuthWrapper(const cbor::Value& v, Envelope& env)
{
    cbor::Value wrapper;
    if (auto f = DecodeWrapped(v, "authentication-wrapper", wrapper))
    {
        return f;
    }
    if (!wrapper.isArray() || wrapper.array().empty())
    {
        return Fail("authentication-wrapper is not a non-empty array");
    }
    const auto& items = wrapper.array();
    cbor::Value digest;
    if (auto f = DecodeWrapped(items[0], "authentication-wrapper[0] (digest)", digest))
    {
        return f;
    }
    auto d = DigestFromCbor(digest);
    if (!d)
    {
        return Fail("authentication-wrapper[0] is not a SUIT_Digest [alg, bstr]");
    }
    env.manifestDigest = std::move(*d);
    env.digestBytes = items[0].bytes();
    env.authBlocks.reserve(items.size() - 1);
    for (size_t i = 1; i < items.size(); ++i)
    {
        if (!items[i].isBstr())
        {
            return Fail("authentication-wrapper[" + std::to_string(i) + "] is not a bstr");
        }
        env.authBlocks.push_back(items[i].bytes());
    }
    return std::nullopt;
}

} // namespace

cbor::Result<CommandSequence> ParseCommandSequence(ByteView bytes, std::string_view where)
{
    auto r = cbor::Decode(bytes, SuitLimits());
    if (!r)
    {
        return cbor::DecodeError{r.error().offset, std::string(where) + ": " + r.error().message};
    }
    if (!r->isArray())
    {
        return cbor::DecodeError{0, std::string(where) + " is not an array"};
    }
    auto& items = r.value().array();
    if (items.size() % 2 != 0)
    {
        return cbor::DecodeError{
            0,
            std::string(where) + " has an odd number of items (commands are code, argument pairs)"};
    }
    CommandSequence seq;
    seq.reserve(items.size() / 2);
    for (size_t i = 0; i < items.size(); i += 2)
    {
        auto code = items[i].asInt64();
        if (!items[i].isInt() || !code)
        {
            return cbor::DecodeError{0, std::string(where) + "[" + std::to_string(i) +
                                            "] is not an integer command code"};
        }
        seq.push_back(Command{*code, std::move(items[i + 1])});
    }
    return seq;
}

namespace
{

// The envelope map's members: tstr-keyed integrated payloads as views, the rest as values.
struct TopLevel
{
    bool tagged = false;
    cbor::Map members; // every non-tstr key, in order (manifest, wrapper, severed members)
    std::vector<std::pair<std::string, ImageBytes>> integrated;
};

// One CBOR head (major type and argument); nullopt for the additional information 28..31
// (reserved or indefinite) and for truncated input, which the full decoder handles.
struct Head
{
    uint8_t major;
    uint64_t arg;
    size_t size;
};

std::optional<Head> ReadHead(ByteView in, size_t off)
{
    if (off >= in.size())
    {
        return std::nullopt;
    }
    const uint8_t ib = in[off];
    const uint8_t ai = ib & 31;
    Head h{static_cast<uint8_t>(ib >> 5), ai, 1};
    if (ai < 24)
    {
        return h;
    }
    if (ai > 27)
    {
        return std::nullopt;
    }
    const size_t n = size_t{1} << (ai - 24);
    if (in.size() - off - 1 < n)
    {
        return std::nullopt;
    }
    h.arg = 0;
    for (size_t i = 0; i < n; ++i)
    {
        h.arg = (h.arg << 8) | in[off + 1 + i];
    }
    h.size = 1 + n;
    return h;
}

// The common shape of an envelope (an optional tag 107, then a map of int or tstr keys to bstr
// values) read without copying the bstr contents. nullopt whenever the input is anything else,
// including anything the full decoder would reject: then ParseEnvelope decodes it fully, so
// results and error messages are the same whichever way an envelope is read.
std::optional<TopLevel> ScanTopLevel(ByteView in)
{
    const cbor::DecodeLimits limits = SuitLimits();
    TopLevel t;
    size_t off = 0;
    std::optional<Head> h = ReadHead(in, off);
    if (h && h->major == 6)
    {
        if (h->arg != kEnvelopeTag)
        {
            return std::nullopt;
        }
        t.tagged = true;
        off += h->size;
        h = ReadHead(in, off);
    }
    if (!h || h->major != 5 || h->arg > limits.maxLength || 2 * h->arg + 3 > limits.maxItems)
    {
        return std::nullopt;
    }
    off += h->size;
    std::vector<cbor::Value> keys;
    for (uint64_t i = 0; i < h->arg; ++i)
    {
        const std::optional<Head> kh = ReadHead(in, off);
        if (!kh || (kh->major > 1 && kh->major != 3))
        {
            return std::nullopt;
        }
        auto key = cbor::DecodeOne(in, off, limits);
        if (!key)
        {
            return std::nullopt;
        }
        const std::optional<Head> vh = ReadHead(in, off);
        if (!vh || vh->major != 2 || vh->arg > limits.maxLength ||
            in.size() - off - vh->size < vh->arg)
        {
            return std::nullopt;
        }
        const ByteView value = in.subspan(off + vh->size, vh->arg);
        off += vh->size + vh->arg;
        for (const cbor::Value& k : keys)
        {
            if (k == key.value())
            {
                return std::nullopt; // duplicate key: the decoder names it
            }
        }
        keys.push_back(key.value());
        if (key->isTstr())
        {
            t.integrated.emplace_back(key->text(), ImageBytes::ViewOf(value));
        }
        else
        {
            t.members.emplace_back(std::move(key.value()), cbor::Value::Bstr(value));
        }
    }
    if (off != in.size())
    {
        return std::nullopt; // trailing bytes
    }
    return t;
}

// The whole envelope decoded (the fallback of ScanTopLevel), with the original checks and
// messages; the tree is kept alive in `storage` because the payload views point into it.
std::optional<Failure> DecodeTopLevel(ByteView in, std::shared_ptr<const void>& storage,
                                      TopLevel& t)
{
    auto r = cbor::Decode(in, SuitLimits());
    if (!r)
    {
        return FromCbor(r.error(), "envelope");
    }
    auto tree = std::make_shared<const cbor::Value>(std::move(r.value()));
    storage = tree;
    const cbor::Value* top = tree.get();
    if (top->isTag())
    {
        if (top->tag() != kEnvelopeTag)
        {
            return Fail("envelope has tag " + std::to_string(top->tag()) +
                        " (expected 107 or none)");
        }
        t.tagged = true;
        top = &top->tagged();
    }
    if (!top->isMap())
    {
        return Fail("envelope is not a map");
    }
    for (const auto& [key, val] : top->map())
    {
        if (key.isTstr())
        {
            if (!val.isBstr())
            {
                return Fail("envelope[\"" + key.text() + "\"] (integrated payload) is not a bstr");
            }
            t.integrated.emplace_back(key.text(), ImageBytes::ViewOf(val.bytes()));
        }
        else
        {
            t.members.emplace_back(key, val);
        }
    }
    return std::nullopt;
}

} // namespace

cbor::Result<Envelope> ParseEnvelopeView(ByteView bytes, Status* why)
{
    auto fail = [why](Failure f) -> cbor::Result<Envelope>
    {
        if (why)
        {
            *why = f.status;
        }
        return std::move(f.error);
    };
    Envelope env;
    std::optional<TopLevel> scanned = ScanTopLevel(bytes);
    if (!scanned)
    {
        scanned.emplace();
        if (auto f = DecodeTopLevel(bytes, env.storage, *scanned))
        {
            return fail(*f);
        }
    }
    env.tagged = scanned->tagged;
    env.integrated = std::move(scanned->integrated);
    const cbor::Map& m = scanned->members;
    const cbor::Value* auth = nullptr;
    const cbor::Value* manifest = nullptr;
    for (const auto& [key, val] : m)
    {
        if (key.isInt() && key.asInt64() == envelope_key::kAuthenticationWrapper)
        {
            auth = &val;
        }
        else if (key.isInt() && key.asInt64() == envelope_key::kManifest)
        {
            manifest = &val;
        }
        // Other keys: severed members (resolved from the manifest) or extensions (ignored).
    }
    if (!auth)
    {
        return fail(Fail("envelope.authentication-wrapper (2) is missing"));
    }
    if (!manifest)
    {
        return fail(Fail("envelope.manifest (3) is missing"));
    }
    if (auto f = ParseAuthWrapper(*auth, env))
    {
        return fail(*f);
    }
    if (auto f = ParseManifest(*manifest, m, env.manifest))
    {
        return fail(*f);
    }
    if (why)
    {
        *why = Status::Ok;
    }
    return env;
}

cbor::Result<Envelope> ParseEnvelopeShared(std::shared_ptr<const Bytes> bytes, Status* why)
{
    auto env = ParseEnvelopeView(ByteView(*bytes), why);
    if (env && !env->storage)
    {
        env.value().storage = std::move(bytes);
    }
    return env;
}

cbor::Result<Envelope> ParseEnvelope(ByteView bytes, Status* why)
{
    return ParseEnvelopeShared(std::make_shared<const Bytes>(bytes.begin(), bytes.end()), why);
}

cbor::Result<Envelope> ParseEnvelope(ByteView bytes)
{
    return ParseEnvelope(bytes, nullptr);
}

} // namespace teepsim::suit
