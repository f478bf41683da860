// Annotated diagnostic notation for `teepsim decode`: the name tables are keyed by the codec's
// own constants (profile labels, COSE header labels, SUIT keys, EAT claims), so a renumbering in
// the codec renames here too.
#include "annotated_diagnostic.h"

#include "teepsim/codec/cose.h"
#include "teepsim/codec/crypto.h"
#include "teepsim/codec/eat.h"
#include "teepsim/codec/suit.h"
#include "teepsim/codec/teep.h"
#include "teepsim/codec/teep_limits.h"

#include <optional>
#include <utility>
#include <vector>

#include "inspector.h"

namespace teepsim::decode
{

namespace
{

// What a value is expected to be, from where it sits.
enum class S
{
    Any, // recognised by shape
    Plain,
    CoseSign1,
    CoseSign,
    CoseSignatures,
    CoseSignature,
    CoseHeaders,
    CoseKey,
    Teep,
    TeepOptions,
    TcList,
    TcInfo,
    RequestedTcList,
    RequestedTcInfo,
    CipherSuites,
    CipherSuite,
    CipherOp,
    AlgList,     // every element an algorithm (suit-cose-profiles entries)
    AlgListList, // supported-suit-cose-profiles
    BstrList,    // manifest-list, suit-reports: each bstr recognised by shape
    SuitEnvelope,
    SuitAuthWrapper,
    SuitDigest,
    SuitManifest,
    SuitCommon,
    SuitCommands,
    SuitTryEach,
    SuitParams,
    Claims,
    Cnf,
    Submods,
};

struct Key
{
    const char* name = nullptr;
    S value = S::Plain;
};

const char* CoseTypeName(int64_t t)
{
    switch (t)
    {
        case int64_t(cose::kTagSign1):
            return "COSE_Sign1";
        case int64_t(cose::kTagSign):
            return "COSE_Sign";
        case int64_t(cose::kTagEncrypt):
            return "COSE_Encrypt";
        case int64_t(cose::kTagEncrypt0):
            return "COSE_Encrypt0";
        default:
            return nullptr;
    }
}

const char* TagName(uint64_t tag)
{
    switch (tag)
    {
        case cose::kTagSign1:
            return "COSE_Sign1_Tagged";
        case cose::kTagSign:
            return "COSE_Sign_Tagged";
        case cose::kTagEncrypt:
            return "COSE_Encrypt_Tagged";
        case cose::kTagEncrypt0:
            return "COSE_Encrypt0_Tagged";
        case suit::kEnvelopeTag:
            return "SUIT_Envelope_Tagged";
        default:
            return nullptr;
    }
}

const char* CommandName(int64_t code)
{
    switch (code)
    {
        case suit::cmd::kVendorIdentifier:
            return "suit-condition-vendor-identifier";
        case suit::cmd::kClassIdentifier:
            return "suit-condition-class-identifier";
        case suit::cmd::kImageMatch:
            return "suit-condition-image-match";
        case suit::cmd::kComponentSlot:
            return "suit-condition-component-slot";
        case suit::cmd::kCheckContent:
            return "suit-condition-check-content";
        case suit::cmd::kDependencyIntegrity:
            return "suit-condition-dependency-integrity";
        case suit::cmd::kIsDependency:
            return "suit-condition-is-dependency";
        case suit::cmd::kProcessDependency:
            return "suit-directive-process-dependency";
        case suit::cmd::kSetComponentIndex:
            return "suit-directive-set-component-index";
        case suit::cmd::kAbort:
            return "suit-condition-abort";
        case suit::cmd::kTryEach:
            return "suit-directive-try-each";
        case suit::cmd::kWrite:
            return "suit-directive-write";
        case suit::cmd::kSetParameters:
            return "suit-directive-set-parameters";
        case suit::cmd::kOverrideParameters:
            return "suit-directive-override-parameters";
        case suit::cmd::kFetch:
            return "suit-directive-fetch";
        case suit::cmd::kCopy:
            return "suit-directive-copy";
        case suit::cmd::kInvoke:
            return "suit-directive-invoke";
        case suit::cmd::kDeviceIdentifier:
            return "suit-condition-device-identifier";
        case suit::cmd::kSwap:
            return "suit-directive-swap";
        case suit::cmd::kRunSequence:
            return "suit-directive-run-sequence";
        case suit::cmd::kUnlink:
            return "suit-directive-unlink";
        default:
            return nullptr;
    }
}

Key SuitParamKey(int64_t k)
{
    switch (k)
    {
        case suit::param::kVendorId:
            return {"suit-parameter-vendor-identifier"};
        case suit::param::kClassId:
            return {"suit-parameter-class-identifier"};
        case suit::param::kImageDigest:
            return {"suit-parameter-image-digest", S::SuitDigest};
        case suit::param::kComponentSlot:
            return {"suit-parameter-component-slot"};
        case suit::param::kStrictOrder:
            return {"suit-parameter-strict-order"};
        case suit::param::kSoftFailure:
            return {"suit-parameter-soft-failure"};
        case suit::param::kImageSize:
            return {"suit-parameter-image-size"};
        case suit::param::kContent:
            return {"suit-parameter-content"};
        case suit::param::kEncryptionInfo:
            return {"suit-parameter-encryption-info", S::Any};
        case suit::param::kUri:
            return {"suit-parameter-uri"};
        case suit::param::kSourceComponent:
            return {"suit-parameter-source-component"};
        case suit::param::kInvokeArgs:
            return {"suit-parameter-invoke-args"};
        case suit::param::kDeviceId:
            return {"suit-parameter-device-identifier"};
        default:
            return {};
    }
}

Key SuitManifestKey(int64_t k)
{
    namespace m = suit::manifest_key;
    switch (k)
    {
        case m::kVersion:
            return {"suit-manifest-version"};
        case m::kSequenceNumber:
            return {"suit-manifest-sequence-number"};
        case m::kCommon:
            return {"suit-common", S::SuitCommon};
        case m::kReferenceUri:
            return {"suit-reference-uri"};
        case m::kManifestComponentId:
            return {"suit-manifest-component-id"};
        case m::kValidate:
            return {"suit-validate", S::SuitCommands};
        case m::kLoad:
            return {"suit-load", S::SuitCommands};
        case m::kInvoke:
            return {"suit-invoke", S::SuitCommands};
        case m::kDependencyResolution:
            return {"suit-dependency-resolution", S::SuitCommands};
        case m::kPayloadFetch:
            return {"suit-payload-fetch", S::SuitCommands};
        case m::kInstall:
            return {"suit-install", S::SuitCommands};
        case m::kText:
            return {"suit-text"};
        case m::kUninstall:
            return {"suit-uninstall", S::SuitCommands};
        default:
            return {};
    }
}

Key ClaimKey(int64_t k)
{
    switch (k)
    {
        case eat::kClaimExp:
            return {"exp"};
        case eat::kClaimIat:
            return {"iat"};
        case eat::kClaimCnf:
            return {"cnf", S::Cnf};
        case eat::kClaimNonce:
            return {"eat_nonce"};
        case eat::kClaimUeid:
            return {"ueid"};
        case eat::kClaimOemid:
            return {"oemid"};
        case eat::kClaimHwModel:
            return {"hwmodel"};
        case eat::kClaimHwVersion:
            return {"hwversion"};
        case eat::kClaimProfile:
            return {"eat_profile"};
        case eat::kClaimSubmods:
            return {"submods", S::Submods};
        case eat::kClaimManifests:
        case eat::kClaimManifestsDraftExample:
            return {"manifests"};
        case eat::kClaimEarStatus:
            return {"ear.status"};
        case eat::kClaimEarVerifierId:
            return {"ear.verifier-id"};
        default:
            return {};
    }
}

Key CoseHeaderKey(int64_t k)
{
    switch (k)
    {
        case cose::kHdrAlg:
            return {"alg"};
        case cose::kHdrCrit:
            return {"crit"};
        case cose::kHdrContentType:
            return {"content type"};
        case cose::kHdrKid:
            return {"kid"};
        case cose::kHdrIv:
            return {"IV"};
        case cose::kHdrEphemeralKey:
            return {"ephemeral key", S::CoseKey};
        default:
            return {};
    }
}

// RFC 9052 section 7.1 / RFC 9053 section 7: the COSE_Key parameters crypto::Key reads.
Key CoseKeyKey(int64_t k)
{
    switch (k)
    {
        case 1:
            return {"kty"};
        case 2:
            return {"kid"};
        case 3:
            return {"alg"};
        case -1:
            return {"crv"};
        case -2:
            return {"x"};
        case -3:
            return {"y"};
        case -4:
            return {"d"};
        default:
            return {};
    }
}

// Option labels by profile: the numbers come from the profile table, the names from the CDDL.
std::vector<std::pair<uint64_t, Key>> TeepOptionKeys(const teep::Labels& l)
{
    return {
        {l.supportedCipherSuites, {"supported-teep-cipher-suites", S::CipherSuites}},
        {l.challenge, {"challenge"}},
        {l.versions, {"versions"}},
        {l.supportedSuitCoseProfiles, {"supported-suit-cose-profiles", S::AlgListList}},
        {l.selectedVersion, {"selected-version"}},
        {l.attestationPayload, {"attestation-payload", S::Any}},
        {l.tcList, {"tc-list", S::TcList}},
        {l.extList, {"ext-list"}},
        {l.manifestList, {"manifest-list", S::BstrList}},
        {l.msg, {"msg"}},
        {l.errMsg, {"err-msg"}},
        {l.attestationPayloadFormat, {"attestation-payload-format"}},
        {l.requestedTcList, {"requested-tc-list", S::RequestedTcList}},
        {l.unneededManifestList, {"unneeded-manifest-list"}},
        {l.suitReports, {"suit-reports", S::BstrList}},
        {l.token, {"token"}},
        {l.supportedFreshnessMechanisms, {"supported-freshness-mechanisms"}},
        {l.errLang, {"err-lang"}},
        {l.errCode, {"err-code"}},
    };
}

std::optional<int64_t> Int(const cbor::Value& v)
{
    return v.isInt() ? v.asInt64() : std::nullopt;
}

class Writer
{
  public:
    Writer(const teep::Profile& p, std::string& out, bool flat)
        : p_(p), out_(out), flat_(flat), options_(TeepOptionKeys(p.labels()))
    {
    }

