#include "sdk.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <shared_mutex>

#include "grpc_transport.hpp"
#include "http_transport.hpp"
#include "otlp/sampler.hpp"
#include "tsc_clock.hpp"
#include "worker.hpp"

namespace otlp::native {
namespace {

using Steady = std::chrono::steady_clock;

// The one place a protocol picks its transport; both drive the same Worker (LoopTransport).
Result<std::unique_ptr<LoopTransport>> make_transport(const Options& o) {
  if (o.protocol == Protocol::grpc) {
    GrpcOptions g;
    g.endpoint = o.endpoint;
    g.insecure = o.insecure;
    g.timeout_ms = o.timeout_ms;
    g.ca_file = o.certificate;
    g.client_certificate = o.client_certificate;
    g.client_key = o.client_key;
    auto t = std::make_unique<GrpcTransport>(std::move(g));
    if (!t->setup_error().empty()) return Error{t->setup_error()};
    return std::unique_ptr<LoopTransport>(std::move(t));
  }
  HttpOptions http;
  http.url = o.endpoint;
  http.timeout_ms = o.timeout_ms;
  http.ca_file = o.certificate;
  http.client_certificate = o.client_certificate;
  http.client_key = o.client_key;
  return std::unique_ptr<LoopTransport>(std::make_unique<HttpTransport>(std::move(http)));
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
  return make_transport(probe).ok();
}

struct Sdk::Impl {
  Impl(const Options& o, std::unique_ptr<LoopTransport> t)
      : pipeline(o.pipeline, o.resource), transport(std::move(t)) {}

  // Host side of QueuePolicy::wait. The core retries its enqueue after every `true` and passes
  // the full budget (max_wait_ns) on a span's first call, less after; so a call with the full
  // budget starts a new deadline for this thread, and each call waits until the worker sends a
  // request (room comes a batch at a time) or begins a shutdown, until the deadline passes: for
  // at most 10 ms at a time, so that a lost signal would cost little, while a slow server does
  // not wake the waiting threads every millisecond. With budgets of 1 ms or less the core stops
  // shrinking them, so a wait only counts as new after a gap in the calls.
  bool wait_for_room(std::uint64_t left) {
    thread_local Steady::time_point deadline{}, last_call{};
    const Steady::time_point now = Steady::now();
    const std::uint64_t budget = pipeline.config().max_wait_ns;
    const bool fresh = left >= budget && (budget > 1'000'000 || now - last_call > std::chrono::milliseconds(1));
    last_call = now;
    if (fresh) deadline = now + std::chrono::nanoseconds(left);
    if (now >= deadline) return false;
    {
      std::shared_lock<std::shared_mutex> lock(worker_mutex);
      if (!worker) return false;  // shut down: the pipeline refuses spans
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
  TscClock clock;  // ~10 ns a read against ~24 for clock_gettime; three reads a span
  Pipeline pipeline;
  std::unique_ptr<LoopTransport> transport;
  std::shared_mutex worker_mutex;  // app threads notify the worker; shutdown() removes it
  std::unique_ptr<Worker> worker;
  std::unique_ptr<TracerProvider> provider;
  std::mutex shutdown_mutex;
  bool shut_down = false;
  ShutdownReport report;
};

Sdk::Sdk(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Sdk::Sdk(Sdk&&) noexcept = default;
Sdk& Sdk::operator=(Sdk&& other) noexcept {
  if (this != &other) {
    if (impl_) shutdown(impl_->pipeline.config().export_timeout_ns);
    impl_ = std::move(other.impl_);
  }
  return *this;
}

Sdk::~Sdk() {
  if (impl_) shutdown(impl_->pipeline.config().export_timeout_ns);
}

Tracer Sdk::tracer(std::string_view scope_name, std::string_view scope_version) {
  return impl_->provider->tracer(scope_name, scope_version);
}

TracerProvider& Sdk::provider() { return *impl_->provider; }
bool Sdk::disabled() const { return impl_->disabled; }
Stats Sdk::stats() const { return impl_->pipeline.stats(); }

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
    m.worker.reset();  // joins the thread; the pipeline refuses new spans from now on
    m.transport.reset();
  } else {
    m.pipeline.shutdown(m.clock.now_unix_nano(), 0);  // disabled: nothing to flush
  }
  m.report.stats = m.pipeline.stats();
  const Stats& s = m.report.stats;
  m.report.not_exported = s.dropped + s.rejected + s.failed + s.queued;
  return m.report;
}

Result<Sdk> start(Options o) {
  TracerConfig tc;
  tc.limits = o.limits;
  std::unique_ptr<LoopTransport> transport;
  if (o.disabled) {
    tc.sampler = always_off_sampler();
    o.pipeline = PipelineConfig{};  // nothing else is read, so nothing else is checked either
  } else {
    if (auto e = validate(o)) return *e;
    auto sampler = make_sampler(o.sampler, o.sampler_arg);
    if (!sampler) return sampler.error();
    tc.sampler = std::move(sampler.value());
    auto t = make_transport(o);
    if (!t) return t.error();
    transport = std::move(t.value());
    o.pipeline.protocol = o.protocol == Protocol::http_json ? otlp::Protocol::json : otlp::Protocol::protobuf;
    o.pipeline.exporter_timeout_ns = o.timeout_ms * 1'000'000;  // validate() kept it in range
    if (o.pipeline.seed == 0) o.pipeline.seed = entropy();
    complete_resource(o);
  }
  tc.id_seed = entropy();

  auto impl = std::make_unique<Sdk::Impl>(o, std::move(transport));
  Sdk::Impl* m = impl.get();
  m->disabled = o.disabled;
  if (!o.disabled) {
    ExporterOptions exporter;
    exporter.headers = o.headers;
    exporter.compression = o.gzip ? Compression::gzip : Compression::none;
    m->worker = std::make_unique<Worker>(m->pipeline, *m->transport, m->clock, std::move(exporter));
    tc.on_batch_ready = [m] { m->notify(); };  // once per batch (Pipeline::enqueue)
    if (o.pipeline.queue_policy == QueuePolicy::wait)
      tc.wait_for_room = [m](std::uint64_t left) { return m->wait_for_room(left); };
  }
  m->provider = std::make_unique<TracerProvider>(m->pipeline, m->clock, std::move(tc));
  return Sdk(std::move(impl));
}

Result<Sdk> start_from_env(Getenv getenv) {
  auto options = options_from_env(std::move(getenv));
  if (!options) return options.error();
  return start(std::move(options.value()));
}

}  // namespace otlp::native
