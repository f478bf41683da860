// Execution-time TA authorization (seed issue #158; docs/THEORY-AUTHORIZATION.md). Draft -07 of
// the TEEP architecture said a TEE "enforces that only authorized code can execute"; under that
// reading a TA whose authorization is withdrawn stops running, not only when it is removed.
//
// TaStatusService (an Application, on the TAM's node) answers POST /ta-status?ta=<name> with a
// signed authorization status: a COSE_Sign1 (application/cose; cose-type="cose-sign1") over a
// CBOR map of CWT-style claims {iss, iat, exp = iat + V_a, ta, signer, status}, status "good"
// until Revoke(ta) (scheduled at t0 + d_T), "revoked" from then on.
//
// TaAuthorizationGate (an Application, on the device's node: the TEE's gate in front of the TA)
// refreshes that status every R_a (fixed, or U[R_a(1-j), R_a(1+j)]; first refresh at the
// stationary residual like the policy-check timer) over its own client transport, checks the
// signature with the service's public key, and lets a TA execute only while it holds a valid
// "good" status: until the latest good status expires, or at once when a "revoked" status
// arrives. A refresh that fails (lost, refused, bad signature) extends nothing. Replaying an
// old statement cannot extend validity either: exp is fixed when the statement is issued.
// Every change of the gate's verdict for a TA is traced as StatusChanged(device, ta, good,
// validUntil); the recorder derives X (t0 -> the TA can no longer execute) from it.
#pragma once

#include "teepsim/codec/cbor.h"
#include "teepsim/codec/crypto.h"
#include "teepsim/policy-check.h"
#include "teepsim/teep-keys.h"
#include "teepsim/teep-transport.h"

