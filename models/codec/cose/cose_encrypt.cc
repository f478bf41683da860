// COSE_Encrypt (RFC 9052 section 5) with one ECDH-ES + A128KW recipient (RFC 9053 sections
// 5-6: HKDF-SHA-256 over the shared secret, COSE_KDF_Context as info, no salt) and AES-128-CTR
// or AES-128-GCM content, as SUIT firmware encryption uses it.
#include "teepsim/codec/cose.h"

#include <stdexcept>

namespace teepsim::cose
{
namespace
{

constexpr int64_t kAlgA128KW = static_cast<int64_t>(Alg::A128KW);
constexpr int64_t kAlgEcdhEsA128KW = static_cast<int64_t>(Alg::ECDH_ES_A128KW);

cbor::Value Nil3()
{
    return cbor::Value::MakeArray({cbor::Value::Null(), cbor::Value::Null(), cbor::Value::Null()});
}

// Enc_structure = ["Encrypt", protected, external_aad]: the GCM additional data.
Bytes EncStructure(ByteView protectedBytes)
{
    return cbor::Encode(
        cbor::Value::MakeArray({cbor::Value::Tstr("Encrypt"), cbor::Value::Bstr(protectedBytes),
                                cbor::Value::Bstr(Bytes{})}));
}

Bytes DeriveKek(const Key& priv, const Key& peer, ByteView recipientProtected,
                std::string_view other)
{
    const Bytes shared = crypto::Ecdh(priv, peer);
    return crypto::HkdfSha256({}, shared, KdfContextA128KW(recipientProtected, other), 16);
}

const cbor::Value* Param(const cbor::Value& prot, const cbor::Value& unprot, int64_t label)
{
    const cbor::Value* v = prot.isMap() ? prot.find(label) : nullptr;
    return v != nullptr ? v : (unprot.isMap() ? unprot.find(label) : nullptr);
}

std::optional<cbor::Value> DecodeProtected(const Bytes& b)
{
    if (b.empty())
    {
        return cbor::Value::MakeMap();
    }
    auto v = cbor::Decode(b);
    if (!v || !v->isMap())
    {
        return std::nullopt;
    }
    return v.value();
}

} // namespace

Bytes KdfContextA128KW(ByteView recipientProtected, std::string_view other)
{
    const Bytes otherBytes(other.begin(), other.end());
    cbor::Value ctx = cbor::Value::MakeArray(
        {cbor::Value::Int(kAlgA128KW), Nil3(), Nil3(),
         cbor::Value::MakeArray({cbor::Value::Uint(128), cbor::Value::Bstr(recipientProtected),
                                 cbor::Value::Bstr(otherBytes)})});
    return cbor::Encode(ctx);
}

Bytes Encrypt(const EncryptParams& p, ByteView plaintext, Bytes* detachedOut)
{
    if (p.contentAlg != Alg::A128GCM && p.contentAlg != Alg::A128CTR)
    {
        throw std::invalid_argument("COSE_Encrypt: content alg must be A128GCM or A128CTR");
    }
    if (!p.recipientPublic.valid() || p.recipientPublic.type() != crypto::KeyType::P256)
    {
        throw std::invalid_argument("COSE_Encrypt: recipient must be a P-256 key");
    }
    if (p.ephemeralSeed.size() != 32)
    {
        throw std::invalid_argument("COSE_Encrypt: ephemeralSeed must be 32 bytes");
    }
    if (p.detachedCiphertext && detachedOut == nullptr)
    {
        throw std::invalid_argument("COSE_Encrypt: detached ciphertext needs detachedOut");
    }
    const bool gcm = p.contentAlg == Alg::A128GCM;
    const size_t ivLen = gcm ? 12 : 16;
    const Bytes iv = p.iv.empty() ? crypto::DeterministicBytes(p.ephemeralSeed, 2, ivLen) : p.iv;
    if (iv.size() != ivLen)
    {
        throw std::invalid_argument("COSE_Encrypt: IV must be 12 bytes (GCM) or 16 (CTR)");
    }
    const Key ephemeral = Key::GenerateP256(p.ephemeralSeed);
    const Bytes cek = crypto::DeterministicBytes(p.ephemeralSeed, 1, 16);

    // Recipient: [<<{1: -29}>>, {-1: ephemeral COSE_Key, ?4: kid}, wrapped CEK]
    const Bytes recipientProtected =
        cbor::Encode(cbor::Value::MakeMap().set(kHdrAlg, cbor::Value::Int(kAlgEcdhEsA128KW)));
    const Bytes kek = DeriveKek(ephemeral, p.recipientPublic, recipientProtected, p.kdfOther);
    cbor::Value recipientUnprotected = cbor::Value::MakeMap();
    recipientUnprotected.set(kHdrEphemeralKey, ephemeral.PublicCoseKey());
    if (!p.kidOfRecipient.empty())
    {
        recipientUnprotected.set(kHdrKid, cbor::Value::Bstr(p.kidOfRecipient));
    }
    cbor::Value recipient = cbor::Value::MakeArray(
        {cbor::Value::Bstr(recipientProtected), std::move(recipientUnprotected),
         cbor::Value::Bstr(crypto::AesKeyWrap(kek, cek))});

    // AEAD content alg goes in the protected bucket; CTR cannot protect anything (SUIT style).
    Bytes protectedBytes;
    cbor::Value unprotected = cbor::Value::MakeMap();
    Bytes ciphertext;
    if (gcm)
    {
        protectedBytes = cbor::Encode(cbor::Value::MakeMap().set(kHdrAlg, cbor::Value::Int(1)));
        unprotected.set(kHdrIv, cbor::Value::Bstr(iv));
        ciphertext = crypto::AesGcmSeal(cek, iv, EncStructure(protectedBytes), plaintext);
    }
    else
    {
        unprotected.set(kHdrAlg, cbor::Value::Int(static_cast<int64_t>(Alg::A128CTR)));
        unprotected.set(kHdrIv, cbor::Value::Bstr(iv));
        ciphertext = crypto::AesCtr(cek, iv, plaintext);
    }
    cbor::Value payload;
    if (p.detachedCiphertext)
    {
        *detachedOut = std::move(ciphertext);
        payload = cbor::Value::Null();
    }
    else
    {
        payload = cbor::Value::Bstr(std::move(ciphertext));
    }
    cbor::Value body = cbor::Value::MakeArray({cbor::Value::Bstr(protectedBytes),
                                               std::move(unprotected), std::move(payload),
                                               cbor::Value::MakeArray({std::move(recipient)})});
    return cbor::Encode(p.tagged ? cbor::Value::Tag(kTagEncrypt, std::move(body)) : body);
}

DecryptResult Decrypt(ByteView coseEncrypt, const Key& recipientPrivate,
                      std::optional<ByteView> detachedCiphertext, std::string_view kdfOther)
{
    DecryptResult res; // Malformed until proven otherwise
    try
    {
        auto decoded = cbor::Decode(coseEncrypt);
        if (!decoded)
        {
            return res;
        }
        const cbor::Value* v = &decoded.value();
        if (v->isTag())
        {
            if (v->tag() != kTagEncrypt)
            {
                return res;
            }
            v = &v->tagged();
        }
        if (!v->isArray() || v->array().size() != 4)
        {
            return res;
        }
        const cbor::Array& a = v->array();
        if (!a[0].isBstr() || !a[1].isMap() || !(a[2].isBstr() || a[2].isNull()) ||
            !a[3].isArray() || a[3].array().empty())
        {
            return res;
        }
        const auto prot = DecodeProtected(a[0].bytes());
        if (!prot)
        {
            return res;
        }
        const cbor::Value* algV = Param(*prot, a[1], kHdrAlg);
        const cbor::Value* ivV = Param(*prot, a[1], kHdrIv);
        if (algV == nullptr || !algV->isInt() || ivV == nullptr || !ivV->isBstr())
        {
            return res;
        }
        const auto contentAlg = algV->asInt64();
        const bool gcm = contentAlg == static_cast<int64_t>(Alg::A128GCM);
        const bool ctr = contentAlg == static_cast<int64_t>(Alg::A128CTR);
        if (!gcm && !ctr)
        {
            res.status = CoseStatus::UnsupportedAlg;
            return res;
        }
        const Bytes& iv = ivV->bytes();
        if (iv.size() != (gcm ? 12u : 16u))
        {
            return res;
        }
        ByteView ciphertext;
        if (a[2].isBstr())
        {
            ciphertext = a[2].bytes();
        }
        else if (detachedCiphertext)
        {
            ciphertext = *detachedCiphertext;
        }
        else
        {
            return res;
        }
        if (!recipientPrivate.valid() || !recipientPrivate.hasPrivate() ||
            recipientPrivate.type() != crypto::KeyType::P256)
        {
            res.status = CoseStatus::NoMatchingKey;
            return res;
        }

        std::optional<Bytes> cek;
        bool anyEcdh = false;
        for (const cbor::Value& r : a[3].array())
        {
            if (!r.isArray() || r.array().size() != 3 || !r.array()[0].isBstr() ||
                !r.array()[1].isMap() || !r.array()[2].isBstr())
            {
                return res; // malformed recipient
            }
            const Bytes& rProtBytes = r.array()[0].bytes();
            const auto rProt = DecodeProtected(rProtBytes);
            if (!rProt)
            {
                return res;
            }
            const cbor::Value* rAlg = Param(*rProt, r.array()[1], kHdrAlg);
            if (rAlg == nullptr || !rAlg->isInt() || rAlg->asInt64() != kAlgEcdhEsA128KW)
            {
                continue;
            }
            const cbor::Value* epk = Param(*rProt, r.array()[1], kHdrEphemeralKey);
            if (epk == nullptr)
            {
                return res;
            }
            const Key ephemeral = Key::FromCoseKey(*epk); // throws on a bad key: Malformed
            if (ephemeral.type() != crypto::KeyType::P256 || ephemeral.hasPrivate())
            {
                return res;
            }
            anyEcdh = true;
            const Bytes kek = DeriveKek(recipientPrivate, ephemeral, rProtBytes, kdfOther);
            cek = crypto::AesKeyUnwrap(kek, r.array()[2].bytes());
            if (cek && cek->size() == 16)
            {
                break;
            }
            cek.reset();
        }
        if (!anyEcdh)
        {
            res.status = CoseStatus::UnsupportedAlg;
            return res;
        }
        if (!cek)
        {
            res.status = CoseStatus::DecryptFailed;
            return res;
        }
        if (ctr)
        {
            res.plaintext = crypto::AesCtr(*cek, iv, ciphertext);
        }
        else
        {
            auto pt = crypto::AesGcmOpen(*cek, iv, EncStructure(a[0].bytes()), ciphertext);
            if (!pt)
            {
                res.status = CoseStatus::DecryptFailed;
                return res;
            }
            res.plaintext = std::move(*pt);
        }
        res.status = CoseStatus::Ok;
        return res;
    }
    catch (const std::exception&)
    {
        res.status = CoseStatus::Malformed;
        res.plaintext.clear();
        return res;
    }
}

} // namespace teepsim::cose
