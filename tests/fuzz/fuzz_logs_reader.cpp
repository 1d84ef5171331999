// libFuzzer target for the logs readers: signal_reader_checks.hpp on every input.
#include "signal_reader_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::check_signal_reader(otlp::Signal::logs, data, size);
  return 0;
}
