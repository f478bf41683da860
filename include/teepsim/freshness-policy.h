// Freshness of attestation results at a relying party (RFC 9334 §10; docs/THEORY-FRESHNESS.md).
// Three mechanisms decide how long a relying party keeps accepting an affirming result:
//   timestamp  the result's expiry: accepted until exp = iat + V (the Verifier's ArValidity);
//   epoch      an epoch feed ticks every E from t = 0; the Verifier writes the epoch ID current
//              at appraisal into the result (its eat_nonce claim, RFC 9334 §10.3: the epoch ID
//              takes the place of a nonce), and a relying party that sees the feed `delay` late
//              accepts the result while that epoch is among its last w epochs, i.e. until
//              (epoch + w) E + delay;
//   nonce      the relying party challenges the device itself (RelyingParty, relying-party.h)
//              and accepts each answer until its next challenge is answered.
// Pure functions of simulated time; the ns-3 objects that use them are the Verifier (epoch IDs)
// and the RelyingParty (nonces).
#pragma once

#include "teepsim/codec/cbor.h"
#include "teepsim/teep-trace.h"

#include "ns3/nstime.h"

#include <cstdint>
#include <optional>

namespace ns3
{

/// How a relying party judges the freshness of an attestation result.
enum FreshnessMechanism
{
    FRESHNESS_TIMESTAMP = 0, ///< accepted until iat + V
    FRESHNESS_EPOCH = 1,     ///< accepted while its epoch ID is within the last w epochs
    FRESHNESS_NONCE = 2,     ///< the answer to the relying party's own latest challenge
};

/// The epoch feed: epoch k covers [kE, (k + 1)E) at its source (the Verifier's clock).
class EpochFeed
{
  public:
    EpochFeed() = default;
    /// duration E > 0, window w >= 1.
    EpochFeed(Time duration, uint32_t window);

    /// The epoch current at `t` at the source.
    uint64_t EpochAt(Time t) const;
    /// When a relying party that receives every tick `delay` late stops accepting a result of
    /// `epoch`: its own epoch is then epoch + w, so the result is no longer among its last w.
    Time AcceptedUntil(uint64_t epoch, Time delay) const;

    /// E: the length of one epoch.
    Time duration() const { return m_duration; }
    /// w: how many of its latest epochs a relying party accepts.
    uint32_t window() const { return m_window; }

    /// The epoch ID as it travels in a result's eat_nonce: 8 bytes, big-endian (an EAT nonce
    /// is 8 to 64 bytes, RFC 9711 §4.1).
    static teepsim::cbor::Bytes Encode(uint64_t epoch);
    /// The epoch of an eat_nonce written by Encode, or nullopt when it is not 8 bytes.
    static std::optional<uint64_t> Decode(const teepsim::cbor::Bytes& nonce);

  private:
    Time m_duration = Hours(1);
    uint32_t m_window = 1;
};

/// Verifier "ArEpoch" trace: a result for `deviceId` with `status` carries epoch ID `epoch`.
typedef void (*TeepArEpochTracedCallback)(uint32_t deviceId, AttestationStatus status,
                                          uint64_t epoch);

} // namespace ns3
