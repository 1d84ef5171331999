// What the two halves of the C ABI share: spans.cpp (the span calls, built for speed) and
// host.cpp (setup, the export loop and stats, built for size). otlp.mjs calls both.
//
// Conventions, chosen to keep the boundary cheap and the binary small:
// - what a call needs besides numbers arrives as a tape (below) that JS writes into a scratch
//   buffer in one pass; the module reads it in one pass;
// - attribute keys are interned: JS registers each key once (otlp_key) and then sends its number;
// - times are milliseconds since the epoch as doubles (JS's own unit), 0 meaning "now"; times
//   the app gives come as whole ms plus ns, so an OpenTelemetry HrTime keeps its nanoseconds;
// - ids and small results travel through a fixed 256-byte exchange area (otlp_io);
// - text going back (errors) is left in one buffer (otlp_text) and its length returned.
#pragma once
#include <emscripten/emscripten.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "otlp/logs/logs.hpp"
#include "otlp/export/pipeline.hpp"
#include "otlp/trace/tracer.hpp"

#define OTLP_API extern "C" EMSCRIPTEN_KEEPALIVE

// The host's wall clock (performance.timeOrigin + performance.now()), in milliseconds.
extern "C" __attribute__((import_module("env"), import_name("now_ms"))) double otlp_host_now_ms();

namespace otlp_wasm {

using std::uint32_t;
using std::uint64_t;

// Layout of the exchange area; otlp.mjs mirrors these offsets.
constexpr uint32_t kIoContext = 32;   // out: trace id 16, span id 8, flags 1
// out: u32 body ptr, len, items, attempt, json, signal; f64 id, deadline; u32 path ptr, len
// (the signal's HTTP path from its row in signal.hpp, for otlp.mjs to append to the endpoint)
constexpr uint32_t kIoRequest = 64;
constexpr uint32_t kIoStats = 128;    // out: 14 f64
alignas(8) inline unsigned char io[256];

inline uint64_t ms_to_ns(double ms) { return ms > 0 ? static_cast<uint64_t>(ms * 1e6) : 0; }
// A time given by the app, exactly: whole milliseconds plus nanoseconds (a double holds neither
// a Unix time in ns nor ms with ns precision). 0 ms means "now".
inline uint64_t app_time(double ms, double ns) {
  return ms > 0 ? static_cast<uint64_t>(ms) * 1'000'000 + static_cast<uint64_t>(ns > 0 ? ns : 0) : 0;
}

inline void write_context(const otlp::SpanContext& c) {
  std::memcpy(io + kIoContext, c.trace_id.bytes.data(), 16);
  std::memcpy(io + kIoContext + 16, c.span_id.bytes.data(), 8);
  io[kIoContext + 24] = c.trace_flags;
}

class HostClock final : public otlp::Clock {
 public:
  uint64_t now_unix_nano() noexcept override { return ms_to_ns(otlp_host_now_ms()); }
};

// The signals this module serves, from the first row of signal.hpp: spans, and log records in the
// modules built with src/logs.cpp (OTLP_WASM_LOGS; otlp.wasm leaves the logs pipeline out too).
#ifdef OTLP_WASM_LOGS
constexpr uint32_t kSignalCount = 2;
#else
constexpr uint32_t kSignalCount = 1;
#endif

// One instance serves every signal: a pipeline per signal (indexed by otlp::Signal), one export
// loop in otlp.mjs polling them all.
struct Host {
  // `tracer_config` has everything but on_batch_ready, which the Host sets.
  Host(otlp::PipelineConfig* configs, const otlp::Resource& resource, otlp::TracerConfig tracer_config,
       std::string_view scope_name, std::string_view scope_version)
      : pipelines{{std::move(configs[0]), resource}
#ifdef OTLP_WASM_LOGS
                  , {std::move(configs[1]), resource}
#endif
        },
        provider(pipelines[0], clock, ready_on_batch(std::move(tracer_config))),
#ifdef OTLP_WASM_LOGS
        logger_provider(pipelines[1], clock, ready_on_batch(otlp::LoggerConfig())),
#endif
        tracer(provider.tracer(scope_name, scope_version)) {
  }
  // A provider's config with on_batch_ready setting batch_ready, which the calls that end a span
  // or emit a record return to otlp.mjs.
  template <class Config>
  Config ready_on_batch(Config c) {
    c.on_batch_ready = [this] { batch_ready = true; };
    return c;
  }
  HostClock clock;
  otlp::Pipeline pipelines[kSignalCount];
  otlp::TracerProvider provider;
#ifdef OTLP_WASM_LOGS
  otlp::LoggerProvider logger_provider;
  std::vector<otlp::Logger> loggers;  // by handle (otlp_logger)
#endif
  otlp::Tracer tracer;
  std::vector<otlp::Span> spans{1};  // recording spans by handle; 0 means "not recording"
  std::vector<uint32_t> free_handles;
  bool batch_ready = false;
};
inline Host* host = nullptr;

// Interned attribute keys (otlp_key); a key's number is its index.
inline std::vector<std::string> keys;

// Reads a tape, which otlp.mjs writes (little-endian):
//   str      u32 length, UTF-8 bytes
//   key      u32 k: with the top bit set, interned key number k & 0x7fffffff; else a str of length k
//   list     u32 attribute count, u32 array count, then per attribute: u8 type, key, value;
//            type 1 string: str; 2 bool: u8; 3 int: i64; 4 double: f64;
//            5 array: u8 element type (1-4), u32 count, count values as above
//   any      u8 type: 0 empty; 1-4 a scalar as above; 6 array: u32 count, count anys;
//            7 kvlist: u32 count, then per entry a str (the key) and an any
//   context  trace id 16, span id 8, u8 flags, u8 remote, trace state as a str
// A tape that runs short (a bug in otlp.mjs, never the app's data) reads as zeros from there on
// and ok() turns false; views point into the tape, which stays put during the call.
class Tape {
 public:
  Tape(const char* p, uint32_t n) : p_(p), end_(p + n) {}
  bool ok() const { return ok_; }

