// Negotiation checks: whether the receiver supports at least one of the offered versions,
// cipher suites and freshness mechanisms (the ERR_UNSUPPORTED_* errors).
#include <algorithm>

#include "wire_read.h"

namespace teepsim::teep::detail
{

void CheckVersions(const std::vector<uint32_t>& offered, size_t offset, const ReceiverCaps& caps)
{
    for (uint32_t v : offered)
    {
        if (std::find(caps.versions.begin(), caps.versions.end(), v) != caps.versions.end())
        {
            return;
        }
    }
    Unsupported(offset, "none of the offered versions is supported",
                ErrorCode::UnsupportedMsgVersion);
}

namespace
{

bool SuiteSupported(const CipherSuite& s, const Profile& p, const ReceiverCaps& caps)
{
    if (!caps.cipherSuites.empty())
    {
        return std::find(caps.cipherSuites.begin(), caps.cipherSuites.end(), s) !=
               caps.cipherSuites.end();
    }
    return s.size() == 1 && s[0].coseType == 18 && p.AcceptsAlg(s[0].alg);
}

} // namespace

void CheckSuitesOffered(const Item& it, const Profile& p, const ReceiverCaps& caps)
{
    if (!it.raw.empty())
    {
        cbor::Reader r(it.raw);
        uint64_t n = 0;
        if (!r.ReadArray(n))
        {
            return; // the strict check reports the type error
        }
        for (uint64_t i = 0; i < n; ++i)
        {
            auto s = ParseSuiteAt(r);
            if (s && SuiteSupported(*s, p, caps))
            {
                return;
            }
        }
        Unsupported(it.offset, "none of the offered cipher suites is supported",
                    ErrorCode::UnsupportedCipherSuites);
    }
    if (!it.value().isArray())
    {
        return; // the strict check reports the type error
    }
    for (const auto& v : it.value().array())
    {
        auto s = ParseSuite(v);
        if (s && SuiteSupported(*s, p, caps))
        {
            return;
        }
    }
    Unsupported(it.offset, "none of the offered cipher suites is supported",
                ErrorCode::UnsupportedCipherSuites);
}

void CheckFreshness(const std::vector<uint64_t>& offered, size_t offset, const ReceiverCaps& caps)
{
    for (uint64_t f : offered)
    {
        if (std::find(caps.freshness.begin(), caps.freshness.end(), f) != caps.freshness.end())
        {
            return;
        }
    }
    Unsupported(offset, "none of the offered freshness mechanisms is supported",
                ErrorCode::UnsupportedFreshnessMechanisms);
}

} // namespace teepsim::teep::detail
