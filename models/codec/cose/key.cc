// Key: loading (PEM, DER, COSE_Key), deterministic generation from a seed, export, RFC 9679
// thumbprints. P-256 and Ed25519 only: the algorithms TEEP's cipher suites use.
#include "teepsim/codec/crypto.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "key_impl.h"
#include "signature_mode.h"

namespace teepsim::crypto
{

namespace detail
{

void EcPointFree::operator()(EC_POINT* p) const
{
    EC_POINT_free(p);
}

const EC_GROUP* P256Group()
{
    static const std::unique_ptr<EC_GROUP, decltype(&EC_GROUP_free)> group(
        EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1), EC_GROUP_free);
    if (!group)
    {
        throw std::runtime_error("key: OpenSSL has no P-256 group");
    }
    return group.get();
}

} // namespace detail

namespace
{

using detail::RealKey;

using BnPtr = std::unique_ptr<BIGNUM, decltype(&BN_free)>;
using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;

std::shared_ptr<EVP_PKEY> Own(EVP_PKEY* p)
{
    if (p == nullptr)
    {
        throw std::runtime_error("key: OpenSSL could not build the key");
    }
    return std::shared_ptr<EVP_PKEY>(p, EVP_PKEY_free);
}

BnPtr GetBn(EVP_PKEY* pkey, const char* name)
{
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1)
    {
        return BnPtr(nullptr, BN_free);
    }
    return BnPtr(bn, BN_free);
}

// Deterministic CBOR of the RFC 9679 required members, written directly (no Value tree):
// EC2 {1:2, -1:1, -2:x, -3:y} = a4 01 02 20 01 21 58 20 x 22 58 20 y; OKP {1:1, -1:6, -2:x}.
Bytes ThumbprintInput(KeyType t, ByteView raw)
{
    Bytes m;
    if (t == KeyType::P256)
    {
        m = {0xa4, 0x01, 0x02, 0x20, 0x01, 0x21, 0x58, 0x20};
        m.insert(m.end(), raw.begin(), raw.begin() + 32);
        m.insert(m.end(), {0x22, 0x58, 0x20});
        m.insert(m.end(), raw.begin() + 32, raw.end());
    }
    else
    {
        m = {0xa3, 0x01, 0x01, 0x20, 0x06, 0x21, 0x58, 0x20};
        m.insert(m.end(), raw.begin(), raw.end());
    }
    return m;
}

std::shared_ptr<EVP_PKEY> EvpP256(const uint8_t oct[65], const BIGNUM* d);

// Builds a P-256 EVP_PKEY from the private scalar and/or the public point; when only d is
// given the public point is computed, when both are given they must agree.
std::shared_ptr<EVP_PKEY> MakeP256(const BIGNUM* d, std::optional<ByteView> x,
                                   std::optional<ByteView> y)
{
    const EC_GROUP* group = detail::P256Group();
    std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> ctx(BN_CTX_new(), BN_CTX_free);
    std::unique_ptr<EC_POINT, decltype(&EC_POINT_free)> pub(EC_POINT_new(group), EC_POINT_free);
    if (!ctx || !pub)
    {
        throw std::bad_alloc();
    }
    if (x && y)
    {
        if (x->size() != 32 || y->size() != 32)
        {
            throw std::runtime_error("key: P-256 x and y must be 32 bytes each");
        }
        uint8_t oct[65];
        oct[0] = 0x04;
        std::copy(x->begin(), x->end(), oct + 1);
        std::copy(y->begin(), y->end(), oct + 33);
        if (EC_POINT_oct2point(group, pub.get(), oct, 65, ctx.get()) != 1)
        {
            throw std::runtime_error("key: P-256 public point is not on the curve");
        }
    }
    if (d != nullptr)
    {
        const BIGNUM* n = EC_GROUP_get0_order(group);
        if (BN_is_zero(d) || BN_is_negative(d) || BN_cmp(d, n) >= 0)
        {
            throw std::runtime_error("key: P-256 private scalar out of range");
        }
        std::unique_ptr<EC_POINT, decltype(&EC_POINT_free)> q(EC_POINT_new(group), EC_POINT_free);
        if (!q || EC_POINT_mul(group, q.get(), d, nullptr, nullptr, ctx.get()) != 1)
        {
            throw std::runtime_error("key: P-256 public point computation failed");
        }
        if (x && y)
        {
            if (EC_POINT_cmp(group, q.get(), pub.get(), ctx.get()) != 0)
            {
                throw std::runtime_error("key: P-256 private key does not match x/y");
            }
        }
        else
        {
            pub = std::move(q);
        }
    }
    else if (!(x && y))
    {
        throw std::runtime_error("key: P-256 key needs x and y, or d");
    }
    uint8_t oct[65];
    if (EC_POINT_point2oct(group, pub.get(), POINT_CONVERSION_UNCOMPRESSED, oct, 65, ctx.get()) !=
        65)
    {
        throw std::runtime_error("key: P-256 point encoding failed");
    }
    return EvpP256(oct, d);
}

