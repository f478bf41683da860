// The options of each TEEP message type as one table, keyed by the profile's label table: for
// every option, the label, how the decoder reads it and how the encoder writes it. The decoder,
// the encoder and limits::IsDefinedOption all work from these tables, so an option is defined
// in one place.
#pragma once

#include "teepsim/codec/teep.h"

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "wire_read.h"

namespace teepsim::teep::detail
{

/// What option readers may consult: the wire profile and the receiver's capabilities.
struct DecodeContext
{
    const Profile& profile;
    const ReceiverCaps& caps;
};

/// (label, value) pairs collected by the encoder before it orders them.
using OptionValues = std::vector<std::pair<uint64_t, cbor::Value>>;

/// Options written straight to bytes by the direct encoder, before it orders them: each
/// option's encoded value is bytes[begin, end).
struct EmittedOptions
{
    struct Span
    {
        uint64_t label;
        size_t begin;
        size_t end;
    };
    Bytes bytes;
    std::vector<Span> spans;
};

/// One option of message type M.
template<typename M> struct OptionEntry
{
    uint64_t Labels::*label;
    /// Reads the option into its field (Bad() on a CDDL violation).
    void (*read)(M& msg, const Item& item, const DecodeContext& ctx);
    /// Appends (label, value) when the field is set (std::invalid_argument when out of bounds).
    void (*write)(const M& msg, const Profile& profile, OptionValues& out);
    /// The direct encoder's write: the same value as `write`, appended to out.bytes.
    void (*emit)(const M& msg, const Profile& profile, EmittedOptions& out);
};

/// The options the CDDL defines for message type M, in the encoder's historical order
/// (token first). Specialized for the five message types in options.cc.
template<typename M> std::span<const OptionEntry<M>> OptionTable();
template<> std::span<const OptionEntry<QueryRequest>> OptionTable<QueryRequest>();
template<> std::span<const OptionEntry<QueryResponse>> OptionTable<QueryResponse>();
template<> std::span<const OptionEntry<Update>> OptionTable<Update>();
template<> std::span<const OptionEntry<Success>> OptionTable<Success>();
template<> std::span<const OptionEntry<Error>> OptionTable<Error>();

/// The entry of M's table whose label (in `labels`) is `label`, or nullptr (an extension).
template<typename M> const OptionEntry<M>* FindOptionEntry(const Labels& labels, uint64_t label)
{
    for (const auto& e : OptionTable<M>())
    {
        if (labels.*e.label == label)
        {
            return &e;
        }
    }
    return nullptr;
}

} // namespace teepsim::teep::detail
