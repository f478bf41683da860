// TEEP message decoder: checks the framework ([type, options, *extra]), then the CDDL of the
// message type, and maps every violation to the TEEP error code a receiver would send.
//
// The top-level array and the options map are walked head by head (DecodeOne per element) so
// that each option's byte offset is known for error reports. Inside the decoder, the first
// violation aborts via an internal exception that Decode() turns into a Failure.
#include "teepsim/codec/teep.h"
#include "teepsim/codec/teep_limits.h"

#include <algorithm>

// GCC 12 reports a false -Wmaybe-uninitialized inside std::variant's destructor when a
// Message is returned from the switch below; the code is fine.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace teepsim::teep
{

using cbor::Value;

namespace
{

struct Abort
{
    Failure failure;
};

[[noreturn]] void Bad(size_t offset, std::string reason, ErrorCode code = ErrorCode::PermanentError,
                      Failure::Kind kind = Failure::Kind::Malformed)
{
    throw Abort{Failure{code, kind, std::move(reason), offset}};
}

[[noreturn]] void Unsupported(size_t offset, std::string reason, ErrorCode code)
{
    Bad(offset, std::move(reason), code, Failure::Kind::Unsupported);
}

// One decoded element with the offset where it starts.
struct Item
{
    Value value;
    size_t offset = 0;
};

struct Option
{
    uint64_t label = 0;
    Item item;
};

// The framework of every TEEP message: [type, {* uint => any}, * any].
struct Framework
{
    size_t count = 0; // array arity
    uint64_t wireType = 0;
    size_t typeOffset = 0;
    size_t optionsOffset = 0;
    std::vector<Option> options;
    std::vector<Item> extra; // elements after the options map
};

// Reads a definite-length container head of the given major type at `pos`.
uint64_t ReadContainerHead(ByteView in, size_t& pos, uint8_t wantMajor, const char* what)
{
    const size_t start = pos;
    if (pos >= in.size())
    {
        Bad(start, std::string("truncated: expected ") + what);
    }
    const uint8_t ib = in[pos++];
    const uint8_t major = ib >> 5;
    const uint8_t ai = ib & 0x1f;
    if (major != wantMajor)
    {
        Bad(start, std::string("expected ") + what);
    }
    if (ai < 24)
    {
        return ai;
    }
    if (ai == 31)
    {
        Bad(start, std::string("indefinite-length ") + what + " not allowed");
    }
    if (ai > 27)
    {
        Bad(start, "reserved additional information value");
    }
    const size_t n = size_t{1} << (ai - 24);
    if (in.size() - pos < n)
    {
        Bad(start, std::string("truncated ") + what + " head");
    }
    uint64_t arg = 0;
    for (size_t i = 0; i < n; ++i)
    {
        arg = (arg << 8) | in[pos++];
    }
    return arg;
}

Item ReadItem(ByteView in, size_t& pos, const char* what)
{
    const size_t start = pos;
    auto r = cbor::DecodeOne(in, pos);
    if (!r)
    {
        Bad(r.error().offset, std::string(what) + ": " + r.error().message);
    }
    return Item{std::move(r.value()), start};
}

Framework ReadFramework(ByteView in)
{
    Framework f;
    size_t pos = 0;
    f.count = ReadContainerHead(in, pos, 4, "TEEP message array");
    if (f.count < 2)
    {
        Bad(0, "TEEP message array needs at least [type, options]");
    }
    // Each element takes at least one byte: a count beyond the input is truncation.
    if (f.count > in.size())
    {
        Bad(0, "TEEP message array longer than the input");
    }
    f.typeOffset = pos;
    Item type = ReadItem(in, pos, "type");
    if (!type.value.isUint())
    {
        Bad(f.typeOffset, "message type must be an unsigned integer");
    }
    f.wireType = type.value.rawUint();
    f.optionsOffset = pos;
    const uint64_t nopts = ReadContainerHead(in, pos, 5, "options map");
    if (nopts > (in.size() - pos) / 2)
    {
        Bad(f.optionsOffset, "options map longer than the input");
    }
    f.options.reserve(nopts);
    for (uint64_t i = 0; i < nopts; ++i)
    {
        const size_t keyOffset = pos;
        Item key = ReadItem(in, pos, "option label");
        if (!key.value.isUint())
        {
            Bad(keyOffset, "option label must be an unsigned integer");
        }
        const uint64_t label = key.value.rawUint();
        for (const auto& o : f.options)
        {
            if (o.label == label)
            {
                Bad(keyOffset, "duplicate option label " + std::to_string(label));
            }
        }
        f.options.push_back(Option{label, ReadItem(in, pos, "option value")});
    }
    for (size_t i = 2; i < f.count; ++i)
    {
        f.extra.push_back(ReadItem(in, pos, "message element"));
    }
    if (pos != in.size())
    {
        Bad(pos, "trailing bytes after the TEEP message");
    }
    return f;
}

// ---- typed readers (name = the CDDL name, for error messages) ----

Bytes GetBstr(const Item& it, const char* name, size_t lo = 0, size_t hi = SIZE_MAX)
{
    if (!it.value.isBstr())
    {
        Bad(it.offset, std::string(name) + " must be a byte string");
    }
    const Bytes& b = it.value.bytes();
    if (b.size() < lo || b.size() > hi)
    {
        Bad(it.offset, std::string(name) + ": " + std::to_string(b.size()) + " bytes, want " +
                           std::to_string(lo) + ".." + std::to_string(hi));
    }
    return b;
}

std::string GetText(const Item& it, const char* name, size_t lo = 0, size_t hi = SIZE_MAX)
{
    if (!it.value.isTstr())
    {
        Bad(it.offset, std::string(name) + " must be a text string");
    }
    const std::string& s = it.value.text();
    if (s.size() < lo || s.size() > hi)
    {
        Bad(it.offset, std::string(name) + ": " + std::to_string(s.size()) + " bytes, want " +
                           std::to_string(lo) + ".." + std::to_string(hi));
    }
    return s;
}

uint64_t GetUint(const Value& v, size_t offset, const char* name, uint64_t max = UINT64_MAX)
{
    if (!v.isUint())
    {
        Bad(offset, std::string(name) + " must be an unsigned integer");
    }
    if (v.rawUint() > max)
    {
        Bad(offset, std::string(name) + " out of range");
    }
    return v.rawUint();
}

const cbor::Array& GetNonEmptyArray(const Item& it, const char* name)
{
    if (!it.value.isArray())
    {
        Bad(it.offset, std::string(name) + " must be an array");
    }
    if (it.value.array().empty())
    {
        Bad(it.offset, std::string(name) + " must not be empty");
    }
    return it.value.array();
}

template<typename T> std::vector<T> GetUintList(const Item& it, const char* name, uint64_t max)
{
    const auto& a = GetNonEmptyArray(it, name);
    std::vector<T> out;
    out.reserve(a.size());
    for (const auto& v : a)
    {
        out.push_back(static_cast<T>(GetUint(v, it.offset, name, max)));
    }
    return out;
}

ComponentId GetComponentId(const Value& v, size_t offset, const char* name)
{
    if (!v.isArray())
    {
        Bad(offset, std::string(name) + " must be an array of byte strings");
    }
    ComponentId id;
    id.reserve(v.array().size());
    for (const auto& part : v.array())
    {
        if (!part.isBstr())
        {
            Bad(offset, std::string(name) + " must be an array of byte strings");
        }
        id.push_back(part.bytes());
    }
    return id;
}

std::vector<ComponentId> GetComponentIdList(const Item& it, const char* name)
{
    const auto& a = GetNonEmptyArray(it, name);
    std::vector<ComponentId> out;
    out.reserve(a.size());
    for (const auto& v : a)
    {
        out.push_back(GetComponentId(v, it.offset, name));
    }
    return out;
}

// [+ bstr .cbor X]: each element a bstr whose content is one well-formed CBOR item.
// `envelope`: X = SUIT_Envelope, i.e. a map, optionally tagged 107.
std::vector<Bytes> GetEmbeddedCborList(const Item& it, const char* name, bool envelope)
{
    const auto& a = GetNonEmptyArray(it, name);
    std::vector<Bytes> out;
    out.reserve(a.size());
    for (const auto& v : a)
    {
        if (!v.isBstr())
        {
            Bad(it.offset, std::string(name) + " entries must be byte strings");
        }
        auto inner = cbor::Decode(v.bytes());
        if (!inner)
        {
            Bad(it.offset,
                std::string(name) + " entry is not well-formed CBOR: " + inner.error().ToString());
        }
        if (envelope)
        {
            const Value* env = &inner.value();
            if (env->isTag() && env->tag() == 107)
            {
                env = &env->tagged();
            }
            if (!env->isMap())
            {
                Bad(it.offset, std::string(name) + " entry is not a SUIT_Envelope map");
            }
        }
        out.push_back(v.bytes());
    }
    return out;
}

// Parses one cipher suite; nullopt if it is not of the [+ [uint, int]] shape.
std::optional<CipherSuite> ParseSuite(const Value& v)
{
    if (!v.isArray() || v.array().empty())
    {
        return std::nullopt;
    }
    CipherSuite suite;
    for (const auto& op : v.array())
    {
        if (!op.isArray() || op.array().size() != 2 || !op.array()[0].isUint())
        {
            return std::nullopt;
        }
        auto alg = op.array()[1].asInt64();
        if (!op.array()[1].isInt() || !alg)
        {
            return std::nullopt;
        }
        suite.push_back(CipherSuiteOp{op.array()[0].rawUint(), *alg});
    }
    return suite;
}

std::vector<CipherSuite> GetCipherSuites(const Item& it, const char* name)
{
    const auto& a = GetNonEmptyArray(it, name);
    std::vector<CipherSuite> out;
    out.reserve(a.size());
    for (const auto& v : a)
    {
        auto s = ParseSuite(v);
        if (!s)
        {
            Bad(it.offset, std::string(name) + ": a suite must be [+ [cose-type, cose-alg]]");
        }
        out.push_back(std::move(*s));
    }
    return out;
}

std::vector<SuitCoseProfile> GetSuitProfiles(const Item& it, const char* name)
{
    const auto& a = GetNonEmptyArray(it, name);
    std::vector<SuitCoseProfile> out;
    out.reserve(a.size());
    for (const auto& v : a)
    {
        if (!v.isArray() || v.array().empty())
        {
            Bad(it.offset, std::string(name) + ": a profile must be a non-empty array of ints");
        }
        SuitCoseProfile p;
        for (const auto& x : v.array())
        {
            auto n = x.asInt64();
            if (!x.isInt() || !n)
            {
                Bad(it.offset, std::string(name) + ": a profile must be a non-empty array of ints");
            }
            p.push_back(*n);
        }
        out.push_back(std::move(p));
    }
    return out;
}

std::vector<TcInfo> GetTcList(const Item& it, const Labels& L)
{
    const auto& a = GetNonEmptyArray(it, "tc-list");
    std::vector<TcInfo> out;
    out.reserve(a.size());
    const auto seqKey = static_cast<int64_t>(L.tcManifestSequenceNumber);
    for (const auto& v : a)
    {
        if (!v.isMap())
        {
            Bad(it.offset, "tc-list entry must be a system-property-claims map");
        }
        TcInfo tc;
        bool haveId = false;
        for (size_t i = 0; i < v.map().size(); ++i)
        {
            const auto& [k, val] = v.map()[i];
            auto key = k.asInt64();
            if (!k.isInt() || !key)
            {
                Bad(it.offset, "tc-list entry: keys must be integers (SUIT parameters)");
            }
            for (size_t j = 0; j < i; ++j)
            {
                if (v.map()[j].first == k)
                {
                    Bad(it.offset, "tc-list entry: duplicate key " + std::to_string(*key));
                }
            }
            if (*key == limits::kSystemComponentId)
            {
                tc.componentId = GetComponentId(val, it.offset, "tc-list component id");
                haveId = true;
            }
            else if (*key == limits::kSuitParamImageDigest)
            {
                Item d{val, it.offset};
                tc.imageDigest = GetBstr(d, "tc-list image-digest");
                if (!cbor::Decode(*tc.imageDigest))
                {
                    Bad(it.offset, "tc-list image-digest is not bstr .cbor SUIT_Digest");
                }
            }
            else if (*key == limits::kSuitParamImageSize)
            {
                tc.imageSize = GetUint(val, it.offset, "tc-list image-size");
            }
            else if (*key == seqKey)
            {
                tc.manifestSequenceNumber = GetUint(val, it.offset, "tc-list sequence number");
            }
            else
            {
                tc.otherParams.emplace_back(k, val);
            }
        }
        if (!haveId)
        {
            Bad(it.offset, "tc-list entry lacks the component id (key 0)");
        }
        out.push_back(std::move(tc));
    }
    return out;
}

std::vector<RequestedTcInfo> GetRequestedTcList(const Item& it, const Labels& L)
{
    const auto& a = GetNonEmptyArray(it, "requested-tc-list");
    std::vector<RequestedTcInfo> out;
    out.reserve(a.size());
    for (const auto& v : a)
    {
        if (!v.isMap())
        {
            Bad(it.offset, "requested-tc-info must be a map");
        }
        RequestedTcInfo r;
        bool haveId = false;
        for (size_t i = 0; i < v.map().size(); ++i)
        {
            const auto& [k, val] = v.map()[i];
            if (!k.isUint())
            {
                Bad(it.offset, "requested-tc-info: labels must be unsigned integers");
            }
            for (size_t j = 0; j < i; ++j)
            {
                if (v.map()[j].first == k)
                {
                    Bad(it.offset, "requested-tc-info: duplicate label");
                }
            }
            const uint64_t label = k.rawUint();
            if (label == L.componentId)
            {
                r.componentId = GetComponentId(val, it.offset, "component-id");
                haveId = true;
            }
            else if (label == L.tcManifestSequenceNumber)
            {
                r.manifestSequenceNumber = GetUint(val, it.offset, "tc-manifest-sequence-number");
            }
            else if (label == L.haveBinary)
            {
                if (!val.isBool())
                {
                    Bad(it.offset, "have-binary must be a bool");
                }
                r.haveBinary = val.boolean();
            }
            else
            {
                Bad(it.offset, "requested-tc-info: unknown label " + std::to_string(label));
            }
        }
        if (!haveId)
        {
            Bad(it.offset, "requested-tc-info lacks component-id");
        }
        if (r.haveBinary.value_or(false) && !r.manifestSequenceNumber)
        {
            Bad(it.offset, "have-binary true requires tc-manifest-sequence-number");
        }
        out.push_back(std::move(r));
    }
    return out;
}

ErrorCode GetErrorCode(const Value& v, size_t offset, const Profile& p)
{
    const uint64_t wire = GetUint(v, offset, "err-code");
    auto code = p.ErrorCodeFromWire(wire);
    if (!code)
    {
        Bad(offset,
            "unknown err-code " + std::to_string(wire) + " in profile " + std::string(p.name()));
    }
    return *code;
}

// ---- negotiation checks (what the receiver supports) ----

void CheckVersions(const std::vector<uint32_t>& offered, size_t offset, const ReceiverCaps& caps)
{
    for (uint32_t v : offered)
    {
        if (std::find(caps.versions.begin(), caps.versions.end(), v) != caps.versions.end())
        {
            return;
        }
    }
    Unsupported(offset, "none of the offered versions is supported",
                ErrorCode::UnsupportedMsgVersion);
}

bool SuiteSupported(const CipherSuite& s, const Profile& p, const ReceiverCaps& caps)
{
    if (!caps.cipherSuites.empty())
    {
        return std::find(caps.cipherSuites.begin(), caps.cipherSuites.end(), s) !=
               caps.cipherSuites.end();
    }
    return s.size() == 1 && s[0].coseType == 18 && p.AcceptsAlg(s[0].alg);
}

// Before the arity check: a suite list none of whose entries we support (whatever their
// shape, e.g. an older draft's [null, 3, null]) is ERR_UNSUPPORTED_CIPHER_SUITES.
void CheckSuitesOffered(const Item& it, const Profile& p, const ReceiverCaps& caps)
{
    if (!it.value.isArray())
    {
        return; // the strict check reports the type error
    }
    for (const auto& v : it.value.array())
    {
        auto s = ParseSuite(v);
        if (s && SuiteSupported(*s, p, caps))
        {
            return;
        }
    }
    Unsupported(it.offset, "none of the offered cipher suites is supported",
                ErrorCode::UnsupportedCipherSuites);
}

void CheckFreshness(const std::vector<uint64_t>& offered, size_t offset, const ReceiverCaps& caps)
{
    for (uint64_t f : offered)
    {
        if (std::find(caps.freshness.begin(), caps.freshness.end(), f) != caps.freshness.end())
        {
            return;
        }
    }
    Unsupported(offset, "none of the offered freshness mechanisms is supported",
                ErrorCode::UnsupportedFreshnessMechanisms);
}

void CheckArity(const Framework& f, MessageType t)
{
    const size_t want = limits::Arity(t);
    if (f.count != want)
    {
        Bad(0, std::string(ToString(t)) + " must have " + std::to_string(want) + " elements, has " +
                   std::to_string(f.count));
    }
}

const Item* FindOption(const Framework& f, uint64_t label)
{
    for (const auto& o : f.options)
    {
        if (o.label == label)
        {
            return &o.item;
        }
    }
    return nullptr;
}

// ---- per-message decoders ----

// Shared option handling: records wire order and keeps undefined labels as extensions.
template<typename M, typename F>
void ReadOptions(const Framework& f, MessageType t, const Labels& L, M& msg, F&& handle)
{
    msg.wireOrder.labels.reserve(f.options.size());
    for (const auto& o : f.options)
    {
        msg.wireOrder.labels.push_back(o.label);
        if (!limits::IsDefinedOption(t, L, o.label))
        {
            msg.extensions.push_back(ExtensionOption{o.label, o.item.value});
            continue;
        }
        if (o.label == L.token)
        {
            msg.token = GetBstr(o.item, "token", limits::kTokenMin, limits::kTokenMax);
            continue;
        }
        handle(o.label, o.item);
    }
}

QueryRequest DecodeQueryRequest(const Framework& f, const Profile& p, const ReceiverCaps& caps)
{
    const Labels& L = p.labels();
    // Version negotiation first: the rest of the layout depends on the version.
    if (const Item* v = FindOption(f, L.versions))
    {
        CheckVersions(GetUintList<uint32_t>(*v, "versions", limits::kVersionMax), v->offset, caps);
    }
    // Then the cipher suites: element 2, or (drafts <= 08: 3 elements) the option with that label.
    const Item* suites = f.count >= 4 ? &f.extra[0] : FindOption(f, L.supportedCipherSuites);
    if (suites)
    {
        CheckSuitesOffered(*suites, p, caps);
    }
    CheckArity(f, MessageType::QueryRequest);

    QueryRequest m;
    ReadOptions(f, MessageType::QueryRequest, L, m,
                [&](uint64_t label, const Item& it)
                {
                    if (label == L.supportedFreshnessMechanisms)
                    {
                        m.supportedFreshnessMechanisms =
                            GetUintList<uint64_t>(it, "supported-freshness-mechanisms", UINT64_MAX);
                    }
                    else if (label == L.challenge)
                    {
                        m.challenge =
                            GetBstr(it, "challenge", limits::kChallengeMin, limits::kChallengeMax);
                    }
                    else if (label == L.versions)
                    {
                        m.versions = GetUintList<uint32_t>(it, "versions", limits::kVersionMax);
                    }
                    else if (label == L.attestationPayloadFormat)
                    {
                        m.attestationPayloadFormat = GetText(it, "attestation-payload-format");
                    }
                    else if (label == L.attestationPayload)
                    {
                        m.attestationPayload = GetBstr(it, "attestation-payload");
                    }
                    else if (label == L.suitReports)
                    {
                        m.suitReports = GetEmbeddedCborList(it, "suit-reports", false);
                    }
                });
    m.supportedCipherSuites = GetCipherSuites(f.extra[0], "supported-teep-cipher-suites");
    m.supportedSuitCoseProfiles = GetSuitProfiles(f.extra[1], "supported-suit-cose-profiles");
    m.dataItemRequested = GetUint(f.extra[2].value, f.extra[2].offset, "data-item-requested");
    if (m.supportedFreshnessMechanisms)
    {
        CheckFreshness(*m.supportedFreshnessMechanisms,
                       FindOption(f, L.supportedFreshnessMechanisms)->offset, caps);
    }
    return m;
}

QueryResponse DecodeQueryResponse(const Framework& f, const Profile& p, const ReceiverCaps& caps)
{
    const Labels& L = p.labels();
    CheckArity(f, MessageType::QueryResponse);
    QueryResponse m;
    ReadOptions(f, MessageType::QueryResponse, L, m,
                [&](uint64_t label, const Item& it)
                {
                    if (label == L.selectedVersion)
                    {
                        m.selectedVersion = static_cast<uint32_t>(
                            GetUint(it.value, it.offset, "selected-version", limits::kVersionMax));
                        CheckVersions({*m.selectedVersion}, it.offset, caps);
                    }
                    else if (label == L.attestationPayloadFormat)
                    {
                        m.attestationPayloadFormat = GetText(it, "attestation-payload-format");
                    }
                    else if (label == L.attestationPayload)
                    {
                        m.attestationPayload = GetBstr(it, "attestation-payload");
                    }
                    else if (label == L.suitReports)
                    {
                        m.suitReports = GetEmbeddedCborList(it, "suit-reports", false);
                    }
                    else if (label == L.tcList)
                    {
                        m.tcList = GetTcList(it, L);
                    }
                    else if (label == L.requestedTcList)
                    {
                        m.requestedTcList = GetRequestedTcList(it, L);
                    }
                    else if (label == L.unneededManifestList)
                    {
                        m.unneededManifestList = GetComponentIdList(it, "unneeded-manifest-list");
                    }
                    else if (label == L.extList)
                    {
                        m.extList = GetUintList<uint32_t>(it, "ext-list", limits::kVersionMax);
                    }
                });
    return m;
}

Update DecodeUpdate(const Framework& f, const Profile& p)
{
    const Labels& L = p.labels();
    CheckArity(f, MessageType::Update);
    Update m;
    ReadOptions(f, MessageType::Update, L, m,
                [&](uint64_t label, const Item& it)
                {
                    if (label == L.unneededManifestList)
                    {
                        m.unneededManifestList = GetComponentIdList(it, "unneeded-manifest-list");
                    }
                    else if (label == L.manifestList)
                    {
                        m.manifestList = GetEmbeddedCborList(it, "manifest-list", true);
                    }
                    else if (label == L.attestationPayloadFormat)
                    {
                        m.attestationPayloadFormat = GetText(it, "attestation-payload-format");
                    }
                    else if (label == L.attestationPayload)
                    {
                        m.attestationPayload = GetBstr(it, "attestation-payload");
                    }
                    else if (label == L.errCode)
                    {
                        m.errCode = GetErrorCode(it.value, it.offset, p);
                    }
                    else if (label == L.errMsg)
                    {
                        m.errMsg = GetText(it, "err-msg", limits::kMsgMin, limits::kMsgMax);
                    }
                    else if (label == L.errLang)
                    {
                        m.errLang = GetText(it, "err-lang", limits::kLangMin, limits::kLangMax);
                    }
                });
    return m;
}

Success DecodeSuccess(const Framework& f, const Profile& p)
{
    const Labels& L = p.labels();
    CheckArity(f, MessageType::Success);
    Success m;
    ReadOptions(f, MessageType::Success, L, m,
                [&](uint64_t label, const Item& it)
                {
                    if (label == L.msg)
                    {
                        m.msg = GetText(it, "msg", limits::kMsgMin, limits::kMsgMax);
                    }
                    else if (label == L.suitReports)
                    {
                        m.suitReports = GetEmbeddedCborList(it, "suit-reports", false);
                    }
                });
    return m;
}

Error DecodeError(const Framework& f, const Profile& p)
{
    const Labels& L = p.labels();
    CheckArity(f, MessageType::Error);
    Error m;
    ReadOptions(f, MessageType::Error, L, m,
                [&](uint64_t label, const Item& it)
                {
                    if (label == L.errMsg)
                    {
                        m.errMsg = GetText(it, "err-msg", limits::kMsgMin, limits::kMsgMax);
                    }
                    else if (label == L.errLang)
                    {
                        m.errLang = GetText(it, "err-lang", limits::kLangMin, limits::kLangMax);
                    }
                    else if (label == L.supportedCipherSuites)
                    {
                        m.supportedCipherSuites =
                            GetCipherSuites(it, "supported-teep-cipher-suites");
                    }
                    else if (label == L.supportedFreshnessMechanisms)
                    {
                        m.supportedFreshnessMechanisms =
                            GetUintList<uint64_t>(it, "supported-freshness-mechanisms", UINT64_MAX);
                    }
                    else if (label == L.supportedSuitCoseProfiles)
                    {
                        m.supportedSuitCoseProfiles =
                            GetSuitProfiles(it, "supported-suit-cose-profiles");
                    }
                    else if (label == L.challenge)
                    {
                        m.challenge =
                            GetBstr(it, "challenge", limits::kChallengeMin, limits::kChallengeMax);
                    }
                    else if (label == L.versions)
                    {
                        m.versions = GetUintList<uint32_t>(it, "versions", limits::kVersionMax);
                    }
                    else if (label == L.suitReports)
                    {
                        m.suitReports = GetEmbeddedCborList(it, "suit-reports", false);
                    }
                });
    m.errCode = GetErrorCode(f.extra[0].value, f.extra[0].offset, p);
    return m;
}

} // namespace

Result<Message> Decode(ByteView bytes, const Profile& profile, const ReceiverCaps& caps)
{
    try
    {
        const Framework f = ReadFramework(bytes);
        auto type = profile.TypeFromWire(f.wireType);
        if (!type)
        {
            Bad(f.typeOffset, "unknown message type " + std::to_string(f.wireType) +
                                  " in profile " + std::string(profile.name()));
        }
        switch (*type)
        {
            case MessageType::QueryRequest:
                return Message{DecodeQueryRequest(f, profile, caps)};
            case MessageType::QueryResponse:
                return Message{DecodeQueryResponse(f, profile, caps)};
            case MessageType::Update:
                return Message{DecodeUpdate(f, profile)};
            case MessageType::Success:
                return Message{DecodeSuccess(f, profile)};
            case MessageType::Error:
                return Message{DecodeError(f, profile)};
        }
        Bad(f.typeOffset, "unknown message type");
    }
    catch (Abort& a)
    {
        return std::move(a.failure);
    }
    catch (const std::bad_alloc&)
    {
        return Failure{ErrorCode::TemporaryError, Failure::Kind::Malformed, "out of memory", {}};
    }
}

} // namespace teepsim::teep