    void Write(const cbor::Value& v, S s, int level)
    {
        // A tag carries its own meaning (18 is a COSE_Sign1 wherever it sits).
        if (s == S::Any || (s == S::Plain && v.isTag()))
        {
            s = Classify(v);
        }
        switch (v.type())
        {
            case cbor::Type::Bytes:
                WriteBytes(v, s, level);
                return;
            case cbor::Type::Array:
                if (!TryInline(v, s))
                    WriteArray(v, s, level);
                return;
            case cbor::Type::Map:
                if (!TryInline(v, s))
                    WriteMap(v, s, level);
                return;
            case cbor::Type::Tag:
                if (const char* name = TagName(v.tag()))
                {
                    out_ += std::string("/ ") + name + " / ";
                }
                out_ += std::to_string(v.tag()) + "(";
                Write(v.tagged(), v.tag() == suit::kEnvelopeTag ? S::SuitEnvelope : s, level);
                out_ += ")";
                return;
            default:
                out_ += cbor::Diagnostic(v);
        }
    }

  private:
    S Classify(const cbor::Value& v) const
    {
        if (LooksLikeCose(v))
        {
            const cbor::Value& a = v.isTag() ? v.tagged() : v;
            const bool multi = v.isTag() ? v.tag() == cose::kTagSign : a.array()[3].isArray();
            return multi ? S::CoseSign : S::CoseSign1;
        }
        if (LooksLikeSuit(v))
            return v.isTag() ? S::Plain : S::SuitEnvelope; // the tag picks the content's schema
        if (LooksLikeTeep(v))
            return S::Teep;
        if (v.isMap())
        {
            const cbor::Value* kty = v.find(1);
            if (kty && kty->isUint() && v.find(-1))
                return S::CoseKey;
            if (v.find(eat::kClaimEarStatus) || v.find(eat::kClaimSubmods) ||
                v.find(eat::kClaimProfile) || v.find(eat::kClaimUeid) || v.find(eat::kClaimNonce))
                return S::Claims;
        }
        return S::Plain;
    }

