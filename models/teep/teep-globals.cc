// The GlobalValues behind teep-wire.h. GlobalValue has no change callback, but SetValue (Bind,
// BindFailSafe, Config::SetGlobal, the command line) validates every new value with the
// checker's Check right before storing it; so the checkers here are where changes are seen:
// "TeepCryptoMode"'s pushes the value into the codec (no ns-3, its own process-wide mode), and
// all three mark the cached copy that Wire() and CryptoCharge() read stale. Reading a
// GlobalValue costs two dynamic_casts and a virtual copy, and the models ask on every message.
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

/// The three values as last read from the GlobalValues; `fresh` is cleared by every checker
/// (so by every SetValue) and by RefreshCodecGlobals, and the next reader reloads all three.
/// Starts stale (a value from NS_GLOBAL_VALUE is read on first use) and is constant-initialised,
/// because the GlobalValue constructors below run Check during static initialisation.
struct Cache
{
    bool fresh = false;
    const teep::Profile* wire = nullptr;
    crypto::SignatureMode mode = crypto::SignatureMode::Real;
    int64_t opTimeSteps = 0; // TimeStep units (ns3::Time is not constant-initialisable)
};
constinit Cache g_cache{};

/// An EnumChecker that marks the cache stale whenever it accepts a value.
class CachedEnumChecker : public EnumChecker
{
  public:
    bool Check(const AttributeValue& value) const override
    {
        if (!EnumChecker::Check(value))
        {
            return false;
        }
        g_cache.fresh = false;
        return true;
    }
};

/// An EnumChecker for "TeepCryptoMode": GlobalValue::SetValue (Bind, SetGlobal) checks the
/// final value right before storing it, so Check is where the codec learns the new mode.
class CryptoModeChecker : public CachedEnumChecker
{
  public:
    CryptoModeChecker()
    {
        AddDefault(CRYPTO_REAL, "Real");
        Add(CRYPTO_MODELLED, "Modelled");
    }

    bool Check(const AttributeValue& value) const override
    {
        if (!CachedEnumChecker::Check(value))
        {
            return false;
        }
        const auto* e = dynamic_cast<const EnumValue*>(&value);
        crypto::SetSignatureMode(ToSignatureMode(e->Get()));
        return true;
    }
};

/// "TeepWireProfile"'s checker.
class WireProfileChecker : public CachedEnumChecker
{
  public:
    WireProfileChecker()
    {
        AddDefault(WIRE_DRAFT26, "Draft26");
        Add(WIRE_LEGACY, "Legacy");
    }
};

/// "TeepCryptoOpTime"'s checker: MakeTimeChecker(0)'s range check, marking the cache stale.
class OpTimeChecker : public AttributeChecker
{
  public:
    OpTimeChecker() : m_time(MakeTimeChecker(Seconds(0))) {}

    bool Check(const AttributeValue& value) const override
    {
        if (!m_time->Check(value))
        {
            return false;
        }
        g_cache.fresh = false;
        return true;
    }

    std::string GetValueTypeName() const override { return m_time->GetValueTypeName(); }
    bool HasUnderlyingTypeInformation() const override
    {
        return m_time->HasUnderlyingTypeInformation();
    }
    std::string GetUnderlyingTypeInformation() const override
    {
        return m_time->GetUnderlyingTypeInformation();
    }
    Ptr<AttributeValue> Create() const override { return m_time->Create(); }
    bool Copy(const AttributeValue& source, AttributeValue& destination) const override
    {
        return m_time->Copy(source, destination);
    }

  private:
    Ptr<const AttributeChecker> m_time;
};

GlobalValue g_wireProfile("TeepWireProfile",
                          "TEEP wire profile of every message the models build and parse: "
                          "Draft26 (draft-ietf-teep-protocol-26 numbering) or Legacy (drafts up "
                          "to -25, as libteep/tamproto).",
                          EnumValue(WIRE_DRAFT26), Create<WireProfileChecker>());

GlobalValue g_cryptoMode("TeepCryptoMode",
                         "Real: ECDSA P-256 / Ed25519 signatures. Modelled: same COSE structure "
                         "and sizes with a hash tag anyone can forge, CPU time charged per "
                         "operation (TeepCryptoOpTime) instead; for very large fleets.",
                         EnumValue(CRYPTO_REAL), Create<CryptoModeChecker>());

GlobalValue g_cryptoOpTime("TeepCryptoOpTime",
                           "Simulated CPU time per signature operation (sign or verify) when "
                           "TeepCryptoMode is Modelled.",
                           TimeValue(Seconds(0)), Create<OpTimeChecker>());

int EnumOf(const GlobalValue& g)
{
    EnumValue v;
    g.GetValue(v);
    return v.Get();
}

/// The cache, reloaded from the GlobalValues if a checker marked it stale.
const Cache& Current()
{
    if (!g_cache.fresh)
    {
        g_cache.wire = &teep::Profile::Get(static_cast<teep::ProfileId>(EnumOf(g_wireProfile)));
        g_cache.mode = ToSignatureMode(EnumOf(g_cryptoMode));
        TimeValue t;
        g_cryptoOpTime.GetValue(t);
        g_cache.opTimeSteps = t.Get().GetTimeStep();
        g_cache.fresh = true;
    }
    return g_cache;
}

} // namespace

const teep::Profile& Wire()
{
    return *Current().wire;
}

Time CryptoCharge(uint64_t ops)
{
    const Cache& c = Current();
    if (crypto::GetSignatureMode() != c.mode)
    {
        NS_LOG_WARN("TeepCryptoMode changed without its checker; applying it now");
        crypto::SetSignatureMode(c.mode);
    }
    if (c.mode != crypto::SignatureMode::Modelled || ops == 0)
    {
        return Time(0);
    }
    return TimeStep(c.opTimeSteps) * static_cast<int64_t>(ops);
}

void ResetCodecGlobals()
{
    g_wireProfile.SetValue(EnumValue(WIRE_DRAFT26));
    g_cryptoMode.SetValue(EnumValue(CRYPTO_REAL));
    g_cryptoOpTime.SetValue(TimeValue(Seconds(0)));
}

void RefreshCodecGlobals()
{
    g_cache.fresh = false;
    crypto::SetSignatureMode(Current().mode);
}

} // namespace ns3::teepwire
