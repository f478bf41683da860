// Recorder inputs and the window X of execution-time TA authorization (recorder.h, "Execution-time
// authorization"; docs/THEORY-AUTHORIZATION.md).
#include "teepsim/sim/recorder.h"

#include <algorithm>

namespace teepsim::recorder
{

void Recorder::MarkExecutionTime(DeviceId device)
{
    if (device == kUnknownDevice)
    {
        ++m_counters[kUnknownDeviceEvents].second;
        return;
    }
    Device(device).executionTime = true;
    m_anyExecutionTime = true;
}

void Recorder::OnAuthorizationStatus(DeviceId device, std::string_view ta, bool good,
                                     TimeNs validUntil, TimeNs t)
{
    if (device == kUnknownDevice)
    {
        ++m_counters[kUnknownDeviceEvents].second;
        return;
    }
    const TaId id = InternTa(ta);
    Count(good ? "authorization_good" : "authorization_revoked");
    auto& held = Device(device).authorizedUntil;
    auto it = std::find_if(held.begin(), held.end(), [&](const auto& h) { return h.first == id; });
    if (it == held.end())
    {
        held.emplace_back(id, kNoAr);
        it = held.end() - 1;
    }
    // Good: authorized until validUntil. Revoked: the authorization held ends now.
    it->second = good ? std::max(it->second, validUntil) : std::min(it->second, validUntil);
    for (auto& m : m_malicious)
    {
        if (m.ta != id || device >= m.byDevice.size() || m.byDevice[device] == kNone)
        {
            continue;
        }
        auto& e = m.open[m.byDevice[device]];
        if (t > e.removed)
        {
            continue; // the TA is gone: what the gate says no longer matters
        }
        e.authEnd = it->second;
    }
}

void Recorder::OnAuthorizationRevoked(std::string_view ta, TimeNs t)
{
    const TaId id = InternTa(ta);
    m_revoked[id] = std::min(m_revoked[id], t);
    for (auto& m : m_malicious)
    {
        if (m.ta == id)
        {
            m.revoked = std::min(m.revoked, t);
        }
    }
}

void Recorder::FillExecution(Exposure& x, const Malicious& m, const OpenExposure& e) const
{
    const bool executionTime = x.device < m_state.size() && m_state[x.device].executionTime;
    x.executionTime = executionTime;
    if (!executionTime)
    {
        // The TA runs until it is removed.
        x.execEnd = x.removed;
        x.x = x.r;
        x.xCensored = x.rCensored;
        return;
    }
    const TimeNs h = m_horizon;
    // No authorization at all (or one ended before t0): the TA could not run at t0.
    const TimeNs authEnd = std::max(e.authEnd, m.t0);
    // The last authorization is final once the service revokes and it has run out by H.
    const bool authFinal = m.revoked <= h && authEnd <= h;
    const bool removedKnown = x.removed.has_value();
    if (removedKnown || authFinal)
    {
        const TimeNs end = removedKnown ? std::min(*x.removed, authEnd) : authEnd;
        x.execEnd = end;
        x.x = end - m.t0;
    }
    x.xCensored = !x.x;
    // W_danger = min(X, T_trust); a censored side exceeds H - t0, which bounds the known one.
    if (x.x && x.tTrust)
    {
        x.wDanger = std::min(*x.x, *x.tTrust);
    }
    else if (x.x || x.tTrust)
    {
        x.wDanger = x.x ? *x.x : *x.tTrust;
    }
    else
    {
        x.wDanger.reset();
    }
}

} // namespace teepsim::recorder
