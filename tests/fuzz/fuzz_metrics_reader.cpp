// libFuzzer target for the metrics readers: signal_reader_checks.hpp on every input (one JSON
// line per data point).
#include "signal_reader_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::check_signal_reader(otlp::Signal::metrics, data, size);
  return 0;
}
