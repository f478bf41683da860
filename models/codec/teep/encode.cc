// TEEP message encoder. Builds the CBOR value with the profile's numbering and checks the
// CDDL bounds, so the encoder never emits a message the decoder would refuse.
#include "teepsim/codec/teep.h"
#include "teepsim/codec/teep_limits.h"

#include <algorithm>
#include <stdexcept>

namespace teepsim::teep
{

using cbor::Value;

namespace
{

void Require(bool ok, const char* what)
{
    if (!ok)
    {
        throw std::invalid_argument(std::string("teep encode: ") + what);
    }
}

// Collects (label, value) options, then orders them: wire order first, then token, then
// ascending labels (the order of the draft's examples).
class OptionWriter
{
  public:
    OptionWriter(const Profile& p, MessageType t) : labels_(p.labels()), type_(t) {}

    void Add(uint64_t label, Value v) { opts_.emplace_back(label, std::move(v)); }

    template<typename T, typename F>
    void AddIf(const std::optional<T>& field, uint64_t label, F toValue)
    {
        if (field)
        {
            Add(label, toValue(*field));
        }
    }

    void AddToken(const std::optional<Bytes>& token)
    {
        if (token)
        {
            Require(InRange(token->size(), limits::kTokenMin, limits::kTokenMax),
                    "token must be 8..64 bytes");
            Add(labels_.token, Value::Bstr(*token));
        }
    }

    void AddExtensions(const std::vector<ExtensionOption>& ext)
    {
        for (const auto& e : ext)
        {
            Require(!limits::IsDefinedOption(type_, labels_, e.label) &&
                        std::none_of(opts_.begin(), opts_.end(),
                                     [&](const auto& o) { return o.first == e.label; }),
                    "extension label collides with a defined option");
            Add(e.label, e.value);
        }
    }

    Value Finish(const WireOrder& order)
    {
        cbor::Map m;
        m.reserve(opts_.size());
        std::vector<bool> used(opts_.size(), false);
        auto take = [&](uint64_t label)
        {
            for (size_t i = 0; i < opts_.size(); ++i)
            {
                if (!used[i] && opts_[i].first == label)
                {
                    used[i] = true;
                    m.emplace_back(Value::Uint(label), std::move(opts_[i].second));
                }
            }
        };
        for (uint64_t l : order.labels)
        {
            take(l);
        }
        take(labels_.token);
        std::vector<uint64_t> rest;
        for (size_t i = 0; i < opts_.size(); ++i)
        {
            if (!used[i])
            {
                rest.push_back(opts_[i].first);
            }
        }
        std::sort(rest.begin(), rest.end());
        for (uint64_t l : rest)
        {
            take(l);
        }
        return Value::MakeMap(std::move(m));
    }

