#include "sdk.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <shared_mutex>

#include "console_transport.hpp"
#include "grpc_transport.hpp"
#include "http_transport.hpp"
#include "otlp/trace/sampler.hpp"
#include "tsc_clock.hpp"
#include "worker.hpp"

namespace otlp::native {
namespace {

using Steady = std::chrono::steady_clock;

constexpr std::size_t kSignalCount = std::size(kSignals);

GrpcOptions grpc_options(const OtlpOptions& o) {
  GrpcOptions g;
  g.endpoint = o.endpoint;
  g.insecure = o.insecure;
  g.timeout_ms = o.timeout_ms;
  g.ca_file = o.certificate;
  g.client_certificate = o.client_certificate;
  g.client_key = o.client_key;
  return g;
}

HttpOptions http_options(const OtlpOptions& o) {
  HttpOptions http;
  http.url = o.endpoint;
  http.timeout_ms = o.timeout_ms;
  http.ca_file = o.certificate;
  http.client_certificate = o.client_certificate;
  http.client_key = o.client_key;
  return http;
}

// The one place a protocol picks its transport: at most one gRPC and one HTTP transport, each
// serving every signal exported over it, each signal with its own destination. Both drive the
// same Worker (LoopTransport).
struct Transports {
  std::unique_ptr<GrpcTransport> grpc;
  std::unique_ptr<HttpTransport> http;

  LoopTransport& of(const OtlpOptions& o) {
    if (o.protocol == Protocol::grpc) return *grpc;
    return *http;
  }
  std::vector<LoopTransport*> loops() const {
    std::vector<LoopTransport*> out;
    if (grpc) out.push_back(grpc.get());
    if (http) out.push_back(http.get());
    return out;
  }
};

Result<Transports> make_transports(Options& o) {
  Transports t;
  for (std::size_t i = 0; i < kSignalCount; ++i) {
    const auto signal = static_cast<Signal>(i);
    const SignalOptions so = signal_options(o, signal);
    if (!uses(so.exporter, ExporterKind::otlp)) continue;
    if (so.otlp.protocol == Protocol::grpc) {
      if (!t.grpc) t.grpc = std::make_unique<GrpcTransport>(grpc_options(so.otlp));
      else t.grpc->set_destination(signal, grpc_options(so.otlp));
      if (!t.grpc->setup_error().empty()) return Error{t.grpc->setup_error()};
    } else {
      if (!t.http) t.http = std::make_unique<HttpTransport>(http_options(so.otlp));
      else t.http->set_destination(signal, http_options(so.otlp));
    }
  }
  return t;
}

bool has_attribute(const Resource& r, std::string_view key) {
  return std::any_of(r.attributes.begin(), r.attributes.end(), [&](const KeyValue& kv) { return kv.key == key; });
}

// What options_from_env adds, for options built by hand or edited after it: service.name is
// always service_name (config.hpp's rule), the telemetry.sdk.* attributes unless set.
void complete_resource(Options& o) {
  for (auto& kv : o.resource.attributes)
    if (kv.key == "service.name") kv.value = AnyValue(o.service_name);
  auto add = [&](std::string_view key, std::string value) {
    if (!has_attribute(o.resource, key)) o.resource.attributes.push_back({std::string(key), AnyValue(std::move(value))});
  };
  add("service.name", o.service_name);
  add("telemetry.sdk.name", std::string(kSdkName));
  add("telemetry.sdk.language", "cpp");
  add("telemetry.sdk.version", std::string(sdk_version()));
}

std::uint64_t entropy() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

}  // namespace

bool transport_available(Protocol protocol) {
  Options probe;
  probe.protocol = protocol;
  probe.logs.exporter = probe.metrics.exporter = ExporterKind::none;
  return make_transports(probe).ok();
}

struct Sdk::Impl {
  explicit Impl(Options& o) : console(o.console_stream ? o.console_stream : stderr) {
    for (std::size_t i = 0; i < kSignalCount; ++i)
      pipelines[i] = std::make_unique<Pipeline>(signal_options(o, static_cast<Signal>(i)).pipeline, o.resource);
  }

  Pipeline& pipeline(Signal s) { return *pipelines[static_cast<std::size_t>(s)]; }

  // What the destructor and a move give shutdown(): the longest of the signals' export timeouts.
  std::uint64_t shutdown_timeout() const {
    std::uint64_t t = 0;
    for (const auto& p : pipelines) t = std::max(t, p->config().export_timeout_ns);
    return t;
  }

