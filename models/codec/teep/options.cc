// Every TEEP option once: its label in the profile's table, how it is read (CDDL type, bounds,
// negotiation) and how it is written; then each message type's table of options.
#include "options.h"

#include "teepsim/codec/cbor_reader.h"
#include "teepsim/codec/teep_limits.h"

#include "wire_emit.h"
#include "wire_write.h"

namespace teepsim::teep::detail
{

using cbor::Value;

namespace
{

// ---- one codec per option: kLabel, Read (decoder) and Write (encoder) ----

struct Token
{
    static constexpr uint64_t Labels::*kLabel = &Labels::token;
    static Bytes Read(const Item& it, const DecodeContext&)
    {
        return GetBstr(it, "token", limits::kTokenMin, limits::kTokenMax);
    }
    static Value Write(const Bytes& t, const Profile&)
    {
        Require(t.size() >= limits::kTokenMin && t.size() <= limits::kTokenMax,
                "token must be 8..64 bytes");
        return Value::Bstr(t);
    }
    static void Emit(const Bytes& t, const Profile&, Bytes& out)
    {
        Require(t.size() >= limits::kTokenMin && t.size() <= limits::kTokenMax,
                "token must be 8..64 bytes");
        cbor::PutBstr(t, out);
    }
};

struct FreshnessMechanisms
{
    static constexpr uint64_t Labels::*kLabel = &Labels::supportedFreshnessMechanisms;
    static std::vector<uint64_t> Read(const Item& it, const DecodeContext&)
    {
        return GetUintList<uint64_t>(it, "supported-freshness-mechanisms", UINT64_MAX);
    }
    static Value Write(const std::vector<uint64_t>& v, const Profile&)
    {
        return UintList(v, "supported-freshness-mechanisms empty");
    }
    static void Emit(const std::vector<uint64_t>& v, const Profile&, Bytes& out)
    {
        EmitUintList(v, "supported-freshness-mechanisms empty", out);
    }
};

struct Challenge
{
    static constexpr uint64_t Labels::*kLabel = &Labels::challenge;
    static Bytes Read(const Item& it, const DecodeContext&)
    {
        return GetBstr(it, "challenge", limits::kChallengeMin, limits::kChallengeMax);
    }
    static Value Write(const Bytes& c, const Profile&)
    {
        Require(c.size() >= limits::kChallengeMin && c.size() <= limits::kChallengeMax,
                "challenge must be 8..512 bytes");
        return Value::Bstr(c);
    }
    static void Emit(const Bytes& c, const Profile&, Bytes& out)
    {
        Require(c.size() >= limits::kChallengeMin && c.size() <= limits::kChallengeMax,
                "challenge must be 8..512 bytes");
        cbor::PutBstr(c, out);
    }
};

struct Versions
{
    static constexpr uint64_t Labels::*kLabel = &Labels::versions;
    static std::vector<uint32_t> Read(const Item& it, const DecodeContext&)
    {
        return GetUintList<uint32_t>(it, "versions", limits::kVersionMax);
    }
    static Value Write(const std::vector<uint32_t>& v, const Profile&)
    {
        return UintList(v, "versions empty");
    }
    static void Emit(const std::vector<uint32_t>& v, const Profile&, Bytes& out)
    {
        EmitUintList(v, "versions empty", out);
    }
};

struct SelectedVersion
{
    static constexpr uint64_t Labels::*kLabel = &Labels::selectedVersion;
    static uint32_t Read(const Item& it, const DecodeContext& ctx)
    {
        const auto v = static_cast<uint32_t>(GetUint(it, "selected-version", limits::kVersionMax));
        CheckVersions({v}, it.offset, ctx.caps);
        return v;
    }
    static Value Write(uint32_t v, const Profile&) { return Value::Uint(v); }
    static void Emit(uint32_t v, const Profile&, Bytes& out) { cbor::PutUint(v, out); }
};

struct AttestationPayloadFormat
{
    static constexpr uint64_t Labels::*kLabel = &Labels::attestationPayloadFormat;
    static std::string Read(const Item& it, const DecodeContext&)
    {
        return GetText(it, "attestation-payload-format");
    }
    static Value Write(const std::string& s, const Profile&) { return Value::Tstr(s); }
    static void Emit(const std::string& s, const Profile&, Bytes& out) { cbor::PutTstr(s, out); }
};

struct AttestationPayload
{
    static constexpr uint64_t Labels::*kLabel = &Labels::attestationPayload;
    static Bytes Read(const Item& it, const DecodeContext&)
    {
        return GetBstr(it, "attestation-payload");
    }
    static Value Write(const Bytes& b, const Profile&) { return Value::Bstr(b); }
    static void Emit(const Bytes& b, const Profile&, Bytes& out) { cbor::PutBstr(b, out); }
};

struct SuitReports
{
    static constexpr uint64_t Labels::*kLabel = &Labels::suitReports;
    static std::vector<Bytes> Read(const Item& it, const DecodeContext&)
    {
        return GetEmbeddedCborList(it, "suit-reports", false);
    }
    static Value Write(const std::vector<Bytes>& v, const Profile&)
    {
        return BstrList(v, "suit-reports empty");
    }
    static void Emit(const std::vector<Bytes>& v, const Profile&, Bytes& out)
    {
        EmitBstrList(v, "suit-reports empty", out);
    }
};

struct ManifestList
{
    static constexpr uint64_t Labels::*kLabel = &Labels::manifestList;
    static std::vector<Bytes> Read(const Item& it, const DecodeContext&)
    {
        return GetEmbeddedCborList(it, "manifest-list", true);
    }
    static Value Write(const std::vector<Bytes>& v, const Profile&)
    {
        return BstrList(v, "manifest-list empty");
    }
    static void Emit(const std::vector<Bytes>& v, const Profile&, Bytes& out)
    {
        EmitBstrList(v, "manifest-list empty", out);
    }
};

struct TcListOption
{
    static constexpr uint64_t Labels::*kLabel = &Labels::tcList;
    static std::vector<TcInfo> Read(const Item& it, const DecodeContext& ctx)
    {
        return GetTcList(it, ctx.profile.labels());
    }
    static Value Write(const std::vector<TcInfo>& v, const Profile& p)
    {
        return TcList(v, p.labels());
    }
    static void Emit(const std::vector<TcInfo>& v, const Profile& p, Bytes& out)
    {
        EmitTcList(v, p.labels(), out);
    }
};

struct RequestedTcListOption
{
    static constexpr uint64_t Labels::*kLabel = &Labels::requestedTcList;
    static std::vector<RequestedTcInfo> Read(const Item& it, const DecodeContext& ctx)
    {
        return GetRequestedTcList(it, ctx.profile.labels());
    }
    static Value Write(const std::vector<RequestedTcInfo>& v, const Profile& p)
    {
        return RequestedTcList(v, p.labels());
    }
    static void Emit(const std::vector<RequestedTcInfo>& v, const Profile& p, Bytes& out)
    {
        EmitRequestedTcList(v, p.labels(), out);
    }
};

struct UnneededManifestList
{
    static constexpr uint64_t Labels::*kLabel = &Labels::unneededManifestList;
    static std::vector<ComponentId> Read(const Item& it, const DecodeContext&)
    {
        return GetComponentIdList(it, "unneeded-manifest-list");
    }
    static Value Write(const std::vector<ComponentId>& v, const Profile&)
    {
        return ComponentIdList(v, "unneeded-manifest-list empty");
    }
    static void Emit(const std::vector<ComponentId>& v, const Profile&, Bytes& out)
    {
        EmitComponentIdList(v, "unneeded-manifest-list empty", out);
    }
};

struct ExtList
{
    static constexpr uint64_t Labels::*kLabel = &Labels::extList;
    static std::vector<uint32_t> Read(const Item& it, const DecodeContext&)
    {
        return GetUintList<uint32_t>(it, "ext-list", limits::kVersionMax);
    }
    static Value Write(const std::vector<uint32_t>& v, const Profile&)
    {
        return UintList(v, "ext-list empty");
    }
    static void Emit(const std::vector<uint32_t>& v, const Profile&, Bytes& out)
    {
        EmitUintList(v, "ext-list empty", out);
    }
};

struct ErrCode
{
    static constexpr uint64_t Labels::*kLabel = &Labels::errCode;
    static ErrorCode Read(const Item& it, const DecodeContext& ctx)
    {
        return GetErrorCode(it, ctx.profile);
    }
    static Value Write(ErrorCode c, const Profile& p) { return Value::Uint(p.WireErrorCode(c)); }
    static void Emit(ErrorCode c, const Profile& p, Bytes& out)
    {
        cbor::PutUint(p.WireErrorCode(c), out);
    }
};

struct ErrMsg
{
    static constexpr uint64_t Labels::*kLabel = &Labels::errMsg;
    static std::string Read(const Item& it, const DecodeContext&)
    {
        return GetText(it, "err-msg", limits::kMsgMin, limits::kMsgMax);
    }
    static Value Write(const std::string& s, const Profile&)
    {
        return Text(s, limits::kMsgMin, limits::kMsgMax, "err-msg must be 1..128 bytes");
    }
    static void Emit(const std::string& s, const Profile&, Bytes& out)
    {
        EmitText(s, limits::kMsgMin, limits::kMsgMax, "err-msg must be 1..128 bytes", out);
    }
};

struct ErrLang
{
    static constexpr uint64_t Labels::*kLabel = &Labels::errLang;
    static std::string Read(const Item& it, const DecodeContext&)
    {
        return GetText(it, "err-lang", limits::kLangMin, limits::kLangMax);
    }
    static Value Write(const std::string& s, const Profile&)
    {
        return Text(s, limits::kLangMin, limits::kLangMax, "err-lang must be 1..35 bytes");
    }
    static void Emit(const std::string& s, const Profile&, Bytes& out)
    {
        EmitText(s, limits::kLangMin, limits::kLangMax, "err-lang must be 1..35 bytes", out);
    }
};

struct Msg
{
    static constexpr uint64_t Labels::*kLabel = &Labels::msg;
    static std::string Read(const Item& it, const DecodeContext&)
    {
        return GetText(it, "msg", limits::kMsgMin, limits::kMsgMax);
    }
    static Value Write(const std::string& s, const Profile&)
    {
        return Text(s, limits::kMsgMin, limits::kMsgMax, "msg must be 1..128 bytes");
    }
    static void Emit(const std::string& s, const Profile&, Bytes& out)
    {
        EmitText(s, limits::kMsgMin, limits::kMsgMax, "msg must be 1..128 bytes", out);
    }
};

struct SupportedCipherSuites
{
    static constexpr uint64_t Labels::*kLabel = &Labels::supportedCipherSuites;
    static std::vector<CipherSuite> Read(const Item& it, const DecodeContext&)
    {
        return GetCipherSuites(it, "supported-teep-cipher-suites");
    }
    static Value Write(const std::vector<CipherSuite>& v, const Profile&)
    {
        return CipherSuites(v);
    }
    static void Emit(const std::vector<CipherSuite>& v, const Profile&, Bytes& out)
    {
        EmitCipherSuites(v, out);
    }
};

struct SupportedSuitCoseProfiles
{
    static constexpr uint64_t Labels::*kLabel = &Labels::supportedSuitCoseProfiles;
    static std::vector<SuitCoseProfile> Read(const Item& it, const DecodeContext&)
    {
        return GetSuitProfiles(it, "supported-suit-cose-profiles");
    }
    static Value Write(const std::vector<SuitCoseProfile>& v, const Profile&)
    {
        return SuitProfiles(v);
    }
    static void Emit(const std::vector<SuitCoseProfile>& v, const Profile&, Bytes& out)
    {
        EmitSuitProfiles(v, out);
    }
};

// ---- binding a codec to a message field ----

template<typename> struct ClassOf;
template<typename C, typename F> struct ClassOf<F C::*>
{
    using type = C;
};

/// The table entry for the optional field `Field` (e.g. &Update::errMsg) carried by `Codec`.
template<auto Field, typename Codec>
constexpr OptionEntry<typename ClassOf<decltype(Field)>::type> Bind()
{
    using M = typename ClassOf<decltype(Field)>::type;
    return {Codec::kLabel,
            [](M& m, const Item& it, const DecodeContext& ctx) { m.*Field = Codec::Read(it, ctx); },
            [](const M& m, const Profile& p, OptionValues& out)
            {
                if (const auto& v = m.*Field)
                {
                    out.emplace_back(p.labels().*Codec::kLabel, Codec::Write(*v, p));
                }
            },
            [](const M& m, const Profile& p, EmittedOptions& out)
            {
                if (const auto& v = m.*Field)
                {
                    const size_t start = out.bytes.size();
                    Codec::Emit(*v, p, out.bytes);
                    out.spans.push_back({p.labels().*Codec::kLabel, start, out.bytes.size()});
                }
            }};
}

// ---- the tables (order = the order in which the encoder checks and adds options) ----

constexpr OptionEntry<QueryRequest> kQueryRequest[] = {
    Bind<&QueryRequest::token, Token>(),
    Bind<&QueryRequest::supportedFreshnessMechanisms, FreshnessMechanisms>(),
    Bind<&QueryRequest::challenge, Challenge>(),
    Bind<&QueryRequest::versions, Versions>(),
    Bind<&QueryRequest::attestationPayloadFormat, AttestationPayloadFormat>(),
    Bind<&QueryRequest::attestationPayload, AttestationPayload>(),
    Bind<&QueryRequest::suitReports, SuitReports>(),
};

constexpr OptionEntry<QueryResponse> kQueryResponse[] = {
    Bind<&QueryResponse::token, Token>(),
    Bind<&QueryResponse::selectedVersion, SelectedVersion>(),
    Bind<&QueryResponse::attestationPayloadFormat, AttestationPayloadFormat>(),
    Bind<&QueryResponse::attestationPayload, AttestationPayload>(),
    Bind<&QueryResponse::suitReports, SuitReports>(),
    Bind<&QueryResponse::tcList, TcListOption>(),
    Bind<&QueryResponse::requestedTcList, RequestedTcListOption>(),
    Bind<&QueryResponse::unneededManifestList, UnneededManifestList>(),
    Bind<&QueryResponse::extList, ExtList>(),
};

constexpr OptionEntry<Update> kUpdate[] = {
    Bind<&Update::token, Token>(),
    Bind<&Update::unneededManifestList, UnneededManifestList>(),
    Bind<&Update::manifestList, ManifestList>(),
    Bind<&Update::attestationPayloadFormat, AttestationPayloadFormat>(),
    Bind<&Update::attestationPayload, AttestationPayload>(),
    Bind<&Update::errCode, ErrCode>(),
    Bind<&Update::errMsg, ErrMsg>(),
    Bind<&Update::errLang, ErrLang>(),
};

constexpr OptionEntry<Success> kSuccess[] = {
    Bind<&Success::token, Token>(),
    Bind<&Success::msg, Msg>(),
    Bind<&Success::suitReports, SuitReports>(),
};

constexpr OptionEntry<Error> kError[] = {
    Bind<&Error::token, Token>(),
    Bind<&Error::errMsg, ErrMsg>(),
    Bind<&Error::errLang, ErrLang>(),
    Bind<&Error::supportedCipherSuites, SupportedCipherSuites>(),
    Bind<&Error::supportedFreshnessMechanisms, FreshnessMechanisms>(),
    Bind<&Error::supportedSuitCoseProfiles, SupportedSuitCoseProfiles>(),
    Bind<&Error::challenge, Challenge>(),
    Bind<&Error::versions, Versions>(),
    Bind<&Error::suitReports, SuitReports>(),
};

} // namespace

template<> std::span<const OptionEntry<QueryRequest>> OptionTable<QueryRequest>()
{
    return kQueryRequest;
}
template<> std::span<const OptionEntry<QueryResponse>> OptionTable<QueryResponse>()
{
    return kQueryResponse;
}
template<> std::span<const OptionEntry<Update>> OptionTable<Update>()
{
    return kUpdate;
}
template<> std::span<const OptionEntry<Success>> OptionTable<Success>()
{
    return kSuccess;
}
template<> std::span<const OptionEntry<Error>> OptionTable<Error>()
{
    return kError;
}

} // namespace teepsim::teep::detail
