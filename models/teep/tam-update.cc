// TamServer's Update: checks the Verifier's attestation result as a relying party, then builds
// and signs the Update (missing desired TAs to install, malicious installed TAs to remove, the
// attestation result passed back).
#include "teepsim/codec/eat.h"
#include "teepsim/codec/suit.h"
#include "teepsim/http-framing.h"
#include "teepsim/tam-server.h"

#include "ns3/log.h"

#include <algorithm>
#include <cstring>

#include "tam-server-log.h"

namespace ns3
{

TAM_SERVER_LOG_COMPONENT;

using teepsim::cbor::Bytes;
namespace cbor = teepsim::cbor;
namespace eat = teepsim::eat;
namespace suit = teepsim::suit;
namespace teep = teepsim::teep;

namespace
{
const char* const kResultFormat = teepsim::http::kEarMediaType.data();
} // namespace

void TamServer::SendUpdate(uint64_t requestId, uint64_t sessionId, const Bytes& arBytes)
{
    Session& s = m_sessions.at(sessionId);
    const Device* dev = &m_devices[s.deviceIndex];
    // Check the AR as a relying party would: signed by the Verifier, cnf = this device's key.
    auto ar = eat::VerifyAttestationResult(arBytes, m_verifierKeys, cbor::ByteView(dev->kid));
    if (!ar.ok())
    {
        NS_LOG_INFO("device " << s.deviceId
                              << ": attestation result rejected: " << ar.failure().ToString());
        Respond(requestId, 502, {}, s.deviceId, TeepMessageType::Unknown);
        EndSession(sessionId, SessionOutcome::AttestationFailed);
        return;
    }
    // Built in the kept Update (SignTeep takes a Message: the envelopes are not copied once
    // more; the token, format and AR go into the buffers of the last session's Update).
    if (!std::holds_alternative<teep::Update>(m_update))
    {
        m_update.emplace<teep::Update>();
    }
    teep::Update& u = std::get<teep::Update>(m_update);
    std::vector<Bytes> install;
    for (const std::string& ta : DesiredFor(*dev))
    {
        if (m_malicious.count(ta) || std::count(s.installed.begin(), s.installed.end(), ta))
        {
            continue;
        }
        const TaEntry* e = m_catalog->Find(ta);
        NS_ABORT_MSG_IF(!e, "TamServer: desired TA " << ta << " is not in the catalog");
        if (e->personalizationSize == 0)
        {
            install.push_back(e->envelope);
            continue;
        }
        // Per-device envelope, data encrypted to this device only; built now, never cached.
        NS_ABORT_MSG_IF(!dev->encryptionKey.valid(),
                        "TamServer: TA " << ta << " is personalized but device " << dev->id
                                         << " has no encryption key (SetDeviceEncryptionKey)");
        install.push_back(m_catalog->BuildPersonalizedEnvelope(*e, dev->id, dev->encryptionKey));
    }
    std::vector<suit::ComponentId> unneeded;
    for (const std::string& ta : s.installed)
    {
        if (m_malicious.count(ta))
        {
            const TaEntry* e = m_catalog->Find(ta);
            unneeded.push_back(e ? e->manifestComponentId : TaCatalog::ComponentIdFor(ta));
        }
    }
    if (!install.empty())
    {
        u.manifestList = std::move(install);
    }
    s.removal = !unneeded.empty();
    if (!unneeded.empty())
    {
        u.unneededManifestList = std::move(unneeded);
    }
    // Pass the AR back: every successful session refreshes the device's AR.
    if (!u.attestationPayloadFormat)
    {
        u.attestationPayloadFormat.emplace(kResultFormat); // the same for every Update
    }
    if (!u.attestationPayload)
    {
        u.attestationPayload.emplace();
    }
    u.attestationPayload->assign(arBytes.begin(), arBytes.end());
    SetToken(sessionId, s);
    if (!u.token)
    {
        u.token.emplace();
    }
    u.token->resize(sizeof s.token);
    std::memcpy(u.token->data(), &s.token, sizeof s.token); // TokenBytesOf, in place
    s.stage = Stage::AwaitSuccess;
    std::vector<uint8_t> signedUpdate = SignTeep(m_update);
    // The TAM keeps no envelopes between sessions (a personalized one is per device).
    u.manifestList.reset();
    u.unneededManifestList.reset();
    Respond(requestId, 200, std::move(signedUpdate), s.deviceId, TeepMessageType::Update);
}

} // namespace ns3
