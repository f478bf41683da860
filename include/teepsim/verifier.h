// Verifier: the RATS Verifier, an ns-3 Application on its own node. It serves appraisal
// requests from the TAM over a TeepServerTransport (POST AppraisePath(challenge), body = the
// evidence EAT as application/eat+cwt, RFC 9782; anything else gets 415 Unsupported Media Type),
// appraises the evidence (COSE signature by an enrolled device key, eat_nonce == challenge,
// cnf == the signing key) against reference values (known-good and known-bad TA digests from
// the TaCatalog; DeclareMalicious moves a TA to known-bad, scheduled at t0 + d_V), and answers
// 200 with a signed EAR-style attestation result valid for ArValidity (exp = iat + V), as
// application/eat+cwt with the EAR eat_profile:
// affirming when every installed TA is known-good, contraindicated otherwise. Evidence that
// fails appraisal gets 403 and is traced as Rejected. With EpochDuration E > 0 the result's
// eat_nonce carries the epoch ID current at appraisal instead of the challenge (epoch
// freshness, freshness-policy.h), traced as ArEpoch.
#pragma once

#include "teepsim/fixed-key.h"
#include "teepsim/freshness-policy.h"
#include "teepsim/ta-catalog.h"
#include "teepsim/teep-agent.h"
#include "teepsim/teep-trace.h"
#include "teepsim/teep-transport.h"

#include "ns3/application.h"
#include "ns3/traced-callback.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace ns3
{

class Verifier : public Application
{
  public:
    static TypeId GetTypeId();
    Verifier();
    ~Verifier() override;

    void SetServerTransport(Ptr<TeepServerTransport> t);
    void SetCatalog(Ptr<TaCatalog> catalog);
    void RegisterDevice(uint32_t deviceId, const teepsim::crypto::Key& devicePublic,
                        const teepsim::cbor::Bytes& ueid);
    /// The Verifier learns now that `ta` is malicious (its digest becomes known-bad).
    void DeclareMalicious(const std::string& ta);

    /// Appraisal without the network (also used by the request handler): the signed AR, or
    /// empty when the evidence is rejected.
    std::vector<uint8_t> Appraise(const std::vector<uint8_t>& evidence,
                                  const teepsim::cbor::Bytes& challenge);

    /// The request path carrying the challenge the evidence must answer:
    /// "/appraise?nonce=<lowercase hex>" (the evidence itself is the request body).
    static std::string AppraisePath(const teepsim::cbor::Bytes& challenge);
    /// The challenge of an AppraisePath, or nullopt when `path` is not one.
    static std::optional<teepsim::cbor::Bytes> ChallengeOf(const std::string& path);

    const teepsim::crypto::Key& GetKey() const;
    teepsim::crypto::Alg GetAlg() const;
    Time GetArValidity() const { return m_validity; }
    uint64_t GetIssuedCount() const { return m_issued; }

  protected:
    void DoDispose() override;

  private:
    struct Device
    {
        uint32_t id;
        teepsim::crypto::Key key;
        teepsim::cbor::Bytes ueid;
    };
    void StartApplication() override;
    void StopApplication() override;
    void OnRequest(uint64_t requestId, uint64_t connectionId, const TeepHttpRequest& req);

    uint16_t m_port;
    uint64_t m_keySeed;
    TeepSignatureSuite m_suite;
    Time m_validity;
    Time m_epochDuration; // 0: results carry the challenge, not an epoch ID

    Ptr<TeepServerTransport> m_server;
    Ptr<TaCatalog> m_catalog;
    mutable teepsim::crypto::Key m_key;
    std::unordered_map<KidKey, Device, KidKeyHash> m_deviceByKid;
    std::vector<teepsim::crypto::Key> m_oneKey; // the trusted key of one appraisal (reused)
    std::set<teepsim::cbor::Bytes> m_knownBad;  // digests
    uint64_t m_issued = 0;

    TracedCallback<uint32_t, AttestationStatus, Time, Time> m_arIssuedTrace;
    TracedCallback<uint32_t, AttestationStatus, uint64_t> m_arEpochTrace;
    TracedCallback<const std::string&, bool> m_policyTrace;
    TracedCallback<uint32_t, RejectReason, uint32_t> m_rejectedTrace;
};

} // namespace ns3