    // The name of array element `i` and the schema of its value.
    Key Position(const cbor::Value& a, S s, size_t i) const
    {
        switch (s)
        {
            case S::CoseSign1:
            case S::CoseSign:
            {
                static const char* const kNames[] = {
                    "protected:", "unprotected:", "payload:", "signature:"};
                const S kSchemas[] = {S::CoseHeaders, S::CoseHeaders, S::Any,
                                      s == S::CoseSign ? S::CoseSignatures : S::Plain};
                if (i < 4)
                    return {i == 3 && s == S::CoseSign ? "signatures:" : kNames[i], kSchemas[i]};
                return {};
            }
            case S::CoseSignatures:
                return {nullptr, S::CoseSignature};
            case S::CoseSignature:
            {
                static const char* const kNames[] = {"protected:", "unprotected:", "signature:"};
                if (i < 3)
                    return {kNames[i], i < 2 ? S::CoseHeaders : S::Plain};
                return {};
            }
            case S::Teep:
                return TeepPosition(a, i);
            case S::TcList:
                return {nullptr, S::TcInfo};
            case S::RequestedTcList:
                return {nullptr, S::RequestedTcInfo};
            case S::CipherSuites:
                return {nullptr, S::CipherSuite};
            case S::CipherSuite:
                return {nullptr, S::CipherOp};
            case S::AlgListList:
                return {nullptr, S::AlgList};
            case S::BstrList:
                return {nullptr, S::Any};
            case S::SuitAuthWrapper:
                return {nullptr, i == 0 ? S::SuitDigest : S::Any};
            case S::SuitDigest:
                if (i == 0)
                    return {"suit-digest-algorithm-id:"};
                if (i == 1)
                    return {"suit-digest-bytes:"};
                return {};
            case S::SuitTryEach:
                return {nullptr, S::SuitCommands};
            case S::SuitCommands:
                if (i % 2 == 1)
                {
                    const auto code = Int(a.array()[i - 1]).value_or(0);
                    if (code == suit::cmd::kSetParameters || code == suit::cmd::kOverrideParameters)
                        return {nullptr, S::SuitParams};
                    if (code == suit::cmd::kTryEach)
                        return {nullptr, S::SuitTryEach};
                    if (code == suit::cmd::kRunSequence)
                        return {nullptr, S::SuitCommands};
                }
                return {};
            default:
                return {};
        }
    }

