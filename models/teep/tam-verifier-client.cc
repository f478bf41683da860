// TamServer's Verifier round trip (background-check attestation): the QueryResponse's evidence
// goes to the Verifier over a TeepClientTransport from a small pool, and its answer (the signed
// attestation result) comes back to SendUpdate (tam-update.cc).
#include "teepsim/codec/crypto.h"
#include "teepsim/http-framing.h"
#include "teepsim/message-transport.h"
#include "teepsim/tam-server.h"
#include "teepsim/verifier.h"

#include "ns3/log.h"
#include "ns3/simulator.h"

#include <algorithm>

#include "tam-server-log.h"
#include "teep-wire.h"

namespace ns3
{

TAM_SERVER_LOG_COMPONENT;

namespace teep = teepsim::teep;

void TamServer::OnQueryResponse(uint64_t requestId, uint64_t sessionId, teep::QueryResponse& q)
{
    Session& s = m_sessions.at(sessionId);
    if (!q.attestationPayload)
    {
        Drop(requestId, s.deviceId, RejectReason::BadEvidence, "no attestation payload");
        EndSession(sessionId, SessionOutcome::AttestationFailed);
        return;
    }
    s.installed.clear();
    if (q.tcList)
    {
        for (const teep::TcInfo& tc : *q.tcList)
        {
            s.installed.push_back(TaCatalog::NameOf(tc.componentId));
        }
    }
    s.removal = std::any_of(s.installed.begin(), s.installed.end(),
                            [this](const std::string& ta) { return m_malicious.count(ta) != 0; });
    m_servingRemoval = s.removal;
    s.stage = Stage::AwaitVerifier;
    // Background check: the evidence goes to the Verifier as the EAT it is (RFC 9782 media
    // type, the Agent's attestation-payload-format when it gave one), with the challenge it
    // must carry in the path; the TAM accepts the attestation result the Verifier sends.
    TeepHttpRequest http;
    http.path = Verifier::AppraisePath(s.challenge);
    http.contentType = q.attestationPayloadFormat
                           ? std::move(*q.attestationPayloadFormat)
                           : std::string(teepsim::http::kTeepEvidenceMediaType);
    http.accept = teepsim::http::kEatCwtMediaType;
    http.body = std::move(*q.attestationPayload); // the message is not used after this
    Ptr<TeepClientTransport> client = TakeVerifierClient();
    client->PostOwned(m_verifierAddress, std::move(http),
                      TeepClientTransport::ResponseCallback(
                          [this, requestId, sessionId, client](const TeepHttpResponse& rsp)
                          { OnVerifierAnswer(requestId, sessionId, client, rsp); }));
}

Ptr<TeepClientTransport> TamServer::TakeVerifierClient()
{
    if (!m_idleVerifierClients.empty())
    {
        Ptr<TeepClientTransport> c = m_idleVerifierClients.back();
        m_idleVerifierClients.pop_back();
        return c;
    }
    Ptr<TeepClientTransport> c = m_verifierClientFactory.Create<TeepClientTransport>();
    NS_ABORT_MSG_IF(!c, "TamServer: the Verifier transport factory made no TeepClientTransport");
    c->SetNode(GetNode());
    // Every client comes from the one factory: all of one kind.
    m_verifierClientsAreMessage = c->GetInstanceTypeId() == MessageClientTransport::GetTypeId();
    return c;
}

void TamServer::OnVerifierAnswer(uint64_t requestId, uint64_t sessionId,
                                 Ptr<TeepClientTransport> client, const TeepHttpResponse& rsp)
{
    if (m_verifierClientsAreMessage)
    {
        // A message-level client calls back as the last thing it does and keeps no state of a
        // closed session (no socket, no FIN): it is closed and back in the pool at once, one
        // event per session fewer than the deferred return below.
        client->CloseSession();
        m_idleVerifierClients.push_back(client);
    }
    else
    {
        // Let the client finish its callback before the next session reuses it (TCP: the
        // socket's receive callback is still on the stack; its FIN leaves after this).
        Simulator::ScheduleNow(
            [this, client]()
            {
                client->CloseSession();
                m_idleVerifierClients.push_back(client);
            });
    }
    auto it = m_sessions.find(sessionId);
    if (it == m_sessions.end())
    {
        m_answerNotBefore.erase(requestId);
        return; // timed out meanwhile: the HTTP request was answered by nobody; nothing to do
    }
    Session& s = it->second;
    if (rsp.status != 200 || rsp.body.empty() ||
        !teepsim::http::SameMediaType(rsp.contentType, teepsim::http::kEatCwtMediaType))
    {
        NS_LOG_INFO("device " << s.deviceId << ": Verifier answered " << rsp.status << " "
                              << rsp.contentType);
        Respond(requestId, 502, {}, s.deviceId, TeepMessageType::Unknown);
        EndSession(sessionId, SessionOutcome::AttestationFailed);
        return;
    }
    // Checking the AR and signing the Update cost signature operations: hold the answer for
    // their modelled CPU time (zero with real signatures).
    m_inWorker = true;
    const uint64_t ops = teepsim::crypto::OperationCount();
    SendUpdate(requestId, sessionId, rsp.body);
    m_inWorker = false;
    ReleaseHeld(Simulator::Now() + teepwire::CryptoCharge(teepsim::crypto::OperationCount() - ops),
                /*atOnceIfReady=*/true);
}

} // namespace ns3
