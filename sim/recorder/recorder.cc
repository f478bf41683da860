// Recorder inputs: per-device state and open exposures, updated in O(malicious TAs) per event.
#include "teepsim/sim/recorder.h"

#include <algorithm>

namespace teepsim::recorder
{

Recorder::Recorder(RecorderConfig config)
    : m_config(std::move(config)), m_sessionRate(m_config.bucketWidth, m_config.warmup),
      m_failedRate(m_config.bucketWidth, m_config.warmup),
      m_queueDelayBuckets(m_config.bucketWidth, m_config.warmup),
      m_queueSeries(m_config.bucketWidth, m_config.warmup),
      m_busySeries(m_config.bucketWidth, m_config.warmup)
{
    // The known outcomes get their indices (and order) first.
    for (const std::string& o : m_config.outcomes)
    {
        CauseIndex(o);
    }
    for (const char* name : {"ta_installed", "ta_removed", "ar_issued", "ar_affirming",
                             "ar_affirming_after_verifier_knew", "sessions", "sessions_failed",
                             "unknown_device_events"})
    {
        m_counters.emplace_back(name, 0);
    }
}

Recorder::DeviceState& Recorder::Device(DeviceId d)
{
    if (d >= m_state.size())
    {
        m_state.resize(size_t(d) + 1);
        m_devices.resize(size_t(d) + 1);
    }
    return m_state[d];
}

TaId Recorder::InternTa(std::string_view ta)
{
    if (const auto it = m_taIds.find(ta); it != m_taIds.end())
    {
        return it->second;
    }
    const auto id = static_cast<TaId>(m_taNames.size());
    m_taNames.emplace_back(ta);
    m_verifierKnows.push_back(kNever);
    m_revoked.push_back(kNever);
    m_taIds.emplace(std::string(ta), id);
    return id;
}

size_t Recorder::CounterIndex(std::string_view name)
{
    for (size_t i = 0; i < m_counters.size(); ++i)
    {
        if (m_counters[i].first == name)
        {
            return i;
        }
    }
    m_counters.emplace_back(std::string(name), 0);
    return m_counters.size() - 1;
}

void Recorder::Count(std::string_view counter, int64_t delta)
{
    m_counters[CounterIndex(counter)].second += delta;
}

void Recorder::RegisterDevice(DeviceId device, std::string_view deviceClass, bool hasRee,
                              std::string_view broker)
{
    if (device == kUnknownDevice)
    {
        ++m_counters[kUnknownDeviceEvents].second;
        return;
    }
    Device(device);
    auto& info = m_devices[device];
    info.deviceClass = deviceClass;
    info.hasRee = hasRee;
    info.broker = broker;
    if (m_deviceGroups.size() <= device)
    {
        m_deviceGroups.resize(size_t(device) + 1);
    }
    m_deviceGroups[device].cls =
        static_cast<uint32_t>(GroupIndex("class=" + std::string(deviceClass)));
    m_deviceGroups[device].broker =
        broker.empty() ? kNone : static_cast<uint32_t>(GroupIndex("broker=" + std::string(broker)));
}

size_t Recorder::GroupIndex(const std::string& name)
{
    for (size_t g = 0; g < m_groupNames.size(); ++g)
    {
        if (m_groupNames[g] == name)
        {
            return g;
        }
    }
    m_groupNames.push_back(name);
    m_causeCounts.emplace_back(m_causeNames.size());
    return m_groupNames.size() - 1;
}

size_t Recorder::CauseIndex(std::string_view cause)
{
    for (size_t c = 0; c < m_causeNames.size(); ++c)
    {
        if (m_causeNames[c] == cause)
        {
            return c;
        }
    }
    m_causeNames.emplace_back(cause);
    const auto& ok = m_config.nonFailureOutcomes;
    m_causeFailure.push_back(std::find(ok.begin(), ok.end(), cause) == ok.end());
    for (auto& counts : m_causeCounts)
    {
        counts.resize(m_causeNames.size());
    }
    return m_causeNames.size() - 1;
}

void Recorder::OnTaInstalled(DeviceId device, std::string_view ta, TimeNs t)
{
    if (device == kUnknownDevice)
    {
        ++m_counters[kUnknownDeviceEvents].second;
        return;
    }
    const TaId id = InternTa(ta);
    auto& installed = Device(device).installed;
    if (std::find(installed.begin(), installed.end(), id) == installed.end())
    {
        installed.push_back(id);
    }
    ++m_counters[kTaInstalled].second;
}

void Recorder::OnTaRemoved(DeviceId device, std::string_view ta, TimeNs t)
{
    if (device == kUnknownDevice)
    {
        ++m_counters[kUnknownDeviceEvents].second;
        return;
    }
    const TaId id = InternTa(ta);
    auto& installed = Device(device).installed;
    std::erase(installed, id);
    ++m_counters[kTaRemoved].second;
    for (auto& m : m_malicious)
    {
        if (m.ta != id || device >= m.byDevice.size() || m.byDevice[device] == kNone)
        {
            continue;
        }
        auto& e = m.open[m.byDevice[device]];
        if (e.removed == kNever && t >= m.t0)
        {
            e.removed = t;
        }
    }
}

void Recorder::OnArIssued(DeviceId device, bool affirming, TimeNs iat, TimeNs exp)
{
    if (device == kUnknownDevice)
    {
        ++m_counters[kUnknownDeviceEvents].second;
        return;
    }
    auto& st = Device(device);
    ++m_counters[kArIssued].second;
    if (!affirming)
    {
        return; // a contraindicated or warning AR never vouches for anything
    }
    ++m_counters[kArAffirming].second;
    st.maxAffirmingExp = std::max(st.maxAffirmingExp, exp);
    for (auto& m : m_malicious)
    {
        if (device >= m.byDevice.size() || m.byDevice[device] == kNone)
        {
            continue;
        }
        auto& e = m.open[m.byDevice[device]];
        if (iat > e.removed)
        {
            continue; // issued for the cleaned device: genuine, not stale trust
        }
        if (iat >= m.verifierKnows)
        {
            ++m_counters[kArAffirmingLate].second; // a Verifier that should have said no
            continue;
        }
        e.trustEnd = std::max(e.trustEnd, exp);
    }
}

void Recorder::OnMaliciousDeclared(std::string_view ta, TimeNs t0)
{
    const TaId id = InternTa(ta);
    for (const auto& m : m_malicious)
    {
        if (m.ta == id)
        {
            return; // declared once; a repeated declaration changes nothing
        }
    }
    Malicious m;
    m.ta = id;
    m.t0 = t0;
    m.verifierKnows = m_verifierKnows[id];
    m.revoked = m_revoked[id];
    m.byDevice.assign(m_state.size(), kNone);
    for (DeviceId d = 0; d < m_state.size(); ++d)
    {
        const auto& st = m_state[d];
        if (std::find(st.installed.begin(), st.installed.end(), id) != st.installed.end())
        {
            m.byDevice[d] = static_cast<uint32_t>(m.open.size());
            OpenExposure e;
            e.device = d;
            e.trustEnd = st.maxAffirmingExp; // every AR so far was issued before t0 <= tV
            for (const auto& [ta, until] : st.authorizedUntil)
            {
                e.authEnd = ta == id ? until : e.authEnd; // the authorization held at t0
            }
            m.open.push_back(e);
        }
    }
    m_malicious.push_back(std::move(m));
}

void Recorder::OnVerifierLearned(std::string_view ta, TimeNs t)
{
    const TaId id = InternTa(ta);
    m_verifierKnows[id] = std::min(m_verifierKnows[id], t);
    for (auto& m : m_malicious)
    {
        if (m.ta == id)
        {
            m.verifierKnows = std::min(m.verifierKnows, t);
        }
    }
}

void Recorder::OnSessionStart(DeviceId device, TimeNs /*t*/)
{
    if (device == kUnknownDevice)
    {
        ++m_counters[kUnknownDeviceEvents].second;
        return;
    }
    if (m_sessionOpen.size() <= device)
    {
        m_sessionOpen.resize(size_t(device) + 1);
    }
    if (m_sessionOpen[device] && m_violations.size() < 100)
    {
        m_violations.push_back("device " + std::to_string(device) +
                               " started a session while its previous one had no outcome");
    }
    m_sessionOpen[device] = 1;
}

void Recorder::OnSessionEnd(DeviceId device, std::string_view outcome, uint64_t bytesUp,
                            uint64_t bytesDown, TimeNs t)
{
    if (device == kUnknownDevice)
    {
        ++m_counters[kUnknownDeviceEvents].second;
        return;
    }
    if ((device >= m_sessionOpen.size() || !m_sessionOpen[device]) && m_violations.size() < 100)
    {
        m_violations.push_back("device " + std::to_string(device) + " ended a session (" +
                               std::string(outcome) + ") it never started");
    }
    if (device < m_sessionOpen.size())
    {
        m_sessionOpen[device] = 0;
    }
    const size_t cause = CauseIndex(outcome);
    if (!m_config.outcomes.empty() && cause >= m_config.outcomes.size() &&
        m_violations.size() < 100)
    {
        m_violations.push_back("device " + std::to_string(device) + ": session outcome '" +
                               std::string(outcome) + "' is not in the list of outcomes");
    }
    auto add = [&](uint32_t group)
    {
        CauseCount& c = m_causeCounts[group][cause];
        ++c.count;
        c.bytesUp += bytesUp;
        c.bytesDown += bytesDown;
    };
    add(0);
    if (device < m_deviceGroups.size())
    {
        const DeviceGroups& g = m_deviceGroups[device];
        if (g.cls != kNone)
        {
            add(g.cls);
        }
        if (g.broker != kNone)
        {
            add(g.broker);
        }
    }
    ++m_counters[kSessions].second;
    if (outcome == m_config.openOutcome)
    {
        return; // closed by Finish at the horizon: no rate event
    }
    m_sessionRate.Add(t);
    if (m_causeFailure[cause])
    {
        ++m_counters[kSessionsFailed].second;
        m_failedRate.Add(t);
    }
}

void Recorder::OnTamQueue(uint32_t tam, TimeNs t, uint32_t queueLength, uint32_t busyWorkers)
{
    if (tam >= m_tams.size())
    {
        m_tams.resize(size_t(tam) + 1);
    }
    auto& level = m_tams[tam];
    m_queueTotal = m_queueTotal - level.queue + queueLength;
    m_busyTotal = m_busyTotal - level.busy + busyWorkers;
    level.queue = queueLength;
    level.busy = busyWorkers;
    m_queueSeries.Set(t, static_cast<double>(m_queueTotal));
    m_busySeries.Set(t, static_cast<double>(m_busyTotal));
}

void Recorder::OnQueueDelay(TimeNs t, TimeNs delay)
{
    if (t - delay < m_config.warmup)
    {
        return; // the request arrived during the warm-up
    }
    m_queueDelay.Add(delay);
    m_queueDelayBuckets.Add(t, static_cast<double>(delay) / kNsPerSecond);
}

std::vector<std::pair<std::string, int64_t>> Recorder::Counters() const
{
    auto out = m_counters;
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace teepsim::recorder