    Key TeepPosition(const cbor::Value& a, size_t i) const
    {
        if (i == 0)
            return {"type:"};
        if (i == 1)
            return {"options:", S::TeepOptions};
        const auto type = p_.TypeFromWire(a.array()[0].rawUint());
        if (type == teep::MessageType::QueryRequest)
        {
            if (i == 2)
                return {"supported-teep-cipher-suites:", S::CipherSuites};
            if (i == 3)
                return {"supported-suit-cose-profiles:", S::AlgListList};
            if (i == 4)
                return {"data-item-requested:"};
        }
        if (type == teep::MessageType::Error && i == 2)
            return {"err-code:"};
        return {};
    }

    Key MapKey(S s, const cbor::Value& k) const
    {
        const auto n = Int(k);
        if (!n)
            return {};
        switch (s)
        {
            case S::CoseHeaders:
                return CoseHeaderKey(*n);
            case S::CoseKey:
                return CoseKeyKey(*n);
            case S::TeepOptions:
                for (const auto& [label, key] : options_)
                {
                    if (k.isUint() && label == k.rawUint())
                        return key;
                }
                return {};
            case S::TcInfo:
            case S::RequestedTcInfo:
            {
                const teep::Labels& l = p_.labels();
                if (s == S::TcInfo && *n == teep::limits::kSystemComponentId)
                    return {"system-component-id"};
                if (s == S::RequestedTcInfo && k.isUint() && k.rawUint() == l.componentId)
                    return {"component-id"};
                if (k.isUint() && k.rawUint() == l.tcManifestSequenceNumber)
                    return {"tc-manifest-sequence-number"};
                if (s == S::RequestedTcInfo && k.isUint() && k.rawUint() == l.haveBinary)
                    return {"have-binary"};
                return s == S::TcInfo ? SuitParamKey(*n) : Key{};
            }
            case S::SuitEnvelope:
                if (*n == suit::envelope_key::kAuthenticationWrapper)
                    return {"suit-authentication-wrapper", S::SuitAuthWrapper};
                if (*n == suit::envelope_key::kManifest)
                    return {"suit-manifest", S::SuitManifest};
                return {};
            case S::SuitManifest:
                return SuitManifestKey(*n);
            case S::SuitCommon:
                if (*n == suit::common_key::kDependencies)
                    return {"suit-dependencies"};
                if (*n == suit::common_key::kComponents)
                    return {"suit-components"};
                if (*n == suit::common_key::kSharedSequence)
                    return {"suit-shared-sequence", S::SuitCommands};
                return {};
            case S::SuitParams:
                return SuitParamKey(*n);
            case S::Claims:
                return ClaimKey(*n);
            case S::Cnf:
                if (*n == 1)
                    return {"COSE_Key", S::CoseKey};
                if (*n == 3)
                    return {"kid"};
                return {};
            default:
                return {};
        }
    }

