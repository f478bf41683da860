// Direct writers of TEEP message elements (see wire_emit.h); each mirrors its tree writer in
// wire_write.cc check for check, so both encoders refuse the same messages with the same text.
#include "wire_emit.h"

#include "teepsim/codec/cbor_reader.h"
#include "teepsim/codec/teep_limits.h"

#include "wire_write.h"

namespace teepsim::teep::detail
{

void EmitBstrList(const std::vector<Bytes>& list, const char* what, Bytes& out)
{
    Require(!list.empty(), what);
    cbor::PutArray(list.size(), out);
    for (const auto& b : list)
    {
        cbor::PutBstr(b, out);
    }
}

template<typename T> void EmitUintList(const std::vector<T>& list, const char* what, Bytes& out)
{
    Require(!list.empty(), what);
    cbor::PutArray(list.size(), out);
    for (auto v : list)
    {
        cbor::PutUint(v, out);
    }
}
template void EmitUintList<uint32_t>(const std::vector<uint32_t>&, const char*, Bytes&);
template void EmitUintList<uint64_t>(const std::vector<uint64_t>&, const char*, Bytes&);

void EmitComponentId(const ComponentId& id, Bytes& out)
{
    cbor::PutArray(id.size(), out);
    for (const auto& part : id)
    {
        cbor::PutBstr(part, out);
    }
}

void EmitComponentIdList(const std::vector<ComponentId>& list, const char* what, Bytes& out)
{
    Require(!list.empty(), what);
    cbor::PutArray(list.size(), out);
    for (const auto& id : list)
    {
        EmitComponentId(id, out);
    }
}

void EmitCipherSuites(const std::vector<CipherSuite>& suites, Bytes& out)
{
    Require(!suites.empty(), "supported-teep-cipher-suites must not be empty");
    cbor::PutArray(suites.size(), out);
    for (const auto& suite : suites)
    {
        Require(!suite.empty(), "a cipher suite needs at least one operation");
        cbor::PutArray(suite.size(), out);
        for (const auto& op : suite)
        {
            cbor::PutArray(2, out);
            cbor::PutUint(op.coseType, out);
            cbor::PutInt(op.alg, out);
        }
    }
}

void EmitSuitProfiles(const std::vector<SuitCoseProfile>& profiles, Bytes& out)
{
    Require(!profiles.empty(), "supported-suit-cose-profiles must not be empty");
    cbor::PutArray(profiles.size(), out);
    for (const auto& p : profiles)
    {
        cbor::PutArray(p.size(), out);
        for (int64_t v : p)
        {
            cbor::PutInt(v, out);
        }
    }
}

void EmitText(const std::string& s, size_t lo, size_t hi, const char* what, Bytes& out)
{
    Require(s.size() >= lo && s.size() <= hi, what);
    cbor::PutTstr(s, out);
}

namespace
{

void EmitTcInfo(const TcInfo& tc, const Labels& labels, Bytes& out)
{
    const auto seqKey = static_cast<int64_t>(labels.tcManifestSequenceNumber);
    // The tree writer checks each extra parameter while it appends them: check all first
    // here, since the map head (its entry count) comes before them.
    for (const auto& [k, v] : tc.otherParams)
    {
        auto key = k.asInt64();
        Require(!key ||
                    (*key != limits::kSystemComponentId && *key != limits::kSuitParamImageDigest &&
                     *key != limits::kSuitParamImageSize && *key != seqKey),
                "tc-list parameter collides with a typed field");
    }
    cbor::PutMap(1 + (tc.imageDigest ? 1 : 0) + (tc.imageSize ? 1 : 0) +
                     (tc.manifestSequenceNumber ? 1 : 0) + tc.otherParams.size(),
                 out);
    cbor::PutInt(limits::kSystemComponentId, out);
    EmitComponentId(tc.componentId, out);
    if (tc.imageDigest)
    {
        cbor::PutInt(limits::kSuitParamImageDigest, out);
        cbor::PutBstr(*tc.imageDigest, out);
    }
    if (tc.imageSize)
    {
        cbor::PutInt(limits::kSuitParamImageSize, out);
        cbor::PutUint(*tc.imageSize, out);
    }
    if (tc.manifestSequenceNumber)
    {
        cbor::PutInt(seqKey, out);
        cbor::PutUint(*tc.manifestSequenceNumber, out);
    }
    for (const auto& [k, v] : tc.otherParams)
    {
        cbor::EncodeTo(k, out);
        cbor::EncodeTo(v, out);
    }
}

void EmitRequestedTc(const RequestedTcInfo& r, const Labels& labels, Bytes& out)
{
    Require(!r.haveBinary.value_or(false) || r.manifestSequenceNumber,
            "have-binary true needs tc-manifest-sequence-number");
    cbor::PutMap(1 + (r.manifestSequenceNumber ? 1 : 0) + (r.haveBinary ? 1 : 0), out);
    cbor::PutInt(static_cast<int64_t>(labels.componentId), out);
    EmitComponentId(r.componentId, out);
    if (r.manifestSequenceNumber)
    {
        cbor::PutInt(static_cast<int64_t>(labels.tcManifestSequenceNumber), out);
        cbor::PutUint(*r.manifestSequenceNumber, out);
    }
    if (r.haveBinary)
    {
        cbor::PutInt(static_cast<int64_t>(labels.haveBinary), out);
        cbor::PutBool(*r.haveBinary, out);
    }
}

} // namespace

void EmitTcList(const std::vector<TcInfo>& list, const Labels& labels, Bytes& out)
{
    Require(!list.empty(), "tc-list empty");
    cbor::PutArray(list.size(), out);
    for (const auto& tc : list)
    {
        EmitTcInfo(tc, labels, out);
    }
}

void EmitRequestedTcList(const std::vector<RequestedTcInfo>& list, const Labels& labels, Bytes& out)
{
    Require(!list.empty(), "requested-tc-list empty");
    cbor::PutArray(list.size(), out);
    for (const auto& r : list)
    {
        EmitRequestedTc(r, labels, out);
    }
}

} // namespace teepsim::teep::detail
