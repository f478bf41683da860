// Derived defaults and checks that involve more than one key.
#include <fmt/format.h>

#include <cmath>
#include <set>

#include "sim/scenario/load_context.h"

namespace teepsim::sim::detail
{
namespace
{

constexpr double kFractionTolerance = 1e-9;

bool Given(const Scenario& s, const std::string& key)
{
    return s.source.origins.count(key) != 0;
}

std::string ClassKey(std::size_t i, std::string_view leaf = {})
{
    return leaf.empty() ? fmt::format("fleet.{}", i) : fmt::format("fleet.{}.{}", i, leaf);
}

double NonHonestSum(const BrokerMix& b)
{
    return b.drop + b.drop_all + b.delay + b.suppress_timers + b.tamper;
}

void CheckNames(const Scenario& s, DiagnosticSink& sink)
{
    std::set<std::string> classes;
    for (std::size_t i = 0; i < s.fleet.size(); ++i)
    {
        if (!classes.insert(s.fleet[i].name).second)
        {
            sink.ErrorAtKeys(s, {ClassKey(i, "name"), ClassKey(i)},
                             fmt::format("duplicate device class name '{}'", s.fleet[i].name));
        }
    }
    std::set<std::string> tas;
    for (std::size_t i = 0; i < s.catalogue.size(); ++i)
    {
        if (!tas.insert(s.catalogue[i].name).second)
        {
            sink.ErrorAtKeys(s,
                             {fmt::format("catalogue.{}.name", i), fmt::format("catalogue.{}", i)},
                             fmt::format("duplicate TA name '{}'", s.catalogue[i].name));
        }
    }
}

void CheckBrokerMix(const Scenario& s, std::size_t i, DiagnosticSink& sink)
{
    const DeviceClass& c = s.fleet[i];
    const BrokerMix& b = c.broker;
    const std::initializer_list<std::string> keys = {ClassKey(i, "broker.honest"),
                                                     ClassKey(i, "broker.drop"),
                                                     ClassKey(i, "broker.drop_all"),
                                                     ClassKey(i, "broker.delay"),
                                                     ClassKey(i, "broker.suppress_timers"),
                                                     ClassKey(i, "broker.tamper"),
                                                     ClassKey(i)};
    const double others = NonHonestSum(b);
    if (Given(s, ClassKey(i, "broker.honest")))
    {
        if (std::abs(b.honest + others - 1.0) > kFractionTolerance)
        {
            sink.ErrorAtKeys(
                s, keys,
                fmt::format("class '{}': broker fractions sum to {} (honest {} + others {}), "
                            "not 1",
                            c.name, FormatReal(b.honest + others), FormatReal(b.honest),
                            FormatReal(others)));
        }
    }
    else if (others > 1.0 + kFractionTolerance)
    {
        sink.ErrorAtKeys(
            s, keys,
            fmt::format("class '{}': broker fractions sum to {}, more than 1 (drop {}, "
                        "drop_all {}, delay {}, suppress_timers {}, tamper {})",
                        c.name, FormatReal(others), FormatReal(b.drop), FormatReal(b.drop_all),
                        FormatReal(b.delay), FormatReal(b.suppress_timers), FormatReal(b.tamper)));
    }
    if (!c.ree && others > 0)
    {
        sink.ErrorAtKeys(
            s, {ClassKey(i, "ree"), ClassKey(i)},
            fmt::format("class '{}' has no REE (ree: false), so it has no Broker: its broker "
                        "fractions must all be 0",
                        c.name));
    }
}

void CheckTimes(const Scenario& s, DiagnosticSink& sink)
{
    if (s.warmup_ns >= s.horizon_ns)
    {
        sink.ErrorAtKeys(s, {"warmup", "horizon"},
                         fmt::format("warmup ({}) must end before the horizon ({})",
                                     FormatDuration(s.warmup_ns), FormatDuration(s.horizon_ns)));
    }
    else if (s.malicious.t0_ns >= s.horizon_ns)
    {
        sink.ErrorAtKeys(s, {"malicious.t0", "horizon"},
                         fmt::format("malicious.t0 ({}) must be before the horizon ({})",
                                     FormatDuration(s.malicious.t0_ns),
                                     FormatDuration(s.horizon_ns)));
    }
    else if (s.malicious.t0_ns < s.warmup_ns)
    {
        sink.ErrorAtKeys(
            s, {"malicious.t0", "warmup"},
            fmt::format("malicious.t0 ({}) falls inside the warmup ({}); statistics would "
                        "miss the event",
                        FormatDuration(s.malicious.t0_ns), FormatDuration(s.warmup_ns)));
    }
    const PolicyCheck& pc = s.policy_check;
    if (pc.retry_count > 0 && pc.retry_count * static_cast<double>(pc.retry_spacing_ns) >=
                                  static_cast<double>(pc.interval_ns))
    {
        sink.ErrorAtKeys(
            s,
            {"policy_check.retries.spacing", "policy_check.retries.count", "policy_check.interval"},
            fmt::format("retries take {} x {} = {}, not less than the policy-check interval ({})",
                        pc.retry_count, FormatDuration(pc.retry_spacing_ns),
                        FormatDuration(pc.retry_count * pc.retry_spacing_ns),
                        FormatDuration(pc.interval_ns)));
    }
    for (std::size_t i = 0; i < s.tam.outages.size(); ++i)
    {
        const OutageWindow& w = s.tam.outages[i];
        std::string start = fmt::format("tam.outages.{}.start", i);
        std::string entry = fmt::format("tam.outages.{}", i);
        if (w.start_ns >= s.horizon_ns)
        {
            sink.ErrorAtKeys(s, {start, entry},
                             fmt::format("tam.outages.{} starts at {}, not before the horizon ({})",
                                         i, FormatDuration(w.start_ns),
                                         FormatDuration(s.horizon_ns)));
        }
        if (i > 0)
        {
            const OutageWindow& prev = s.tam.outages[i - 1];
            if (w.start_ns < prev.start_ns + prev.duration_ns)
            {
                sink.ErrorAtKeys(
                    s, {start, entry},
                    fmt::format("tam.outages.{} starts at {}, before tam.outages.{} ends ({}): "
                                "list outages in time order without overlap",
                                i, FormatDuration(w.start_ns), i - 1,
                                FormatDuration(prev.start_ns + prev.duration_ns)));
            }
        }
    }
}

// A per-session TAM charges the whole session at its opening request, before it can know that
// the session removes a TA: a removal surcharge per message has no place to go.
void CheckTamService(const Scenario& s, DiagnosticSink& sink)
{
    if (s.tam.service == TamService::PerSession && Given(s, "tam.remediation_service_time") &&
        s.tam.remediation_service_time_ns != 0)
    {
        sink.ErrorAtKeys(s, {"tam.remediation_service_time", "tam.service"},
                         "tam.remediation_service_time needs tam.service: per-request (a "
                         "per-session TAM charges 3 x tam.service_time at a session's opening "
                         "request, before it knows the session removes a TA); remove it or set "
                         "it to 0s");
    }
}

void CheckMaliciousTa(const Scenario& s, DiagnosticSink& sink)
{
    if (s.catalogue.empty() || s.FindTa(s.malicious.ta) != nullptr)
    {
        return;
    }
    std::vector<std::string_view> names;
    for (const TrustedApp& ta : s.catalogue)
    {
        names.push_back(ta.name);
    }
    std::string_view near = ClosestMatch(s.malicious.ta, names);
    std::string listed;
    for (std::size_t i = 0; i < names.size(); ++i)
    {
        listed += fmt::format("{}{}", i == 0 ? "" : ", ", names[i]);
    }
    sink.ErrorAtKeys(s, {"malicious.ta"},
                     fmt::format("malicious.ta '{}' is not in the catalogue ({}){}", s.malicious.ta,
                                 listed,
                                 near.empty() ? "" : fmt::format("; did you mean '{}'?", near)));
}

// Keys that were given but cannot matter given another key: warn, do not fail.
void WarnNoEffect(const Scenario& s, DiagnosticSink& sink)
{
    auto warn = [&](const std::string& key, std::string message)
    {
        auto it = s.source.origins.find(key);
        if (it != s.source.origins.end())
        {
            sink.Warning(it->second, std::move(message));
        }
    };
    if (s.policy_check.law != PolicyCheckLaw::UniformJitter)
    {
        warn("policy_check.jitter",
             "policy_check.jitter has no effect unless policy_check.law is uniform-jitter");
    }
    if (s.crypto.mode != CryptoMode::Modelled)
    {
        warn("crypto.op_time", "crypto.op_time has no effect unless crypto.mode is modelled");
    }
    if (s.outputs.pcap && s.transport != Transport::Full)
    {
        warn("outputs.pcap",
             "outputs.pcap needs transport: full; the message transport has no packets");
    }
    else if (s.outputs.pcap && s.crypto.mode == CryptoMode::Modelled)
    {
        warn("outputs.pcap", "outputs.pcap with crypto.mode modelled: the COSE signatures in the "
                             "pcaps are placeholders and will not verify (use crypto.mode: real "
                             "for verifiable captures)");
    }
    if (!s.tam.push.enabled)
    {
        warn("tam.push.reach_probability",
             "tam.push.reach_probability has no effect unless tam.push.enabled");
        warn("tam.push.latency", "tam.push.latency has no effect unless tam.push.enabled");
    }
    for (std::size_t i = 0; i < s.fleet.size(); ++i)
    {
        const DeviceClass& c = s.fleet[i];
        if (c.availability.model == AvailabilityModel::Always)
        {
            for (std::string_view leaf : {"on", "off", "check_on_reconnect"})
            {
                warn(ClassKey(i, fmt::format("availability.{}", leaf)),
                     fmt::format(
                         "class '{}': availability.{} has no effect with availability.model always",
                         c.name, leaf));
            }
        }
        if (c.broker.drop == 0)
        {
            warn(ClassKey(i, "broker.drop_probability"),
                 fmt::format(
                     "class '{}': broker.drop_probability has no effect while broker.drop is 0",
                     c.name));
        }
        if (c.broker.delay == 0)
        {
            warn(ClassKey(i, "broker.delay_by"),
                 fmt::format("class '{}': broker.delay_by has no effect while broker.delay is 0",
                             c.name));
        }
    }
    for (std::size_t i = 0; i < s.catalogue.size(); ++i)
    {
        if (!s.catalogue[i].personalization)
        {
            warn(fmt::format("catalogue.{}.personalization_size", i),
                 fmt::format(
                     "TA '{}': personalization_size has no effect while personalization is false",
                     s.catalogue[i].name));
        }
    }
}

} // namespace

void FillDerivedNames(Scenario& s)
{
    for (std::size_t i = 0; i < s.fleet.size(); ++i)
    {
        if (s.fleet[i].name.empty())
        {
            s.fleet[i].name = fmt::format("class{}", i);
        }
    }
    for (std::size_t i = 0; i < s.catalogue.size(); ++i)
    {
        if (s.catalogue[i].name.empty())
        {
            s.catalogue[i].name = fmt::format("ta{}", i);
        }
    }
}

void FinalizeDerived(Scenario& s)
{
    FillDerivedNames(s);
    if (!Given(s, "name"))
    {
        std::string_view path = s.source.path;
        std::size_t slash = path.find_last_of('/');
        std::string_view stem = slash == std::string_view::npos ? path : path.substr(slash + 1);
        stem = stem.substr(0, stem.find('.'));
        s.name = stem.empty() || stem.front() == '<' ? "scenario" : std::string(stem);
    }
    if (!Given(s, "malicious.ta") && !s.catalogue.empty())
    {
        s.malicious.ta = s.catalogue.front().name;
    }
    for (std::size_t i = 0; i < s.fleet.size(); ++i)
    {
        if (!Given(s, ClassKey(i, "broker.honest")))
        {
            s.fleet[i].broker.honest = std::max(0.0, 1.0 - NonHonestSum(s.fleet[i].broker));
        }
    }
}

void CheckConsistency(const Scenario& s, DiagnosticSink& sink, bool with_warnings)
{
    if (s.fleet.empty())
    {
        sink.ErrorAtKeys(s, {"fleet"}, "the fleet needs at least one device class");
    }
    if (s.TotalDevices() > kMaxTotalDevices)
    {
        // Blame the class that crosses the limit, unless a sweep point or an override set
        // another class's count.
        std::int64_t sum = 0;
        std::size_t i = 0;
        while (i + 1 < s.fleet.size() && sum + s.fleet[i].count <= kMaxTotalDevices)
        {
            sum += s.fleet[i++].count;
        }
        std::vector<std::string> keys = {ClassKey(i, "count")};
        for (std::size_t c = 0; c < s.fleet.size() && c < 1000; ++c)
        {
            keys.push_back(ClassKey(c, "count"));
        }
        keys.push_back(ClassKey(i));
        keys.push_back("fleet");
        sink.ErrorAtKeys(s, keys,
                         fmt::format("the fleet has {} devices in {} classes, more than the {} a "
                                     "scenario may have in total",
                                     s.TotalDevices(), s.fleet.size(), kMaxTotalDevices));
    }
    if (s.catalogue.empty())
    {
        sink.ErrorAtKeys(s, {"catalogue"}, "the catalogue needs at least one TA");
    }
    CheckNames(s, sink);
    for (std::size_t i = 0; i < s.fleet.size(); ++i)
    {
        CheckBrokerMix(s, i, sink);
    }
    CheckTimes(s, sink);
    CheckMaliciousTa(s, sink);
    CheckFreshness(s, sink, with_warnings);
    CheckTamService(s, sink);
    // One status service signs every statement with one validity V_a.
    for (std::size_t i = 0, first = s.fleet.size(); i < s.fleet.size(); ++i)
    {
        const TeeConfig& tee = s.fleet[i].tee;
        if (tee.authorization != TaAuthorization::ExecutionTime)
        {
            continue;
        }
        if (first == s.fleet.size())
        {
            first = i;
        }
        else if (tee.status_validity_ns != s.fleet[first].tee.status_validity_ns)
        {
            sink.ErrorAtKeys(s, {ClassKey(i, "tee.status_validity"), ClassKey(i)},
                             fmt::format("execution-time classes share one status service: "
                                         "tee.status_validity must equal {}'s",
                                         ClassKey(first, "tee.status_validity")));
        }
    }
    if (with_warnings)
    {
        WarnNoEffect(s, sink);
    }
}

} // namespace teepsim::sim::detail
