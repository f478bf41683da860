// ns-3 style helpers for the TEEP models (ObjectFactory + Install, SetAttribute). Transports
// come from a TeepTransportHelper (TCP or message level, chosen in one place):
//   VerifierHelper    installs a Verifier with a server transport.
//   TamHelper         installs a TamServer with a server transport and a client-transport
//                     factory for reaching the Verifier.
//   TeepDeviceHelper  aggregates a TeepAgent to each device node and installs its session
//                     driver with a client transport: a TeepBroker, or with SetRee(false) a
//                     TeepTeeSessionDriver (no REE: the TEE's own stack, no Broker on the
//                     node); enrols each device at the TAM and Verifier and gives its Agent
//                     the TAM, Verifier and TA-signer keys. DeviceIds are consecutive from
//                     SetFirstDeviceId (default 0); driver random streams are assigned from the
//                     DeviceId (the timer's stream is the same for both kinds), so a device's
//                     timer depends neither on install order nor on having an REE.
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

class VerifierHelper
{
  public:
    explicit VerifierHelper(const TeepTransportHelper& transports);
    void SetAttribute(const std::string& name, const AttributeValue& value);
    ApplicationContainer Install(Ptr<Node> node, Ptr<TaCatalog> catalog) const;

  private:
    TeepTransportHelper m_transports;
    ObjectFactory m_verifier;
};

class TamHelper
{
  public:
    explicit TamHelper(const TeepTransportHelper& transports);
    void SetAttribute(const std::string& name, const AttributeValue& value);
    /// `clientType`/attributes of the TAM->Verifier client transports (default: the client
    /// type of `transports` given to the constructor is not known here, so set it).
    void SetVerifierClientType(const std::string& typeId);
    void SetVerifierClientAttribute(const std::string& name, const AttributeValue& value);
    /// Installs a TAM that reaches `verifier` at `verifierAddress`.
    ApplicationContainer Install(Ptr<Node> node, Ptr<TaCatalog> catalog, Ptr<Verifier> verifier,
                                 const Address& verifierAddress) const;

  private:
    TeepTransportHelper m_transports;
    ObjectFactory m_tam;
    ObjectFactory m_verifierClient;
};

class TeepDeviceHelper
{
  public:
    explicit TeepDeviceHelper(const TeepTransportHelper& transports);
    void SetAgentAttribute(const std::string& name, const AttributeValue& value);
    /// A TeepBroker attribute. The timer and retry ones (TeepSessionDriver's: Law, Interval,
    /// Jitter, Start, SynchronizedOffset, RetryCount, RetrySpacing) also apply to devices
    /// without an REE; the Broker-only ones (Behaviour, Delay, ...) do not.
    void SetBrokerAttribute(const std::string& name, const AttributeValue& value);
    /// Whether the next installed devices have an REE (a Broker; default) or not.
    void SetRee(bool ree) { m_ree = ree; }
    void SetFirstDeviceId(uint32_t id) { m_nextId = id; }
    /// Base of the driver random streams (stream = base + 2 * DeviceId).
    void SetStreamBase(int64_t base) { m_streamBase = base; }

    /// Installs Agent + driver on every node (TamAddress set on each Agent). Returns the
    /// drivers (TeepBroker or TeepTeeSessionDriver, both TeepSessionDriver).
    ApplicationContainer Install(const NodeContainer& nodes, Ptr<TamServer> tam,
                                 const Address& tamAddress, Ptr<Verifier> verifier,
                                 Ptr<TaCatalog> catalog);
    ApplicationContainer Install(Ptr<Node> node, Ptr<TamServer> tam, const Address& tamAddress,
                                 Ptr<Verifier> verifier, Ptr<TaCatalog> catalog);

  private:
    TeepTransportHelper m_transports;
    ObjectFactory m_agent;
    ObjectFactory m_broker;
    ObjectFactory m_teeDriver;
    bool m_ree = true;
    uint32_t m_nextId = 0;
    int64_t m_streamBase = 1000;
};

/// Writes tam.pem, verifier.pem, ta-signer.pem and agent-<id>.pem (public keys, PEM) into
/// `dir` (created if missing). Returns the number of files written.
size_t WriteTeepPublicKeys(const std::string& dir, Ptr<TamServer> tam, Ptr<Verifier> verifier,
                           Ptr<TaCatalog> catalog, const NodeContainer& devices);

} // namespace ns3
