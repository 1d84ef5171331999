#include "cli/args.hpp"

#include <algorithm>
#include <charconv>

namespace otlp::cli {

Args::Args(const std::vector<std::string>& argv, const std::vector<std::string>& valued,
           const std::vector<std::string>& switches) {
  auto in = [](const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); };
  for (std::size_t i = 0; i < argv.size(); ++i) {
    std::string flag = argv[i], value;
    if (auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      if (!in(valued, flag)) {
        error_ = "unknown option '" + flag + "'";
        return;
      }
    } else if (in(valued, flag)) {
      if (i + 1 >= argv.size()) {
        error_ = "option '" + flag + "' needs a value";
        return;
      }
      value = argv[++i];
    } else if (!in(switches, flag)) {
      error_ = flag.rfind("-", 0) == 0 ? "unknown option '" + flag + "'" : "unexpected argument '" + flag + "'";
      return;
    }
    values_[flag] = value;
  }
}

std::string Args::get(const std::string& flag, const std::string& fallback) const {
  auto it = values_.find(flag);
  return it == values_.end() ? fallback : it->second;
}

bool Args::get_uint(const std::string& flag, std::uint64_t fallback, std::uint64_t min, std::uint64_t max,
                    std::uint64_t* out, std::string* err) const {
  auto it = values_.find(flag);
  if (it == values_.end()) {
    *out = fallback;
    return true;
  }
  const std::string& s = it->second;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < min || v > max) {
    *err = "option '" + flag + "' expects an integer from " + std::to_string(min) + " to " + std::to_string(max) +
           ", got '" + s + "'";
    return false;
  }
  *out = v;
  return true;
}

bool get_signal_count(const Args& args, std::uint64_t fallback, std::uint64_t max, Signal* signal,
                      std::uint64_t* count, std::string* err) {
  const std::string name = args.get("--signal", "traces");
  if (name == "traces") {
    *signal = Signal::traces;
  } else if (name == "logs") {
    *signal = Signal::logs;
  } else if (name == "metrics") {
    *signal = Signal::metrics;
  } else {
    *err = "option '--signal' expects 'traces', 'logs' or 'metrics', got '" + name + "'";
    return false;
  }
  if (args.has("--spans") && (*signal != Signal::traces || args.has("--count"))) {
    *err = *signal != Signal::traces ? "option '--spans' counts spans: use '--count' for " + name
                                     : "options '--spans' and '--count' say the same: give one";
    return false;
  }
  return args.get_uint(args.has("--spans") ? "--spans" : "--count", fallback, 1, max, count, err);
}

}  // namespace otlp::cli
