// A tiny `--flag value` parser: errors name the flag and the value they got.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "otlp/model/signal.hpp"

namespace otlp::cli {

class Args {
 public:
  // `valued` lists flags that take a value, `switches` those that don't. Unknown flags,
  // missing values and stray positionals are reported by error().
  Args(const std::vector<std::string>& argv, const std::vector<std::string>& valued,
       const std::vector<std::string>& switches);

  const std::string& error() const { return error_; }
  bool has(const std::string& flag) const { return values_.count(flag) != 0; }
  std::string get(const std::string& flag, const std::string& fallback) const;
  // Parses an unsigned integer in [min, max] into *out (or `fallback` when absent); on failure
  // returns false and sets *err to a message naming the flag and the value.
  bool get_uint(const std::string& flag, std::uint64_t fallback, std::uint64_t min, std::uint64_t max,
                std::uint64_t* out, std::string* err) const;

 private:
  std::map<std::string, std::string> values_;
  std::string error_;
};

// `--signal traces|logs` (default traces) and how many of its items: `--count N`, or `--spans N`,
// the older spelling of `--signal traces --count N`. `--spans` with another signal, or with
// `--count`, is an error. On failure returns false and sets *err naming the flag.
bool get_signal_count(const Args& args, std::uint64_t fallback, std::uint64_t max, Signal* signal,
                      std::uint64_t* count, std::string* err);

}  // namespace otlp::cli