#include "ns3/address.h"
#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ns3
{

/// The decoded claims of one authorization status statement.
struct TaStatusClaims
{
    std::string ta;                 ///< TA name (its component id names it too)
    teepsim::cbor::Bytes signerKid; ///< thumbprint of the key that signs the TA's manifests
    bool good = false;              ///< false: revoked
    int64_t iat = 0;                ///< seconds (NumericDate)
    int64_t exp = 0;                ///< seconds; a good status authorizes execution until exp
};

/// The media type of a status statement (RFC 9052 §9.1 COSE_Sign1).
inline constexpr const char* kTaStatusMediaType = "application/cose; cose-type=\"cose-sign1\"";

/// Signs `claims` as a COSE_Sign1 with `alg`/`key` (the project's codec).
std::vector<uint8_t> BuildTaStatus(const TaStatusClaims& claims, teepsim::crypto::Alg alg,
                                   const teepsim::crypto::Key& key);
/// Verifies the signature with `issuer` and decodes the claims; nullopt when the bytes are not a
/// status statement signed by that key.
std::optional<TaStatusClaims> VerifyTaStatus(const std::vector<uint8_t>& bytes,
                                             const teepsim::crypto::Key& issuer);

/// The TAM-side service that signs authorization status statements (see the file comment).
///
/// \par Attributes
/// - **Port** (8082): port the status service listens on.
/// - **KeySeed** (1): seed of the service's signing key.
/// - **Suite** (ESP256): signature algorithm of the statements.
/// - **StatusValidity** (Time, 1 h): V_a; a good status authorizes execution until iat + V_a.
///
/// \par Trace sources
/// - **StatusIssued** (ta, good, iat, exp): a signed status statement was issued.
class TaStatusService : public Application
{
  public:
    /// The ns-3 TypeId ("ns3::teepsim::TaStatusService").
    static TypeId GetTypeId();
    TaStatusService();
    ~TaStatusService() override;

    /// The server transport the service listens with (set before the application starts).
    void SetServerTransport(Ptr<TeepServerTransport> t);
    /// The signer kid every statement names (the catalogue's TA signer).
    void SetSignerKid(const teepsim::cbor::Bytes& kid) { m_signerKid = kid; }
    /// From now on every statement for `ta` says "revoked".
    void Revoke(const std::string& ta);
    /// The service's signing key (derived from KeySeed on first use): gates check with it.
    const teepsim::crypto::Key& GetKey() const;
    /// The signature algorithm of Suite.
    teepsim::crypto::Alg GetAlg() const;
    /// "/ta-status?ta=<name>"
    static std::string PathFor(const std::string& ta);
    /// Statements signed so far.
    uint64_t GetIssuedCount() const { return m_issued; }

  protected:
    /// Drops the server transport.
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;
    void OnRequest(uint64_t requestId, uint64_t connectionId, const TeepHttpRequest& req);

    uint16_t m_port;
    uint64_t m_keySeed;
    TeepSignatureSuite m_suite;
    Time m_validity;
    Ptr<TeepServerTransport> m_server;
    teepsim::cbor::Bytes m_signerKid;
    std::set<std::string> m_revoked;
    mutable teepsim::crypto::Key m_key;
    uint64_t m_issued = 0;
    TracedCallback<const std::string&, bool, Time, Time> m_issuedTrace; // ta, good, iat, exp
};

/// The device-side gate that lets a TA execute only while it holds a valid good status (see
/// the file comment).
///
/// \par Attributes
/// - **DeviceId** (0): device id reported in the traces.
/// - **RefreshInterval** (Time, 30 min): R_a, the mean time between status refreshes.
/// - **Jitter** (0): j; refresh intervals ~ U[R_a(1-j), R_a(1+j)], 0 = every R_a exactly.
///
/// \par Trace sources
/// - **StatusChanged** (device, ta, good, validUntil): the gate's authorization of a TA changed
///   (revoked: good = false, validUntil = now).
/// - **RefreshFailed** (device, ta): a refresh got no valid statement; it extends nothing.
class TaAuthorizationGate : public Application
{
  public:
    /// The ns-3 TypeId ("ns3::teepsim::TaAuthorizationGate").
    static TypeId GetTypeId();
    TaAuthorizationGate();
    ~TaAuthorizationGate() override;

    /// The client transport refreshes travel over (the device's access link).
    void SetClientTransport(Ptr<TeepClientTransport> t) { m_transport = t; }
    /// The client transport given to SetClientTransport.
    Ptr<TeepClientTransport> GetClientTransport() const { return m_transport; }
    /// Where the TaStatusService listens.
    void SetServer(const Address& server) { m_server = server; }
    /// The status service's public key (the gate's trust anchor for statements).
    void SetIssuerKey(const teepsim::crypto::Key& key) { m_issuer = key; }
    /// The TAs this gate authorizes (refreshed together, one exchange per TA).
    void SetTas(const std::vector<std::string>& tas) { m_tas = tas; }
    /// Whether `ta` may execute now.
    bool IsAuthorized(const std::string& ta) const;
    /// End of the current authorization of `ta` (zero when none was ever held).
    Time GetValidUntil(const std::string& ta) const;
    /// Random streams AssignStreams spans: one for the client transport (a
    /// MessageClientTransport draws its losses from it; TCP draws nothing) and one for the
    /// refresh timer.
    static constexpr int64_t kStreams = 2;
    /// Fixes the random streams (ns-3 convention): the client transport (set it first) draws
    /// from `stream`, the refresh timer from `stream + 1`. Returns kStreams.
    int64_t AssignStreams(int64_t stream);

  protected:
    /// Cancels the next refresh and drops the transport.
    void DoDispose() override;

  private:
    struct State
    {
        Time validUntil{0}; ///< a good status authorizes [arrival, validUntil)
        bool revoked = false;
    };
    void StartApplication() override;
    void StopApplication() override;
    void Refresh();
    void FetchNext(size_t index);
    void OnResponse(size_t index, const TeepHttpResponse& rsp);

    uint32_t m_deviceId;
    Time m_interval;
    double m_jitter;
    Ptr<UniformRandomVariable> m_rng;
    PolicyCheckSchedule m_schedule;
    EventId m_next;
    Ptr<TeepClientTransport> m_transport;
    Address m_server;
    teepsim::crypto::Key m_issuer;
    std::vector<std::string> m_tas;
    std::map<std::string, State> m_state;
    TracedCallback<uint32_t, const std::string&, bool, Time> m_changedTrace;
    TracedCallback<uint32_t, const std::string&> m_failedTrace;
};

} // namespace ns3
