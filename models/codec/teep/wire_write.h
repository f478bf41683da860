// The encoder's building blocks: CBOR writers for the element types of TEEP messages. Each
// checks the CDDL bounds (std::invalid_argument), so the encoder never emits a message the
// decoder would refuse.
#pragma once

#include "teepsim/codec/teep.h"

#include <cstddef>
#include <string>
#include <vector>

namespace teepsim::teep::detail
{

/// Throws std::invalid_argument("teep encode: " + what) unless ok.
void Require(bool ok, const char* what);

/// [+ bstr]; `what` is the error when the list is empty.
cbor::Value BstrList(const std::vector<Bytes>& list, const char* what);

/// [+ uint]; `what` is the error when the list is empty.
template<typename T> cbor::Value UintList(const std::vector<T>& list, const char* what)
{
    Require(!list.empty(), what);
    cbor::Value a = cbor::Value::MakeArray();
    for (auto v : list)
    {
        a.push(cbor::Value::Uint(v));
    }
    return a;
}

cbor::Value ComponentIdValue(const ComponentId& id);
cbor::Value ComponentIdList(const std::vector<ComponentId>& list, const char* what);
cbor::Value CipherSuites(const std::vector<CipherSuite>& suites);
cbor::Value SuitProfiles(const std::vector<SuitCoseProfile>& profiles);
/// A text string of lo..hi bytes; `what` is the error otherwise.
cbor::Value Text(const std::string& s, size_t lo, size_t hi, const char* what);
cbor::Value TcList(const std::vector<TcInfo>& list, const Labels& labels);
cbor::Value RequestedTcList(const std::vector<RequestedTcInfo>& list, const Labels& labels);

} // namespace teepsim::teep::detail
