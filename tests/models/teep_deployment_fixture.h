// Small TEEP deployments for the model tests: one TAM, one Verifier and N devices talking over
// the message-level transport with zero delay and infinite bandwidth, so that session times
// are exact (a session completes at the instant its policy check fires). A recording client
// transport keeps every request and response body for codec checks.
#pragma once

#include "teepsim/message-transport.h"
#include "teepsim/teep-helpers.h"

#include "ns3/callback.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4-address.h"
#include "ns3/node-container.h"
#include "ns3/nstime.h"
#include "ns3/simulator.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace teepsim_test
{
using namespace ns3;

/// A Callback from a std::function (ns-3 3.37 has no MakeCallback overload for it).
template<typename... A> Callback<void, A...> Cb(std::function<void(A...)> f)
{
    return Callback<void, A...>(f);
}

/// One HTTP exchange seen by a recording client: request body, response status and body.
struct CapturedExchange
{
    uint32_t clientId = 0;
    std::vector<uint8_t> request;
    uint16_t status = 0;
    std::vector<uint8_t> response;
};
std::vector<CapturedExchange>& Captured();

/// A TeepClientTransport that forwards to a MessageClientTransport and records each exchange.
class RecordingClientTransport : public TeepClientTransport
{
  public:
    static TypeId GetTypeId();
    RecordingClientTransport();
    void Post(const Address& server, const TeepHttpRequest& req, ResponseCallback done) override;
    void CloseSession() override { m_inner->CloseSession(); }
    void SetNode(Ptr<Node> node) override;
    uint64_t GetBytesSent() const override { return m_inner->GetBytesSent(); }
    uint64_t GetBytesReceived() const override { return m_inner->GetBytesReceived(); }

  private:
    void DoDispose() override;
    Ptr<MessageClientTransport> m_inner;
    uint32_t m_id = 0;
};

/// Times of every traced event, per device.
struct Timeline
{
    std::map<uint32_t, std::vector<Time>> policyChecks;
    std::map<uint32_t, std::vector<Time>> installed;
    std::map<uint32_t, std::vector<Time>> removed;
    struct Ar
    {
        Time at;
        AttestationStatus status;
        Time iat;
        Time exp;
    };
    std::map<uint32_t, std::vector<Ar>> issued;   // Verifier ArIssued
    std::map<uint32_t, std::vector<Ar>> received; // Agent ArReceived
    std::map<uint32_t, std::vector<SessionOutcome>> brokerOutcomes;
    std::vector<std::pair<uint32_t, RejectReason>> agentRejects;
    std::vector<std::pair<uint32_t, RejectReason>> tamRejects;
    uint64_t tampered = 0;
    uint64_t dropped = 0;
};

struct DeploymentOptions
{
    uint32_t devices = 3;
    Time interval = Hours(1);
    Time arValidity = Hours(3);
    bool recordTraffic = false;
    bool ree = true; // false: devices without an REE (TeepTeeSessionDriver, no Broker)
    // Name, value string. Timer/retry ones also apply without an REE (TeepDeviceHelper).
    std::vector<std::pair<std::string, std::string>> brokerAttributes;
};

/// Builds the deployment and connects every trace to `timeline`.
class Deployment
{
  public:
    explicit Deployment(const DeploymentOptions& o);
    ~Deployment();

    NodeContainer devices;
    Ptr<Node> tamNode;
    Ptr<Node> verifierNode;
    Ptr<TaCatalog> catalog;
    Ptr<Verifier> verifier;
    Ptr<TamServer> tam;
    ApplicationContainer brokers; // session drivers (Brokers unless DeploymentOptions::ree)
    Timeline timeline;

    Ptr<TeepAgent> Agent(uint32_t i) const { return devices.Get(i)->GetObject<TeepAgent>(); }
    /// The device's Broker (nullptr without an REE).
    Ptr<TeepBroker> Broker(uint32_t i) const { return DynamicCast<TeepBroker>(brokers.Get(i)); }
    /// The device's session driver, whichever kind.
    Ptr<TeepSessionDriver> Driver(uint32_t i) const
    {
        return DynamicCast<TeepSessionDriver>(brokers.Get(i));
    }
    /// Schedules DeclareMalicious at the TAM (t0 + dT) and the Verifier (t0 + dV).
    void DeclareMalicious(const std::string& ta, Time t0, Time dT, Time dV);
};

} // namespace teepsim_test