  // Host side of QueuePolicy::wait. The core retries its enqueue after every `true` and passes
  // the full budget (max_wait_ns) on a span's first call, less after; so a call with the full
  // budget starts a new deadline for this thread, and each call waits until the worker sends a
  // request (room comes a batch at a time) or begins a shutdown, until the deadline passes: for
  // at most 10 ms at a time, so that a lost signal would cost little, while a slow server does
  // not wake the waiting threads every millisecond. With budgets of 1 ms or less the core stops
  // shrinking them, so a wait only counts as new after a gap in the calls.
  bool wait_for_room(const Pipeline& pipeline, std::uint64_t left) {
    thread_local Steady::time_point deadline{}, last_call{};
    const Steady::time_point now = Steady::now();
    const std::uint64_t budget = pipeline.config().max_wait_ns;
    const bool fresh = left >= budget && (budget > 1'000'000 || now - last_call > std::chrono::milliseconds(1));
    last_call = now;
    if (fresh) deadline = now + std::chrono::nanoseconds(left);
    if (now >= deadline) return false;
    {
      std::shared_lock<std::shared_mutex> lock(worker_mutex);
      if (!worker) return false;  // shut down: the pipelines refuse items
      if (fresh) worker->notify();  // in case the batch-ready wake-up was missed
      worker->wait_for_room(std::min(deadline, now + std::chrono::milliseconds(10)));
    }
    last_call = Steady::now();
    return true;
  }

  void notify() {
    std::shared_lock<std::shared_mutex> lock(worker_mutex);
    if (worker) worker->notify();
  }


