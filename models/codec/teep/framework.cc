// The TEEP message framework, [type, {* uint => any}, * any], walked head by head: each
// element is decoded on its own (DecodeOne) so that every option keeps its byte offset.
#include "teepsim/codec/cbor_reader.h"
#include "teepsim/codec/teep_limits.h"

#include "wire_read.h"

namespace teepsim::teep::detail
{

using cbor::Value;

bool& TreeItems()
{
    thread_local bool tree = false;
    return tree;
}

[[noreturn]] void Bad(size_t offset, std::string reason, ErrorCode code, Failure::Kind kind)
{
    throw Abort{Failure{code, kind, std::move(reason), offset}};
}

[[noreturn]] void Unsupported(size_t offset, std::string reason, ErrorCode code)
{
    Bad(offset, std::move(reason), code, Failure::Kind::Unsupported);
}

namespace
{

// Reads a definite-length container head of the given major type at `pos`.
uint64_t ReadContainerHead(ByteView in, size_t& pos, uint8_t wantMajor, const char* what)
{
    const size_t start = pos;
    if (pos >= in.size())
    {
        Bad(start, std::string("truncated: expected ") + what);
    }
    const uint8_t ib = in[pos++];
    const uint8_t major = ib >> 5;
    const uint8_t ai = ib & 0x1f;
    if (major != wantMajor)
    {
        Bad(start, std::string("expected ") + what);
    }
    if (ai < 24)
    {
        return ai;
    }
    if (ai == 31)
    {
        Bad(start, std::string("indefinite-length ") + what + " not allowed");
    }
    if (ai > 27)
    {
        Bad(start, "reserved additional information value");
    }
    const size_t n = size_t{1} << (ai - 24);
    if (in.size() - pos < n)
    {
        Bad(start, std::string("truncated ") + what + " head");
    }
    uint64_t arg = 0;
    for (size_t i = 0; i < n; ++i)
    {
        arg = (arg << 8) | in[pos++];
    }
    return arg;
}

// One element, checked well-formed in place (no tree); the tree decoder runs only to report
// why an element is not well-formed.
Item ReadItem(ByteView in, size_t& pos, const char* what)
{
    const size_t start = pos;
    if (!TreeItems() && cbor::SkipWellFormed(in, pos))
    {
        return Item(in.subspan(start, pos - start), start);
    }
    pos = start;
    auto r = cbor::DecodeOne(in, pos);
    if (!r)
    {
        Bad(r.error().offset, std::string(what) + ": " + r.error().message);
    }
    return Item(std::move(r.value()), start);
}

// An unsigned integer element, read in place or (tree items) from its value.
bool ItemUint(const Item& it, uint64_t& v)
{
    if (!it.raw.empty())
    {
        return cbor::Reader(it.raw).ReadUint(v);
    }
    if (!it.value().isUint())
    {
        return false;
    }
    v = it.value().rawUint();
    return true;
}

} // namespace

Framework ReadFramework(ByteView in)
{
    Framework f;
    size_t pos = 0;
    f.count = ReadContainerHead(in, pos, 4, "TEEP message array");
    if (f.count < 2)
    {
        Bad(0, "TEEP message array needs at least [type, options]");
    }
    // Each element takes at least one byte: a count beyond the input is truncation.
    if (f.count > in.size())
    {
        Bad(0, "TEEP message array longer than the input");
    }
    f.typeOffset = pos;
    Item type = ReadItem(in, pos, "type");
    if (!ItemUint(type, f.wireType))
    {
        Bad(f.typeOffset, "message type must be an unsigned integer");
    }
    f.optionsOffset = pos;
    const uint64_t nopts = ReadContainerHead(in, pos, 5, "options map");
    if (nopts > (in.size() - pos) / 2)
    {
        Bad(f.optionsOffset, "options map longer than the input");
    }
    f.options.reserve(nopts);
    for (uint64_t i = 0; i < nopts; ++i)
    {
        const size_t keyOffset = pos;
        Item key = ReadItem(in, pos, "option label");
        uint64_t label = 0;
        if (!ItemUint(key, label))
        {
            Bad(keyOffset, "option label must be an unsigned integer");
        }
        for (const auto& o : f.options)
        {
            if (o.label == label)
            {
                Bad(keyOffset, "duplicate option label " + std::to_string(label));
            }
        }
        f.options.push_back(Option{label, ReadItem(in, pos, "option value")});
    }
    for (size_t i = 2; i < f.count; ++i)
    {
        f.extra.push_back(ReadItem(in, pos, "message element"));
    }
    if (pos != in.size())
    {
        Bad(pos, "trailing bytes after the TEEP message");
    }
    return f;
}

void CheckArity(const Framework& f, MessageType t)
{
    const size_t want = limits::Arity(t);
    if (f.count != want)
    {
        Bad(0, std::string(ToString(t)) + " must have " + std::to_string(want) + " elements, has " +
                   std::to_string(f.count));
    }
}

const Item* FindOption(const Framework& f, uint64_t label)
{
    for (const auto& o : f.options)
    {
        if (o.label == label)
        {
            return &o.item;
        }
    }
    return nullptr;
}

} // namespace teepsim::teep::detail
