// TamServer's session handling: opening a session (QueryRequest), taking each device message
// (kid lookup, signature check, token, expected type), the token-less Error of an Agent that
// rejected us, and the end of a session. The Verifier round trip is in tam-verifier-client.cc,
// the Update in tam-update.cc.
#include "teepsim/codec/cose.h"
#include "teepsim/codec/teep_signed.h"
#include "teepsim/codec/teep_signed_parsed.h"
#include "teepsim/tam-server.h"

#include "ns3/log.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <cstring>

#include "tam-server-log.h"
#include "teep-wire.h"

namespace ns3
{

TAM_SERVER_LOG_COMPONENT;

using teepsim::cbor::Bytes;
namespace cose = teepsim::cose;
namespace crypto = teepsim::crypto;
namespace teep = teepsim::teep;

namespace
{
using teepwire::TraceType;
using teepwire::Wire;
} // namespace

namespace
{
/// `to` = the 8 bytes of token key `token` (TokenBytesOf), in the buffer `to` already has.
void AssignToken(std::optional<Bytes>& to, uint64_t token)
{
    if (!to)
    {
        to.emplace();
    }
    to->resize(sizeof token);
    std::memcpy(to->data(), &token, sizeof token);
}
} // namespace

teep::QueryRequest& TamServer::QueryRequestTemplate()
{
    const crypto::Alg alg = GetAlg();
    const teep::Profile* wire = &Wire();
    if (m_queryRequestWire == wire && m_queryRequestAlg == alg)
    {
        return std::get<teep::QueryRequest>(m_queryRequest);
    }
    m_queryRequestWire = wire;
    m_queryRequestAlg = alg;
    teep::QueryRequest& q = m_queryRequest.emplace<teep::QueryRequest>();
    // Offer what the wire profile offers (legacy: [[18, -7]], [[18, -8]] and the matching
    // suit-sha256-es256/eddsa-ecdh-a128ctr profiles, as libteep and the draft-21 example), the
    // TAM's own algorithm first: the Agent signs with whichever of them fits its key.
    std::vector<crypto::Alg> offered = {alg};
    for (crypto::Alg a : wire->OfferedAlgs())
    {
        if (a != offered.front())
        {
            offered.push_back(a);
        }
    }
    q.supportedCipherSuites.reserve(offered.size());
    q.supportedSuitCoseProfiles.reserve(offered.size());
    for (crypto::Alg a : offered)
    {
        q.supportedCipherSuites.push_back(teep::Sign1Suite(a));
        q.supportedSuitCoseProfiles.push_back({-16, static_cast<int64_t>(a), -29, -65534});
    }
    q.dataItemRequested = teep::kDataAttestation | teep::kDataTrustedComponents;
    return q;
}

void TamServer::StartSession(uint64_t requestId, uint64_t connectionId)
{
    const uint64_t id = m_nextSessionId++;
    Session& s = m_sessions[id];
    s.connectionId = connectionId;
    SetToken(id, s);
    Bytes challenge = NewBytes(s.challenge.size());
    std::copy(challenge.begin(), challenge.end(), s.challenge.begin());
    s.timeout = Simulator::Schedule(m_sessionTimeout, &TamServer::EndSession, this, id,
                                    SessionOutcome::TamSessionTimeout);
    m_sessionStartTrace(kUnknownDevice);

    // The shared QueryRequest with this session's token and challenge (SignTeep takes a
    // Message: no copy).
    teep::QueryRequest& q = QueryRequestTemplate();
    AssignToken(q.token, s.token);
    q.challenge = std::move(challenge);
    Respond(requestId, 200, SignTeep(m_queryRequest), kUnknownDevice,
            TeepMessageType::QueryRequest);
}

void TamServer::Drop(uint64_t requestId, uint32_t deviceId, RejectReason reason,
                     const std::string& why)
{
    ++m_rejected;
    NS_LOG_INFO("TAM dropped a message from device " << deviceId << " (" << ToString(reason)
                                                     << "): " << why);
    m_rejectedTrace(deviceId, reason, 0);
    Respond(requestId, 400, {}, deviceId, TeepMessageType::Unknown);
}

void TamServer::HandleMessage(uint64_t requestId, uint64_t connectionId,
                              const std::vector<uint8_t>& body)
{
    // Identify the device by kid, then verify with that key only (O(1) in the fleet size). The
    // usual COSE_Sign1 is read in place (a view: nothing copied) and verified in place; anything
    // else (COSE_Sign, headers with nested items, errors) takes the general parse, whose result
    // DecodeVerified then takes. Both give the same device and the same verdict (codec tests).
    const Device* devp = nullptr;
    std::optional<teep::Result<teep::VerifiedMessage>> verifiedSlot;
    cose::Sign1View view;
    if (cose::ParseSign1View(body, view))
    {
        devp = DeviceOfKid(view.kid);
        if (!devp)
        {
            Drop(requestId, kUnknownDevice, RejectReason::UnknownKey, "kid of no enrolled device");
            return;
        }
        m_oneKey.assign(1, devp->key); // reused: no vector per message
        verifiedSlot.emplace(teep::DecodeVerified(teepsim::cbor::ByteView(body), Wire(), m_oneKey));
    }
    else
    {
        auto parsed = cose::ParseSigned(body);
        if (!parsed.ok() || parsed->signatures.size() != 1)
        {
            Drop(requestId, kUnknownDevice, RejectReason::Malformed,
                 parsed.ok() ? "not one signer" : parsed.error().ToString());
            return;
        }
        devp = DeviceOfSignature(*parsed);
        if (!devp)
        {
            Drop(requestId, kUnknownDevice, RejectReason::UnknownKey, "kid of no enrolled device");
            return;
        }
        m_oneKey.assign(1, devp->key);
        verifiedSlot.emplace(teep::DecodeVerified(std::move(parsed.value()), Wire(), m_oneKey));
    }
    const Device& dev = *devp;
    teep::Result<teep::VerifiedMessage>& verified = *verifiedSlot;
    if (!verified.ok())
    {
        const teep::Failure& f = verified.failure();
        Drop(requestId, dev.id,
             f.kind == teep::Failure::Kind::Authentication ? RejectReason::BadSignature
                                                           : RejectReason::Malformed,
             f.ToString());
        return;
    }
    teep::Message& m = verified.value().message; // mutable: the evidence is moved out
    const teep::MessageType type = teep::TypeOf(m);
    const std::optional<Bytes>& token = teep::TokenOf(m);
    if (const auto* e = std::get_if<teep::Error>(&m); e && !token)
    {
        // An Agent that could not trust our message (bad signature, altered kid, malformed)
        // answers with a validly signed Error without a token (it cannot trust the one it
        // got). That is the Agent's rejection, not a bad message: accept it with 204 (TEEP over
        // HTTP) and end the session of this connection, if one is open.
        m_msgReceivedTrace(dev.id, TraceType(type), body.size());
        TakeTokenlessError(requestId, connectionId, dev.id, *e);
        return;
    }
    const std::optional<uint64_t> tokenKey = token ? TokenKeyOf(*token) : std::nullopt;
    auto sIt = tokenKey ? m_sessionByToken.find(*tokenKey) : m_sessionByToken.end();
    if (sIt == m_sessionByToken.end())
    {
        Drop(requestId, dev.id, RejectReason::TokenMismatch,
             token ? "unknown or expired token" : "no token");
        return;
    }
    const uint64_t sessionId = sIt->second;
    Session& s = m_sessions.at(sessionId);
    if (s.deviceId != kUnknownDevice && s.deviceId != dev.id)
    {
        Drop(requestId, dev.id, RejectReason::TokenMismatch, "token of another device");
        return;
    }
    const bool expected =
        (type == teep::MessageType::QueryResponse && s.stage == Stage::AwaitQueryResponse) ||
        ((type == teep::MessageType::Success || type == teep::MessageType::Error) &&
         s.stage == Stage::AwaitSuccess);
    if (!expected)
    {
        Drop(requestId, dev.id, RejectReason::UnexpectedType,
             std::string("unexpected ") + teep::ToString(type));
        return;
    }
    // The token expires with its first validly signed answer.
    m_sessionByToken.erase(sIt);
    s.hasToken = false;
    s.deviceId = dev.id;
    s.deviceIndex = static_cast<size_t>(&dev - m_devices.data());
    m_servingRemoval = s.removal;
    m_msgReceivedTrace(dev.id, TraceType(type), body.size());

    if (auto* q = std::get_if<teep::QueryResponse>(&m))
    {
        OnQueryResponse(requestId, sessionId, *q);
        return;
    }
    if (const auto* e = std::get_if<teep::Error>(&m))
    {
        const uint32_t code = static_cast<uint32_t>(Wire().WireErrorCode(e->errCode));
        NS_LOG_INFO("device " << dev.id << " sent Error " << teep::ToString(e->errCode));
        m_errorReceivedTrace(dev.id, code);
        Respond(requestId, 204, {}, dev.id, TeepMessageType::Unknown);
        EndSession(sessionId, SessionOutcome::AgentError);
        return;
    }
    Respond(requestId, 204, {}, dev.id, TeepMessageType::Unknown);
    EndSession(sessionId, SessionOutcome::Success);
}

void TamServer::TakeTokenlessError(uint64_t requestId, uint64_t connectionId, uint32_t deviceId,
                                   const teep::Error& e)
{
    const uint32_t code = static_cast<uint32_t>(Wire().WireErrorCode(e.errCode));
    NS_LOG_INFO("device " << deviceId << " sent a token-less Error " << teep::ToString(e.errCode));
    m_errorReceivedTrace(deviceId, code);
    Respond(requestId, 204, {}, deviceId, TeepMessageType::Unknown);
    for (auto& [id, session] : m_sessions)
    {
        if (session.connectionId == connectionId &&
            (session.deviceId == kUnknownDevice || session.deviceId == deviceId))
        {
            session.deviceId = deviceId;
            EndSession(id, SessionOutcome::AgentError);
            return;
        }
    }
}

void TamServer::EndSession(uint64_t sessionId, SessionOutcome outcome)
{
    auto it = m_sessions.find(sessionId);
    if (it == m_sessions.end())
    {
        return;
    }
    Session& s = it->second;
    if (s.timeout.IsRunning())
    {
        // Removed, not cancelled: a cancelled event still costs a scheduler pop at its time,
        // one event per session for a timeout that almost never fires.
        Simulator::Remove(s.timeout);
    }
    if (s.hasToken)
    {
        m_sessionByToken.erase(s.token);
    }
    const uint32_t dev = s.deviceId;
    m_sessions.erase(it);
    if (outcome == SessionOutcome::Success)
    {
        ++m_sessionsCompleted;
    }
    m_sessionEndTrace(dev, outcome);
}

} // namespace ns3