  private:
    static bool InRange(size_t n, size_t lo, size_t hi) { return n >= lo && n <= hi; }
    const Labels& labels_;
    MessageType type_;
    std::vector<std::pair<uint64_t, Value>> opts_;
};

Value BstrList(const std::vector<Bytes>& list, const char* what)
{
    Require(!list.empty(), what);
    Value a = Value::MakeArray();
    a.array().reserve(list.size());
    for (const auto& b : list)
    {
        a.push(Value::Bstr(b));
    }
    return a;
}

template<typename T> Value UintList(const std::vector<T>& list, const char* what)
{
    Require(!list.empty(), what);
    Value a = Value::MakeArray();
    for (auto v : list)
    {
        a.push(Value::Uint(v));
    }
    return a;
}

Value ComponentIdValue(const ComponentId& id)
{
    Value a = Value::MakeArray();
    for (const auto& part : id)
    {
        a.push(Value::Bstr(part));
    }
    return a;
}

Value ComponentIdList(const std::vector<ComponentId>& list, const char* what)
{
    Require(!list.empty(), what);
    Value a = Value::MakeArray();
    for (const auto& id : list)
    {
        a.push(ComponentIdValue(id));
    }
    return a;
}

Value CipherSuites(const std::vector<CipherSuite>& suites)
{
    Require(!suites.empty(), "supported-teep-cipher-suites must not be empty");
    Value a = Value::MakeArray();
    for (const auto& suite : suites)
    {
        Require(!suite.empty(), "a cipher suite needs at least one operation");
        Value s = Value::MakeArray();
        for (const auto& op : suite)
        {
            s.push(Value::MakeArray({Value::Uint(op.coseType), Value::Int(op.alg)}));
        }
        a.push(std::move(s));
    }
    return a;
}

Value SuitProfiles(const std::vector<SuitCoseProfile>& profiles)
{
    Require(!profiles.empty(), "supported-suit-cose-profiles must not be empty");
    Value a = Value::MakeArray();
    for (const auto& p : profiles)
    {
        Value s = Value::MakeArray();
        for (int64_t v : p)
        {
            s.push(Value::Int(v));
        }
        a.push(std::move(s));
    }
    return a;
}

Value Text(const std::string& s, size_t lo, size_t hi, const char* what)
{
    Require(s.size() >= lo && s.size() <= hi, what);
    return Value::Tstr(s);
}

Value TcInfoValue(const TcInfo& tc, const Labels& labels)
{
    Value m = Value::MakeMap();
    m.set(limits::kSystemComponentId, ComponentIdValue(tc.componentId));
    if (tc.imageDigest)
    {
        m.set(limits::kSuitParamImageDigest, Value::Bstr(*tc.imageDigest));
    }
    if (tc.imageSize)
    {
        m.set(limits::kSuitParamImageSize, Value::Uint(*tc.imageSize));
    }
    if (tc.manifestSequenceNumber)
    {
        m.set(static_cast<int64_t>(labels.tcManifestSequenceNumber),
              Value::Uint(*tc.manifestSequenceNumber));
    }
    for (const auto& [k, v] : tc.otherParams)
    {
        auto key = k.asInt64();
        Require(!key ||
                    (*key != limits::kSystemComponentId && *key != limits::kSuitParamImageDigest &&
                     *key != limits::kSuitParamImageSize &&
                     *key != static_cast<int64_t>(labels.tcManifestSequenceNumber)),
                "tc-list parameter collides with a typed field");
        m.map().emplace_back(k, v);
    }
    return m;
}

Value RequestedTcValue(const RequestedTcInfo& r, const Labels& labels)
{
    Require(!r.haveBinary.value_or(false) || r.manifestSequenceNumber,
            "have-binary true needs tc-manifest-sequence-number");
    Value m = Value::MakeMap();
    m.set(static_cast<int64_t>(labels.componentId), ComponentIdValue(r.componentId));
    if (r.manifestSequenceNumber)
    {
        m.set(static_cast<int64_t>(labels.tcManifestSequenceNumber),
              Value::Uint(*r.manifestSequenceNumber));
    }
    if (r.haveBinary)
    {
        m.set(static_cast<int64_t>(labels.haveBinary), Value::Bool(*r.haveBinary));
    }
    return m;
}

Value Frame(const Profile& p, MessageType t, Value options)
{
    Value a = Value::MakeArray();
    a.array().reserve(5);
    a.push(Value::Uint(p.WireType(t)));
    a.push(std::move(options));
    return a;
}

Value ToValue(const QueryRequest& m, const Profile& p)
{
    const Labels& L = p.labels();
    OptionWriter w(p, MessageType::QueryRequest);
    w.AddToken(m.token);
    w.AddIf(m.supportedFreshnessMechanisms, L.supportedFreshnessMechanisms,
            [](const auto& v) { return UintList(v, "supported-freshness-mechanisms empty"); });
    w.AddIf(m.challenge, L.challenge,
            [](const Bytes& c)
            {
                Require(c.size() >= limits::kChallengeMin && c.size() <= limits::kChallengeMax,
                        "challenge must be 8..512 bytes");
                return Value::Bstr(c);
            });
    w.AddIf(m.versions, L.versions, [](const auto& v) { return UintList(v, "versions empty"); });
    w.AddIf(m.attestationPayloadFormat, L.attestationPayloadFormat,
            [](const std::string& s) { return Value::Tstr(s); });
    w.AddIf(m.attestationPayload, L.attestationPayload,
            [](const Bytes& b) { return Value::Bstr(b); });
    w.AddIf(m.suitReports, L.suitReports,
            [](const auto& v) { return BstrList(v, "suit-reports empty"); });
    w.AddExtensions(m.extensions);
    Value a = Frame(p, MessageType::QueryRequest, w.Finish(m.wireOrder));
    a.push(CipherSuites(m.supportedCipherSuites));
    a.push(SuitProfiles(m.supportedSuitCoseProfiles));
    a.push(Value::Uint(m.dataItemRequested));
    return a;
}

Value ToValue(const QueryResponse& m, const Profile& p)
{
    const Labels& L = p.labels();
    OptionWriter w(p, MessageType::QueryResponse);
    w.AddToken(m.token);
    w.AddIf(m.selectedVersion, L.selectedVersion, [](uint32_t v) { return Value::Uint(v); });
    w.AddIf(m.attestationPayloadFormat, L.attestationPayloadFormat,
            [](const std::string& s) { return Value::Tstr(s); });
    w.AddIf(m.attestationPayload, L.attestationPayload,
            [](const Bytes& b) { return Value::Bstr(b); });
    w.AddIf(m.suitReports, L.suitReports,
            [](const auto& v) { return BstrList(v, "suit-reports empty"); });
    w.AddIf(m.tcList, L.tcList,
            [&](const std::vector<TcInfo>& list)
            {
                Require(!list.empty(), "tc-list empty");
                Value a = Value::MakeArray();
                for (const auto& tc : list)
                {
                    a.push(TcInfoValue(tc, L));
                }
                return a;
            });
    w.AddIf(m.requestedTcList, L.requestedTcList,
            [&](const std::vector<RequestedTcInfo>& list)
            {
                Require(!list.empty(), "requested-tc-list empty");
                Value a = Value::MakeArray();
                for (const auto& r : list)
                {
                    a.push(RequestedTcValue(r, L));
                }
                return a;
            });
    w.AddIf(m.unneededManifestList, L.unneededManifestList,
            [](const auto& v) { return ComponentIdList(v, "unneeded-manifest-list empty"); });
    w.AddIf(m.extList, L.extList, [](const auto& v) { return UintList(v, "ext-list empty"); });
    w.AddExtensions(m.extensions);
    return Frame(p, MessageType::QueryResponse, w.Finish(m.wireOrder));
}

Value ToValue(const Update& m, const Profile& p)
{
    const Labels& L = p.labels();
    OptionWriter w(p, MessageType::Update);
    w.AddToken(m.token);
    w.AddIf(m.unneededManifestList, L.unneededManifestList,
            [](const auto& v) { return ComponentIdList(v, "unneeded-manifest-list empty"); });
    w.AddIf(m.manifestList, L.manifestList,
            [](const auto& v) { return BstrList(v, "manifest-list empty"); });
    w.AddIf(m.attestationPayloadFormat, L.attestationPayloadFormat,
            [](const std::string& s) { return Value::Tstr(s); });
    w.AddIf(m.attestationPayload, L.attestationPayload,
            [](const Bytes& b) { return Value::Bstr(b); });
    w.AddIf(m.errCode, L.errCode, [&](ErrorCode c) { return Value::Uint(p.WireErrorCode(c)); });
    w.AddIf(m.errMsg, L.errMsg,
            [](const std::string& s)
            { return Text(s, limits::kMsgMin, limits::kMsgMax, "err-msg must be 1..128 bytes"); });
    w.AddIf(m.errLang, L.errLang,
            [](const std::string& s) {
                return Text(s, limits::kLangMin, limits::kLangMax, "err-lang must be 1..35 bytes");
            });
    w.AddExtensions(m.extensions);
    return Frame(p, MessageType::Update, w.Finish(m.wireOrder));
}

Value ToValue(const Success& m, const Profile& p)
{
    const Labels& L = p.labels();
    OptionWriter w(p, MessageType::Success);
    w.AddToken(m.token);
    w.AddIf(m.msg, L.msg,
            [](const std::string& s)
            { return Text(s, limits::kMsgMin, limits::kMsgMax, "msg must be 1..128 bytes"); });
    w.AddIf(m.suitReports, L.suitReports,
            [](const auto& v) { return BstrList(v, "suit-reports empty"); });
    w.AddExtensions(m.extensions);
    return Frame(p, MessageType::Success, w.Finish(m.wireOrder));
}

Value ToValue(const Error& m, const Profile& p)
{
    const Labels& L = p.labels();
    OptionWriter w(p, MessageType::Error);
    w.AddToken(m.token);
    w.AddIf(m.errMsg, L.errMsg,
            [](const std::string& s)
            { return Text(s, limits::kMsgMin, limits::kMsgMax, "err-msg must be 1..128 bytes"); });
    w.AddIf(m.errLang, L.errLang,
            [](const std::string& s) {
                return Text(s, limits::kLangMin, limits::kLangMax, "err-lang must be 1..35 bytes");
            });
    w.AddIf(m.supportedCipherSuites, L.supportedCipherSuites,
            [](const auto& v) { return CipherSuites(v); });
    w.AddIf(m.supportedFreshnessMechanisms, L.supportedFreshnessMechanisms,
            [](const auto& v) { return UintList(v, "supported-freshness-mechanisms empty"); });
    w.AddIf(m.supportedSuitCoseProfiles, L.supportedSuitCoseProfiles,
            [](const auto& v) { return SuitProfiles(v); });
    w.AddIf(m.challenge, L.challenge,
            [](const Bytes& c)
            {
                Require(c.size() >= limits::kChallengeMin && c.size() <= limits::kChallengeMax,
                        "challenge must be 8..512 bytes");
                return Value::Bstr(c);
            });
    w.AddIf(m.versions, L.versions, [](const auto& v) { return UintList(v, "versions empty"); });
    w.AddIf(m.suitReports, L.suitReports,
            [](const auto& v) { return BstrList(v, "suit-reports empty"); });
    w.AddExtensions(m.extensions);
    Value a = Frame(p, MessageType::Error, w.Finish(m.wireOrder));
    a.push(Value::Uint(p.WireErrorCode(m.errCode)));
    return a;
}

} // namespace

Value ToCbor(const Message& m, const Profile& profile)
{
    return std::visit([&](const auto& msg) { return ToValue(msg, profile); }, m);
}

Bytes Encode(const Message& m, const Profile& profile)
{
    return cbor::Encode(ToCbor(m, profile));
}

} // namespace teepsim::teep
