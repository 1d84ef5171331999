// The C ABI that otlp.mjs calls: one tracer provider and its export pipeline per WebAssembly
// instance (the JS module instantiates one per createTracer). The host loop lives in JS: it
// polls the pipeline for request bodies, sends them with fetch() and feeds each outcome back.
//
// Conventions, chosen to keep the boundary cheap and the binary small:
// - strings arrive as pointer + length into a scratch buffer JS writes with TextEncoder;
// - times are milliseconds since the epoch as doubles (JS's own unit), 0 meaning "now"; times
//   the app gives come as whole ms plus ns, so an OpenTelemetry HrTime keeps its nanoseconds;
// - ids and small results travel through a fixed 256-byte exchange area (otlp_io);
// - text going back (errors) is left in one buffer (otlp_text) and its length returned.
#include <emscripten/emscripten.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "otlp/pipeline.hpp"
#include "otlp/propagation.hpp"
#include "otlp/proto_reader.hpp"
#include "otlp/retry.hpp"
#include "otlp/sampler.hpp"
#include "otlp/tracer.hpp"

#define OTLP_API extern "C" EMSCRIPTEN_KEEPALIVE

// The host's wall clock (performance.timeOrigin + performance.now()), in milliseconds.
extern "C" __attribute__((import_module("env"), import_name("now_ms"))) double otlp_host_now_ms();

namespace {

using std::uint32_t;
using std::uint64_t;

// Layout of the exchange area; otlp.mjs mirrors these offsets.
constexpr uint32_t kIoParent = 0;     // in: trace id 16, span id 8, flags 1, remote 1
constexpr uint32_t kIoContext = 32;   // out: trace id 16, span id 8, flags 1
constexpr uint32_t kIoRequest = 64;   // out: u32 body ptr, len, spans, attempt, json; f64 id, deadline
constexpr uint32_t kIoStats = 128;    // out: 14 f64
alignas(8) unsigned char io[256];

uint64_t ms_to_ns(double ms) { return ms > 0 ? static_cast<uint64_t>(ms * 1e6) : 0; }
// A time given by the app, exactly: whole milliseconds plus nanoseconds (a double holds neither
// a Unix time in ns nor ms with ns precision). 0 ms means "now".
uint64_t app_time(double ms, double ns) {
  return ms > 0 ? static_cast<uint64_t>(ms) * 1'000'000 + static_cast<uint64_t>(ns > 0 ? ns : 0) : 0;
}
double ns_to_ms(uint64_t ns) { return static_cast<double>(ns) / 1e6; }

void put_u32(uint32_t at, uint32_t v) { std::memcpy(io + at, &v, 4); }
void put_f64(uint32_t at, double v) { std::memcpy(io + at, &v, 8); }

class HostClock final : public otlp::Clock {
 public:
  uint64_t now_unix_nano() noexcept override { return ms_to_ns(otlp_host_now_ms()); }
};

struct Host {
  Host(otlp::PipelineConfig config, otlp::Resource resource, otlp::TracerConfig tracer_config,
       std::string_view scope_name, std::string_view scope_version)
      : pipeline(std::move(config), std::move(resource)),
        provider(pipeline, clock, std::move(tracer_config)),
        tracer(provider.tracer(scope_name, scope_version)) {}
  HostClock clock;
  otlp::Pipeline pipeline;
  otlp::TracerProvider provider;
  otlp::Tracer tracer;
  std::vector<otlp::Span> spans{1};  // recording spans by handle; 0 means "not recording"
  std::vector<uint32_t> free_handles;
  bool batch_ready = false;
};

Host* host = nullptr;
std::string text;          // the last text handed to JS
std::vector<char> scratch;  // where JS writes strings and attribute blocks

// Reads the attribute blocks otlp.mjs writes (little-endian), per attribute:
//   u8 type, u32 key length, key, value
//   type 1 string: u32 length, bytes; 2 bool: u8; 3 int: i64; 4 double: f64;
//   type 5 array: u8 element type (1-4), u32 count, count values as above.
// Views point into the block, which stays put for the call.
class BlockReader {
 public:
  BlockReader(const char* p, uint32_t n) : p_(p), end_(p + n) {}
  bool done() const { return p_ >= end_; }
  bool u8(uint32_t& v) {
    if (end_ - p_ < 1) return fail();
    v = static_cast<unsigned char>(*p_++);
    return true;
  }
  bool u32(uint32_t& v) { return raw(&v, 4); }
  bool raw(void* out, uint32_t n) {
    if (end_ - p_ < static_cast<std::ptrdiff_t>(n)) return fail();
    std::memcpy(out, p_, n);
    p_ += n;
    return true;
  }
  bool str(std::string_view& s) {
    uint32_t n = 0;
    if (!u32(n) || end_ - p_ < static_cast<std::ptrdiff_t>(n)) return fail();
    s = {p_, n};
    p_ += n;
    return true;
  }
  bool ok() const { return ok_; }