// The EVP_PKEY of a P-256 point (uncompressed encoding) already checked against d, if any.
std::shared_ptr<EVP_PKEY> EvpP256(const uint8_t oct[65], const BIGNUM* d)
{
    std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> bld(OSSL_PARAM_BLD_new(),
                                                                        OSSL_PARAM_BLD_free);
    if (!bld ||
        OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
            1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, oct, 65) != 1 ||
        (d != nullptr && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d) != 1))
    {
        throw std::runtime_error("key: parameter build failed");
    }
    std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(
        OSSL_PARAM_BLD_to_param(bld.get()), OSSL_PARAM_free);
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> pctx(
        EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr), EVP_PKEY_CTX_free);
    EVP_PKEY* pkey = nullptr;
    if (!params || !pctx || EVP_PKEY_fromdata_init(pctx.get()) != 1 ||
        EVP_PKEY_fromdata(pctx.get(), &pkey, d != nullptr ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                          params.get()) != 1)
    {
        throw std::runtime_error("key: OpenSSL rejected the P-256 key");
    }
    return Own(pkey);
}

const Bytes& BytesMember(const cbor::Value& m, int64_t label, const char* name)
{
    const cbor::Value* v = m.find(label);
    if (v == nullptr || !v->isBstr())
    {
        throw std::runtime_error(std::string("COSE_Key: missing or non-bstr ") + name);
    }
    return v->bytes();
}

std::optional<int64_t> IntMember(const cbor::Value& m, int64_t label)
{
    const cbor::Value* v = m.find(label);
    if (v == nullptr || !v->isInt())
    {
        return std::nullopt;
    }
    return v->asInt64();
}

// Fills the derived facts of a real key whose type, raw public key and (P-256) point are set.
void Finish(RealKey& k)
{
    const ByteView raw(k.raw.data(), k.rawSize());
    k.thumbprint = Sha256(ThumbprintInput(k.type, raw));
    k.fingerprint = detail::KeyFingerprint(k.type, raw);
}

// The P-256 point of raw x||y on the shared group (checked to be on the curve).
std::unique_ptr<EC_POINT, detail::EcPointFree> PointOf(const uint8_t* raw64)
{
    std::unique_ptr<EC_POINT, detail::EcPointFree> q(EC_POINT_new(detail::P256Group()));
    uint8_t oct[65];
    oct[0] = 0x04;
    std::memcpy(oct + 1, raw64, 64);
    if (!q || EC_POINT_oct2point(detail::P256Group(), q.get(), oct, 65, nullptr) != 1)
    {
        throw std::runtime_error("key: P-256 public point is not on the curve");
    }
    return q;
}

} // namespace

Key::Key(std::shared_ptr<EVP_PKEY> pkey)
{
    if (!pkey)
    {
        return;
    }
    auto k = std::make_shared<RealKey>();
    EVP_PKEY* p = pkey.get();
    if (EVP_PKEY_get_base_id(p) == EVP_PKEY_ED25519)
    {
        k->type = KeyType::Ed25519;
        size_t len = 32;
        if (EVP_PKEY_get_raw_public_key(p, k->raw.data(), &len) != 1 || len != 32)
        {
            throw std::runtime_error("key: Ed25519 public key unavailable");
        }
        size_t plen = 0;
        k->hasPrivate = EVP_PKEY_get_raw_private_key(p, nullptr, &plen) == 1 && plen == 32;
    }
    else if (EVP_PKEY_get_base_id(p) == EVP_PKEY_EC)
    {
        char group[64] = {};
        size_t glen = 0;
        if (EVP_PKEY_get_utf8_string_param(p, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                           &glen) != 1 ||
            std::string_view(group) != "prime256v1")
        {
            throw std::runtime_error("key: only the P-256 curve is supported (got " +
                                     std::string(group) + ")");
        }
        k->type = KeyType::P256;
        BnPtr x = GetBn(p, OSSL_PKEY_PARAM_EC_PUB_X);
        BnPtr y = GetBn(p, OSSL_PKEY_PARAM_EC_PUB_Y);
        if (!x || !y)
        {
            throw std::runtime_error("key: P-256 key without a public point");
        }
        if (BN_bn2binpad(x.get(), k->raw.data(), 32) != 32 ||
            BN_bn2binpad(y.get(), k->raw.data() + 32, 32) != 32)
        {
            throw std::runtime_error("key: P-256 value longer than 32 bytes");
        }
        k->q = PointOf(k->raw.data());
        if (BnPtr d = GetBn(p, OSSL_PKEY_PARAM_PRIV_KEY))
        {
            k->hasPrivate = true;
            BN_bn2binpad(d.get(), k->d.data(), 32);
        }
    }
    else
    {
        throw std::runtime_error("key: unsupported key type (need P-256 or Ed25519)");
    }
    k->pkey = std::move(pkey);
    Finish(*k);
    impl_ = std::move(k);
}