  uint32_t u8() {
    if (!room(1)) return 0;
    return static_cast<unsigned char>(*p_++);
  }
  uint32_t u32() {
    uint32_t v = 0;
    raw(&v, 4);
    return v;
  }
  void raw(void* out, uint32_t n) {
    if (!room(n)) return;
    std::memcpy(out, p_, n);
    p_ += n;
  }
  std::string_view bytes(uint32_t n) {
    if (!room(n)) return {};
    std::string_view s(p_, n);
    p_ += n;
    return s;
  }
  std::string_view str() { return bytes(u32()); }
  std::string_view key() {
    const uint32_t k = u32();
    if (!(k & 0x80000000u)) return bytes(k);
    const uint32_t i = k & 0x7fffffffu;
    if (i >= keys.size()) return fail(), std::string_view();
    return keys[i];
  }
  otlp::SpanContext context() {
    otlp::SpanContext c;
    raw(c.trace_id.bytes.data(), 16);
    raw(c.span_id.bytes.data(), 8);
    c.trace_flags = static_cast<std::uint8_t>(u8());
    c.remote = u8() != 0;
    const std::string_view state = str();
    c.trace_state.assign(state.data(), state.size());
    return c;
  }
  // One scalar of `type` (1-4).
  otlp::AttributeValue scalar(uint32_t type) {
    switch (type) {
      case 1: return otlp::AttributeValue(str());
      case 2: return otlp::AttributeValue(u8() != 0);
      case 3: {
        std::int64_t v = 0;
        raw(&v, 8);
        return otlp::AttributeValue(static_cast<long long>(v));
      }
      case 4: {
        double v = 0;
        raw(&v, 8);
        return otlp::AttributeValue(v);
      }
      default: fail(); return otlp::AttributeValue(false);
    }
  }
  // One attribute's value of `type` (1-5); an array is built in `array`, which must outlive
  // the value.
  otlp::AttributeValue value(uint32_t type, otlp::AnyValue& array);
  std::size_t left() const { return static_cast<std::size_t>(end_ - p_); }
  void fail() {
    ok_ = false;
    p_ = end_;
  }

 private:
  bool room(uint32_t n) {
    if (static_cast<std::size_t>(end_ - p_) >= n) return true;
    fail();
    return false;
  }
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

// Reads a list into `out` (which is cleared), its array values into `arrays` (sized to the
// list's count first, so that the values' pointers hold).
void read_list(Tape& tape, std::vector<otlp::Attribute>& out, std::vector<otlp::AnyValue>& arrays);

otlp::AnyValue any_of(const otlp::AttributeValue& v);

}  // namespace otlp_wasm
