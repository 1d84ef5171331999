// The web demo's workload, the same shape as web-demo/workload.mjs records through the WASM
// tracer, so browser and native rows send the same spans: traces of up to five spans (a SERVER
// root and four children at fixed offsets, so the live panel has waterfalls to draw), each span
// with `attributes` attributes (the standard span's eight first, then app.attr.N strings), the
// root of every 10th trace with status ERROR. Times are offsets from the run's start time.
#pragma once
#include <cstdint>

#include "otlp/trace/tracer.hpp"

namespace otlp::cli {

struct DemoWorkload {
  std::uint64_t spans = 1000;
  std::uint32_t attributes = 8;
  std::uint64_t base_unix_nano = 0;  // the run's start time
};

inline constexpr std::uint32_t kDemoSpansPerTrace = 5;

// Records every span of the workload through `tracer` (the sampler decides per trace).
void record_demo_workload(Tracer& tracer, const DemoWorkload& workload);

}  // namespace otlp::cli