bool Key::hasPrivate() const
{
    return impl_ && impl_->hasPrivate;
}

bool Key::modelled() const
{
    return impl_ && impl_->modelled;
}

KeyType Key::type() const
{
    if (!impl_)
    {
        throw std::logic_error("key: type() of an empty key");
    }
    return impl_->type;
}

EVP_PKEY* Key::get() const
{
    if (!impl_)
    {
        return nullptr;
    }
    const RealKey* k = detail::Real(*this);
    if (k == nullptr)
    {
        throw std::logic_error("key: a modelled key (crypto mode modelled) has no OpenSSL form");
    }
    // Keys generated from a seed build theirs only when something asks (PEM export, ECDH).
    std::call_once(k->pkeyOnce,
                   [k]
                   {
                       if (k->pkey)
                       {
                           return;
                       }
                       // d and Q were checked when the key was made: no second multiplication.
                       BnPtr d(BN_bin2bn(k->d.data(), 32, nullptr), BN_free);
                       if (!d)
                       {
                           throw std::bad_alloc();
                       }
                       uint8_t oct[65];
                       oct[0] = 0x04;
                       std::memcpy(oct + 1, k->raw.data(), 64);
                       k->pkey = EvpP256(oct, d.get());
                       BN_clear(d.get());
                   });
    return k->pkey.get();
}

Bytes Key::RawPublic() const
{
    if (!impl_)
    {
        return {};
    }
    if (const RealKey* k = detail::Real(*this))
    {
        return Bytes(k->raw.begin(), k->raw.begin() + static_cast<ptrdiff_t>(k->rawSize()));
    }
    return detail::ModelledRawPublic(*impl_);
}

const Bytes& Key::Thumbprint() const
{
    static const Bytes kEmpty;
    return impl_ ? impl_->thumbprint : kEmpty;
}

bool Key::operator==(const Key& o) const
{
    if (!valid() || !o.valid())
    {
        return valid() == o.valid();
    }
    // The thumbprint names the public key (SHA-256 of it, or what a modelled one expands from).
    return type() == o.type() && modelled() == o.modelled() && Thumbprint() == o.Thumbprint() &&
           hasPrivate() == o.hasPrivate();
}

cbor::Value Key::PublicCoseKey() const
{
    if (!valid())
    {
        throw std::logic_error("key: PublicCoseKey() of an empty key");
    }
    const Bytes raw = RawPublic();
    cbor::Value m = cbor::Value::MakeMap();
    if (type() == KeyType::P256)
    {
        m.set(1, cbor::Value::Int(2))
            .set(-1, cbor::Value::Int(1))
            .set(-2, cbor::Value::Bstr(ByteView(raw).first(32)))
            .set(-3, cbor::Value::Bstr(ByteView(raw).subspan(32)));
    }
    else
    {
        m.set(1, cbor::Value::Int(1))
            .set(-1, cbor::Value::Int(6))
            .set(-2, cbor::Value::Bstr(ByteView(raw)));
    }
    return m;
}

cbor::Value Key::PrivateCoseKey() const
{
    if (!hasPrivate())
    {
        throw std::logic_error("key: PrivateCoseKey() needs a private key");
    }
    const RealKey* k = detail::Real(*this);
    if (k == nullptr)
    {
        throw std::logic_error("key: a modelled key has no private COSE_Key");
    }
    cbor::Value m = PublicCoseKey();
    Bytes d;
    if (type() == KeyType::P256)
    {
        d.assign(k->d.begin(), k->d.end());
    }
    else
    {
        d.resize(32);
        size_t len = 32;
        EVP_PKEY_get_raw_private_key(get(), d.data(), &len);
    }
    m.set(-4, cbor::Value::Bstr(std::move(d)));
    return m;
}

