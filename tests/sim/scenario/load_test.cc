// Loading good files: defaults, every section read into the typed Scenario, derived values,
// no-effect warnings, resolved parameters.
#include "teepsim/sim/scenario.h"

#include <gtest/gtest.h>

#include <set>

namespace teepsim::sim
{
namespace
{

constexpr std::int64_t kS = 1'000'000'000;
constexpr std::int64_t kH = 3600 * kS;

std::string Dump(const LoadResult& r)
{
    std::string out;
    for (const Diagnostic& d : r.diagnostics)
    {
        out += d.ToString() + "\n";
    }
    return out;
}

TEST(ScenarioLoad, EmptyFileIsAnErrorNotTheDefaultScenario)
{
    for (const char* text : {"", "# only a comment\n\n", "---\n"})
    {
        LoadResult r = LoadScenarioText(text, "empty.yaml");
        EXPECT_FALSE(r.ok()) << testing::PrintToString(text);
        ASSERT_EQ(r.diagnostics.size(), 1u);
        EXPECT_TRUE(r.diagnostics[0].ToString().starts_with("empty.yaml:"))
            << r.diagnostics[0].ToString();
    }
}

TEST(ScenarioLoad, OneKeyGivesEveryOtherDefault)
{
    LoadResult r = LoadScenarioText("seed: 1\n", "empty.yaml");
    ASSERT_TRUE(r.ok()) << Dump(r);
    EXPECT_TRUE(r.diagnostics.empty());
    const Scenario& s = r.scenario;
    EXPECT_EQ(s.name, "empty"); // derived from the file name
    EXPECT_EQ(s.horizon_ns, 72 * kH);
    EXPECT_EQ(s.warmup_ns, 0);
    EXPECT_EQ(s.seed, 1u);
    EXPECT_EQ(s.run, 1u);
    ASSERT_EQ(s.fleet.size(), 1u);
    EXPECT_EQ(s.fleet[0].name, "class0");
    EXPECT_EQ(s.fleet[0].count, 100);
    EXPECT_TRUE(s.fleet[0].ree);
    EXPECT_EQ(s.fleet[0].link.latency_ns, 10'000'000);
    EXPECT_EQ(s.fleet[0].link.bandwidth_bps, 10'000'000);
    EXPECT_EQ(s.fleet[0].availability.model, AvailabilityModel::Always);
    EXPECT_DOUBLE_EQ(s.fleet[0].broker.honest, 1.0);
    EXPECT_EQ(s.tam.count, 1);
    EXPECT_EQ(s.tam.workers, 4);
    EXPECT_TRUE(s.tam.outages.empty());
    EXPECT_EQ(s.verifier.validity_ns, 24 * kH);
    EXPECT_EQ(s.verifier.model, AttestationModel::BackgroundCheck);
    ASSERT_EQ(s.catalogue.size(), 1u);
    EXPECT_EQ(s.catalogue[0].name, "ta0");
    EXPECT_EQ(s.catalogue[0].image_size, 65536);
    EXPECT_EQ(s.malicious.ta, "ta0"); // the first TA
    EXPECT_EQ(s.malicious.t0_ns, 24 * kH);
    EXPECT_EQ(s.policy_check.law, PolicyCheckLaw::Fixed);
    EXPECT_EQ(s.policy_check.interval_ns, kH);
    EXPECT_EQ(s.policy_check.start, PolicyCheckStart::Equilibrium);
    EXPECT_EQ(s.transport, Transport::Full);
    EXPECT_EQ(s.crypto.mode, CryptoMode::Real);
    EXPECT_EQ(s.profile, Profile::Draft26);
    EXPECT_EQ(s.outputs.database, "teepsim.db");
    EXPECT_FALSE(s.outputs.pcap);
    EXPECT_TRUE(s.sweep.empty());
}

TEST(ScenarioLoad, DefaultScenarioEqualsAnEmptyFilesParameters)
{
    auto from_file = ResolvedParameters(LoadScenarioText("name: scenario\n", "x.yaml").scenario);
    auto defaults = ResolvedParameters(DefaultScenario());
    EXPECT_EQ(from_file, defaults);
}

TEST(ScenarioLoad, EverySectionIsReadIntoTheTypedScenario)
{
    const char* text = R"(name: full
description: every section
horizon: 7d
warmup: 6h
seed: 42
run: 3
transport: message
profile: legacy
fleet:
  - name: phones
    count: 250
    link: {latency: 20ms, bandwidth: 250kbps, loss: 5%}
    availability: {model: exponential, on: 8h, off: 30m, check_on_reconnect: true}
    broker: {drop: 0.1, drop_probability: 0.3, drop_all: 0.05, delay: 0.05, delay_by: 2s, suppress_timers: 0.02, tamper: 0.01}
  - name: sensors
    count: 50
    ree: false
    availability: {model: fixed, on: 1h, off: 23h}
tam:
  count: 1
  workers: 8
  service_time: 3ms
  remediation_service_time: 9ms
  queue_limit: 50
  overload_response: teep-error
  outages:
    - {start: 2d, duration: 3h}
    - {start: 3d, duration: 1h}
  push: {enabled: true, reach_probability: 80%, latency: 5s}
verifier: {validity: 4h, policy_delay: 10m, model: passport, algorithm: ed25519}
catalogue:
  - {name: wallet, image_size: 1MiB, personalization: true, personalization_size: 2kB}
  - {name: game, image_size: 512B}
malicious: {ta: game, t0: 2d, tam_delay: 5m}
policy_check:
  law: uniform-jitter
  interval: 30m
  jitter: 0.25
  start: synchronized
  retries: {count: 3, spacing: 1m}
crypto: {mode: modelled, op_time: 250us}
outputs: {database: out/full.db, pcap: false, pcap_dir: traces}
)";
    LoadResult r = LoadScenarioText(text, "full.yaml");
    ASSERT_TRUE(r.ok()) << Dump(r);
    EXPECT_TRUE(r.diagnostics.empty()) << Dump(r);
    const Scenario& s = r.scenario;
    EXPECT_EQ(s.name, "full");
    EXPECT_EQ(s.description, "every section");
    EXPECT_EQ(s.horizon_ns, 7 * 24 * kH);
    EXPECT_EQ(s.warmup_ns, 6 * kH);
    EXPECT_EQ(s.seed, 42u);
    EXPECT_EQ(s.run, 3u);
    EXPECT_EQ(s.transport, Transport::Message);
    EXPECT_EQ(s.profile, Profile::Legacy);
    ASSERT_EQ(s.fleet.size(), 2u);
    const DeviceClass& phones = s.fleet[0];
    EXPECT_EQ(phones.count, 250);
    EXPECT_EQ(phones.link.latency_ns, 20'000'000);
    EXPECT_EQ(phones.link.bandwidth_bps, 250'000);
    EXPECT_DOUBLE_EQ(phones.link.loss, 0.05);
    EXPECT_EQ(phones.availability.model, AvailabilityModel::Exponential);
    EXPECT_EQ(phones.availability.on_ns, 8 * kH);
    EXPECT_EQ(phones.availability.off_ns, 1800 * kS);
    EXPECT_TRUE(phones.availability.check_on_reconnect);
    EXPECT_DOUBLE_EQ(phones.broker.drop, 0.1);
    EXPECT_DOUBLE_EQ(phones.broker.drop_probability, 0.3);
    EXPECT_DOUBLE_EQ(phones.broker.drop_all, 0.05);
    EXPECT_DOUBLE_EQ(phones.broker.delay, 0.05);
    EXPECT_EQ(phones.broker.delay_by_ns, 2 * kS);
    EXPECT_DOUBLE_EQ(phones.broker.suppress_timers, 0.02);
    EXPECT_DOUBLE_EQ(phones.broker.tamper, 0.01);
    EXPECT_NEAR(phones.broker.honest, 0.77, 1e-12); // the rest
    EXPECT_FALSE(s.fleet[1].ree);
    EXPECT_EQ(s.fleet[1].availability.model, AvailabilityModel::Fixed);
    EXPECT_EQ(s.TotalDevices(), 300);
    EXPECT_EQ(s.tam.workers, 8);
    EXPECT_EQ(s.tam.service_time_ns, 3'000'000);
    EXPECT_EQ(s.tam.remediation_service_time_ns, 9'000'000);
    EXPECT_EQ(s.tam.queue_limit, 50);
    EXPECT_EQ(s.tam.overload_response, OverloadResponse::TeepError);
    ASSERT_EQ(s.tam.outages.size(), 2u);
    EXPECT_EQ(s.tam.outages[1].start_ns, 72 * kH);
    EXPECT_EQ(s.tam.outages[1].duration_ns, kH);
    EXPECT_TRUE(s.tam.push.enabled);
    EXPECT_DOUBLE_EQ(s.tam.push.reach_probability, 0.8);
    EXPECT_EQ(s.tam.push.latency_ns, 5 * kS);
    EXPECT_EQ(s.verifier.validity_ns, 4 * kH);
    EXPECT_EQ(s.verifier.policy_delay_ns, 600 * kS);
    EXPECT_EQ(s.verifier.model, AttestationModel::Passport);
    EXPECT_EQ(s.verifier.algorithm, SignatureAlgorithm::Ed25519);
    ASSERT_EQ(s.catalogue.size(), 2u);
    EXPECT_EQ(s.catalogue[0].image_size, 1 << 20);
    EXPECT_TRUE(s.catalogue[0].personalization);
    EXPECT_EQ(s.catalogue[0].personalization_size, 2000);
    EXPECT_EQ(s.catalogue[1].image_size, 512);
    EXPECT_EQ(s.malicious.ta, "game");
    EXPECT_EQ(s.malicious.t0_ns, 48 * kH);
    EXPECT_EQ(s.malicious.tam_delay_ns, 300 * kS);
    EXPECT_EQ(s.policy_check.law, PolicyCheckLaw::UniformJitter);
    EXPECT_EQ(s.policy_check.interval_ns, 1800 * kS);
    EXPECT_DOUBLE_EQ(s.policy_check.jitter, 0.25);
    EXPECT_EQ(s.policy_check.start, PolicyCheckStart::Synchronized);
    EXPECT_EQ(s.policy_check.retry_count, 3);
    EXPECT_EQ(s.policy_check.retry_spacing_ns, 60 * kS);
    EXPECT_EQ(s.crypto.mode, CryptoMode::Modelled);
    EXPECT_EQ(s.crypto.op_time_ns, 250'000);
    EXPECT_EQ(s.outputs.database, "out/full.db");
    EXPECT_EQ(s.outputs.pcap_dir, "traces");
    EXPECT_NE(s.FindTa("wallet"), nullptr);
    EXPECT_EQ(s.FindTa("nope"), nullptr);
}

TEST(ScenarioLoad, ListEntriesGetDefaultsForKeysTheyOmit)
{
    LoadResult r = LoadScenarioText("fleet:\n  - count: 5\n  - name: b\n", "l.yaml");
    ASSERT_TRUE(r.ok()) << Dump(r);
    ASSERT_EQ(r.scenario.fleet.size(), 2u);
    EXPECT_EQ(r.scenario.fleet[0].name, "class0");
    EXPECT_EQ(r.scenario.fleet[0].count, 5);
    EXPECT_EQ(r.scenario.fleet[1].count, 100);
    EXPECT_EQ(r.scenario.fleet[1].link.bandwidth_bps, 10'000'000);
}

TEST(ScenarioLoad, KeysWithNoEffectGiveWarningsNotErrors)
{
    const char* text = "policy_check:\n  jitter: 0.3\ncrypto:\n  op_time: 1ms\n";
    LoadResult r = LoadScenarioText(text, "w.yaml");
    EXPECT_TRUE(r.ok());
    ASSERT_EQ(r.diagnostics.size(), 2u);
    EXPECT_EQ(r.diagnostics[0].ToString(), "w.yaml:2:11: warning: policy_check.jitter has no "
                                           "effect unless policy_check.law is uniform-jitter");
    EXPECT_EQ(r.diagnostics[1].ToString(),
              "w.yaml:4:12: warning: crypto.op_time has no effect unless crypto.mode is modelled");
}

TEST(ScenarioLoad, ExplicitHonestFractionThatSumsToOneIsAccepted)
{
    LoadResult r =
        LoadScenarioText("fleet:\n  - broker: {honest: 0.7, drop: 0.2, tamper: 10%}\n", "h.yaml");
    ASSERT_TRUE(r.ok()) << Dump(r);
    EXPECT_DOUBLE_EQ(r.scenario.fleet[0].broker.honest, 0.7);
}

TEST(ResolvedParameters, ListEveryKnobOnceAndReadBackThroughOverrides)
{
    LoadResult r = LoadScenarioText(
        "fleet:\n  - {name: a}\n  - {name: b}\ntam:\n  outages: [{start: 1h}]\n", "p.yaml");
    ASSERT_TRUE(r.ok()) << Dump(r);
    auto params = ResolvedParameters(r.scenario);
    std::set<std::string> keys;
    for (const auto& [k, v] : params)
    {
        EXPECT_TRUE(keys.insert(k).second) << "listed twice: " << k;
    }
    EXPECT_TRUE(keys.count("fleet.1.broker.honest"));
    EXPECT_TRUE(keys.count("tam.outages.0.duration"));
    EXPECT_TRUE(keys.count("verifier.validity"));
    EXPECT_FALSE(keys.count("sweep.replications"));
    // Every resolved pair, applied as --set to the defaults file, reproduces the same parameters.
    std::vector<std::string> overrides;
    for (const auto& [k, v] : params)
    {
        overrides.push_back(k + "=" + v);
    }
    LoadResult again =
        LoadScenarioText("fleet:\n  - {name: x}\n  - {name: y}\n", "p.yaml", overrides);
    ASSERT_TRUE(again.ok()) << Dump(again);
    EXPECT_EQ(ResolvedParameters(again.scenario), params);
}

} // namespace
} // namespace teepsim::sim

namespace teepsim::sim
{
namespace
{

TEST(ScenarioLoad, YamlMergeKeysShareClassDefaultsAndOwnKeysWin)
{
    const char* text = "x-phone: &phone\n"
                       "  count: 40\n"
                       "  link: {latency: 25ms, bandwidth: 5Mbps}\n"
                       "fleet:\n"
                       "  - <<: *phone\n"
                       "    name: eu\n"
                       "  - <<: *phone\n"
                       "    name: us\n"
                       "    count: 60\n";
    LoadResult r = LoadScenarioText(text, "m.yaml");
    ASSERT_TRUE(r.ok()) << Dump(r);
    ASSERT_EQ(r.scenario.fleet.size(), 2u);
    EXPECT_EQ(r.scenario.fleet[0].count, 40);
    EXPECT_EQ(r.scenario.fleet[0].link.bandwidth_bps, 5'000'000);
    EXPECT_EQ(r.scenario.fleet[1].count, 60);
    EXPECT_EQ(r.scenario.fleet[1].link.latency_ns, 25'000'000);
}

TEST(ScenarioLoad, MergeOfANonMapIsAnError)
{
    LoadResult r = LoadScenarioText("verifier:\n  <<: 4h\n", "m.yaml");
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(r.diagnostics[0].ToString(),
              "m.yaml:2:3: error: '<<' merges maps only (e.g. <<: *defaults), got a single value");
}

} // namespace
} // namespace teepsim::sim

namespace teepsim::sim
{
namespace
{

// fleet.<class>.tee (docs/THEORY-AUTHORIZATION.md): install-time by default; execution-time
// with its validity, refresh (auto = V_a / 2, kept as kAutoDuration for the deployment) and
// jitter read with their units.
TEST(ScenarioLoad, TeeAuthorizationKeysParseWithTheirUnitsAndDefaults)
{
    const LoadResult d = LoadScenarioText("fleet:\n  - name: phones\n", "tee.yaml");
    ASSERT_TRUE(d.ok()) << Dump(d);
    EXPECT_EQ(d.scenario.fleet[0].tee.authorization, TaAuthorization::InstallTime);
    EXPECT_EQ(d.scenario.fleet[0].tee.status_validity_ns, kH);
    EXPECT_EQ(d.scenario.fleet[0].tee.status_refresh_ns, kAutoDuration);
    EXPECT_EQ(d.scenario.fleet[0].tee.status_refresh_jitter, 0.0);

    const LoadResult r = LoadScenarioText(
        "fleet:\n  - name: phones\n    tee: {authorization: execution-time, status_validity: 2h, "
        "status_refresh: 15m, status_refresh_jitter: 0.25}\n",
        "tee.yaml");
    ASSERT_TRUE(r.ok()) << Dump(r);
    const TeeConfig& tee = r.scenario.fleet[0].tee;
    EXPECT_EQ(tee.authorization, TaAuthorization::ExecutionTime);
    EXPECT_EQ(tee.status_validity_ns, 2 * kH);
    EXPECT_EQ(tee.status_refresh_ns, 15 * 60 * kS);
    EXPECT_EQ(tee.status_refresh_jitter, 0.25);
}

} // namespace
} // namespace teepsim::sim
