// The rest of the C ABI: setup, the export loop that otlp.mjs runs (poll for request bodies,
// send them with fetch(), feed each outcome back), propagation and stats. Built for size.
#include <algorithm>
#include <optional>

#include "host.hpp"
#include "otlp/trace/propagation.hpp"
#include "otlp/export/response.hpp"
#include "otlp/export/retry.hpp"
#include "otlp/trace/sampler.hpp"

using namespace otlp_wasm;

namespace {

std::string text;           // the last text handed to JS
std::vector<char> scratch;  // where JS writes its tapes

uint32_t set_text(std::string_view s) {
  text.assign(s.data(), s.size());
  return static_cast<uint32_t>(text.size());
}

void put_u32(uint32_t at, uint32_t v) { std::memcpy(io + at, &v, 4); }
void put_f64(uint32_t at, double v) { std::memcpy(io + at, &v, 8); }
double ns_to_ms(uint64_t ns) { return static_cast<double>(ns) / 1e6; }
std::string_view view(const char* p, uint32_t n) { return {p, n}; }

}  // namespace

OTLP_API unsigned char* otlp_io() { return io; }
OTLP_API const char* otlp_text() { return text.data(); }

// A scratch buffer of at least `n` bytes. Growing it may grow memory: JS re-reads its views.
OTLP_API char* otlp_scratch(uint32_t n) {
  if (scratch.size() < n) scratch.resize(std::max<std::size_t>(n, scratch.size() * 2));
  return scratch.data();
}

// Creates the providers (traces and logs) and their pipelines. The batch options apply to both;
// one below 0 (not given) leaves each signal's default from its row in signal.hpp. The tape holds
// four strs (sampler name, sampler arg, scope name, scope version), then the resource attributes
// as a list. Returns 0, or the length of an error message in otlp_text naming the setting.
OTLP_API uint32_t otlp_create(double max_queue_size, double max_export_batch_size, double schedule_delay_ms,
                              double export_timeout_ms, double max_request_bytes, int json, uint32_t seed_lo,
                              uint32_t seed_hi, uint32_t id_seed_lo, uint32_t id_seed_hi, const char* cfg,
                              uint32_t cfg_len) {
  if (host) return set_text("createTracer: this instance already has a tracer");
  Tape tape(cfg, cfg_len);
  const std::string_view sampler_name = tape.str(), sampler_arg = tape.str(), scope_name = tape.str(),
                         scope_version = tape.str();
  std::vector<otlp::Attribute> attrs;
  std::vector<otlp::AnyValue> arrays;
  read_list(tape, attrs, arrays);
  if (!tape.ok()) return set_text("createTracer: malformed configuration tape");

  otlp::PipelineConfig configs[kSignalCount];
  for (uint32_t i = 0; i < kSignalCount; ++i) {
    otlp::PipelineConfig& pc = configs[i] = otlp::PipelineConfig::for_signal(static_cast<otlp::Signal>(i));
    if (max_queue_size >= 0) pc.max_queue_size = static_cast<uint32_t>(max_queue_size);
    if (max_export_batch_size >= 0) pc.max_export_batch_size = static_cast<uint32_t>(max_export_batch_size);
    if (schedule_delay_ms >= 0) pc.schedule_delay_ns = ms_to_ns(schedule_delay_ms);
    if (export_timeout_ms >= 0) pc.export_timeout_ns = ms_to_ns(export_timeout_ms);
    pc.max_request_bytes = static_cast<std::size_t>(max_request_bytes);
    pc.protocol = json ? otlp::Protocol::json : otlp::Protocol::protobuf;
    pc.seed = (static_cast<uint64_t>(seed_hi) << 32) | seed_lo;
  }
  // otlp.mjs has checked each number already, with errors naming its own options, so core's
  // validate() would only repeat that (at ~340 bytes of the module gzipped). What otlp.mjs
  // cannot see is whether this module encodes JSON.
#ifdef OTLP_NO_JSON
  if (json) return set_text("protocol: OTLP/JSON is not in this build (OTLP_NO_JSON), which encodes OTLP/protobuf only");
#endif

  auto sampler = otlp::make_sampler(sampler_name, sampler_arg);
  if (!sampler) return set_text(sampler.error().message);

  otlp::Resource resource;
  for (const auto& a : attrs) resource.attributes.push_back({std::string(a.key), any_of(a.value)});

  otlp::TracerConfig tc;
  tc.sampler = std::move(sampler.value());
  tc.id_seed = (static_cast<uint64_t>(id_seed_hi) << 32) | id_seed_lo;
  host = new Host(configs, resource, std::move(tc), scope_name, scope_version);
  for (auto& p : host->pipelines) p.poll_export(ms_to_ns(otlp_host_now_ms()));  // starts the schedule-delay clocks
  return 0;
}

// Parses W3C traceparent (and tracestate) into io[kIoContext]. Returns bit 1 when the
// traceparent is valid, bit 2 when the tracestate is valid too (else it is to be dropped).
OTLP_API int otlp_extract(const char* traceparent, uint32_t tp_len, const char* tracestate, uint32_t ts_len) {
  auto context = otlp::parse_traceparent(view(traceparent, tp_len));
  if (!context) return 0;
  write_context(*context);
  return 1 | (ts_len && otlp::TraceState::valid(view(tracestate, ts_len)) ? 2 : 0);
}