    // The name of an enumerated value, written after it as / name /.
    std::string Note(const cbor::Value& v, S container, const char* name, size_t index) const
    {
        const auto n = Int(v);
        if (!n)
            return {};
        const std::string key = name ? name : "";
        auto alg = [&]() -> std::string
        {
            const char* a = AlgShortName(*n);
            return a ? a : "";
        };
        if ((container == S::CoseHeaders || container == S::CoseKey) && key == "alg")
            return alg();
        if (container == S::SuitDigest && index == 0)
            return alg();
        if (container == S::AlgList)
            return alg();
        if (container == S::CipherOp)
        {
            if (index == 0)
            {
                const char* t = CoseTypeName(*n);
                return t ? t : "";
            }
            return alg();
        }
        if (container == S::CoseKey && key == "kty")
            return *n == 1 ? "OKP" : *n == 2 ? "EC2" : "";
        if (container == S::CoseKey && key == "crv")
            return *n == 1 ? "P-256" : *n == 6 ? "Ed25519" : "";
        if (container == S::Teep && key == "type:" && v.isUint())
        {
            const auto t = p_.TypeFromWire(v.rawUint());
            return t ? std::string(teep::ToString(*t))
                     : "not a " + std::string(p_.name()) + " type";
        }
        if ((container == S::Teep && key == "err-code:") ||
            (container == S::TeepOptions && key == "err-code"))
        {
            const auto c = v.isUint() ? p_.ErrorCodeFromWire(v.rawUint()) : std::nullopt;
            return c ? teep::ToString(*c) : "";
        }
        if (container == S::Teep && key == "data-item-requested:" && v.isUint())
        {
            static const std::pair<uint64_t, const char*> kBits[] = {
                {teep::kDataAttestation, "attestation"},
                {teep::kDataTrustedComponents, "trusted-components"},
                {teep::kDataExtensions, "extensions"},
                {teep::kDataSuitReports, "suit-reports"},
            };
            std::string s;
            for (const auto& [bit, bitName] : kBits)
            {
                if (v.rawUint() & bit)
                    s += (s.empty() ? "" : " | ") + std::string(bitName);
            }
            return s;
        }
        if (container == S::Claims && key == "ear.status" && v.isUint())
        {
            switch (v.rawUint())
            {
                case uint64_t(eat::ArStatus::None):
                case uint64_t(eat::ArStatus::Affirming):
                case uint64_t(eat::ArStatus::Warning):
                case uint64_t(eat::ArStatus::Contraindicated):
                    return eat::ToString(eat::ArStatus(v.rawUint()));
                default:
                    return "";
            }
        }
        if (container == S::SuitCommands && index % 2 == 0)
        {
            const char* c = CommandName(*n);
            return c ? c : "";
        }
        return {};
    }

    // Each element: `/ name: / value` (arrays) or `/ name / key: value` (maps), then / note /.
    void Element(const cbor::Value* key, const cbor::Value& v, const Key& k, S container,
                 size_t index, int level)
    {
        // SUIT commands: the drafts put the command's name before its number.
        std::string note = Note(v, container, k.name, index);
        if (container == S::SuitCommands && !note.empty())
        {
            out_ += "/ " + note + " / ";
            note.clear();
        }
        if (k.name)
        {
            out_ += std::string("/ ") + k.name + " / ";
        }
        if (key)
        {
            out_ += cbor::Diagnostic(*key);
            out_ += ": ";
        }
        Write(v, k.value, level + 1);
        if (!note.empty())
        {
            out_ += " / " + note + " /";
        }
    }

    void WriteArray(const cbor::Value& v, S s, int level)
    {
        const auto& a = v.array();
        // SUIT commands as the drafts lay them out: each command with its argument on one line.
        const bool pairs = s == S::SuitCommands;
        WriteSeq(
            '[', ']', a.size(), level,
            [&](size_t i) { Element(nullptr, a[i], Position(v, s, i), s, i, level); }, pairs);
    }