Key Key::GenerateP256(ByteView seed32)
{
    if (seed32.size() != 32)
    {
        throw std::invalid_argument("GenerateP256: seed must be 32 bytes");
    }
    // 48 bytes (128 bits more than the order) reduced mod n-1, plus 1: bias below 2^-128.
    static constexpr char kSalt[] = "teepsim P-256 key from seed";
    Bytes wide = HkdfSha256(ByteView(reinterpret_cast<const uint8_t*>(kSalt), sizeof(kSalt) - 1),
                            seed32, {}, 48);
    const EC_GROUP* group = detail::P256Group();
    std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> ctx(BN_CTX_new(), BN_CTX_free);
    BnPtr w(BN_bin2bn(wide.data(), static_cast<int>(wide.size()), nullptr), BN_free);
    BnPtr nm1(BN_dup(EC_GROUP_get0_order(group)), BN_free);
    BnPtr d(BN_new(), BN_free);
    if (!ctx || !w || !nm1 || !d || BN_sub_word(nm1.get(), 1) != 1 ||
        BN_nnmod(d.get(), w.get(), nm1.get(), ctx.get()) != 1 || BN_add_word(d.get(), 1) != 1)
    {
        throw std::runtime_error("GenerateP256: scalar derivation failed");
    }
    OPENSSL_cleanse(wide.data(), wide.size());
    // The public point on the shared group (its generator multiples are precomputed); no
    // EVP_PKEY until get() asks for one.
    auto k = std::make_shared<RealKey>();
    k->type = KeyType::P256;
    k->hasPrivate = true;
    k->q.reset(EC_POINT_new(group));
    uint8_t oct[65];
    if (!k->q || EC_POINT_mul(group, k->q.get(), d.get(), nullptr, nullptr, ctx.get()) != 1 ||
        EC_POINT_point2oct(group, k->q.get(), POINT_CONVERSION_UNCOMPRESSED, oct, 65, ctx.get()) !=
            65 ||
        BN_bn2binpad(d.get(), k->d.data(), 32) != 32)
    {
        throw std::runtime_error("GenerateP256: public point computation failed");
    }
    BN_clear(d.get());
    std::memcpy(k->raw.data(), oct + 1, 64);
    Finish(*k);
    return Key(std::shared_ptr<const Impl>(std::move(k)));
}

Key Key::GenerateEd25519(ByteView seed32)
{
    if (seed32.size() != 32)
    {
        throw std::invalid_argument("GenerateEd25519: seed must be 32 bytes");
    }
    return Key(Own(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed32.data(), 32)));
}

Key Key::FromPem(std::string_view pem)
{
    // Start at the key block itself: OpenSSL's `ecparam -genkey` output (libteep's agent key)
    // puts an "EC PARAMETERS" block first, which PEM_read_bio_PrivateKey would take as the key.
    const bool isPublic = pem.find("-----BEGIN PUBLIC KEY-----") != std::string_view::npos;
    size_t at = std::string_view::npos;
    for (std::string_view begin : {"-----BEGIN PUBLIC KEY-----", "-----BEGIN PRIVATE KEY-----",
                                   "-----BEGIN EC PRIVATE KEY-----"})
    {
        at = std::min(at, pem.find(begin));
    }
    if (at == std::string_view::npos)
    {
        throw std::runtime_error("PEM: no PUBLIC KEY / PRIVATE KEY / EC PRIVATE KEY block");
    }
    pem.remove_prefix(at);
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
    if (!bio)
    {
        throw std::bad_alloc();
    }
    EVP_PKEY* p = nullptr;
    if (isPublic && pem.starts_with("-----BEGIN PUBLIC KEY-----"))
    {
        p = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
    }
    else
    {
        // PKCS#8 "PRIVATE KEY" or SEC1 "EC PRIVATE KEY"; no passphrase.
        p = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, const_cast<char*>(""));
    }
    if (p == nullptr)
    {
        throw std::runtime_error("PEM: OpenSSL could not parse the key block");
    }
    return Key(Own(p));
}

Key Key::FromDer(ByteView der)
{
    const unsigned char* q = der.data();
    EVP_PKEY* p = d2i_PUBKEY(nullptr, &q, static_cast<long>(der.size()));
    if (p == nullptr || q != der.data() + der.size())
    {
        EVP_PKEY_free(p);
        q = der.data();
        p = d2i_AutoPrivateKey(nullptr, &q, static_cast<long>(der.size()));
        if (p != nullptr && q != der.data() + der.size())
        {
            EVP_PKEY_free(p);
            p = nullptr;
        }
    }
    if (p == nullptr)
    {
        throw std::runtime_error("DER: neither SubjectPublicKeyInfo nor PKCS#8/SEC1 private key");
    }
    return Key(Own(p));
}

