// Which components the following commands apply to (set-component-index) and the SUIT
// parameters each of them holds (set-parameters / override-parameters).
#include <algorithm>
#include <cstdint>
#include <string>

#include "suit_interpreter.h"

namespace teepsim::suit::detail
{

const cbor::Value* Interpreter::Slot::Param(int64_t key) const
{
    for (const auto& [k, v] : params)
    {
        if (k == key)
        {
            return &v;
        }
    }
    return nullptr;
}

void Interpreter::Slot::SetParam(int64_t key, const cbor::Value& v, bool override)
{
    for (auto& [k, old] : params)
    {
        if (k == key)
        {
            if (override)
            {
                old = v;
            }
            return;
        }
    }
    params.emplace_back(key, v);
}
// Slot of a component index: dependencies (trust-domains) live after the components.
std::optional<size_t> Interpreter::SlotOf(uint64_t index) const
{
    auto it =
        std::lower_bound(depSlots_.begin(), depSlots_.end(), std::pair<uint64_t, size_t>{index, 0});
    if (it != depSlots_.end() && it->first == index)
    {
        return it->second;
    }
    if (index < m_.components.size())
    {
        return static_cast<size_t>(index);
    }
    return std::nullopt;
}

const ComponentId& Interpreter::IdOf(size_t slot) const
{
    return IsDependencySlot(slot) ? m_.dependencies[slot - m_.components.size()].prefix
                                  : m_.components[slot];
}

bool Interpreter::SetComponentIndex(const cbor::Value& arg, size_t i, int64_t code)
{
    selected_.clear();
    if (arg.isBool() && arg.boolean())
    {
        if (!Charge(m_.components.size(), i, code))
        {
            return false;
        }
        for (size_t s = 0; s < m_.components.size(); ++s)
        {
            selected_.push_back(s);
        }
        return true;
    }
    auto add = [&](const cbor::Value& v)
    {
        if (!v.isUint())
        {
            return false;
        }
        auto slot = SlotOf(v.rawUint());
        if (!slot)
        {
            return false;
        }
        selected_.push_back(*slot);
        return true;
    };
    if (arg.isArray())
    {
        if (!Charge(arg.array().size(), i, code))
        {
            return false;
        }
        for (const auto& v : arg.array())
        {
            if (!add(v))
            {
                return Failed(Status::BadComponentIndex, i, code,
                              "index list holds an invalid index");
            }
        }
        return true;
    }
    if (!add(arg))
    {
        return Failed(Status::BadComponentIndex, i, code,
                      "index " + cbor::Diagnostic(arg) + " is not a component or dependency");
    }
    return true;
}

bool Interpreter::SetParameters(const cbor::Value& arg, bool override, size_t i, int64_t code)
{
    if (!arg.isMap())
    {
        return Failed(Status::Malformed, i, code, "argument is not a parameter map");
    }
    if (!Charge(uint64_t{arg.map().size()} * selected_.size(), i, code))
    {
        return false;
    }
    for (const auto& [k, v] : arg.map())
    {
        auto key = k.asInt64();
        if (!k.isInt() || !key)
        {
            return Failed(Status::Malformed, i, code, "parameter key is not an integer");
        }
        for (size_t s : selected_)
        {
            slots_[s].SetParam(*key, v, override);
        }
    }
    return true;
}

} // namespace teepsim::suit::detail
