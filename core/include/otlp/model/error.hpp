// Errors as values for configuration and API misuse: what was wrong, naming the setting.
#pragma once
#include <string>
#include <utility>
#include <variant>

namespace otlp {

struct Error {
  std::string message;  // e.g. "OTEL_TRACES_SAMPLER_ARG: expected a ratio in [0, 1], got '1.5'"
};

// A value or an Error. Small on purpose: no exceptions anywhere in core.
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}
  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace otlp
