// Structure recognition and checks for `teepsim decode`.
#include "inspector.h"

#include "teepsim/codec/eat.h"
#include "teepsim/codec/teep.h"

#include <functional>

#include "annotated_diagnostic.h"

namespace teepsim::decode
{

namespace
{

constexpr int kMaxNesting = 8; // COSE payload -> TEEP -> SUIT -> ... stays shallow in practice

bool Printable(cbor::ByteView b)
{
    for (uint8_t c : b)
    {
        if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f)
        {
            return false;
        }
    }
    return true;
}

std::string Plural(size_t n, const char* what)
{
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

} // namespace

bool LooksLikeCose(const cbor::Value& v)
{
    const cbor::Value& a = v.isTag() ? v.tagged() : v;
    if (v.isTag() && v.tag() != cose::kTagSign1 && v.tag() != cose::kTagSign)
    {
        return false;
    }
    if (!a.isArray() || a.array().size() != 4)
    {
        return false;
    }
    const auto& e = a.array();
    return e[0].isBstr() && e[1].isMap() && (e[2].isBstr() || e[2].isNull()) &&
           (e[3].isBstr() || e[3].isArray());
}

bool LooksLikeSuit(const cbor::Value& v)
{
    if (v.isTag())
    {
        return v.tag() == suit::kEnvelopeTag;
    }
    return v.isMap() && v.find(suit::envelope_key::kAuthenticationWrapper) &&
           v.find(suit::envelope_key::kManifest) && v.find(suit::envelope_key::kManifest)->isBstr();
}

bool LooksLikeTeep(const cbor::Value& v)
{
    return v.isArray() && v.array().size() >= 2 && v.array()[0].isUint() && v.array()[1].isMap();
}

std::string AlgName(int64_t alg)
{
    const char* name = AlgShortName(alg);
    return (name ? std::string(name) + " " : std::string()) + "(" + std::to_string(alg) + ")";
}

std::string Hex(cbor::ByteView b)
{
    return crypto::ToHex(b);
}

void Inspector::Malformed(const std::string& where, const std::string& reason)
{
    Line(where + ": MALFORMED: " + reason);
    if (!malformed_)
    {
        malformed_ = where + ": " + reason;
    }
}

std::string Inspector::Inspect(cbor::ByteView bytes, const cbor::Value& v)
{
    return Recognise(bytes, v, "input", 0);
}

std::string Inspector::Recognise(cbor::ByteView bytes, const cbor::Value& v,
                                 const std::string& where, int depth)
{
    if (depth > kMaxNesting)
    {
        return "CBOR data item (nested too deeply to inspect)";
    }
    if (LooksLikeCose(v))
    {
        auto msg = cose::ParseSigned(bytes);
        if (!msg)
        {
            Malformed(where, msg.error().message);
            return "malformed COSE_Sign1/COSE_Sign";
        }
        return Signed(*msg, where, depth);
    }
    if (v.isTag() && (v.tag() == cose::kTagSign1 || v.tag() == cose::kTagSign))
    {
        Malformed(where, "tag " + std::to_string(v.tag()) + " content is not a COSE structure");
        return "malformed COSE structure";
    }
    if (LooksLikeSuit(v))
    {
        return Suit(bytes, where);
    }
    if (v.isTag() && v.tag() == cose::kTagEncrypt)
    {
        return "COSE_Encrypt (tag 96)";
    }
    if (v.isTag() && v.tag() == cose::kTagEncrypt0)
    {
        return "COSE_Encrypt0 (tag 16)";
    }
    if (LooksLikeTeep(v))
    {
        return Teep(bytes, where, depth);
    }
    if (v.isMap())
    {
        return Map(v, bytes, where);
    }
    return "CBOR data item (no TEEP, COSE, SUIT, EAT or COSE_Key structure recognised)";
}

std::string Inspector::Signed(const cose::SignedMessage& msg, const std::string& where, int depth)
{
    std::string name = msg.multi ? "COSE_Sign" : "COSE_Sign1";
    name += msg.tagged ? " (tagged)" : " (untagged)";
    if (msg.multi)
    {
        name += " with " + Plural(msg.signatures.size(), "signer");
    }
    if (!msg.payload)
    {
        name += ", detached payload";
        for (size_t i = 0; i < msg.signatures.size(); ++i)
        {
            ++seen_;
            Line(where + " signature[" + std::to_string(i) +
                 "]: not checked: the payload is detached");
        }
        return name;
    }
    const cbor::Bytes& payload = *msg.payload;
    auto inner = cbor::Decode(payload);
    if (inner)
    {
        name += " wrapping " + Recognise(payload, *inner, where + " payload", depth + 1);
    }
    else
    {
        name += " wrapping " + Plural(payload.size(), "byte") + " of non-CBOR payload";
    }
    std::vector<Check> checks;
    for (size_t i = 0; i < msg.signatures.size(); ++i)
    {
        const cbor::Bytes tbs = cose::SigStructure(msg, i, payload);
        checks.push_back(CheckSignature(msg.signatures[i], tbs,
                                        where + " signature[" + std::to_string(i) + "]"));
    }
    Tally(checks);
    return name;
}

void Inspector::Tally(const std::vector<Check>& checks)
{
    if (o_.keys.empty() || checks.empty())
    {
        return;
    }
    bool anyValid = false, anyInvalid = false;
    for (Check c : checks)
    {
        anyValid |= c == Check::Valid;
        anyInvalid |= c == Check::Invalid;
    }
    if (!anyValid && !anyInvalid)
    {
        ++unmatched_;
    }
}

Inspector::Check Inspector::CheckSignature(const cose::Signature& sig, cbor::ByteView tbs,
                                           const std::string& label)
{
    ++seen_;
    const auto alg = sig.alg();
    const auto kid = sig.kid();
    std::string head = label + ": alg " + (alg ? AlgName(int64_t(*alg)) : "none") + ", kid " +
                       (kid ? Hex(*kid) : "none");
    if (o_.keys.empty())
    {
        Line(head + ": not checked (no --key given)");
        return Check::NotChecked;
    }
    if (!alg || !crypto::IsSignatureAlg(*alg))
    {
        Line(head + ": no given key matches (unsupported or missing algorithm)");
        return Check::Unmatched;
    }
    // A kid that names one of the keys selects it; otherwise every key of the right type.
    std::vector<const NamedKey*> candidates;
    bool byKid = false;
    if (kid)
    {
        for (const auto& k : o_.keys)
        {
            if (k.key.Thumbprint() == *kid && crypto::AlgMatchesKey(*alg, k.key))
            {
                candidates.push_back(&k);
                byKid = true;
            }
        }
    }
    if (candidates.empty())
    {
        for (const auto& k : o_.keys)
        {
            if (crypto::AlgMatchesKey(*alg, k.key))
            {
                candidates.push_back(&k);
            }
        }
    }
    if (candidates.empty())
    {
        Line(head + ": no given key matches");
        return Check::Unmatched;
    }
    for (const NamedKey* k : candidates)
    {
        if (crypto::Verify(*alg, k->key, tbs, sig.signature))
        {
            ++valid_;
            Line(head + ": valid (key " + k->path + ")");
            return Check::Valid;
        }
    }
    ++failures_;
    if (byKid)
    {
        Line(head + ": INVALID (the kid names key " + candidates.front()->path + ")");
    }
    else
    {
        Line(head + ": INVALID: does not verify with the " +
             Plural(candidates.size(), "given key") + " of that type");
    }
    return Check::Invalid;
}

std::string Inspector::Teep(cbor::ByteView bytes, const std::string& where, int depth)
{
    auto msg = teep::Decode(bytes, *o_.profile);
    const std::string profile(o_.profile->name());
    const bool readsHere = msg || msg.failure().kind == teep::Failure::Kind::Unsupported;
    const auto other = OtherReading(bytes, readsHere);
    if (other)
    {
        otherReadings_.push_back(where + ": " + *other);
    }
    if (!msg && msg.failure().kind == teep::Failure::Kind::Unsupported)
    {
        // Well-formed, but a receiver with our capabilities would refuse it (negotiation).
        const auto t = cbor::Decode(bytes)->array()[0].rawUint();
        const auto type = o_.profile->TypeFromWire(t);
        Line(where + ": a receiver would refuse it: " + msg.failure().ToString());
        return std::string("TEEP ") + (type ? teep::ToString(*type) : "message") + " (profile " +
               profile + "), unsupported by this receiver";
    }
    if (!msg)
    {
        // The hint rides on the one-line error: a legacy message read as draft26 says so.
        Malformed(where, "not a valid TEEP message under profile " + profile + ": " +
                             msg.failure().ToString() + (other ? "; " + *other : ""));
        return "invalid TEEP message (profile " + profile + ")";
    }
    const std::string name =
        std::string("TEEP ") + teep::ToString(teep::TypeOf(*msg)) + " (profile " + profile + ")";
    // Nested structures the message carries: evidence / attestation results and manifests.
    auto nested = [&](const cbor::Bytes& b, const std::string& at)
    {
        auto v = cbor::Decode(b);
        if (!v)
        {
            Line(at + ": " + Plural(b.size(), "byte") + ", not CBOR");
            return;
        }
        // Name first, then the lines of what it holds.
        const size_t slot = lines_.size();
        Line(at + ": ");
        const std::string inner = Recognise(b, *v, at, depth + 1);
        lines_[slot] += inner;
    };
    std::visit(
        [&](const auto& m)
        {
            using T = std::decay_t<decltype(m)>;
            if constexpr (requires { m.attestationPayload; })
            {
                if (m.attestationPayload && !m.attestationPayload->empty())
                {
                    nested(*m.attestationPayload, where + " attestation-payload");
                }
            }
            if constexpr (std::is_same_v<T, teep::Update>)
            {
                if (m.manifestList)
                {
                    for (size_t i = 0; i < m.manifestList->size(); ++i)
                    {
                        nested((*m.manifestList)[i],
                               where + " manifest-list[" + std::to_string(i) + "]");
                    }
                }
            }
        },
        *msg);
    return name;
}

std::optional<std::string> Inspector::OtherReading(cbor::ByteView bytes, bool readsHere)
{
    const teep::Profile& other = o_.profile->id() == teep::ProfileId::Draft26
                                     ? teep::Profile::Legacy()
                                     : teep::Profile::Draft26();
    auto there = teep::Decode(bytes, other);
    if (!there && there.failure().kind != teep::Failure::Kind::Unsupported)
    {
        return std::nullopt;
    }
    const uint64_t wire = cbor::Decode(bytes)->array()[0].rawUint();
    const auto hereType = o_.profile->TypeFromWire(wire);
    const auto thereType = other.TypeFromWire(wire);
    if (!thereType || (readsHere && hereType == thereType))
    {
        return std::nullopt;
    }
    const std::string thereText = std::string("a TEEP ") + teep::ToString(*thereType) +
                                  " under --profile " + std::string(other.name());
    if (!readsHere && hereType && hereType != thereType)
    {
        return "wire type " + std::to_string(wire) + " would be a TEEP " +
               teep::ToString(*hereType) + " under profile " + std::string(o_.profile->name()) +
               ", but the message is " + thereText;
    }
    if (!readsHere || !hereType)
    {
        return "it is " + thereText;
    }
    return "wire type " + std::to_string(wire) + " reads as a TEEP " + teep::ToString(*hereType) +
           " under --profile " + std::string(o_.profile->name()) + " but as " + thereText +
           "; give --profile " + std::string(other.name()) + " if its sender uses that numbering";
}

std::string Inspector::Suit(cbor::ByteView bytes, const std::string& where)
{
    suit::Status why = suit::Status::Ok;
    auto env = suit::ParseEnvelope(bytes, &why);
    if (!env)
    {
        Malformed(where, std::string("SUIT_Envelope (") + suit::ToString(why) +
                             "): " + env.error().ToString());
        return "malformed SUIT_Envelope";
    }
    const suit::Manifest& m = env->manifest;
    std::string name = std::string("SUIT_Envelope (") + (env->tagged ? "tagged" : "untagged") +
                       "), manifest sequence number " + std::to_string(m.sequenceNumber);
    if (m.manifestComponentId)
    {
        name += ", manifest " + suit::ComponentIdToString(*m.manifestComponentId);
    }
    for (size_t i = 0; i < m.components.size(); ++i)
    {
        Line(where + " component[" + std::to_string(i) +
             "]: " + suit::ComponentIdToString(m.components[i]));
    }
    const auto digest = suit::CheckManifestDigest(*env);
    if (digest.ok())
    {
        Line(where + " manifest digest: matches SHA-256 of the bstr-wrapped manifest");
    }
    else if (digest.status == suit::Status::UnsupportedAlgorithm)
    {
        Line(where + " manifest digest: not checked (" + digest.reason + ")");
    }
    else
    {
        ++failures_;
        Line(where + " manifest digest: MISMATCH (" + digest.reason + ")");
    }
    if (env->authBlocks.empty())
    {
        Line(where + ": no signature in the authentication wrapper (digest only)");
    }
    for (size_t j = 0; j < env->authBlocks.size(); ++j)
    {
        const std::string at = where + " authentication[" + std::to_string(j) + "]";
        auto block = cose::ParseSigned(env->authBlocks[j]);
        if (!block)
        {
            Malformed(at, block.error().message);
            continue;
        }
        // SUIT signs the encoded SUIT_Digest as a detached payload.
        const cbor::Bytes& payload = block->payload ? *block->payload : env->digestBytes;
        std::vector<Check> checks;
        for (size_t i = 0; i < block->signatures.size(); ++i)
        {
            checks.push_back(CheckSignature(block->signatures[i],
                                            cose::SigStructure(*block, i, payload),
                                            at + " signature[" + std::to_string(i) + "]"));
        }
        Tally(checks);
    }
    for (const auto& [key, payload] : env->integrated)
    {
        Line(where + " integrated payload \"" + key + "\": " + Plural(payload.size(), "byte"));
    }
    Encrypted(*env, where);
    return name;
}

// Finds suit-parameter-encryption-info in every command sequence and opens it with the KEK.
void Inspector::Encrypted(const suit::Envelope& env, const std::string& where)
{
    const suit::Manifest& m = env.manifest;
    const std::pair<const char*, const std::optional<suit::CommandSequence>*> sections[] = {
        {"shared-sequence", &m.sharedSequence},
        {"dependency-resolution", &m.dependencyResolution},
        {"payload-fetch", &m.payloadFetch},
        {"install", &m.install},
        {"validate", &m.validate},
        {"load", &m.load},
        {"invoke", &m.invoke},
        {"uninstall", &m.uninstall},
    };
    std::function<void(const suit::CommandSequence&, const std::string&, int)> walk;
    walk = [&](const suit::CommandSequence& seq, const std::string& section, int depth)
    {
        std::optional<cbor::Bytes> content; // parameter-content, as set so far in this sequence
        std::optional<std::string> uri;
        for (const suit::Command& c : seq)
        {
            if ((c.code == suit::cmd::kTryEach && c.arg.isArray()) ||
                (c.code == suit::cmd::kRunSequence && c.arg.isBstr()))
            {
                if (depth >= 4)
                {
                    continue;
                }
                const cbor::Array one{c.arg};
                for (const cbor::Value& s : c.arg.isArray() ? c.arg.array() : one)
                {
                    if (s.isBstr())
                    {
                        if (auto nested = suit::ParseCommandSequence(s.bytes(), section))
                        {
                            walk(*nested, section, depth + 1);
                        }
                    }
                }
                continue;
            }
            if (c.code != suit::cmd::kOverrideParameters && c.code != suit::cmd::kSetParameters)
            {
                continue;
            }
            if (const cbor::Value* p = c.arg.find(suit::param::kContent); p && p->isBstr())
            {
                content = p->bytes();
            }
            if (const cbor::Value* p = c.arg.find(suit::param::kUri); p && p->isTstr())
            {
                uri = p->text();
            }
            const cbor::Value* info = c.arg.find(suit::param::kEncryptionInfo);
            if (!info || !info->isBstr())
            {
                continue;
            }
            const std::string at = where + " " + section + " encrypted payload";
            std::optional<cbor::Bytes> ciphertext = content;
            if (!ciphertext && uri && !uri->empty() && (*uri)[0] == '#')
            {
                if (const suit::ImageBytes* b = env.FindIntegrated(*uri))
                {
                    ciphertext = *b;
                }
            }
            if (!o_.kek)
            {
                Line(at + ": not decrypted (no --kek given)");
                continue;
            }
            std::optional<cbor::ByteView> detached;
            if (ciphertext)
            {
                detached = cbor::ByteView(*ciphertext);
            }
            const auto r = cose::Decrypt(info->bytes(), o_.kek->key, detached);
            if (r.status != cose::CoseStatus::Ok)
            {
                ++failures_;
                Line(at + ": DECRYPTION FAILED with " + o_.kek->path + " (" +
                     cose::ToString(r.status) + ")");
                continue;
            }
            Line(at + ": decrypted " + Plural(r.plaintext.size(), "byte") + " with " +
                 o_.kek->path);
            if (Printable(r.plaintext))
            {
                Line("  plaintext: " + std::string(r.plaintext.begin(), r.plaintext.end()));
            }
            else
            {
                Line("  plaintext (hex): " + Hex(r.plaintext));
            }
        }
    };
    for (const auto& [section, seq] : sections)
    {
        if (*seq)
        {
            walk(**seq, section, 0);
        }
    }
}

std::string Inspector::Map(const cbor::Value& v, cbor::ByteView bytes, const std::string& where)
{
    // COSE_Key: kty 1 (OKP) or 2 (EC2) with a curve.
    const cbor::Value* kty = v.find(1);
    if (kty && kty->isUint() && (kty->rawUint() == 1 || kty->rawUint() == 2) && v.find(-1))
    {
        try
        {
            const crypto::Key key = crypto::Key::FromCoseKey(v);
            const char* type = key.type() == crypto::KeyType::P256 ? "EC2 P-256" : "OKP Ed25519";
            Line(where + " COSE_Key thumbprint (RFC 9679 kid): " + Hex(key.Thumbprint()));
            return std::string("COSE_Key (") + type +
                   (key.hasPrivate() ? ", private)" : ", public)");
        }
        catch (const std::exception& e)
        {
            Malformed(where, std::string("COSE_Key: ") + e.what());
            return "invalid COSE_Key";
        }
    }
    if (v.find(eat::kClaimEarStatus) || v.find(eat::kClaimSubmods) || v.find(eat::kClaimProfile))
    {
        if (auto ar = eat::DecodeAttestationResult(bytes))
        {
            Line(where + " attestation result: status " + eat::ToString(ar->status) + ", iat " +
                 std::to_string(ar->iat) + ", exp " + std::to_string(ar->exp) + ", cnf kid " +
                 Hex(ar->cnfKid));
            return "EAR attestation result";
        }
    }
    if (v.find(eat::kClaimUeid) || v.find(eat::kClaimNonce))
    {
        auto ev = eat::DecodeEvidence(bytes);
        if (ev)
        {
            Line(where + " evidence: ueid " + Hex(ev->ueid) + ", eat_nonce " +
                 (ev->nonce ? Hex(*ev->nonce) : std::string("none")) + ", " +
                 Plural(ev->manifests.size(), "manifest") + ", cnf kid " + Hex(ev->cnfKid));
            return "EAT evidence";
        }
        Line(where + ": has EAT claims but is not TEEP EAT evidence: " + ev.failure().ToString());
        return "CBOR map (EAT-like claims set)";
    }
    return "CBOR map (no TEEP, COSE, SUIT, EAT or COSE_Key structure recognised)";
}

} // namespace teepsim::decode