 private:
  bool fail() {
    ok_ = false;
    p_ = end_;
    return false;
  }
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

std::vector<otlp::Attribute> attrs;
std::vector<otlp::AnyValue> arrays;  // array values the attributes above point at

bool read_scalar(BlockReader& r, uint32_t type, otlp::AnyValue& out) {
  switch (type) {
    case 1: {
      std::string_view s;
      if (!r.str(s)) return false;
      out = otlp::AnyValue(s);
      return true;
    }
    case 2: {
      uint32_t b = 0;
      if (!r.u8(b)) return false;
      out = otlp::AnyValue(b != 0);
      return true;
    }
    case 3: {
      std::int64_t v = 0;
      if (!r.raw(&v, 8)) return false;
      out = otlp::AnyValue(static_cast<long long>(v));
      return true;
    }
    case 4: {
      double v = 0;
      if (!r.raw(&v, 8)) return false;
      out = otlp::AnyValue(v);
      return true;
    }
    default: return false;
  }
}

bool skip_scalar(BlockReader& r, uint32_t type) {
  std::string_view s;
  uint32_t b = 0;
  char raw8[8];
  switch (type) {
    case 1: return r.str(s);
    case 2: return r.u8(b);
    case 3:
    case 4: return r.raw(raw8, 8);
    default: return false;
  }
}

// Parses a block into `attrs`; false (and `attrs` empty) when the block is malformed.
bool read_attributes(const char* block, uint32_t len) {
  attrs.clear();
  arrays.clear();
  BlockReader r(block, len);
  // Array values are referenced by pointer, so count them first (`arrays` must not move), and
  // check the whole block before recording any of it.
  std::size_t n_arrays = 0;
  for (BlockReader scan(block, len); !scan.done();) {
    uint32_t type = 0, elem = 0, count = 1;
    std::string_view key;
    if (!scan.u8(type) || !scan.str(key)) return false;
    if (type == 5) {
      ++n_arrays;
      if (!scan.u8(elem) || !scan.u32(count)) return false;
      type = elem;
    }
    for (uint32_t i = 0; i < count; ++i)
      if (!skip_scalar(scan, type)) return false;
  }
  arrays.reserve(n_arrays);
  while (!r.done()) {
    uint32_t type = 0;
    std::string_view key;
    r.u8(type);
    r.str(key);
    switch (type) {
      case 1: {
        std::string_view s;
        r.str(s);
        attrs.push_back({key, otlp::AttributeValue(s)});
        break;
      }
      case 2: {
        uint32_t b = 0;
        r.u8(b);
        attrs.push_back({key, otlp::AttributeValue(b != 0)});
        break;
      }
      case 3: {
        std::int64_t v = 0;
        r.raw(&v, 8);
        attrs.push_back({key, otlp::AttributeValue(static_cast<long long>(v))});
        break;
      }
      case 4: {
        double v = 0;
        r.raw(&v, 8);
        attrs.push_back({key, otlp::AttributeValue(v)});
        break;
      }
      default: {  // 5: checked by the scan above
        uint32_t elem = 0, count = 0;
        r.u8(elem);
        r.u32(count);
        otlp::AnyValue array = otlp::AnyValue::array_of({});
        array.array.resize(count);
        for (auto& v : array.array) read_scalar(r, elem, v);
        arrays.push_back(std::move(array));
        attrs.push_back({key, otlp::AttributeValue(arrays.back())});
      }
    }
  }
  return r.ok();
}

otlp::Span* span_of(uint32_t handle) {
  if (!host || handle == 0 || handle >= host->spans.size()) return nullptr;
  otlp::Span& s = host->spans[handle];
  return s.is_recording() ? &s : nullptr;
}

uint32_t set_text(std::string_view s) {
  text.assign(s.data(), s.size());
  return static_cast<uint32_t>(text.size());
}

void write_context(const otlp::SpanContext& c) {
  std::memcpy(io + kIoContext, c.trace_id.bytes.data(), 16);
  std::memcpy(io + kIoContext + 16, c.span_id.bytes.data(), 8);
  io[kIoContext + 24] = c.trace_flags;
}

otlp::SpanContext read_parent(std::string_view trace_state) {
  otlp::SpanContext c;
  std::memcpy(c.trace_id.bytes.data(), io + kIoParent, 16);
  std::memcpy(c.span_id.bytes.data(), io + kIoParent + 16, 8);
  c.trace_flags = io[kIoParent + 24];
  c.remote = io[kIoParent + 25] != 0;
  c.trace_state.assign(trace_state.data(), trace_state.size());
  return c;
}

std::string_view view(const char* p, uint32_t n) { return {p, n}; }

}  // namespace

OTLP_API unsigned char* otlp_io() { return io; }
OTLP_API const char* otlp_text() { return text.data(); }

// A scratch buffer of at least `n` bytes. Growing it may grow memory: JS re-reads its views.
OTLP_API char* otlp_scratch(uint32_t n) {
  if (scratch.size() < n) scratch.resize(std::max<std::size_t>(n, scratch.size() * 2));
  return scratch.data();
}

// Creates the provider. `cfg` holds four u32-length-prefixed strings (sampler name, sampler
// arg, scope name, scope version) followed by the resource attributes as an attribute block.
// Returns 0, or the length of an error message in otlp_text naming the setting.
OTLP_API uint32_t otlp_create(double max_queue_size, double max_export_batch_size, double schedule_delay_ms,
                              double export_timeout_ms, double max_request_bytes, int json, uint32_t seed_lo,
                              uint32_t seed_hi, uint32_t id_seed_lo, uint32_t id_seed_hi, const char* cfg,
                              uint32_t cfg_len) {
  if (host) return set_text("createTracer: this instance already has a tracer");
  BlockReader r(cfg, cfg_len);
  std::string_view sampler_name, sampler_arg, scope_name, scope_version;
  r.str(sampler_name);
  r.str(sampler_arg);
  r.str(scope_name);
  r.str(scope_version);
  if (!r.ok()) return set_text("createTracer: malformed configuration block");
  const uint32_t used = 16 + static_cast<uint32_t>(sampler_name.size() + sampler_arg.size() + scope_name.size() +
                                                    scope_version.size());
  if (!read_attributes(cfg + used, cfg_len - used)) return set_text("resourceAttributes: malformed block");

  otlp::PipelineConfig pc;
  pc.max_queue_size = static_cast<uint32_t>(max_queue_size);
  pc.max_export_batch_size = static_cast<uint32_t>(max_export_batch_size);
  pc.schedule_delay_ns = ms_to_ns(schedule_delay_ms);
  pc.export_timeout_ns = ms_to_ns(export_timeout_ms);
  pc.max_request_bytes = static_cast<std::size_t>(max_request_bytes);
  pc.protocol = json ? otlp::Protocol::json : otlp::Protocol::protobuf;
  pc.seed = (static_cast<uint64_t>(seed_hi) << 32) | seed_lo;
  if (auto error = otlp::validate(pc)) return set_text(error->message);

  auto sampler = otlp::make_sampler(sampler_name, sampler_arg);
  if (!sampler) return set_text(sampler.error().message);

  otlp::Resource resource;
  for (const auto& a : attrs) {
    otlp::AnyValue v;
    switch (a.value.kind()) {
      case otlp::AttributeValue::Kind::string: v = otlp::AnyValue(a.value.str()); break;
      case otlp::AttributeValue::Kind::boolean: v = otlp::AnyValue(a.value.int_value() != 0); break;
      case otlp::AttributeValue::Kind::int64: v = otlp::AnyValue(static_cast<long long>(a.value.int_value())); break;
      case otlp::AttributeValue::Kind::dbl: v = otlp::AnyValue(a.value.double_value()); break;
      case otlp::AttributeValue::Kind::any: v = a.value.any(); break;
    }
    resource.attributes.push_back({std::string(a.key), std::move(v)});
  }

  otlp::TracerConfig tc;
  tc.sampler = std::move(sampler.value());
  tc.id_seed = (static_cast<uint64_t>(id_seed_hi) << 32) | id_seed_lo;
  tc.on_batch_ready = [] { host->batch_ready = true; };
  host = new Host(std::move(pc), std::move(resource), std::move(tc), scope_name, scope_version);
  host->pipeline.poll_export(ms_to_ns(otlp_host_now_ms()));  // starts the schedule-delay clock
  return 0;
}

// Starts a span. parent: 0 none, 1 the context in io[kIoParent] (with `trace_state`).
// Writes the new span's context to io[kIoContext]; returns its handle, 0 when not recording.
OTLP_API uint32_t otlp_start(const char* name, uint32_t name_len, int kind, int parent, double start_ms, double start_ns,
                             const char* trace_state, uint32_t trace_state_len, const char* block,
                             uint32_t block_len) {
  if (!host) return 0;
  otlp::SpanContext parent_context;
  otlp::SpanStartOptions options;
  if (parent) {
    parent_context = read_parent(view(trace_state, trace_state_len));
    options.parent = &parent_context;
  }
  options.kind = static_cast<otlp::SpanKind>(kind >= 0 && kind <= 5 ? kind : 1);
  options.start_time_unix_nano = app_time(start_ms, start_ns);
  otlp::Span span = host->tracer.start_span(view(name, name_len), options);
  write_context(span.context());
  if (!span.is_recording()) return 0;
  if (block_len && read_attributes(block, block_len)) span.set_attributes(attrs.data(), attrs.size());
  uint32_t handle;
  if (!host->free_handles.empty()) {
    handle = host->free_handles.back();
    host->free_handles.pop_back();
    host->spans[handle] = std::move(span);
  } else {
    handle = static_cast<uint32_t>(host->spans.size());
    host->spans.push_back(std::move(span));
  }
  return handle;
}

// Returns 0, or 1 when the block was malformed (nothing set).
OTLP_API int otlp_set_attributes(uint32_t handle, const char* block, uint32_t len) {
  otlp::Span* s = span_of(handle);
  if (!s) return 0;
  if (!read_attributes(block, len)) return 1;
  s->set_attributes(attrs.data(), attrs.size());
  return 0;
}

OTLP_API int otlp_add_event(uint32_t handle, const char* name, uint32_t name_len, double time_ms, double time_ns,
                            const char* block, uint32_t len) {
  otlp::Span* s = span_of(handle);
  if (!s) return 0;
  if (!read_attributes(block, len)) return 1;
  s->add_event(view(name, name_len), attrs.data(), attrs.size(), app_time(time_ms, time_ns));
  return 0;
}

// A link to the context in io[kIoParent].
OTLP_API int otlp_add_link(uint32_t handle, const char* trace_state, uint32_t trace_state_len, const char* block,
                           uint32_t len) {
  otlp::Span* s = span_of(handle);
  if (!s) return 0;
  if (!read_attributes(block, len)) return 1;
  s->add_link(read_parent(view(trace_state, trace_state_len)), attrs.data(), attrs.size());
  return 0;
}

OTLP_API void otlp_record_exception(uint32_t handle, const char* type, uint32_t type_len, const char* message,
                                    uint32_t message_len, const char* stack, uint32_t stack_len, double time_ms,
                                    double time_ns) {
  if (otlp::Span* s = span_of(handle))
    s->record_exception(view(type, type_len), view(message, message_len), view(stack, stack_len),
                        app_time(time_ms, time_ns));
}

OTLP_API void otlp_set_status(uint32_t handle, int code, const char* message, uint32_t len) {
  if (otlp::Span* s = span_of(handle))
    s->set_status(static_cast<otlp::StatusCode>(code == 1 || code == 2 ? code : 0), view(message, len));
}

OTLP_API void otlp_update_name(uint32_t handle, const char* name, uint32_t len) {
  if (otlp::Span* s = span_of(handle)) s->update_name(view(name, len));
}

// Ends a span and frees its handle. Returns 1 when a full batch is waiting to be sent.
OTLP_API int otlp_end(uint32_t handle, double end_ms, double end_ns) {
  otlp::Span* s = span_of(handle);
  if (!s) return 0;
  s->end(app_time(end_ms, end_ns));
  *s = otlp::Span();
  host->free_handles.push_back(handle);
  const bool ready = host->batch_ready;
  host->batch_ready = false;
  return ready;
}

// Parses W3C traceparent (and tracestate) into io[kIoContext]. Returns bit 1 when the
// traceparent is valid, bit 2 when the tracestate is valid too (else it is to be dropped).
OTLP_API int otlp_extract(const char* traceparent, uint32_t tp_len, const char* tracestate, uint32_t ts_len) {
  auto context = otlp::parse_traceparent(view(traceparent, tp_len));
  if (!context) return 0;
  write_context(*context);
  return 1 | (ts_len && otlp::TraceState::parse(view(tracestate, ts_len)) ? 2 : 0);
}

// The next request to send at `now_ms`, described in io[kIoRequest]; returns its id, 0 when
// nothing is due. The body stays valid until the request's final outcome; JS copies it at once.
OTLP_API double otlp_next_request(double now_ms) {
  if (!host) return 0;
  auto request = host->pipeline.poll_export(ms_to_ns(now_ms));
  if (!request) return 0;
  put_u32(kIoRequest, static_cast<uint32_t>(reinterpret_cast<std::uintptr_t>(request->body.data())));
  put_u32(kIoRequest + 4, static_cast<uint32_t>(request->body.size()));
  put_u32(kIoRequest + 8, request->spans);
  put_u32(kIoRequest + 12, request->attempt);
  put_u32(kIoRequest + 16, host->pipeline.config().protocol == otlp::Protocol::json);
  put_f64(kIoRequest + 24, static_cast<double>(request->id));
  put_f64(kIoRequest + 32, ns_to_ms(request->deadline_unix_nano));
  return static_cast<double>(request->id);
}

// The outcome of request `id`. status 0: no answer (network error or abort, `message` says
// which); otherwise the HTTP status with the Retry-After header (if any) and, for a 2xx, the
// partial success: from the protobuf response body (`partial` < 0), or as JS read it from a
// JSON body (`partial` = rejected spans, `message` its error message).
OTLP_API void otlp_result(double id, double now_ms, int status, const char* retry_after, uint32_t retry_after_len,
                          const char* body, uint32_t body_len, double partial, const char* message,
                          uint32_t message_len) {
  if (!host) return;
  const uint64_t now = ms_to_ns(now_ms);
  otlp::Outcome outcome;
  if (status == 0) {
    outcome = otlp::Outcome::network(std::string(view(message, message_len)));
  } else if (status >= 200 && status < 300) {
    if (partial >= 0) {
      outcome = otlp::Outcome::partial_ok(static_cast<std::int64_t>(partial), std::string(view(message, message_len)));
    } else if (body_len) {
      std::optional<otlp::PartialSuccess> p;
      if (otlp::decode_trace_response(view(body, body_len), p).ok() && p)
        outcome = otlp::Outcome::partial_ok(p->rejected_spans, p->error_message);
    }
  } else {
    std::optional<uint64_t> delay;
    if (retry_after_len) delay = otlp::parse_retry_after(view(retry_after, retry_after_len), now);
    outcome = otlp::Outcome::http(status, delay, std::string(view(message, message_len)));
  }
  host->pipeline.on_result(now, static_cast<uint64_t>(id), outcome);
}

// When the host loop must poll again, in ms since the epoch; Infinity when idle.
OTLP_API double otlp_next_deadline() {
  if (!host) return __builtin_inf();
  const uint64_t d = host->pipeline.next_deadline();
  return d == UINT64_MAX ? __builtin_inf() : ns_to_ms(d);
}

OTLP_API double otlp_flush(double now_ms, double timeout_ms) {
  return host ? static_cast<double>(host->pipeline.force_flush(ms_to_ns(now_ms), ms_to_ns(timeout_ms))) : 0;
}
OTLP_API double otlp_shutdown(double now_ms, double timeout_ms) {
  return host ? static_cast<double>(host->pipeline.shutdown(ms_to_ns(now_ms), ms_to_ns(timeout_ms))) : 0;
}
// 0 pending, 1 done, 2 timed out.
OTLP_API int otlp_flush_state(double ticket) {
  return host ? static_cast<int>(host->pipeline.flush_state(static_cast<uint64_t>(ticket))) : 1;
}

OTLP_API void otlp_request_limits(double max_request_bytes, uint32_t max_concurrent_exports) {
  if (host) host->pipeline.set_request_limits(static_cast<std::size_t>(max_request_bytes), max_concurrent_exports);
}

// The pipeline's counters into io[kIoStats] as doubles: started, sampled_out, ended,
// dropped, exported, rejected, failed, queued, requests, retries, bytes_sent, and export
// latency p50/p95/p99 in ms. Returns the length of the last error in otlp_text.
OTLP_API uint32_t otlp_stats() {
  if (!host) return 0;
  const otlp::Stats s = host->pipeline.stats();
  const double values[] = {static_cast<double>(s.started),   static_cast<double>(s.sampled_out),
                           static_cast<double>(s.ended),     static_cast<double>(s.dropped),
                           static_cast<double>(s.exported),  static_cast<double>(s.rejected),
                           static_cast<double>(s.failed),    static_cast<double>(s.queued),
                           static_cast<double>(s.requests),  static_cast<double>(s.retries),
                           static_cast<double>(s.bytes_sent), s.export_latency.quantile_ms(0.5),
                           s.export_latency.quantile_ms(0.95), s.export_latency.quantile_ms(0.99)};
  std::memcpy(io + kIoStats, values, sizeof values);
  return set_text(s.last_error);
}
