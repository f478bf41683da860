// CDDL bounds and fixed keys of TEEP messages, shared by the encoder, decoder and tests.
#pragma once

#include "teepsim/codec/teep_profile.h"

#include <cstddef>
#include <cstdint>

namespace teepsim::teep::limits
{

constexpr size_t kTokenMin = 8; // token => bstr .size (8..64)
constexpr size_t kTokenMax = 64;
constexpr size_t kChallengeMin = 8; // challenge => bstr .size (8..512)
constexpr size_t kChallengeMax = 512;
constexpr size_t kMsgMin = 1; // msg / err-msg => text .size (1..128)
constexpr size_t kMsgMax = 128;
constexpr size_t kLangMin = 1; // err-lang => text .size (1..35)
constexpr size_t kLangMax = 35;
constexpr uint64_t kVersionMax = 0xFFFFFFFFu; // version / ext-info = uint .size 4

// Keys inside system-property-claims (SUIT report / SUIT parameters).
constexpr int64_t kSystemComponentId = 0;
constexpr int64_t kSuitParamImageDigest = 3;
constexpr int64_t kSuitParamImageSize = 14;

/// Array arity of each message type: QueryRequest 5, Error 3, others 2.
constexpr size_t Arity(MessageType t)
{
    return t == MessageType::QueryRequest ? 5 : t == MessageType::Error ? 3 : 2;
}

/// Whether `label` is an option the CDDL defines for message type `t` in this profile
/// (anything else is an extension option and is kept verbatim).
bool IsDefinedOption(MessageType t, const Labels& labels, uint64_t label);

} // namespace teepsim::teep::limits
