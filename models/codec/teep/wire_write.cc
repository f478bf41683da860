// Writers of TEEP message elements: each builds the CBOR of one CDDL item and refuses (with
// std::invalid_argument) a value the decoder would reject.
#include "wire_write.h"

#include "teepsim/codec/teep_limits.h"

#include <stdexcept>

namespace teepsim::teep::detail
{

using cbor::Value;

void Require(bool ok, const char* what)
{
    if (!ok)
    {
        throw std::invalid_argument(std::string("teep encode: ") + what);
    }
}

Value BstrList(const std::vector<Bytes>& list, const char* what)
{
    Require(!list.empty(), what);
    Value a = Value::MakeArray();
    a.array().reserve(list.size());
    for (const auto& b : list)
    {
        a.push(Value::Bstr(b));
    }
    return a;
}

Value ComponentIdValue(const ComponentId& id)
{
    Value a = Value::MakeArray();
    for (const auto& part : id)
    {
        a.push(Value::Bstr(part));
    }
    return a;
}

Value ComponentIdList(const std::vector<ComponentId>& list, const char* what)
{
    Require(!list.empty(), what);
    Value a = Value::MakeArray();
    for (const auto& id : list)
    {
        a.push(ComponentIdValue(id));
    }
    return a;
}

Value CipherSuites(const std::vector<CipherSuite>& suites)
{
    Require(!suites.empty(), "supported-teep-cipher-suites must not be empty");
    Value a = Value::MakeArray();
    for (const auto& suite : suites)
    {
        Require(!suite.empty(), "a cipher suite needs at least one operation");
        Value s = Value::MakeArray();
        for (const auto& op : suite)
        {
            s.push(Value::MakeArray({Value::Uint(op.coseType), Value::Int(op.alg)}));
        }
        a.push(std::move(s));
    }
    return a;
}

Value SuitProfiles(const std::vector<SuitCoseProfile>& profiles)
{
    Require(!profiles.empty(), "supported-suit-cose-profiles must not be empty");
    Value a = Value::MakeArray();
    for (const auto& p : profiles)
    {
        Value s = Value::MakeArray();
        for (int64_t v : p)
        {
            s.push(Value::Int(v));
        }
        a.push(std::move(s));
    }
    return a;
}

Value Text(const std::string& s, size_t lo, size_t hi, const char* what)
{
    Require(s.size() >= lo && s.size() <= hi, what);
    return Value::Tstr(s);
}

namespace
{

Value TcInfoValue(const TcInfo& tc, const Labels& labels)
{
    Value m = Value::MakeMap();
    m.set(limits::kSystemComponentId, ComponentIdValue(tc.componentId));
    if (tc.imageDigest)
    {
        m.set(limits::kSuitParamImageDigest, Value::Bstr(*tc.imageDigest));
    }
    if (tc.imageSize)
    {
        m.set(limits::kSuitParamImageSize, Value::Uint(*tc.imageSize));
    }
    if (tc.manifestSequenceNumber)
    {
        m.set(static_cast<int64_t>(labels.tcManifestSequenceNumber),
              Value::Uint(*tc.manifestSequenceNumber));
    }
    for (const auto& [k, v] : tc.otherParams)
    {
        auto key = k.asInt64();
        Require(!key ||
                    (*key != limits::kSystemComponentId && *key != limits::kSuitParamImageDigest &&
                     *key != limits::kSuitParamImageSize &&
                     *key != static_cast<int64_t>(labels.tcManifestSequenceNumber)),
                "tc-list parameter collides with a typed field");
        m.map().emplace_back(k, v);
    }
    return m;
}

Value RequestedTcValue(const RequestedTcInfo& r, const Labels& labels)
{
    Require(!r.haveBinary.value_or(false) || r.manifestSequenceNumber,
            "have-binary true needs tc-manifest-sequence-number");
    Value m = Value::MakeMap();
    m.set(static_cast<int64_t>(labels.componentId), ComponentIdValue(r.componentId));
    if (r.manifestSequenceNumber)
    {
        m.set(static_cast<int64_t>(labels.tcManifestSequenceNumber),
              Value::Uint(*r.manifestSequenceNumber));
    }
    if (r.haveBinary)
    {
        m.set(static_cast<int64_t>(labels.haveBinary), Value::Bool(*r.haveBinary));
    }
    return m;
}

} // namespace

Value TcList(const std::vector<TcInfo>& list, const Labels& labels)
{
    Require(!list.empty(), "tc-list empty");
    Value a = Value::MakeArray();
    for (const auto& tc : list)
    {
        a.push(TcInfoValue(tc, labels));
    }
    return a;
}

Value RequestedTcList(const std::vector<RequestedTcInfo>& list, const Labels& labels)
{
    Require(!list.empty(), "requested-tc-list empty");
    Value a = Value::MakeArray();
    for (const auto& r : list)
    {
        a.push(RequestedTcValue(r, labels));
    }
    return a;
}

} // namespace teepsim::teep::detail
