// TEEP message encoder. Builds the CBOR value with the profile's numbering: each option through
// its message type's option table (options.cc), which checks the CDDL bounds, so the encoder
// never emits a message the decoder would refuse.
#include "teepsim/codec/teep.h"
#include "teepsim/codec/teep_limits.h"

#include <algorithm>
#include <stdexcept>

#include "options.h"
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

Bytes Encode(const Message& m, const Profile& profile)
{
    return cbor::Encode(ToCbor(m, profile));
}

} // namespace teepsim::teep
