// TeepBroker: the TEEP Broker in a device's REE. The session machinery (RequestPolicyCheck
// timer, TEEP over HTTP, retries) is TeepSessionDriver's; the Broker adds what a compromised
// REE can do (THEORY.md §2.3, §6.5): honest; drop each session with probability
// DropProbability; drop everything; delay every message by Delay; suppress the timer; tamper
// (flip one byte of the message passed to the Agent and/or the TAM). A Broker never holds a
// key: a flipped signed byte is detected by the Agent or TAM signature check; a flipped byte
// outside the signature (the unprotected header) may pass -- the session driver reports each
// tampered message's fate (TamperVerdict). A behaviour applies to every message relayed from
// the moment it is set: a session in flight when the Broker turns to dropping loses the rest.
#pragma once

#include "teepsim/lazy-uniform.h"
#include "teepsim/teep-session-driver.h"

namespace ns3
{

/// What the REE hosting the Broker does with TEEP traffic (the Broker's Behaviour attribute).
enum TeepBrokerBehaviour
{
    BROKER_HONEST = 0,
    BROKER_DROP_FRACTION = 1,  // each session dropped with DropProbability
    BROKER_DROP_ALL = 2,       // every session dropped (DoS)
    BROKER_DELAY = 3,          // each message held for Delay before it is passed on
    BROKER_SUPPRESS_TIMER = 4, // RequestPolicyCheck never called
    BROKER_TAMPER = 5,         // flip a byte (TamperTarget, TamperProbability)
};

/// Which messages a tampering Broker alters (TamperTarget attribute).
enum TeepTamperTarget
{
    TAMPER_TO_AGENT = 0,
    TAMPER_TO_TAM = 1,
    TAMPER_BOTH = 2,
};

/// The TEEP Broker in a device's REE: TeepSessionDriver plus what a compromised REE can do (see
/// the file comment).
///
/// \par Attributes
/// Those of TeepSessionDriver (timer and retries), and:
/// - **Behaviour** (Honest, DropFraction, DropAll, Delay, SuppressTimer or Tamper; default
///   Honest): the REE's behaviour.
/// - **DropProbability** (0): DropFraction: probability a session is dropped.
/// - **Delay** (Time, 0): Delay: each message is held this long before it is passed on.
/// - **TamperTarget** (ToAgent, ToTam or Both; default ToAgent): Tamper: which messages get a
///   flipped byte.
/// - **TamperProbability** (1): Tamper: probability per message.
///
/// \par Trace sources
/// Those of TeepSessionDriver, and:
/// - **Tampered** (TeepTamperTracedCallback): a byte of a message was flipped.
/// - **Dropped** (TeepDeviceTracedCallback): a session (or the rest of a running one) was
///   dropped.
class TeepBroker : public TeepSessionDriver
{
  public:
    /// The ns-3 TypeId ("ns3::teepsim::TeepBroker").
    static TypeId GetTypeId();
    TeepBroker();
    ~TeepBroker() override;

    /// Timer stream `stream` (as every driver), behaviour draws from `stream + 1`.
    int64_t AssignStreams(int64_t stream) override;

  protected:
    /// Drops the behaviour RNG, then as TeepSessionDriver.
    void DoDispose() override;
    bool SuppressesTimer() const override;
    bool DropsSession() override;
    bool DropsMessage() override;
    Time MessageDelay() const override;
    bool Tamper(std::vector<uint8_t>& msg, TamperDirection dir) override;
    bool MayTamper() const override;

  private:
    // Attributes
    TeepBrokerBehaviour m_behaviour;
    double m_dropProbability;
    Time m_delay;
    TeepTamperTarget m_tamperTarget;
    double m_tamperProbability;

    LazyUniform m_behaviourRng;       // drawn only by DropFraction and Tamper
    uint64_t m_decidedGeneration = 0; // drop-fraction: the session already drawn for
    TracedCallback<uint32_t, TamperDirection> m_tamperTrace;
    TracedCallback<uint32_t> m_droppedTrace;
};

} // namespace ns3