// The next request to send at `now_ms`, of any signal, described in io[kIoRequest]; returns its
// id (unique within its signal), 0 when nothing is due. The body stays valid until the request's
// final outcome (JS hands the platform's fetch a view of it, which fetch copies, and copies it
// for any other fetch).
OTLP_API double otlp_next_request(double now_ms) {
  if (!host) return 0;
  for (uint32_t signal = 0; signal < kSignalCount; ++signal) {  // pipelines[i] serves Signal(i)
    otlp::Pipeline& p = host->pipelines[signal];
    auto request = p.poll_export(ms_to_ns(now_ms));
    if (!request) continue;
    const std::string_view path = otlp::signal_info(static_cast<otlp::Signal>(signal)).http_path;
    put_u32(kIoRequest, static_cast<uint32_t>(reinterpret_cast<std::uintptr_t>(request->body.data())));
    put_u32(kIoRequest + 4, static_cast<uint32_t>(request->body.size()));
    put_u32(kIoRequest + 8, request->spans);
    put_u32(kIoRequest + 12, request->attempt);
    put_u32(kIoRequest + 16, p.config().protocol == otlp::Protocol::json);
    put_u32(kIoRequest + 20, signal);
    put_f64(kIoRequest + 24, static_cast<double>(request->id));
    put_f64(kIoRequest + 32, ns_to_ms(request->deadline_unix_nano));
    put_u32(kIoRequest + 40, static_cast<uint32_t>(reinterpret_cast<std::uintptr_t>(path.data())));
    put_u32(kIoRequest + 44, static_cast<uint32_t>(path.size()));
    return static_cast<double>(request->id);
  }
  return 0;
}

// The outcome of request `id` of `signal` (as io[kIoRequest] gave them). status 0: no answer
// (network error or abort, `message` says which); a 2xx: the response body as it came (OTLP/JSON
// or protobuf, as the pipeline sent), read by core's accepted_outcome, the one reading of a
// partial success for every host; any other status: with the Retry-After header (if any) and
// `message` (the start of the body).
OTLP_API void otlp_result(uint32_t signal, double id, double now_ms, int status, const char* retry_after,
                          uint32_t retry_after_len, const char* body, uint32_t body_len) {
  if (!host || signal >= kSignalCount) return;
  otlp::Pipeline& p = host->pipelines[signal];
  const uint64_t now = ms_to_ns(now_ms);
  otlp::Outcome outcome;
  if (status == 0) {
    outcome = otlp::Outcome::network(std::string(view(body, body_len)));
  } else if (status >= 200 && status < 300) {
    outcome = otlp::accepted_outcome(static_cast<otlp::Signal>(signal), view(body, body_len),
                                     p.config().protocol == otlp::Protocol::json);
  } else {
    std::optional<uint64_t> delay;
    if (retry_after_len) delay = otlp::parse_retry_after(view(retry_after, retry_after_len), now);
    outcome = otlp::Outcome::http(status, delay, std::string(view(body, body_len)));
  }
  p.on_result(now, static_cast<uint64_t>(id), outcome);
}

// When the host loop must poll again, in ms since the epoch; Infinity when idle.
OTLP_API double otlp_next_deadline() {
  if (!host) return __builtin_inf();
  uint64_t d = UINT64_MAX;
  for (const otlp::Pipeline& p : host->pipelines) d = std::min(d, p.next_deadline());
  return d == UINT64_MAX ? __builtin_inf() : ns_to_ms(d);
}

// Flushes (or shuts down) every signal's pipeline; the ticket covers them all. A pipeline numbers
// its flushes 1, 2, ... and here they are only ever flushed together, so the number is the same.
OTLP_API double otlp_flush(double now_ms, double timeout_ms, int shutdown) {
  uint64_t ticket = 0;
  if (host)
    for (otlp::Pipeline& p : host->pipelines)
      ticket = shutdown ? p.shutdown(ms_to_ns(now_ms), ms_to_ns(timeout_ms))
                        : p.force_flush(ms_to_ns(now_ms), ms_to_ns(timeout_ms));
  return static_cast<double>(ticket);
}
// 0 pending (a pipeline is), 1 done (all are), 2 timed out (one is, none pending).
OTLP_API int otlp_flush_state(double ticket) {
  int state = 1;
  if (host)
    for (const otlp::Pipeline& p : host->pipelines) {
      const otlp::FlushState s = p.flush_state(static_cast<uint64_t>(ticket));
      if (s == otlp::FlushState::pending) return 0;
      if (s == otlp::FlushState::timed_out) state = 2;
    }
  return state;
}

OTLP_API void otlp_request_limits(double max_request_bytes, uint32_t max_concurrent_exports) {
  if (host)
    for (otlp::Pipeline& p : host->pipelines)
      p.set_request_limits(static_cast<std::size_t>(max_request_bytes), max_concurrent_exports);
}

// The counters of `signal`'s pipeline into io[kIoStats] as doubles: started, sampled_out, ended,
// dropped, exported, rejected, failed, queued, requests, retries, bytes_sent, and export
// latency p50/p95/p99 in ms. Returns the length of the last error in otlp_text.
OTLP_API uint32_t otlp_stats(uint32_t signal) {
  // A signal this module has no pipeline for (logs in otlp.wasm) reads as zeros.
  const otlp::Stats s = host && signal < kSignalCount ? host->pipelines[signal].stats() : otlp::Stats();
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
