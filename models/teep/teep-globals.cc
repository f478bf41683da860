// The GlobalValues behind teep-wire.h. "TeepCryptoMode" uses an EnumChecker that pushes every
// validated value into the codec, because GlobalValue has no change callback and the codec
// (no ns-3) keeps its own process-wide mode.
#include "ns3/enum.h"
#include "ns3/global-value.h"
#include "ns3/log.h"

#include "teep-wire.h"

namespace ns3::teepwire
{

NS_LOG_COMPONENT_DEFINE("TeepGlobals");

namespace
{

namespace crypto = teepsim::crypto;
namespace teep = teepsim::teep;

crypto::SignatureMode ToSignatureMode(int v)
{
    return v == CRYPTO_MODELLED ? crypto::SignatureMode::Modelled : crypto::SignatureMode::Real;
}

/// An EnumChecker for "TeepCryptoMode": GlobalValue::SetValue (Bind, SetGlobal, the
/// environment) checks the final value right before storing it, so Check is where the codec
/// learns the new mode.
class CryptoModeChecker : public EnumChecker
{
  public:
    CryptoModeChecker()
    {
        AddDefault(CRYPTO_REAL, "Real");
        Add(CRYPTO_MODELLED, "Modelled");
    }

    bool Check(const AttributeValue& value) const override
    {
        if (!EnumChecker::Check(value))
        {
            return false;
        }
        const auto* e = dynamic_cast<const EnumValue*>(&value);
        crypto::SetSignatureMode(ToSignatureMode(e->Get()));
        return true;
    }
};

GlobalValue g_wireProfile("TeepWireProfile",
                          "TEEP wire profile of every message the models build and parse: "
                          "Draft26 (draft-ietf-teep-protocol-26 numbering) or Legacy (drafts up "
                          "to -25, as libteep/tamproto).",
                          EnumValue(WIRE_DRAFT26),
                          MakeEnumChecker(WIRE_DRAFT26, "Draft26", WIRE_LEGACY, "Legacy"));

GlobalValue g_cryptoMode("TeepCryptoMode",
                         "Real: ECDSA P-256 / Ed25519 signatures. Modelled: same COSE structure "
                         "and sizes with a hash tag anyone can forge, CPU time charged per "
                         "operation (TeepCryptoOpTime) instead; for very large fleets.",
                         EnumValue(CRYPTO_REAL), Create<CryptoModeChecker>());

GlobalValue g_cryptoOpTime("TeepCryptoOpTime",
                           "Simulated CPU time per signature operation (sign or verify) when "
                           "TeepCryptoMode is Modelled.",
                           TimeValue(Seconds(0)), MakeTimeChecker(Seconds(0)));

int EnumOf(const GlobalValue& g)
{
    EnumValue v;
    g.GetValue(v);
    return v.Get();
}

} // namespace

const teep::Profile& Wire()
{
    // GetValue copies an int through the checker: cheap enough per message, and never stale.
    return teep::Profile::Get(static_cast<teep::ProfileId>(EnumOf(g_wireProfile)));
}

Time CryptoCharge(uint64_t ops)
{
    const crypto::SignatureMode mode = ToSignatureMode(EnumOf(g_cryptoMode));
    if (crypto::GetSignatureMode() != mode)
    {
        NS_LOG_WARN("TeepCryptoMode changed without its checker; applying it now");
        crypto::SetSignatureMode(mode);
    }
    if (mode != crypto::SignatureMode::Modelled || ops == 0)
    {
        return Time(0);
    }
    TimeValue t;
    g_cryptoOpTime.GetValue(t);
    return t.Get() * static_cast<int64_t>(ops);
}

void ResetCodecGlobals()
{
    g_wireProfile.SetValue(EnumValue(WIRE_DRAFT26));
    g_cryptoMode.SetValue(EnumValue(CRYPTO_REAL));
    g_cryptoOpTime.SetValue(TimeValue(Seconds(0)));
}

} // namespace ns3::teepwire
