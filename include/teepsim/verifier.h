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

/// The RATS Verifier (see the file comment): appraises the evidence the TAM forwards and
/// answers with signed attestation results. VerifierHelper installs one.
///
/// \par Attributes
/// - **Port** (8081): port the appraisal service listens on.
/// - **KeySeed** (1): seed of the Verifier's signing key.
/// - **Suite** (Ed25519 or ESP256; default Ed25519, the helpers' ESP256): signature algorithm of
///   attestation results.
/// - **ArValidity** (Time, 24 h): validity V of an attestation result (exp = iat + V).
/// - **EpochDuration** (Time, 0): E of the epoch feed; > 0: results carry the epoch ID current
///   at appraisal in eat_nonce (epoch freshness); 0: the challenge.
///
/// \par Trace sources
/// - **ArEpoch** (TeepArEpochTracedCallback): a result carrying an epoch ID was issued.
/// - **ArIssued** (TeepArTracedCallback): a signed attestation result was issued.
/// - **PolicyUpdate** (TeepPolicyTracedCallback): the Verifier learned that a TA is malicious.
/// - **Rejected** (TeepRejectTracedCallback): evidence failed appraisal (no result issued).
class Verifier : public Application
{
  public:
    /// The ns-3 TypeId ("ns3::teepsim::Verifier").
    static TypeId GetTypeId();
    Verifier();
    ~Verifier() override;

    /// The server transport the Verifier listens with (set before the application starts).
    void SetServerTransport(Ptr<TeepServerTransport> t);
    /// The reference values: the TA digests of the catalogue are known-good.
    void SetCatalog(Ptr<TaCatalog> catalog);
    /// Enrols a device: its evidence must be signed by `devicePublic` and name `ueid`.
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
    static std::string AppraisePath(teepsim::cbor::ByteView challenge);
    /// The challenge of an AppraisePath, or nullopt when `path` is not one.
    static std::optional<teepsim::cbor::Bytes> ChallengeOf(const std::string& path);

    /// The Verifier's signing key (derived from KeySeed on first use): TAMs and Agents trust its
    /// public half.
    const teepsim::crypto::Key& GetKey() const;
    /// The signature algorithm of Suite.
    teepsim::crypto::Alg GetAlg() const;
    /// The ArValidity attribute (V).
    Time GetArValidity() const { return m_validity; }
    /// Attestation results issued so far.
    uint64_t GetIssuedCount() const { return m_issued; }

  protected:
    /// Stops and drops the server transport; drops the catalog.
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
