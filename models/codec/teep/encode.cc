// TEEP message encoder. Builds the CBOR value with the profile's numbering: each option through
// its message type's option table (options.cc), which checks the CDDL bounds, so the encoder
// never emits a message the decoder would refuse.
#include "teepsim/codec/cbor_reader.h"
#include "teepsim/codec/teep.h"
#include "teepsim/codec/teep_limits.h"
#include "teepsim/codec/tree_reference.h"

#include <algorithm>
#include <stdexcept>

#include "options.h"
#include "wire_emit.h"
#include "wire_write.h"

namespace teepsim::teep
{

using namespace detail;
using cbor::Value;

namespace
{

// Orders collected (label, value) options: wire order first, then token, then ascending labels
// (the order of the draft's examples).
Value OrderOptions(OptionValues opts, const WireOrder& order, const Labels& labels)
{
    cbor::Map m;
    m.reserve(opts.size());
    std::vector<bool> used(opts.size(), false);
    auto take = [&](uint64_t label)
    {
        for (size_t i = 0; i < opts.size(); ++i)
        {
            if (!used[i] && opts[i].first == label)
            {
                used[i] = true;
                m.emplace_back(Value::Uint(label), std::move(opts[i].second));
            }
        }
    };
    for (uint64_t l : order.labels)
    {
        take(l);
    }
    take(labels.token);
    std::vector<uint64_t> rest;
    for (size_t i = 0; i < opts.size(); ++i)
    {
        if (!used[i])
        {
            rest.push_back(opts[i].first);
        }
    }
    std::sort(rest.begin(), rest.end());
    for (uint64_t l : rest)
    {
        take(l);
    }
    return Value::MakeMap(std::move(m));
}

// The options map of a message: its defined options through M's table, then its extensions.
template<typename M> Value OptionsMap(const M& msg, MessageType t, const Profile& p)
{
    OptionValues opts;
    for (const auto& entry : OptionTable<M>())
    {
        entry.write(msg, p, opts);
    }
    for (const auto& e : msg.extensions)
    {
        Require(!limits::IsDefinedOption(t, p.labels(), e.label) &&
                    std::none_of(opts.begin(), opts.end(),
                                 [&](const auto& o) { return o.first == e.label; }),
                "extension label collides with a defined option");
        opts.emplace_back(e.label, e.value);
    }
    return OrderOptions(std::move(opts), msg.wireOrder, p.labels());
}

// [type, options] of message M; the caller appends the elements after the options.
template<typename M> Value Frame(const M& msg, MessageType t, const Profile& p)
{
    Value a = Value::MakeArray();
    a.array().reserve(5);
    a.push(Value::Uint(p.WireType(t)));
    a.push(OptionsMap(msg, t, p));
    return a;
}

Value ToValue(const QueryRequest& m, const Profile& p)
{
    Value a = Frame(m, MessageType::QueryRequest, p);
    a.push(CipherSuites(m.supportedCipherSuites));
    a.push(SuitProfiles(m.supportedSuitCoseProfiles));
    a.push(Value::Uint(m.dataItemRequested));
    return a;
}

Value ToValue(const QueryResponse& m, const Profile& p)
{
    return Frame(m, MessageType::QueryResponse, p);
}

Value ToValue(const Update& m, const Profile& p)
{
    return Frame(m, MessageType::Update, p);
}

Value ToValue(const Success& m, const Profile& p)
{
    return Frame(m, MessageType::Success, p);
}

Value ToValue(const Error& m, const Profile& p)
{
    Value a = Frame(m, MessageType::Error, p);
    a.push(Value::Uint(p.WireErrorCode(m.errCode)));
    return a;
}

} // namespace

Value ToCbor(const Message& m, const Profile& profile)
{
    return std::visit([&](const auto& msg) { return ToValue(msg, profile); }, m);
}

namespace
{

// ---- the direct encoder: the same bytes as cbor::Encode(ToCbor(m)), without a tree ----

// Options written in table order (which is also the order of their checks), extensions after.
template<typename M>
void EmitOptions(const M& msg, MessageType t, const Profile& p, EmittedOptions& out)
{
    for (const auto& entry : OptionTable<M>())
    {
        entry.emit(msg, p, out);
    }
    for (const auto& e : msg.extensions)
    {
        Require(!limits::IsDefinedOption(t, p.labels(), e.label) &&
                    std::none_of(out.spans.begin(), out.spans.end(),
                                 [&](const auto& o) { return o.label == e.label; }),
                "extension label collides with a defined option");
        const size_t start = out.bytes.size();
        cbor::EncodeTo(e.value, out.bytes);
        out.spans.push_back({e.label, start, out.bytes.size()});
    }
}

// [type, options, ...]: the options in OrderOptions' order (wire order, token, ascending).
template<typename M>
void EmitFrame(const M& msg, MessageType t, const Profile& p, size_t extra, Bytes& out)
{
    thread_local EmittedOptions opts; // reused across messages: no allocation once warm
    thread_local std::vector<uint8_t> used;
    opts.bytes.clear();
    opts.spans.clear();
    EmitOptions(msg, t, p, opts);
    out.reserve(16 + opts.bytes.size() + opts.spans.size() * 2);
    cbor::PutArray(2 + extra, out);
    cbor::PutUint(p.WireType(t), out);
    cbor::PutMap(opts.spans.size(), out);
    used.assign(opts.spans.size(), 0);
    auto take = [&](uint64_t label)
    {
        for (size_t i = 0; i < opts.spans.size(); ++i)
        {
            if (!used[i] && opts.spans[i].label == label)
            {
                used[i] = 1;
                cbor::PutUint(label, out);
                out.insert(out.end(), opts.bytes.begin() + long(opts.spans[i].begin),
                           opts.bytes.begin() + long(opts.spans[i].end));
            }
        }
    };
    for (uint64_t l : msg.wireOrder.labels)
    {
        take(l);
    }
    take(p.labels().token);
    // The rest in ascending label order (labels are unique: collisions were refused above).
    for (;;)
    {
        size_t best = opts.spans.size();
        for (size_t i = 0; i < opts.spans.size(); ++i)
        {
            if (!used[i] &&
                (best == opts.spans.size() || opts.spans[i].label < opts.spans[best].label))
            {
                best = i;
            }
        }
        if (best == opts.spans.size())
        {
            break;
        }
        take(opts.spans[best].label);
    }
}

void EmitMessage(const QueryRequest& m, const Profile& p, Bytes& out)
{
    EmitFrame(m, MessageType::QueryRequest, p, 3, out);
    EmitCipherSuites(m.supportedCipherSuites, out);
    EmitSuitProfiles(m.supportedSuitCoseProfiles, out);
    cbor::PutUint(m.dataItemRequested, out);
}

void EmitMessage(const QueryResponse& m, const Profile& p, Bytes& out)
{
    EmitFrame(m, MessageType::QueryResponse, p, 0, out);
}

void EmitMessage(const Update& m, const Profile& p, Bytes& out)
{
    EmitFrame(m, MessageType::Update, p, 0, out);
}

void EmitMessage(const Success& m, const Profile& p, Bytes& out)
{
    EmitFrame(m, MessageType::Success, p, 0, out);
}

void EmitMessage(const Error& m, const Profile& p, Bytes& out)
{
    EmitFrame(m, MessageType::Error, p, 1, out);
    cbor::PutUint(p.WireErrorCode(m.errCode), out);
}

} // namespace

namespace detail
{

void EncodeInto(const Message& m, const Profile& profile, Bytes& out)
{
    std::visit([&](const auto& msg) { EmitMessage(msg, profile, out); }, m);
}

} // namespace detail

Bytes Encode(const Message& m, const Profile& profile)
{
    Bytes out;
    detail::EncodeInto(m, profile, out);
    return out;
}

} // namespace teepsim::teep

namespace teepsim::reference
{

cbor::Bytes EncodeTeep(const teep::Message& m, const teep::Profile& profile)
{
    return cbor::Encode(teep::ToCbor(m, profile));
}

} // namespace teepsim::reference
