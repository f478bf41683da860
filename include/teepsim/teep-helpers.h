// ns-3 style helpers for the TEEP models (ObjectFactory + Install, SetAttribute). Transports
// come from a TeepTransportHelper (TCP or message level, chosen in one place):
//   VerifierHelper    installs a Verifier with a server transport.
//   TamHelper         installs a TamServer with a server transport and a client-transport
//                     factory (the same helper's clients) for reaching the Verifier.
//   TeepDeviceHelper  aggregates a TeepAgent to each device node and installs its session
//                     driver with a client transport: a TeepBroker, or with SetRee(false) a
//                     TeepTeeSessionDriver (no REE: the TEE's own stack, no Broker on the
//                     node); enrols each device at the TAM and Verifier and gives its Agent
//                     the TAM, Verifier and TA-signer keys. DeviceIds are consecutive from
//                     SetFirstDeviceId (default 0). AssignStreams keys each device's random
//                     streams by its DeviceId (the timer's stream is the same for both kinds),
//                     so a device's draws depend neither on install order nor on having an REE.
// WriteTeepPublicKeys writes the public keys of the TAM, Verifier, TA signer and every Agent as
// PEM files named by role and device (tam.pem, verifier.pem, ta-signer.pem,
// agent-<deviceId>.pem) so captured messages can be checked with independent tools.
#pragma once

#include "teepsim/ta-catalog.h"
#include "teepsim/tam-server.h"
#include "teepsim/teep-agent.h"
#include "teepsim/teep-broker.h"
#include "teepsim/teep-tee-session-driver.h"
#include "teepsim/teep-transport.h"
#include "teepsim/verifier.h"

#include "ns3/application-container.h"
#include "ns3/node-container.h"
#include "ns3/object-factory.h"

#include <string>

namespace ns3
{

/// What the helpers give an object unless told otherwise: the defaults of a `teepsim run`
/// scenario file (scenarios/README.md), so a program built with the helpers and a scenario
/// that leaves these keys out describe the same deployment (a test checks they agree). The
/// TypeIds' own defaults are the neutral protocol-level ones (an unbounded TAM with no CPU
/// cost, Ed25519, no jitter) that unit tests of single messages start from.
struct TeepHelperDefaults
{
    /// Signature suite of the Verifier, TAM and Agents (verifier.algorithm: esp256).
    static constexpr TeepSignatureSuite kSuite = TEEP_SUITE_ESP256;
    /// TamServer Workers (tam.workers).
    static constexpr uint32_t kTamWorkers = 4;
    /// TamServer ServiceTime (tam.service_time).
    static Time TamServiceTime() { return MilliSeconds(2); }
    /// TamServer RemediationServiceTime (tam.remediation_service_time).
    static Time TamRemediationServiceTime() { return MilliSeconds(5); }
    /// TamServer QueueLimit (tam.queue_limit).
    static constexpr uint32_t kTamQueueLimit = 1000;
    /// tam.session_timeout: `auto` resolves to this whenever response timeouts stay below
    /// 200 s (3 x response_timeout, at least 10 min).
    static Time TamSessionTimeout() { return Minutes(10); }
    /// Verifier ArValidity (verifier.validity).
    static Time ArValidity() { return Hours(24); }
    /// Session-driver Law (policy_check.law).
    static constexpr PolicyCheckLaw kPolicyCheckLaw = POLICY_CHECK_FIXED;
    /// Session-driver Interval (policy_check.interval).
    static Time PolicyCheckInterval() { return Hours(1); }
    /// Session-driver Jitter (policy_check.jitter; used by the uniform law only).
    static constexpr double kPolicyCheckJitter = 0.5;
    /// Session-driver RetryCount (policy_check.retries.count).
    static constexpr uint32_t kRetryCount = 0;
    /// Session-driver RetrySpacing (policy_check.retries.spacing).
    static Time RetrySpacing() { return Minutes(1); }
};

/// Installs a Verifier (RATS appraisal service) with a server transport of `transports`.
class VerifierHelper
{
  public:
    /// The Verifier will listen with a server made by `transports`.
    explicit VerifierHelper(const TeepTransportHelper& transports);
    /// Sets an attribute of the Verifiers installed from now on (Port, KeySeed, Suite,
    /// ArValidity, ...).
    void SetAttribute(const std::string& name, const AttributeValue& value);
    /// Installs a Verifier on `node` that appraises against `catalog`; returns it.
    ApplicationContainer Install(Ptr<Node> node, Ptr<TaCatalog> catalog) const;

