// One result type for the codec: a value, or the error that explains why there is none.
// cbor::Result<T>, teep::Result<T> and eat::Result<T> are aliases of it with their own error
// types (DecodeError, teep::Failure, eat::Failure).
#pragma once

#include <utility>
#include <variant>

namespace teepsim
{

/// Either a T or an E. Never empty; the error accessors are only valid when !ok().
template<typename T, typename E> class Result
{
  public:
    Result(T v) : v_(std::in_place_index<0>, std::move(v)) {}
    Result(E e) : v_(std::in_place_index<1>, std::move(e)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    const T& value() const { return std::get<0>(v_); }
    T& value() { return std::get<0>(v_); }
    const T& operator*() const { return value(); }
    const T* operator->() const { return &value(); }
    const E& error() const { return std::get<1>(v_); }
    /// The same as error(), under the name the TEEP and EAT layers have always used.
    const E& failure() const { return error(); }

  private:
    std::variant<T, E> v_;
};

} // namespace teepsim
