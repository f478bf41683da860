// TEEP message decoder: checks the framework ([type, options, *extra]), then the CDDL of the
// message type, and maps every violation to the TEEP error code a receiver would send.
//
// The building blocks are elsewhere: the framework walk and the failure mechanism in
// framework.cc, typed readers in wire_read.cc and tc_info_read.cc, negotiation checks in
// negotiation.cc, and each option's reader in the option tables (options.cc). The first
// violation aborts via an internal exception (Abort) that Decode() turns into a Failure.
#include "teepsim/codec/teep.h"
#include "teepsim/codec/teep_limits.h"
#include "teepsim/codec/tree_reference.h"

#include "options.h"
#include "wire_read.h"

// GCC 12 reports a false -Wmaybe-uninitialized inside std::variant's destructor when a
// Message is returned from the switch below; the code is fine.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace teepsim::teep
{

using namespace detail;

namespace
{

// Reads the options through M's table: records wire order and keeps undefined labels as
// extensions.
template<typename M> void ReadOptions(const Framework& f, const DecodeContext& ctx, M& msg)
{
    const Labels& L = ctx.profile.labels();
    msg.wireOrder.labels.reserve(f.options.size());
    for (const auto& o : f.options)
    {
        msg.wireOrder.labels.push_back(o.label);
        if (const OptionEntry<M>* entry = FindOptionEntry<M>(L, o.label))
        {
            entry->read(msg, o.item, ctx);
        }
        else
        {
            msg.extensions.push_back(ExtensionOption{o.label, o.item.value()});
        }
    }
}

// A message that is [type, options]: QueryResponse, Update, Success.
template<typename M>
M DecodeOptionsOnly(const Framework& f, const DecodeContext& ctx, MessageType t)
{
    CheckArity(f, t);
    M m;
    ReadOptions(f, ctx, m);
    return m;
}

QueryRequest DecodeQueryRequest(const Framework& f, const DecodeContext& ctx)
{
    const Labels& L = ctx.profile.labels();
    // Shape first: a message of the wrong arity is malformed whatever its options offer (an
    // unsupported version or suite in a malformed message must not make it look well-formed).
    CheckArity(f, MessageType::QueryRequest);
    // Then version negotiation: the rest of the layout depends on the version.
    if (const Item* v = FindOption(f, L.versions))
    {
        CheckVersions(GetUintList<uint32_t>(*v, "versions", limits::kVersionMax), v->offset,
                      ctx.caps);
    }
    CheckSuitesOffered(f.extra[0], ctx.profile, ctx.caps);

    QueryRequest m;
    ReadOptions(f, ctx, m);
    m.supportedCipherSuites = GetCipherSuites(f.extra[0], "supported-teep-cipher-suites");
    m.supportedSuitCoseProfiles = GetSuitProfiles(f.extra[1], "supported-suit-cose-profiles");
    m.dataItemRequested = GetUint(f.extra[2], "data-item-requested");
    if (m.supportedFreshnessMechanisms)
    {
        CheckFreshness(*m.supportedFreshnessMechanisms,
                       FindOption(f, L.supportedFreshnessMechanisms)->offset, ctx.caps);
    }
    return m;
}

Error DecodeError(const Framework& f, const DecodeContext& ctx)
{
    CheckArity(f, MessageType::Error);
    Error m;
    ReadOptions(f, ctx, m);
    m.errCode = GetErrorCode(f.extra[0], ctx.profile);
    return m;
}

} // namespace

Result<Message> Decode(ByteView bytes, const Profile& profile, const ReceiverCaps& caps)
{
    try
    {
        const Framework f = ReadFramework(bytes);
        auto type = profile.TypeFromWire(f.wireType);
        if (!type)
        {
            Bad(f.typeOffset, "unknown message type " + std::to_string(f.wireType) +
                                  " in profile " + std::string(profile.name()));
        }
        const DecodeContext ctx{profile, caps};
        switch (*type)
        {
            case MessageType::QueryRequest:
                return Message{DecodeQueryRequest(f, ctx)};
            case MessageType::QueryResponse:
                return Message{DecodeOptionsOnly<QueryResponse>(f, ctx, *type)};
            case MessageType::Update:
                return Message{DecodeOptionsOnly<Update>(f, ctx, *type)};
            case MessageType::Success:
                return Message{DecodeOptionsOnly<Success>(f, ctx, *type)};
            case MessageType::Error:
                return Message{DecodeError(f, ctx)};
        }
        Bad(f.typeOffset, "unknown message type");
    }
    catch (Abort& a)
    {
        return std::move(a.failure);
    }
    catch (const std::bad_alloc&)
    {
        return Failure{ErrorCode::TemporaryError, Failure::Kind::Malformed, "out of memory", {}};
    }
}

} // namespace teepsim::teep

namespace teepsim::reference
{

teep::Result<teep::Message> DecodeTeep(cbor::ByteView bytes, const teep::Profile& profile,
                                       const teep::ReceiverCaps& caps)
{
    struct TreeScope
    {
        TreeScope() { teep::detail::TreeItems() = true; }
        ~TreeScope() { teep::detail::TreeItems() = false; }
    } scope;
    return teep::Decode(bytes, profile, caps);
}

} // namespace teepsim::reference