    void WriteMap(const cbor::Value& v, S s, int level)
    {
        const auto& m = v.map();
        WriteSeq('{', '}', m.size(), level,
                 [&](size_t i)
                 {
                     const Key k = MapKey(s, m[i].first);
                     // Submods: text keys name submodules, each a claims set.
                     const Key sub{nullptr, s == S::Submods ? S::Claims : k.value};
                     Element(&m[i].first, m[i].second, s == S::Submods ? sub : k, s, i, level);
                 });
    }

    template<typename F>
    void WriteSeq(char open, char close, size_t n, int level, F&& element, bool pairs = false)
    {
        out_.push_back(open);
        for (size_t i = 0; i < n; ++i)
        {
            const bool sameLine = flat_ || (pairs && i % 2 == 1);
            if (i > 0)
                out_ += sameLine ? ", " : ",";
            if (!sameLine)
                Newline(level + 1);
            element(i);
        }
        if (!flat_ && n > 0)
            Newline(level);
        out_.push_back(close);
    }

    void Newline(int level)
    {
        out_.push_back('\n');
        out_.append(size_t(level) * 2, ' ');
    }

    static bool IsScalar(const cbor::Value& v)
    {
        if (v.isArray() || v.isMap() || v.isTag())
            return false;
        if (v.isBstr())
        {
            const cbor::Bytes& b = v.bytes();
            return b.empty() || (b[0] >> 5) < 4 || (b[0] >> 5) > 6;
        }
        return true;
    }

    // Short containers of scalars stay on one line, as in cbor::Diagnostic (a little wider,
    // for the names).
    bool TryInline(const cbor::Value& v, S s)
    {
        if (flat_)
            return false;
        if (v.isArray())
        {
            for (const cbor::Value& e : v.array())
                if (!IsScalar(e))
                    return false;
        }
        else
        {
            for (const auto& [k, e] : v.map())
                if (!IsScalar(k) || !IsScalar(e))
                    return false;
        }
        std::string line;
        Writer w(p_, line, true);
        w.embed_ = embed_;
        w.Write(v, s, 0);
        if (line.size() > kInlineWidth)
            return false;
        out_ += line;
        return true;
    }

    void WriteBytes(const cbor::Value& v, S s, int level)
    {
        const cbor::Bytes& b = v.bytes();
        if (!b.empty() && embed_ < kMaxEmbed && (b[0] >> 5) >= 4 && (b[0] >> 5) <= 6)
        {
            auto inner = cbor::Decode(b);
            if (inner.ok() && cbor::Encode(*inner) == b)
            {
                out_ += "<< ";
                ++embed_;
                Write(*inner, s == S::Plain ? S::Any : s, level);
                --embed_;
                out_ += " >>";
                return;
            }
        }
        out_ += cbor::Diagnostic(v);
    }

    static constexpr size_t kInlineWidth = 96;
    static constexpr int kMaxEmbed = 16; // as cbor::Diagnostic: keeps adversarial nesting linear

    const teep::Profile& p_;
    std::string& out_;
    bool flat_;
    std::vector<std::pair<uint64_t, Key>> options_;
    int embed_ = 0;
};

} // namespace

const char* AlgShortName(int64_t alg)
{
    switch (alg)
    {
        case int64_t(crypto::Alg::ES256):
            return "ES256";
        case int64_t(crypto::Alg::ESP256):
            return "ESP256";
        case int64_t(crypto::Alg::EdDSA):
            return "EdDSA";
        case int64_t(crypto::Alg::Ed25519):
            return "Ed25519";
        case int64_t(crypto::Alg::ECDH_ES_A128KW):
            return "ECDH-ES+A128KW";
        case int64_t(crypto::Alg::A128KW):
            return "A128KW";
        case int64_t(crypto::Alg::A128GCM):
            return "A128GCM";
        case int64_t(crypto::Alg::A128CTR):
            return "A128CTR";
        case int64_t(crypto::Alg::SHA256):
            return "SHA-256";
        case -35:
            return "ES384"; // named so a refused ES384 suite reads as such
        default:
            return nullptr;
    }
}

std::string AnnotatedDiagnostic(const cbor::Value& v, const teep::Profile& profile)
{
    std::string out;
    Writer(profile, out, false).Write(v, S::Any, 0);
    return out;
}

} // namespace teepsim::decode
