// Direct writers of TEEP message elements: the same CBOR as the tree writers in wire_write.h
// (same checks, same std::invalid_argument text), appended straight to a byte buffer.
#pragma once

#include "teepsim/codec/teep.h"

#include <cstddef>
#include <string>
#include <vector>

namespace teepsim::teep::detail
{

/// Encode(m, profile) appended to `out` (EncodeSigned reuses one buffer for every payload).
void EncodeInto(const Message& m, const Profile& profile, Bytes& out);
void EmitBstrList(const std::vector<Bytes>& list, const char* what, Bytes& out);
template<typename T> void EmitUintList(const std::vector<T>& list, const char* what, Bytes& out);
void EmitComponentId(const ComponentId& id, Bytes& out);
void EmitComponentIdList(const std::vector<ComponentId>& list, const char* what, Bytes& out);
void EmitCipherSuites(const std::vector<CipherSuite>& suites, Bytes& out);
void EmitSuitProfiles(const std::vector<SuitCoseProfile>& profiles, Bytes& out);
void EmitText(const std::string& s, size_t lo, size_t hi, const char* what, Bytes& out);
void EmitTcList(const std::vector<TcInfo>& list, const Labels& labels, Bytes& out);
void EmitRequestedTcList(const std::vector<RequestedTcInfo>& list, const Labels& labels,
                         Bytes& out);

} // namespace teepsim::teep::detail