  bool disabled = false;
  Propagators propagators;
  TscClock clock;  // ~10 ns a read against ~24 for clock_gettime; three reads a span
  std::unique_ptr<Pipeline> pipelines[kSignalCount];  // by Signal
  Transports transports;
  ConsoleTransport console;
  std::unique_ptr<TeeTransport> tees[kSignalCount];  // by Signal, for `otlp,console`
  std::shared_mutex worker_mutex;  // app threads notify the worker; shutdown() removes it
  std::unique_ptr<Worker> worker;  // null when disabled or no signal is exported anywhere
  std::unique_ptr<TracerProvider> provider;
  std::unique_ptr<LoggerProvider> logger_provider;
  // The collector of the metrics pipeline's engine: made before the worker starts polling it,
  // gone before the pipelines (declared above).
  std::unique_ptr<MeterProvider> meter_provider;
  std::mutex shutdown_mutex;
  bool shut_down = false;
  ShutdownReport report;
};

Sdk::Sdk(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Sdk::Sdk(Sdk&&) noexcept = default;
Sdk& Sdk::operator=(Sdk&& other) noexcept {
  if (this != &other) {
    if (impl_) shutdown(impl_->shutdown_timeout());
    impl_ = std::move(other.impl_);
  }
  return *this;
}

Sdk::~Sdk() {
  if (impl_) shutdown(impl_->shutdown_timeout());
}

Tracer Sdk::tracer(std::string_view scope_name, std::string_view scope_version) {
  return impl_->provider->tracer(scope_name, scope_version);
}

TracerProvider& Sdk::provider() { return *impl_->provider; }

Logger Sdk::logger(std::string_view scope_name, std::string_view scope_version, std::uint8_t min_severity) {
  return impl_->logger_provider->logger(scope_name, scope_version, min_severity);
}

LoggerProvider& Sdk::logger_provider() { return *impl_->logger_provider; }

Meter Sdk::meter(std::string_view scope_name, std::string_view scope_version) {
  return impl_->meter_provider->meter(scope_name, scope_version);
}

MeterProvider& Sdk::meter_provider() { return *impl_->meter_provider; }
bool Sdk::disabled() const { return impl_->disabled; }
const Propagators& Sdk::propagators() const { return impl_->propagators; }
Stats Sdk::stats(Signal signal) const { return impl_->pipeline(signal).stats(); }
Stats Sdk::stats() const { return stats(Signal::traces); }

FlushState Sdk::flush(std::uint64_t timeout_ns) {
  std::shared_lock<std::shared_mutex> lock(impl_->worker_mutex);
  // Disabled or shut down: nothing can be queued.
  return impl_->worker ? impl_->worker->flush(timeout_ns) : FlushState::done;
}

ShutdownReport Sdk::shutdown(std::uint64_t timeout_ns) {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> once(m.shutdown_mutex);
  if (m.shut_down) return m.report;
  m.shut_down = true;
  if (m.worker) {
    m.report.state = m.worker->shutdown(timeout_ns);
    std::unique_lock<std::shared_mutex> lock(m.worker_mutex);
    m.worker.reset();  // joins the thread; the pipelines refuse new items from now on
    m.transports = {};
  }
  for (std::size_t i = 0; i < kSignalCount; ++i) {
    Pipeline& p = *m.pipelines[i];
    if (!p.is_shut_down()) p.shutdown(m.clock.now_unix_nano(), 0);  // no worker: nothing to flush
    SignalReport& r = m.report.signals[i];
    r.stats = p.stats();
    r.not_exported = r.stats.dropped + r.stats.rejected + r.stats.failed + r.stats.queued;
  }
  m.report.stats = m.report[Signal::traces].stats;
  m.report.not_exported = m.report[Signal::traces].not_exported;
  return m.report;
}

Result<Sdk> start(Options o) {
  TracerConfig tc;
  tc.limits = o.limits;
  LoggerConfig lc;
  lc.limits = o.logs.limits;
  Transports transports;
  if (o.disabled) {
    // Nothing else is read, so nothing else is checked either.
    o.traces_exporter = o.logs.exporter = o.metrics.exporter = ExporterKind::none;
    o.pipeline = PipelineConfig::for_signal(Signal::traces);
    o.logs.pipeline = PipelineConfig::for_signal(Signal::logs);
    o.metrics.pipeline = PipelineConfig::for_signal(Signal::metrics);
  } else {
    if (auto e = validate(o)) return *e;
    auto sampler = make_sampler(o.sampler, o.sampler_arg);
    if (!sampler) return sampler.error();
    tc.sampler = std::move(sampler.value());
    auto t = make_transports(o);
    if (!t) return t.error();
    transports = std::move(t.value());
    for (std::size_t i = 0; i < kSignalCount; ++i) {
      const SignalOptions so = signal_options(o, static_cast<Signal>(i));
      const bool json = uses(so.exporter, ExporterKind::otlp) && so.otlp.protocol == Protocol::http_json;
      so.pipeline.protocol = json ? otlp::Protocol::json : otlp::Protocol::protobuf;
      if (uses(so.exporter, ExporterKind::otlp))
        so.pipeline.exporter_timeout_ns = so.otlp.timeout_ms * 1'000'000;  // validate() kept it in range
      if (so.pipeline.seed == 0) so.pipeline.seed = entropy();
    }
    complete_resource(o);
  }
  // No exporter: spans are not sampled, loggers enabled for no severity.
  if (o.traces_exporter == ExporterKind::none) tc.sampler = always_off_sampler();
  if (o.logs.exporter == ExporterKind::none) lc.min_severity = UINT8_MAX;
  tc.id_seed = entropy();

  auto impl = std::make_unique<Sdk::Impl>(o);
  Sdk::Impl* m = impl.get();
  m->disabled = o.disabled;
  m->propagators = o.propagators;
  m->transports = std::move(transports);
  MeterProviderConfig mc;
  mc.resource = o.resource;
  mc.temporality = o.metrics.temporality;
  mc.default_histogram_aggregation = o.metrics.default_histogram_aggregation;
  mc.export_interval_ns = o.metrics.export_interval_ms * 1'000'000;  // validate() kept it in range
  m->meter_provider = std::make_unique<MeterProvider>(m->pipeline(Signal::metrics).engine(), m->clock, std::move(mc));
  std::vector<Lane> lanes;
  for (std::size_t i = 0; i < kSignalCount; ++i) {
    const SignalOptions so = signal_options(o, static_cast<Signal>(i));
    Pipeline& pipeline = *m->pipelines[i];
    if (uses(so.exporter, ExporterKind::otlp)) {
      ExporterOptions exporter;
      exporter.headers = so.otlp.headers;
      exporter.compression = so.otlp.gzip ? Compression::gzip : Compression::none;
      Transport* transport = &m->transports.of(so.otlp);
      if (uses(so.exporter, ExporterKind::console))
        transport = (m->tees[i] = std::make_unique<TeeTransport>(m->console, *transport)).get();
      lanes.push_back(Lane{pipeline, *transport, std::move(exporter)});
    } else if (so.exporter == ExporterKind::console) {
      lanes.push_back(Lane{pipeline, m->console, {}});
    } else {
      pipeline.shutdown(m->clock.now_unix_nano(), 0);  // refuses items: they count as dropped
    }
  }
  if (!lanes.empty()) {
    m->worker = std::make_unique<Worker>(std::move(lanes), m->transports.loops(), m->clock);
    tc.on_batch_ready = lc.on_batch_ready = [m] { m->notify(); };  // once per batch (Pipeline::enqueue)
    Pipeline& traces = m->pipeline(Signal::traces);
    Pipeline& logs = m->pipeline(Signal::logs);
    if (traces.config().queue_policy == QueuePolicy::wait)
      tc.wait_for_room = [m, &traces](std::uint64_t left) { return m->wait_for_room(traces, left); };
    if (logs.config().queue_policy == QueuePolicy::wait)
      lc.wait_for_room = [m, &logs](std::uint64_t left) { return m->wait_for_room(logs, left); };
  }
  m->provider = std::make_unique<TracerProvider>(m->pipeline(Signal::traces), m->clock, std::move(tc));
  m->logger_provider = std::make_unique<LoggerProvider>(m->pipeline(Signal::logs), m->clock, std::move(lc));
  return Sdk(std::move(impl));
}

Result<Sdk> start_from_env(Getenv getenv) {
  auto options = options_from_env(std::move(getenv));
  if (!options) return options.error();
  return start(std::move(options.value()));
}

}  // namespace otlp::native
