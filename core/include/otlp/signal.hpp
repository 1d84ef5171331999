// The OTLP signals. What differs between them is data (their messages' tables, paths and
// defaults), so code that serves every signal takes a Signal instead of being written per signal.
#pragma once
#include <cstdint>

namespace otlp {

enum class Signal : std::uint8_t { traces, logs };

}  // namespace otlp