  private:
    TeepTransportHelper m_transports;
    ObjectFactory m_verifier;
};

/// Installs a TAM (TamServer) with a server transport of `transports`; the TAM reaches its
/// Verifier with client transports of the same helper unless SetVerifierClientType says else.
class TamHelper
{
  public:
    /// The TAM will listen with a server made by `transports` and ask its Verifier with clients
    /// made by `transports`.
    explicit TamHelper(const TeepTransportHelper& transports);
    /// Sets an attribute of the TAMs installed from now on (Port, KeySeed, Suite, Workers,
    /// ServiceTime, QueueLimit, SessionTimeout, ...).
    void SetAttribute(const std::string& name, const AttributeValue& value);
    /// Type/attributes of the TAM->Verifier client transports (default: the client type and
    /// attributes of the `transports` given to the constructor).
    void SetVerifierClientType(const std::string& typeId);
    /// An attribute of the TAM->Verifier client transports.
    void SetVerifierClientAttribute(const std::string& name, const AttributeValue& value);
    /// Installs a TAM that reaches `verifier` at `verifierAddress`.
    ApplicationContainer Install(Ptr<Node> node, Ptr<TaCatalog> catalog, Ptr<Verifier> verifier,
                                 const Address& verifierAddress) const;

  private:
    TeepTransportHelper m_transports;
    ObjectFactory m_tam;
    ObjectFactory m_verifierClient;
};

/// Makes nodes TEEP devices: aggregates a TeepAgent and installs its session driver (a
/// TeepBroker, or a TeepTeeSessionDriver without an REE) with a client transport of
/// `transports`, and enrols each device at the TAM and the Verifier.
class TeepDeviceHelper
{
  public:
    /// Device clients are made by `transports` (their access link, timeout, ...).
    explicit TeepDeviceHelper(const TeepTransportHelper& transports);
    /// Sets a TeepAgent attribute of the devices installed from now on (KeySeed, Suite, ...).
    void SetAgentAttribute(const std::string& name, const AttributeValue& value);
    /// A TeepBroker attribute. The timer and retry ones (TeepSessionDriver's: Law, Interval,
    /// Jitter, Start, SynchronizedOffset, RetryCount, RetrySpacing) also apply to devices
    /// without an REE; the Broker-only ones (Behaviour, Delay, ...) do not.
    void SetBrokerAttribute(const std::string& name, const AttributeValue& value);
    /// Whether the next installed devices have an REE (a Broker; default) or not.
    void SetRee(bool ree) { m_ree = ree; }
    /// DeviceId of the next installed device (then consecutive).
    void SetFirstDeviceId(uint32_t id) { m_nextId = id; }

    /// Installs Agent + driver on every node (TamAddress set on each Agent). Returns the
    /// drivers (TeepBroker or TeepTeeSessionDriver, both TeepSessionDriver).
    ApplicationContainer Install(const NodeContainer& nodes, Ptr<TamServer> tam,
                                 const Address& tamAddress, Ptr<Verifier> verifier,
                                 Ptr<TaCatalog> catalog);
    /// Installs one device on `node`; returns its driver.
    ApplicationContainer Install(Ptr<Node> node, Ptr<TamServer> tam, const Address& tamAddress,
                                 Ptr<Verifier> verifier, Ptr<TaCatalog> catalog);

    /// Fixes the random streams of the session drivers on `nodes` (ns-3 convention): the
    /// driver of device `id` draws from stream + kDriverStreams * id onwards. Returns the
    /// number of streams the block spans (kDriverStreams * (largest DeviceId + 1)), 0 without
    /// devices. Without a call, ns-3 numbers the streams in creation order.
    int64_t AssignStreams(const NodeContainer& nodes, int64_t stream) const;
    /// The same for drivers given directly (the container Install returned).
    int64_t AssignStreams(const ApplicationContainer& drivers, int64_t stream) const;
    /// Fixes the random streams of the drivers' client transports: device `id`'s transport
    /// draws from stream + kTransportStreams * id. Returns the span as AssignStreams does.
    int64_t AssignTransportStreams(const NodeContainer& nodes, int64_t stream) const;

    /// Streams reserved per device: a driver uses 1 (TeepTeeSessionDriver) or 2 (TeepBroker).
    static constexpr int64_t kDriverStreams = 2;
    /// Streams reserved per device's client transport (MessageClientTransport uses 1; the
    /// room keeps the numbering of runs recorded before transports were assigned here).
    static constexpr int64_t kTransportStreams = 4;

  private:
    /// Per-device Agents and drivers are copies of one prototype made from the factory's
    /// attributes (CopyObject), so a device does not pay for the attribute-driven construction
    /// of every attribute (name lookups, checkers, value copies); the prototypes are remade
    /// after any attribute change.
    void EnsurePrototypes();

    TeepTransportHelper m_transports;
    ObjectFactory m_agent;
    ObjectFactory m_broker;
    ObjectFactory m_teeDriver;
    Ptr<TeepAgent> m_agentPrototype;
    Ptr<TeepBroker> m_brokerPrototype;
    Ptr<TeepTeeSessionDriver> m_teeDriverPrototype;
    bool m_ree = true;
    uint32_t m_nextId = 0;
};

/// Writes tam.pem, verifier.pem, ta-signer.pem and agent-ID.pem (ID: the DeviceId; public keys,
/// PEM) into `dir` (created if missing). Returns the number of files written.
size_t WriteTeepPublicKeys(const std::string& dir, Ptr<TamServer> tam, Ptr<Verifier> verifier,
                           Ptr<TaCatalog> catalog, const NodeContainer& devices);

} // namespace ns3
