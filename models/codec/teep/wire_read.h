// The decoder's building blocks: how a CDDL violation is reported (an internal exception that
// Decode() turns into a Failure), the TEEP message framework walked head by head so that every
// option keeps its byte offset, and typed readers named after the CDDL for error messages.
#pragma once

#include "teepsim/codec/cbor_reader.h"
#include "teepsim/codec/teep.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace teepsim::teep::detail
{

/// Thrown by Bad(); Decode() catches it and returns the failure.
struct Abort
{
    Failure failure;
};

[[noreturn]] void Bad(size_t offset, std::string reason, ErrorCode code = ErrorCode::PermanentError,
                      Failure::Kind kind = Failure::Kind::Malformed);
[[noreturn]] void Unsupported(size_t offset, std::string reason, ErrorCode code);

/// One element of a message and the offset where it starts. Read from the received bytes, it
/// holds its encoding (`raw`, checked well-formed by the framework walk): the typed readers of
/// the common options read it in place, and only the others ask for value(), which decodes it
/// into a cbor::Value tree once. Built from a Value (inside a decoded tree), raw is empty.
class Item
{
  public:
    Item() = default;
    Item(cbor::Value v, size_t off) : offset(off), cache_(std::move(v)) {}
    Item(ByteView encoded, size_t off) : raw(encoded), offset(off) {}

    ByteView raw;
    size_t offset = 0;
    const cbor::Value& value() const;

  private:
    mutable std::optional<cbor::Value> cache_;
};

struct Option
{
    uint64_t label = 0;
    Item item;
};

/// The framework of every TEEP message: [type, {* uint => any}, * any].
struct Framework
{
    size_t count = 0; // array arity
    uint64_t wireType = 0;
    size_t typeOffset = 0;
    size_t optionsOffset = 0;
    std::vector<Option> options;
    std::vector<Item> extra; // elements after the options map
};

/// True while reference::DecodeTeep runs: elements are then decoded into cbor::Value trees
/// (the decoder as it was before the in-place readers), the specification they are tested
/// against.
bool& TreeItems();

/// Walks the array and the options map (no duplicate labels, nothing trailing).
Framework ReadFramework(ByteView in);
/// The option with `label`, or nullptr.
const Item* FindOption(const Framework& f, uint64_t label);
/// The array has the arity of message type `t`.
void CheckArity(const Framework& f, MessageType t);

// ---- typed readers (name = the CDDL name, for error messages) ----

Bytes GetBstr(const Item& it, const char* name, size_t lo = 0, size_t hi = SIZE_MAX);
std::string GetText(const Item& it, const char* name, size_t lo = 0, size_t hi = SIZE_MAX);
uint64_t GetUint(const cbor::Value& v, size_t offset, const char* name, uint64_t max = UINT64_MAX);
uint64_t GetUint(const Item& it, const char* name, uint64_t max = UINT64_MAX);
const cbor::Array& GetNonEmptyArray(const Item& it, const char* name);
/// [+ uint] read in place; false if `it` has no encoding (then use the tree).
bool GetUintListRaw(const Item& it, const char* name, uint64_t max, std::vector<uint64_t>& out);

template<typename T> std::vector<T> GetUintList(const Item& it, const char* name, uint64_t max)
{
    if (!it.raw.empty())
    {
        thread_local std::vector<uint64_t> wide;
        wide.clear();
        GetUintListRaw(it, name, max, wide);
        return std::vector<T>(wide.begin(), wide.end());
    }
    const auto& a = GetNonEmptyArray(it, name);
    std::vector<T> out;
    out.reserve(a.size());
    for (const auto& v : a)
    {
        out.push_back(static_cast<T>(GetUint(v, it.offset, name, max)));
    }
    return out;
}

ComponentId GetComponentId(const cbor::Value& v, size_t offset, const char* name);
std::vector<ComponentId> GetComponentIdList(const Item& it, const char* name);
/// [+ bstr .cbor X]: each element a bstr whose content is one well-formed CBOR item.
/// `envelope`: X = SUIT_Envelope, i.e. a map, optionally tagged 107.
std::vector<Bytes> GetEmbeddedCborList(const Item& it, const char* name, bool envelope);
/// One cipher suite; nullopt if it is not of the [+ [uint, int]] shape.
std::optional<CipherSuite> ParseSuite(const cbor::Value& v);
/// ParseSuite of the element at r (read in place); r is after the element either way.
std::optional<CipherSuite> ParseSuiteAt(cbor::Reader& r);
std::vector<CipherSuite> GetCipherSuites(const Item& it, const char* name);
std::vector<SuitCoseProfile> GetSuitProfiles(const Item& it, const char* name);
ErrorCode GetErrorCode(const cbor::Value& v, size_t offset, const Profile& p);
ErrorCode GetErrorCode(const Item& it, const Profile& p);
std::vector<TcInfo> GetTcList(const Item& it, const Labels& L);
std::vector<RequestedTcInfo> GetRequestedTcList(const Item& it, const Labels& L);

// ---- negotiation checks (what the receiver supports) ----

void CheckVersions(const std::vector<uint32_t>& offered, size_t offset, const ReceiverCaps& caps);
/// Before the arity check: a suite list none of whose entries we support (whatever their
/// shape, e.g. an older draft's [null, 3, null]) is ERR_UNSUPPORTED_CIPHER_SUITES.
void CheckSuitesOffered(const Item& it, const Profile& p, const ReceiverCaps& caps);
void CheckFreshness(const std::vector<uint64_t>& offered, size_t offset, const ReceiverCaps& caps);

} // namespace teepsim::teep::detail
