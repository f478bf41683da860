// The evidence claim set written straight to bytes and read with the pull reader (no
// cbor::Value tree except for unknown claims, kept verbatim): the Agent produces one and the
// Verifier (and TAM) check it every session. Same bytes and values as the tree versions in
// evidence.cc, which still give the error for any claim set this path does not accept.
#include "teepsim/codec/cbor_reader.h"
#include "teepsim/codec/eat.h"

#include "claims_tree.h"

namespace teepsim::eat
{

namespace
{

using namespace evidence_keys;

void PutInstalledTcBody(const InstalledTc& tc, Bytes& out)
{
    cbor::PutMap(
        1 + (tc.uri ? 1 : 0) + (tc.sequenceNumber ? 1 : 0) + (tc.componentId.empty() ? 0 : 1), out);
    cbor::PutInt(kTcDigest, out);
    cbor::PutArray(2, out);
    cbor::PutInt(kSha256, out);
    cbor::PutBstr(tc.digest, out);
    if (tc.uri)
    {
        cbor::PutInt(kTcUri, out);
        cbor::PutTstr(*tc.uri, out);
    }
    if (tc.sequenceNumber)
    {
        cbor::PutInt(kTcSequence, out);
        cbor::PutUint(*tc.sequenceNumber, out);
    }
    if (!tc.componentId.empty())
    {
        cbor::PutInt(kTcComponentId, out);
        cbor::PutArray(tc.componentId.size(), out);
        for (const auto& part : tc.componentId)
        {
            cbor::PutBstr(part, out);
        }
    }
}

bool BstrIn(cbor::Reader& r, size_t lo, size_t hi, Bytes& out)
{
    ByteView b;
    if (!r.ReadBstr(b) || b.size() < lo || b.size() > hi)
    {
        return false;
    }
    out.assign(b.begin(), b.end());
    return true;
}

// [* bstr]
bool ComponentIdIn(ByteView item, std::vector<Bytes>& out)
{
    cbor::Reader r(item);
    uint64_t n = 0;
    if (!r.ReadArray(n))
    {
        return false;
    }
    out.reserve(n);
    for (uint64_t i = 0; i < n; ++i)
    {
        ByteView part;
        if (!r.ReadBstr(part))
        {
            return false;
        }
        out.emplace_back(part.begin(), part.end());
    }
    return true;
}

// [60, bstr .cbor body] or [60, body]: as ParseInstalledTc in evidence.cc.
bool InstalledTcIn(cbor::Reader& r, InstalledTc& tc)
{
    uint64_t n = 0, format = 0;
    if (!r.ReadArray(n) || n != 2 || !r.ReadUint(format) || format != kContentFormatCbor)
    {
        return false;
    }
    ByteView body;
    cbor::Head h;
    if (r.Peek(h) && h.major == 2)
    {
        if (!r.ReadBstr(body) || !cbor::IsWellFormed(body))
        {
            return false;
        }
    }
    else if (!r.ReadRaw(body))
    {
        return false;
    }
    // The record's fields in one walk of its map.
    static constexpr int64_t kKeys[] = {kTcDigest, kTcUri, kTcSequence, kTcComponentId};
    ByteView at[4];
    if (!cbor::Reader(body).Peek(h) || h.major != 5)
    {
        return false;
    }
    const uint64_t found = cbor::FindIntKeys(body, kKeys, at);
    if (!(found & 1))
    {
        return false;
    }
    cbor::Reader d(at[0]);
    int64_t alg = 0;
    ByteView digest;
    if (!d.ReadArray(n) || n != 2 || !d.ReadInt(alg) || alg != kSha256 || !d.ReadBstr(digest))
    {
        return false;
    }
    tc.digest.assign(digest.begin(), digest.end());
    if (found & 2)
    {
        std::string_view uri;
        if (!cbor::Reader(at[1]).ReadTstr(uri))
        {
            return false;
        }
        tc.uri.emplace(uri);
    }
    if (found & 4)
    {
        uint64_t seq = 0;
        if (!cbor::Reader(at[2]).ReadUint(seq))
        {
            return false;
        }
        tc.sequenceNumber = seq;
    }
    return !(found & 8) || ComponentIdIn(at[3], tc.componentId);
}

// An unknown claim, kept verbatim as values (as the tree decoder does).
bool OtherClaim(ByteView key, ByteView value, Evidence& e)
{
    auto k = cbor::Decode(key);
    auto v = cbor::Decode(value);
    if (!k || !v)
    {
        return false;
    }
    e.otherClaims.emplace_back(std::move(k.value()), std::move(v.value()));
    return true;
}

// The success path of DecodeEvidenceTree without a tree; false where that one fails.
bool DecodeDirect(ByteView claims, Evidence& e)
{
    if (!cbor::IsWellFormed(claims))
    {
        return false;
    }
    cbor::Reader r(claims);
    uint64_t count = 0;
    if (!r.ReadMap(count))
    {
        return false;
    }
    bool have[6] = {}; // ueid, oemid, hwmodel, hwversion, manifests, cnf
    for (uint64_t i = 0; i < count; ++i)
    {
        const size_t keyStart = r.pos();
        int64_t key = 0;
        if (!r.ReadInt(key))
        {
            ByteView k, v;
            if (!r.ReadRaw(k) || !r.ReadRaw(v) || !OtherClaim(k, v, e))
            {
                return false;
            }
            continue;
        }
        switch (key)
        {
            case kClaimNonce:
                e.nonce.emplace();
                if (!BstrIn(r, 8, 64, *e.nonce))
                {
                    return false;
                }
                break;
            case kClaimUeid:
                if (!BstrIn(r, 7, 33, e.ueid))
                {
                    return false;
                }
                have[0] = true;
                break;
            case kClaimOemid:
                if (!BstrIn(r, 3, 16, e.oemid) || (e.oemid.size() != 3 && e.oemid.size() != 16))
                {
                    return false;
                }
                have[1] = true;
                break;
            case kClaimHwModel:
                if (!BstrIn(r, 1, 32, e.hwModel))
                {
                    return false;
                }
                have[2] = true;
                break;
            case kClaimHwVersion:
            {
                uint64_t n = 0;
                std::string_view version;
                if (!r.ReadArray(n) || n < 1 || n > 2 || !r.ReadTstr(version))
                {
                    return false;
                }
                e.hwVersion.version.assign(version);
                if (n == 2)
                {
                    int64_t scheme = 0;
                    if (!r.ReadInt(scheme))
                    {
                        return false;
                    }
                    e.hwVersion.scheme = scheme;
                }
                have[3] = true;
                break;
            }
            case kClaimManifests:
            case kClaimManifestsDraftExample:
            {
                uint64_t n = 0;
                if (have[4] || !r.ReadArray(n))
                {
                    return false;
                }
                e.manifests.reserve(n);
                for (uint64_t k = 0; k < n; ++k)
                {
                    if (!InstalledTcIn(r, e.manifests.emplace_back()))
                    {
                        return false;
                    }
                }
                have[4] = true;
                break;
            }
            case kClaimCnf:
            {
                ByteView cnf, kid;
                if (!r.ReadRaw(cnf) || !cbor::FindIntKey(cnf, kCnfKid, kid))
                {
                    return false;
                }
                cbor::Reader kr(kid);
                if (!BstrIn(kr, 0, SIZE_MAX, e.cnfKid))
                {
                    return false;
                }
                have[5] = true;
                break;
            }
            case kClaimIat:
            {
                int64_t iat = 0;
                if (!r.ReadInt(iat))
                {
                    return false;
                }
                e.iat = iat;
                break;
            }
            default:
            {
                ByteView k, v;
                r.seek(keyStart);
                if (!r.ReadRaw(k) || !r.ReadRaw(v) || !OtherClaim(k, v, e))
                {
                    return false;
                }
            }
        }
    }
    return have[0] && have[1] && have[2] && have[3] && have[4] && have[5];
}

} // namespace

Bytes EncodeEvidence(const Evidence& e)
{
    Bytes out;
    out.reserve(128 + e.cnfKid.size() + e.ueid.size() + e.manifests.size() * 64);
    cbor::PutMap((e.iat ? 1 : 0) + 1 + (e.nonce ? 1 : 0) + 5 + e.otherClaims.size(), out);
    if (e.iat)
    {
        cbor::PutInt(kClaimIat, out);
        cbor::PutInt(*e.iat, out);
    }
    cbor::PutInt(kClaimCnf, out);
    cbor::PutMap(1, out);
    cbor::PutInt(kCnfKid, out);
    cbor::PutBstr(e.cnfKid, out);
    if (e.nonce)
    {
        cbor::PutInt(kClaimNonce, out);
        cbor::PutBstr(*e.nonce, out);
    }
    cbor::PutInt(kClaimUeid, out);
    cbor::PutBstr(e.ueid, out);
    cbor::PutInt(kClaimOemid, out);
    cbor::PutBstr(e.oemid, out);
    cbor::PutInt(kClaimHwModel, out);
    cbor::PutBstr(e.hwModel, out);
    cbor::PutInt(kClaimHwVersion, out);
    cbor::PutArray(e.hwVersion.scheme ? 2 : 1, out);
    cbor::PutTstr(e.hwVersion.version, out);
    if (e.hwVersion.scheme)
    {
        cbor::PutInt(*e.hwVersion.scheme, out);
    }
    cbor::PutInt(kClaimManifests, out);
    cbor::PutArray(e.manifests.size(), out);
    thread_local Bytes body; // reused: each body is copied into `out` as a bstr
    for (const auto& tc : e.manifests)
    {
        body.clear();
        PutInstalledTcBody(tc, body);
        cbor::PutArray(2, out);
        cbor::PutUint(kContentFormatCbor, out);
        cbor::PutBstr(body, out);
    }
    for (const auto& [k, v] : e.otherClaims)
    {
        cbor::EncodeTo(k, out);
        cbor::EncodeTo(v, out);
    }
    return out;
}

Result<Evidence> DecodeEvidence(ByteView claims)
{
    Evidence e;
    if (DecodeDirect(claims, e))
    {
        return e;
    }
    return DecodeEvidenceTree(claims);
}

} // namespace teepsim::eat
