// The SUIT procedures a TEEP Agent runs: payload-fetch, install and validate for an Update
// (after the rollback check), uninstall for an unneeded manifest, and the whole of an Update's
// envelope (parse, verify, install).
#include <cstdint>
#include <string>

#include "suit_interpreter.h"

namespace teepsim::suit
{

using detail::Interpreter;

ProcessOutcome RunInstall(const Envelope& env, const Device& device, const Callbacks& callbacks,
                          std::optional<uint64_t> installedSequence, const Limits& limits)
{
    ProcessOutcome out;
    const Manifest& m = env.manifest;
    if (installedSequence && m.sequenceNumber <= *installedSequence)
    {
        out.status = Status::Rollback;
        out.reason = "manifest-sequence-number " + std::to_string(m.sequenceNumber) +
                     " is not greater than the installed " + std::to_string(*installedSequence);
        return out;
    }
    if (!m.install)
    {
        out.status = Status::NoSection;
        out.reason = "manifest has no install section (20)";
        for (int64_t k : m.unknownKeys)
        {
            if (k == 17)
            {
                out.reason += "; it has key 17, suit-install in the 2022-2024 numbering";
            }
        }
        return out;
    }
    Interpreter run(env, device, callbacks, limits, out);
    if (m.payloadFetch && !run.RunSection("payload-fetch", *m.payloadFetch))
    {
        return out;
    }
    if (!run.RunSection("install", *m.install))
    {
        return out;
    }
    if (m.validate && !run.RunSection("validate", *m.validate))
    {
        return out;
    }
    run.CollectWritten();
    return out;
}

ProcessOutcome RunUninstall(const Envelope& env, const Device& device, const Callbacks& callbacks,
                            const Limits& limits)
{
    ProcessOutcome out;
    if (!env.manifest.uninstall)
    {
        out.status = Status::NoSection;
        out.reason = "manifest has no uninstall section (24)";
        return out;
    }
    Interpreter run(env, device, callbacks, limits, out);
    run.RunSection("uninstall", *env.manifest.uninstall);
    return out;
}

ProcessOutcome ProcessUpdate(ByteView envelopeBytes, const std::vector<crypto::Key>& trustAnchors,
                             const Device& device, const Callbacks& callbacks,
                             std::optional<uint64_t> installedSequence, const Limits& limits)
{
    ProcessOutcome out;
    Status why = Status::Malformed;
    auto env = ParseEnvelope(envelopeBytes, &why); // owns its bytes: `written` may outlive them
    if (!env)
    {
        out.status = why;
        out.reason = env.error().ToString();
        return out;
    }
    VerifyOutcome v = VerifyEnvelope(env.value(), trustAnchors);
    if (!v.ok())
    {
        out.status = v.status;
        out.reason = v.reason;
        return out;
    }
    out = RunInstall(env.value(), device, callbacks, installedSequence, limits);
    out.storage = env->storage;
    return out;
}

} // namespace teepsim::suit