Key Key::FromCoseKey(const cbor::Value& k)
{
    if (!k.isMap())
    {
        throw std::runtime_error("COSE_Key: not a map");
    }
    const auto kty = IntMember(k, 1);
    const auto crv = IntMember(k, -1);
    const cbor::Value* d = k.find(-4);
    if (d != nullptr && !d->isBstr())
    {
        throw std::runtime_error("COSE_Key: d (-4) must be a bstr");
    }
    if (kty == 2)
    {
        if (crv != 1)
        {
            throw std::runtime_error("COSE_Key: EC2 key with crv other than P-256 (1)");
        }
        const cbor::Value* x = k.find(-2);
        const cbor::Value* y = k.find(-3);
        if ((x != nullptr && !x->isBstr()) || (y != nullptr && !y->isBstr()))
        {
            throw std::runtime_error("COSE_Key: x (-2) and y (-3) must be bstr (no point "
                                     "compression)");
        }
        BnPtr dbn(nullptr, BN_free);
        if (d != nullptr)
        {
            if (d->bytes().size() != 32)
            {
                throw std::runtime_error("COSE_Key: P-256 d must be 32 bytes");
            }
            dbn.reset(BN_bin2bn(d->bytes().data(), 32, nullptr));
        }
        std::optional<ByteView> xv, yv;
        if (x != nullptr && y != nullptr)
        {
            xv = ByteView(x->bytes());
            yv = ByteView(y->bytes());
        }
        return Key(MakeP256(dbn.get(), xv, yv));
    }
    if (kty == 1)
    {
        if (crv != 6)
        {
            throw std::runtime_error("COSE_Key: OKP key with crv other than Ed25519 (6)");
        }
        if (d != nullptr)
        {
            if (d->bytes().size() != 32)
            {
                throw std::runtime_error("COSE_Key: Ed25519 d must be 32 bytes");
            }
            Key key(Own(
                EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, d->bytes().data(), 32)));
            const cbor::Value* x = k.find(-2);
            if (x != nullptr && (!x->isBstr() || x->bytes() != key.RawPublic()))
            {
                throw std::runtime_error("COSE_Key: Ed25519 d does not match x");
            }
            return key;
        }
        const Bytes& x = BytesMember(k, -2, "x (-2)");
        if (x.size() != 32)
        {
            throw std::runtime_error("COSE_Key: Ed25519 x must be 32 bytes");
        }
        return Key(Own(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, x.data(), 32)));
    }
    throw std::runtime_error("COSE_Key: kty must be 2 (EC2) or 1 (OKP)");
}

Key Key::FromFile(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    if (!f)
    {
        throw std::runtime_error("key file " + path + ": cannot open");
    }
    Bytes data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    try
    {
        std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
        if (text.find("-----BEGIN") != std::string_view::npos)
        {
            return FromPem(text);
        }
        if (data.empty())
        {
            throw std::runtime_error("empty file");
        }
        if (data[0] == 0x30) // DER SEQUENCE
        {
            return FromDer(data);
        }
        if ((data[0] & 0xe0) == 0xa0) // CBOR map
        {
            auto v = cbor::Decode(data);
            if (!v)
            {
                throw std::runtime_error("COSE_Key CBOR: " + v.error().ToString());
            }
            return FromCoseKey(*v);
        }
        throw std::runtime_error("neither PEM, DER nor a COSE_Key map");
    }
    catch (const std::exception& e)
    {
        throw std::runtime_error("key file " + path + ": " + e.what());
    }
}

std::string Key::PublicPem() const
{
    if (modelled())
    {
        throw std::runtime_error("key: a modelled key (crypto mode modelled) has no PEM form");
    }
    BioPtr bio(BIO_new(BIO_s_mem()), BIO_free);
    if (!valid() || !bio || PEM_write_bio_PUBKEY(bio.get(), get()) != 1)
    {
        throw std::runtime_error("key: PEM export of the public key failed");
    }
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<size_t>(n));
}

std::string Key::PrivatePem() const
{
    if (modelled())
    {
        throw std::runtime_error("key: a modelled key (crypto mode modelled) has no PEM form");
    }
    BioPtr bio(BIO_new(BIO_s_mem()), BIO_free);
    if (!hasPrivate() || !bio ||
        PEM_write_bio_PrivateKey(bio.get(), get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    {
        throw std::runtime_error("key: PEM export of the private key failed");
    }
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<size_t>(n));
}

} // namespace teepsim::crypto
