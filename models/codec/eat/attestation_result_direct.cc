// The attestation result claim set written straight to bytes and read with the pull reader
// (no cbor::Value tree): the Verifier issues one and the TAM and Agent check it every session.
// Same bytes and values as the tree versions in attestation_result.cc, which still give the
// error for any claim set this path does not accept.
#include "teepsim/codec/cbor_reader.h"
#include "teepsim/codec/eat.h"

#include <iterator>

#include "claims_tree.h"

namespace teepsim::eat
{

namespace
{

constexpr int64_t kCnfKid = 3;
constexpr int64_t kVerifierDeveloper = 0;
constexpr int64_t kVerifierBuild = 1;

bool ReadText(ByteView item, std::string& out)
{
    cbor::Reader r(item);
    std::string_view t;
    if (!r.ReadTstr(t))
    {
        return false;
    }
    out.assign(t);
    return true;
}

bool ReadInt(ByteView item, int64_t& out)
{
    cbor::Reader r(item);
    return r.ReadInt(out);
}

bool ReadBytes(ByteView item, Bytes& out)
{
    cbor::Reader r(item);
    ByteView b;
    if (!r.ReadBstr(b))
    {
        return false;
    }
    out.assign(b.begin(), b.end());
    return true;
}

bool StatusFromWire(ByteView item, ArStatus& out)
{
    cbor::Reader r(item);
    uint64_t v = 0;
    if (!r.ReadUint(v))
    {
        return false;
    }
    switch (v)
    {
        case 0:
            out = ArStatus::None;
            return true;
        case 2:
            out = ArStatus::Affirming;
            return true;
        case 32:
            out = ArStatus::Warning;
            return true;
        case 96:
            out = ArStatus::Contraindicated;
            return true;
        default:
            return false;
    }
}

// The success path of DecodeAttestationResultTree without a tree; false where that one fails.
bool DecodeDirect(ByteView claims, AttestationResult& ar)
{
    if (!cbor::IsWellFormed(claims))
    {
        return false;
    }
    // Every claim in one walk of the map (not one walk per claim).
    static constexpr int64_t kKeys[] = {kClaimProfile, kClaimIat,     kClaimExp,          kClaimCnf,
                                        kClaimNonce,   kClaimSubmods, kClaimEarVerifierId};
    enum
    {
        kProfile,
        kIat,
        kExp,
        kCnf,
        kNonce,
        kSubmods,
        kVerifierId
    };
    ByteView at[std::size(kKeys)];
    const uint64_t found = cbor::FindIntKeys(claims, kKeys, at);
    const uint64_t required = ((uint64_t{1} << std::size(kKeys)) - 1) & ~(uint64_t{1} << kNonce);
    if ((found & required) != required)
    {
        return false;
    }
    ByteView kid;
    if (!ReadText(at[kProfile], ar.profile) || !ReadInt(at[kIat], ar.iat) ||
        !ReadInt(at[kExp], ar.exp) || ar.exp < ar.iat)
    {
        return false;
    }
    if (!cbor::FindIntKey(at[kCnf], kCnfKid, kid) || !ReadBytes(kid, ar.cnfKid))
    {
        return false;
    }
    if (found & (uint64_t{1} << kNonce))
    {
        ar.nonce.emplace();
        if (!ReadBytes(at[kNonce], *ar.nonce))
        {
            return false;
        }
    }
    ByteView v = at[kSubmods];
    cbor::Reader sub(v);
    uint64_t n = 0;
    std::string_view name;
    ByteView appraisal, status;
    cbor::Head h;
    if (!sub.ReadMap(n) || n != 1 || !sub.ReadTstr(name) || !sub.Peek(h) || h.major != 5 ||
        !sub.ReadRaw(appraisal))
    {
        return false;
    }
    ar.submod.assign(name);
    if (!cbor::FindIntKey(appraisal, kClaimEarStatus, status) || !StatusFromWire(status, ar.status))
    {
        return false;
    }
    static constexpr int64_t kIdKeys[] = {kVerifierDeveloper, kVerifierBuild};
    ByteView id[2];
    return cbor::FindIntKeys(at[kVerifierId], kIdKeys, id) == 3 &&
           ReadText(id[0], ar.verifierDeveloper) && ReadText(id[1], ar.verifierBuild);
}

} // namespace

Bytes EncodeAttestationResult(const AttestationResult& ar)
{
    Bytes out;
    out.reserve(96 + ar.cnfKid.size() + ar.profile.size() + ar.submod.size() +
                ar.verifierDeveloper.size() + ar.verifierBuild.size() +
                (ar.nonce ? ar.nonce->size() : 0));
    cbor::PutMap(ar.nonce ? 7 : 6, out);
    cbor::PutInt(kClaimExp, out);
    cbor::PutInt(ar.exp, out);
    cbor::PutInt(kClaimIat, out);
    cbor::PutInt(ar.iat, out);
    cbor::PutInt(kClaimCnf, out);
    cbor::PutMap(1, out);
    cbor::PutInt(kCnfKid, out);
    cbor::PutBstr(ar.cnfKid, out);
    if (ar.nonce)
    {
        cbor::PutInt(kClaimNonce, out);
        cbor::PutBstr(*ar.nonce, out);
    }
    cbor::PutInt(kClaimProfile, out);
    cbor::PutTstr(ar.profile, out);
    cbor::PutInt(kClaimSubmods, out);
    cbor::PutMap(1, out);
    cbor::PutTstr(ar.submod, out);
    cbor::PutMap(1, out);
    cbor::PutInt(kClaimEarStatus, out);
    cbor::PutUint(static_cast<uint64_t>(ar.status), out);
    cbor::PutInt(kClaimEarVerifierId, out);
    cbor::PutMap(2, out);
    cbor::PutInt(kVerifierDeveloper, out);
    cbor::PutTstr(ar.verifierDeveloper, out);
    cbor::PutInt(kVerifierBuild, out);
    cbor::PutTstr(ar.verifierBuild, out);
    return out;
}

Result<AttestationResult> DecodeAttestationResult(ByteView claims)
{
    AttestationResult ar;
    if (DecodeDirect(claims, ar))
    {
        return ar;
    }
    return DecodeAttestationResultTree(claims);
}

} // namespace teepsim::eat
