// Cross-key checks of the freshness mechanism (issue 13, docs/THEORY-FRESHNESS.md): what the
// model cannot run is an error; keys that a chosen mechanism ignores get a no-effect warning.
#include <string>

#include "sim/scenario/load_context.h"

namespace teepsim::sim::detail
{

void CheckFreshness(const Scenario& s, DiagnosticSink& sink, bool with_warnings)
{
    const Freshness f = s.verifier.freshness;
    if (f == Freshness::Epoch && s.verifier.model == AttestationModel::Passport)
    {
        // A passport AR reaches relying parties through the device; only the background-check
        // path traces the epoch ID the Verifier wrote.
        sink.ErrorAtKeys(s, {"verifier.freshness", "verifier.model", "verifier"},
                         "verifier.freshness: epoch is modelled with verifier.model "
                         "background-check only, not passport");
    }
    // A sweep over the mechanism uses every mechanism's keys somewhere.
    bool swept = false;
    for (const SweepAxis& axis : s.sweep.grid)
    {
        swept = swept || axis.key == "verifier.freshness";
    }
    if (!with_warnings || swept)
    {
        return;
    }
    auto warn = [&](const std::string& key, const std::string& message)
    {
        auto it = s.source.origins.find(key);
        if (it != s.source.origins.end())
        {
            sink.Warning(it->second, message);
        }
    };
    if (f != Freshness::Epoch)
    {
        for (const char* leaf : {"duration", "window", "delivery_delay", "delivery_law"})
        {
            const std::string key = std::string("verifier.epoch.") + leaf;
            warn(key, key + " has no effect unless verifier.freshness is epoch");
        }
    }
    if (f != Freshness::Nonce)
    {
        for (const char* leaf : {"check_interval", "check_law", "timeout"})
        {
            const std::string key = std::string("relying_party.") + leaf;
            warn(key, key + " has no effect unless verifier.freshness is nonce");
        }
    }
}

} // namespace teepsim::sim::detail
