// Internal: a meter's scope and the instruments made through it, as the provider keeps them.
#pragma once
#include <memory>
#include <vector>

#include "metrics/instrument.hpp"
#include "otlp/metrics/metrics.hpp"

namespace otlp {

struct MeterProvider::Scope {
  InstrumentationScope scope;
  std::vector<std::unique_ptr<detail::Instrument>> instruments;
};

}  // namespace otlp
