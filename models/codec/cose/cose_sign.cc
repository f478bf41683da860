// COSE_Sign1 and COSE_Sign (RFC 9052 section 4): build, parse, verify. Outputs and
// Sig_structures are written straight to bytes (no Value tree) because TEEP signs and verifies
// every message on the simulated wire.
#include "teepsim/codec/cbor_reader.h"
#include "teepsim/codec/cose.h"
#include "teepsim/codec/tree_reference.h"

#include <algorithm>
#include <stdexcept>

namespace teepsim::cose
{

cbor::Result<SignedMessage> ParseSignedTree(ByteView in); // also teepsim::reference::ParseSigned

namespace
{

constexpr uint8_t kMajorUint = 0, kMajorNeg = 1, kMajorBytes = 2, kMajorText = 3, kMajorArray = 4,
                  kMajorMap = 5, kMajorTag = 6;

void PutInt(int64_t v, Bytes& out)
{
    if (v >= 0)
    {
        cbor::PutHead(kMajorUint, static_cast<uint64_t>(v), out);
    }
    else
    {
        cbor::PutHead(kMajorNeg, static_cast<uint64_t>(-1 - v), out);
    }
}

void PutBstr(ByteView b, Bytes& out)
{
    cbor::PutHead(kMajorBytes, b.size(), out);
    out.insert(out.end(), b.begin(), b.end());
}

void PutText(std::string_view s, Bytes& out)
{
    cbor::PutHead(kMajorText, s.size(), out);
    out.insert(out.end(), s.begin(), s.end());
}

// {1: alg}, in a per-thread buffer reused by every signature (only read during the call).
const Bytes& ProtectedAlg(Alg alg)
{
    thread_local Bytes p;
    p.clear();
    cbor::PutHead(kMajorMap, 1, p);
    PutInt(1, p);
    PutInt(static_cast<int64_t>(alg), p);
    return p;
}

// {4: kid} or {}
void PutUnprotectedKid(const Signer& s, Bytes& out)
{
    if (s.includeKid)
    {
        cbor::PutHead(kMajorMap, 1, out);
        PutInt(kHdrKid, out);
        PutBstr(s.key.Thumbprint(), out);
    }
    else
    {
        cbor::PutHead(kMajorMap, 0, out);
    }
}

void SigStructureInto(bool multi, ByteView bodyProtected, ByteView signProtected,
                      ByteView externalAad, ByteView payload, Bytes& s)
{
    s.clear();
    s.reserve(32 + bodyProtected.size() + signProtected.size() + externalAad.size() +
              payload.size());
    cbor::PutHead(kMajorArray, multi ? 5 : 4, s);
    PutText(multi ? "Signature" : "Signature1", s);
    PutBstr(bodyProtected, s);
    if (multi)
    {
        PutBstr(signProtected, s);
    }
    PutBstr(externalAad, s);
    PutBstr(payload, s);
}

Bytes SigStructureBytes(bool multi, ByteView bodyProtected, ByteView signProtected,
                        ByteView externalAad, ByteView payload)
{
    Bytes s;
    SigStructureInto(multi, bodyProtected, signProtected, externalAad, payload, s);
    return s;
}

// One Sig_structure buffer per thread, reused by every Sign1 and Verify: the to-be-signed
// bytes are only passed to crypto::Sign/Verify and never kept.
Bytes& TbsBuffer()
{
    thread_local Bytes buffer;
    return buffer;
}

Bytes EncodedProtected(const cbor::Value& protectedMap)
{
    if (!protectedMap.isMap())
    {
        throw std::invalid_argument("COSE: protected header must be a map");
    }
    return protectedMap.map().empty() ? Bytes{} : cbor::Encode(protectedMap);
}

cbor::DecodeError Err(std::string msg)
{
    return cbor::DecodeError{0, std::move(msg)};
}

// Header parameters we read must have the right type; one label may not sit in both buckets.
std::optional<std::string> CheckHeaders(const cbor::Value& prot, const cbor::Value& unprot,
                                        const char* where)
{
    for (const cbor::Value* m : {&prot, &unprot})
    {
        for (const auto& [k, v] : m->map())
        {
            if (!k.isInt() && !k.isTstr())
            {
                return std::string(where) + ": header label is neither int nor tstr";
            }
            auto label = k.asInt64();
            if (label == kHdrAlg && !v.isInt() && !v.isTstr())
            {
                return std::string(where) + ": alg (1) must be int or tstr";
            }
            if (label == kHdrKid && !v.isBstr())
            {
                return std::string(where) + ": kid (4) must be a bstr";
            }
            if (m == &unprot && label == kHdrCrit)
            {
                return std::string(where) + ": crit (2) must be protected";
            }
        }
    }
    for (const auto& [k, v] : prot.map())
    {
        for (const auto& [k2, v2] : unprot.map())
        {
            if (k == k2)
            {
                return std::string(where) + ": a label is in both protected and unprotected";
            }
        }
    }
    if (prot.find(kHdrCrit) != nullptr)
    {
        // We understand no extension parameters, so any critical one must be rejected.
        return std::string(where) + ": crit (2) lists parameters this codec does not process";
    }
    return std::nullopt;
}

std::optional<std::string> DecodeProtected(const Bytes& bytes, cbor::Value& out, const char* where)
{
    if (bytes.empty())
    {
        out = cbor::Value::MakeMap();
        return std::nullopt;
    }
    auto v = cbor::Decode(bytes);
    if (!v)
    {
        return std::string(where) + ": protected header: " + v.error().ToString();
    }
    if (!v->isMap())
    {
        return std::string(where) + ": protected header is not a map";
    }
    out = std::move(v.value());
    return std::nullopt;
}

std::optional<Alg> AlgIn(const cbor::Value& m)
{
    const cbor::Value* a = m.find(kHdrAlg);
    if (a == nullptr || !a->isInt())
    {
        return std::nullopt;
    }
    auto v = a->asInt64();
    if (!v)
    {
        return std::nullopt;
    }
    return static_cast<Alg>(*v);
}

// The decoded protected header: the parsed one when ParseSigned filled it (no copy), else
// protectedBytes decoded into `scratch`.
const cbor::Value& ProtectedOf(const Signature& s, cbor::Value& scratch)
{
    if (!s.protectedHeader.isMap() || !s.protectedHeader.map().empty() || s.protectedBytes.empty())
    {
        return s.protectedHeader;
    }
    auto v = cbor::Decode(s.protectedBytes);
    scratch = v && v->isMap() ? std::move(v.value()) : cbor::Value::MakeMap();
    return scratch;
}

} // namespace

const char* ToString(CoseStatus s)
{
    switch (s)
    {
        case CoseStatus::Ok:
            return "ok";
        case CoseStatus::Malformed:
            return "malformed";
        case CoseStatus::UnsupportedAlg:
            return "unsupported algorithm";
        case CoseStatus::NoMatchingKey:
            return "no matching key";
        case CoseStatus::BadSignature:
            return "bad signature";
        case CoseStatus::DecryptFailed:
            return "decryption failed";
    }
    return "?";
}

std::optional<Alg> Signature::alg() const
{
    cbor::Value scratch;
    const cbor::Value& prot = ProtectedOf(*this, scratch);
    if (auto a = AlgIn(prot))
    {
        return a;
    }
    return unprotected.isMap() ? AlgIn(unprotected) : std::nullopt;
}

std::optional<Bytes> Signature::kid() const
{
    cbor::Value scratch;
    const cbor::Value& prot = ProtectedOf(*this, scratch);
    for (const cbor::Value* m : {&prot, &unprotected})
    {
        if (!m->isMap())
        {
            continue;
        }
        const cbor::Value* k = m->find(kHdrKid);
        if (k != nullptr && k->isBstr())
        {
            return k->bytes();
        }
    }
    return std::nullopt;
}

Bytes Sign1WithProtectedBytes(const Signer& signer, ByteView protectedBytes,
                              const cbor::Value& unprotectedMap, ByteView payload, bool tagged,
                              bool detached)
{
    Bytes& tbs = TbsBuffer();
    SigStructureInto(false, protectedBytes, {}, {}, payload, tbs);
    Bytes sig = crypto::Sign(signer.alg, signer.key, tbs);
    Bytes out;
    out.reserve(16 + protectedBytes.size() + (detached ? 0 : payload.size()) + 48 + sig.size());
    if (tagged)
    {
        cbor::PutHead(kMajorTag, kTagSign1, out);
    }
    cbor::PutHead(kMajorArray, 4, out);
    PutBstr(protectedBytes, out);
    cbor::EncodeTo(unprotectedMap, out);
    if (detached)
    {
        out.push_back(0xf6); // nil
    }
    else
    {
        PutBstr(payload, out);
    }
    PutBstr(sig, out);
    return out;
}

Bytes Sign1(const Signer& signer, ByteView payload, bool tagged, bool detached)
{
    const Bytes& prot = ProtectedAlg(signer.alg);
    Bytes& tbs = TbsBuffer();
    SigStructureInto(false, prot, {}, {}, payload, tbs);
    Bytes sig = crypto::Sign(signer.alg, signer.key, tbs);
    Bytes out;
    out.reserve(64 + (detached ? 0 : payload.size()) + sig.size());
    if (tagged)
    {
        cbor::PutHead(kMajorTag, kTagSign1, out);
    }
    cbor::PutHead(kMajorArray, 4, out);
    PutBstr(prot, out);
    PutUnprotectedKid(signer, out);
    if (detached)
    {
        out.push_back(0xf6);
    }
    else
    {
        PutBstr(payload, out);
    }
    PutBstr(sig, out);
    return out;
}

Bytes Sign1WithHeaders(const Signer& signer, const cbor::Value& protectedMap,
                       const cbor::Value& unprotectedMap, ByteView payload, bool tagged,
                       bool detached)
{
    return Sign1WithProtectedBytes(signer, EncodedProtected(protectedMap), unprotectedMap, payload,
                                   tagged, detached);
}

Bytes SignMultiWithBodyProtected(const std::vector<Signer>& signers, ByteView bodyProtected,
                                 ByteView payload, bool tagged)
{
    if (signers.empty())
    {
        throw std::invalid_argument("COSE_Sign: needs at least one signer");
    }
    Bytes out;
    out.reserve(32 + payload.size() + signers.size() * 120);
    if (tagged)
    {
        cbor::PutHead(kMajorTag, kTagSign, out);
    }
    cbor::PutHead(kMajorArray, 4, out);
    PutBstr(bodyProtected, out);
    cbor::PutHead(kMajorMap, 0, out);
    PutBstr(payload, out);
    cbor::PutHead(kMajorArray, signers.size(), out);
    for (const Signer& s : signers)
    {
        const Bytes& prot = ProtectedAlg(s.alg);
        Bytes tbs = SigStructureBytes(true, bodyProtected, prot, {}, payload);
        Bytes sig = crypto::Sign(s.alg, s.key, tbs);
        cbor::PutHead(kMajorArray, 3, out);
        PutBstr(prot, out);
        PutUnprotectedKid(s, out);
        PutBstr(sig, out);
    }
    return out;
}

Bytes SignMulti(const std::vector<Signer>& signers, ByteView payload, bool tagged)
{
    return SignMultiWithBodyProtected(signers, {}, payload, tagged);
}

// The tree parser: any structure (COSE_Sign included) and every error message.
cbor::Result<SignedMessage> ParseSignedTree(ByteView in)
{
    auto decoded = cbor::Decode(in);
    if (!decoded)
    {
        return decoded.error();
    }
    const cbor::Value* v = &decoded.value();
    SignedMessage msg;
    std::optional<bool> multi;
    if (v->isTag())
    {
        if (v->tag() == kTagSign1)
        {
            multi = false;
        }
        else if (v->tag() == kTagSign)
        {
            multi = true;
        }
        else
        {
            return Err("COSE: tag " + std::to_string(v->tag()) +
                       " is neither COSE_Sign1 (18) nor COSE_Sign (98)");
        }
        v = &v->tagged();
    }
    else
    {
        msg.tagged = false;
    }
    if (!v->isArray() || v->array().size() != 4)
    {
        return Err("COSE: signed structure must be an array of 4 elements");
    }
    const cbor::Array& a = v->array();
    if (!multi)
    {
        // Untagged: COSE_Sign1 ends in the signature bstr, COSE_Sign in the signatures array.
        multi = a[3].isArray();
    }
    msg.multi = *multi;
    const char* what = msg.multi ? "COSE_Sign" : "COSE_Sign1";
    auto fail = [&](const char* detail) { return Err(std::string(what) + ": " + detail); };
    if (!a[0].isBstr())
    {
        return fail("element 0 (protected) must be a bstr");
    }
    if (!a[1].isMap())
    {
        return fail("element 1 (unprotected) must be a map");
    }
    if (a[2].isBstr())
    {
        msg.payload = a[2].bytes();
    }
    else if (!a[2].isNull())
    {
        return fail("element 2 (payload) must be a bstr or nil");
    }
    if (!msg.multi)
    {
        if (!a[3].isBstr())
        {
            return fail("element 3 (signature) must be a bstr");
        }
        Signature s;
        s.protectedBytes = a[0].bytes();
        s.unprotected = a[1];
        s.signature = a[3].bytes();
        if (auto e = DecodeProtected(s.protectedBytes, s.protectedHeader, what))
        {
            return Err(*e);
        }
        if (auto e = CheckHeaders(s.protectedHeader, s.unprotected, what))
        {
            return Err(*e);
        }
        msg.signatures.push_back(std::move(s));
        return msg;
    }
    msg.bodyProtected = a[0].bytes();
    msg.bodyUnprotected = a[1];
    cbor::Value bodyProt;
    if (auto e = DecodeProtected(msg.bodyProtected, bodyProt, "COSE_Sign body"))
    {
        return Err(*e);
    }
    if (auto e = CheckHeaders(bodyProt, msg.bodyUnprotected, "COSE_Sign body"))
    {
        return Err(*e);
    }
    if (!a[3].isArray() || a[3].array().empty())
    {
        return fail("element 3 (signatures) must be a non-empty array");
    }
    size_t idx = 0;
    for (const cbor::Value& sv : a[3].array())
    {
        const std::string where = "COSE_Signature " + std::to_string(idx++);
        if (!sv.isArray() || sv.array().size() != 3 || !sv.array()[0].isBstr() ||
            !sv.array()[1].isMap() || !sv.array()[2].isBstr())
        {
            return Err(where + ": must be [bstr protected, map unprotected, bstr signature]");
        }
        Signature s;
        s.protectedBytes = sv.array()[0].bytes();
        s.unprotected = sv.array()[1];
        s.signature = sv.array()[2].bytes();
        if (auto e = DecodeProtected(s.protectedBytes, s.protectedHeader, where.c_str()))
        {
            return Err(*e);
        }
        if (auto e = CheckHeaders(s.protectedHeader, s.unprotected, where.c_str()))
        {
            return Err(*e);
        }
        msg.signatures.push_back(std::move(s));
    }
    return msg;
}

namespace
{

// One header map entry's label as ParseSignedTree sees it: an integer (major 0/1 with its
// magnitude) or a text string.
struct Label
{
    uint8_t major = 0;
    uint64_t arg = 0; // integer magnitude, or text length
    size_t text = 0;  // offset of the text in the map's encoding
    bool IsInt(int64_t v) const
    {
        return v >= 0 ? major == kMajorUint && arg == uint64_t(v)
                      : major == kMajorNeg && arg == ~uint64_t(v);
    }
};

constexpr size_t kMaxDirectLabels = 8;

// The entries of one header map (well-formed, already checked) for CheckHeaders' rules read in
// place: labels int or tstr, alg (1) int or tstr, kid (4) bstr, crit (2) not unprotected (and
// not protected either: we process no extension). Records alg/kid as Signature::alg()/kid()
// would find them. False on any rule broken or a map too large for this path.
bool ReadHeaderMap(ByteView map, Label* labels, size_t& n, std::optional<ByteView>& algItem,
                   std::optional<ByteView>& kid)
{
    n = 0;
    if (map.empty())
    {
        return true; // h'' : the empty protected map
    }
    cbor::Reader r(map);
    uint64_t count = 0;
    if (!r.ReadMap(count) || count > kMaxDirectLabels)
    {
        return false;
    }
    for (uint64_t i = 0; i < count; ++i)
    {
        cbor::Head h;
        if (!r.ReadHead(h))
        {
            return false;
        }
        Label& l = labels[n++];
        l.major = h.major;
        l.arg = h.arg;
        if (h.major == kMajorText)
        {
            l.text = r.pos();
            r.seek(r.pos() + size_t(h.arg));
        }
        else if (h.major != kMajorUint && h.major != kMajorNeg)
        {
            return false;
        }
        const size_t valueStart = r.pos();
        cbor::Head v;
        if (!r.Peek(v) || !r.Skip())
        {
            return false;
        }
        const ByteView value = map.subspan(valueStart, r.pos() - valueStart);
        if (l.IsInt(kHdrAlg))
        {
            if (v.major != kMajorUint && v.major != kMajorNeg && v.major != kMajorText)
            {
                return false;
            }
            algItem = value;
        }
        else if (l.IsInt(kHdrKid))
        {
            if (v.major != kMajorBytes)
            {
                return false;
            }
            cbor::Reader(value).ReadBstr(kid.emplace());
        }
        else if (l.IsInt(kHdrCrit))
        {
            return false; // unprotected: misplaced; protected: parameters we do not process
        }
    }
    return r.atEnd();
}

bool SameLabel(ByteView a, const Label& x, ByteView b, const Label& y)
{
    if (x.major != y.major || x.arg != y.arg)
    {
        return false;
    }
    return x.major != kMajorText ||
           std::equal(a.begin() + x.text, a.begin() + x.text + x.arg, b.begin() + y.text);
}

// AlgIn() of one header's alg item: an integer that fits int64_t.
std::optional<Alg> AlgOfItem(const std::optional<ByteView>& item)
{
    int64_t v = 0;
    if (!item || !cbor::Reader(*item).ReadInt(v))
    {
        return std::nullopt;
    }
    return static_cast<Alg>(v);
}

// A header map as the tree decoder builds it, for maps of integer/text labels and scalar or
// string values (the COSE headers this codec writes); false for anything nested.
bool HeaderValue(ByteView map, cbor::Value& out)
{
    out = cbor::Value::MakeMap();
    if (map.empty())
    {
        return true;
    }
    cbor::Reader r(map);
    uint64_t count = 0;
    if (!r.ReadMap(count))
    {
        return false;
    }
    cbor::Map& m = out.map();
    m.reserve(count);
    auto scalar = [&](cbor::Value& v)
    {
        cbor::Head h;
        if (!r.ReadHead(h))
        {
            return false;
        }
        const size_t at = r.pos();
        switch (h.major)
        {
            case kMajorUint:
                v = cbor::Value::Uint(h.arg);
                return true;
            case kMajorNeg:
                v = cbor::Value::NegativeRaw(h.arg);
                return true;
            case kMajorBytes:
                v = cbor::Value::Bstr(map.subspan(at, size_t(h.arg)));
                r.seek(at + size_t(h.arg));
                return true;
            case kMajorText:
                v = cbor::Value::Tstr(
                    std::string(reinterpret_cast<const char*>(map.data()) + at, size_t(h.arg)));
                r.seek(at + size_t(h.arg));
                return true;
            default:
                return false;
        }
    };
    for (uint64_t i = 0; i < count; ++i)
    {
        auto& [k, v] = m.emplace_back();
        if (!scalar(k) || !scalar(v))
        {
            return false;
        }
    }
    return true;
}

} // namespace

bool ParseSign1View(ByteView in, Sign1View& out)
{
    // The whole structure once (what Decode(in) accepts); the protected bstr's content below.
    if (!cbor::IsWellFormed(in))
    {
        return false;
    }
    cbor::Reader r(in);
    cbor::Head h;
    uint64_t n = 0;
    out.tagged = r.Peek(h) && h.major == kMajorTag;
    if (out.tagged && (!r.ReadTag(n) || n != kTagSign1))
    {
        return false;
    }
    ByteView payload;
    if (!r.ReadArray(n) || n != 4 || !r.ReadBstr(out.protectedBytes) || !r.Peek(h) ||
        h.major != kMajorMap || !r.ReadRaw(out.unprotected))
    {
        return false;
    }
    const bool attached = r.ReadBstr(payload);
    if ((!attached && !r.ReadNull()) || !r.ReadBstr(out.signature))
    {
        return false;
    }
    if (!out.protectedBytes.empty() &&
        (!cbor::IsWellFormed(out.protectedBytes) || !cbor::Reader(out.protectedBytes).Peek(h) ||
         h.major != kMajorMap))
    {
        return false;
    }
    Label prot[kMaxDirectLabels], unprot[kMaxDirectLabels];
    size_t np = 0, nu = 0;
    std::optional<ByteView> algP, algU, kidP, kidU;
    if (!ReadHeaderMap(out.protectedBytes, prot, np, algP, kidP) ||
        !ReadHeaderMap(out.unprotected, unprot, nu, algU, kidU))
    {
        return false;
    }
    for (size_t i = 0; i < np; ++i)
    {
        for (size_t j = 0; j < nu; ++j)
        {
            if (SameLabel(out.protectedBytes, prot[i], out.unprotected, unprot[j]))
            {
                return false;
            }
        }
    }
    out.alg = AlgOfItem(algP);
    if (!out.alg)
    {
        out.alg = AlgOfItem(algU);
    }
    out.kid = kidP ? kidP : kidU;
    out.payload.reset();
    if (attached)
    {
        out.payload = payload;
    }
    return true;
}

namespace
{

// The common case without a full tree: a COSE_Sign1 read in place, its two small header maps
// built directly. Anything else (COSE_Sign, any error) returns false and goes to the tree
// parser, which gives the same result for what this accepts and the error text for the rest.
bool ParseSign1Direct(ByteView in, SignedMessage& msg)
{
    Sign1View v;
    if (!ParseSign1View(in, v))
    {
        return false;
    }
    Signature s;
    if (!HeaderValue(v.unprotected, s.unprotected) ||
        !HeaderValue(v.protectedBytes, s.protectedHeader))
    {
        return false;
    }
    msg.multi = false;
    msg.tagged = v.tagged;
    s.protectedBytes.assign(v.protectedBytes.begin(), v.protectedBytes.end());
    s.signature.assign(v.signature.begin(), v.signature.end());
    if (v.payload)
    {
        msg.payload.emplace(v.payload->begin(), v.payload->end());
    }
    msg.signatures.push_back(std::move(s));
    return true;
}

} // namespace

cbor::Result<SignedMessage> ParseSigned(ByteView in)
{
    SignedMessage msg;
    if (ParseSign1Direct(in, msg))
    {
        return msg;
    }
    return ParseSignedTree(in);
}

Bytes SigStructure(const SignedMessage& msg, size_t i, ByteView payload, ByteView externalAad)
{
    if (i >= msg.signatures.size())
    {
        throw std::out_of_range("SigStructure: no signature " + std::to_string(i));
    }
    const Signature& s = msg.signatures[i];
    if (msg.multi)
    {
        return SigStructureBytes(true, msg.bodyProtected, s.protectedBytes, externalAad, payload);
    }
    return SigStructureBytes(false, s.protectedBytes, {}, externalAad, payload);
}

VerifyResult Verify(const SignedMessage& msg, const std::vector<Key>& keys,
                    std::optional<ByteView> detachedPayload)
{
    VerifyResult res;
    ByteView payload;
    if (msg.payload)
    {
        payload = *msg.payload;
    }
    else if (detachedPayload)
    {
        payload = *detachedPayload;
    }
    else
    {
        return res; // Malformed: nil payload and none supplied
    }
    if (msg.signatures.empty() || (!msg.multi && msg.signatures.size() != 1))
    {
        return res;
    }
    bool anySupported = false;
    bool anyTried = false;
    for (size_t i = 0; i < msg.signatures.size(); ++i)
    {
        const Signature& sig = msg.signatures[i];
        const std::optional<Alg> alg = sig.alg();
        std::optional<Bytes> kid = sig.kid();
        if (i == 0 || (!anyTried && kid))
        {
            res.kid = kid;
        }
        if (!alg || !crypto::IsSignatureAlg(*alg))
        {
            continue;
        }
        anySupported = true;
        auto named = [&](size_t k) { return kid && keys[k].Thumbprint() == *kid; };
        bool usable = false;
        for (size_t k = 0; k < keys.size() && !usable; ++k)
        {
            usable = crypto::AlgMatchesKey(*alg, keys[k]);
        }
        if (!usable)
        {
            continue;
        }
        if (!anyTried)
        {
            res.kid = kid;
        }
        anyTried = true;
        Bytes& tbs = TbsBuffer();
        if (msg.multi)
        {
            SigStructureInto(true, msg.bodyProtected, sig.protectedBytes, {}, payload, tbs);
        }
        else
        {
            SigStructureInto(false, sig.protectedBytes, {}, {}, payload, tbs);
        }
        // Keys named by the kid first, then the rest (a kid may be absent or name none).
        for (int pass = 0; pass < 2; ++pass)
        {
            for (size_t k = 0; k < keys.size(); ++k)
            {
                if (named(k) != (pass == 0) || !crypto::AlgMatchesKey(*alg, keys[k]))
                {
                    continue;
                }
                if (crypto::Verify(*alg, keys[k], tbs, sig.signature))
                {
                    res.status = CoseStatus::Ok;
                    res.signerIndex = static_cast<int>(i);
                    res.keyIndex = static_cast<int>(k);
                    res.kid = kid;
                    return res;
                }
            }
        }
    }
    res.status = anyTried       ? CoseStatus::BadSignature
                 : anySupported ? CoseStatus::NoMatchingKey
                                : CoseStatus::UnsupportedAlg;
    return res;
}

// Verify() for one COSE_Sign1 signature, step for step (statuses, key order), on views.
ViewVerifyResult VerifySign1View(const Sign1View& v, const std::vector<Key>& keys)
{
    ViewVerifyResult res;
    if (!v.payload)
    {
        return res; // Malformed: nil payload
    }
    if (!v.alg || !crypto::IsSignatureAlg(*v.alg))
    {
        res.status = CoseStatus::UnsupportedAlg;
        return res;
    }
    const Alg alg = *v.alg;
    bool usable = false;
    for (size_t k = 0; k < keys.size() && !usable; ++k)
    {
        usable = crypto::AlgMatchesKey(alg, keys[k]);
    }
    if (!usable)
    {
        res.status = CoseStatus::NoMatchingKey;
        return res;
    }
    auto named = [&](size_t k)
    {
        if (!v.kid)
        {
            return false;
        }
        const Bytes& t = keys[k].Thumbprint();
        return std::equal(t.begin(), t.end(), v.kid->begin(), v.kid->end());
    };
    Bytes& tbs = TbsBuffer();
    SigStructureInto(false, v.protectedBytes, {}, {}, *v.payload, tbs);
    for (int pass = 0; pass < 2; ++pass)
    {
        for (size_t k = 0; k < keys.size(); ++k)
        {
            if (named(k) != (pass == 0) || !crypto::AlgMatchesKey(alg, keys[k]))
            {
                continue;
            }
            if (crypto::Verify(alg, keys[k], tbs, v.signature))
            {
                res.status = CoseStatus::Ok;
                res.keyIndex = static_cast<int>(k);
                return res;
            }
        }
    }
    res.status = CoseStatus::BadSignature;
    return res;
}

VerifyResult VerifyBytes(ByteView in, const std::vector<Key>& keys,
                         std::optional<ByteView> detachedPayload)
{
    auto msg = ParseSigned(in);
    if (!msg)
    {
        return VerifyResult{};
    }
    return Verify(*msg, keys, detachedPayload);
}

} // namespace teepsim::cose

namespace teepsim::reference
{

cbor::Result<cose::SignedMessage> ParseSigned(cbor::ByteView in)
{
    return cose::ParseSignedTree(in);
}

} // namespace teepsim::reference
