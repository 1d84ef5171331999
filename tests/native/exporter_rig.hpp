// Test rigs shared by the gRPC and TLS tests: a tracer whose pipeline a Worker drives through a
// real transport, and the project's receiver on loopback collecting what arrives.
#pragma once
#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "otlp/trace/tracer.hpp"
#include "receiver.hpp"
#include "worker.hpp"

namespace otlp::native::rig {

inline constexpr std::uint64_t kSec = 1'000'000'000;

// Small batches, short delays and backoff, two attempts: failures end quickly.
inline PipelineConfig fast() {
  PipelineConfig c;
  c.max_export_batch_size = 100;
  c.schedule_delay_ns = 50'000'000;
  c.export_timeout_ns = 10 * kSec;
  c.retry.initial_backoff_ns = 100'000'000;
  c.retry.max_backoff_ns = 200'000'000;
  return c;
}

template <class TransportT>
struct Exporter {
  template <class TransportOptions>
  Exporter(TransportOptions transport_options, PipelineConfig config, ExporterOptions options = {})
      : pipeline(config, Resource{{{"service.name", "rig"}}}),
        transport(std::move(transport_options)),
        worker(pipeline, transport, clock, std::move(options)),
        provider(pipeline, clock, tracer_config()),
        tracer(provider.tracer("rig-scope")) {}
  TracerConfig tracer_config() {
    TracerConfig c;
    c.on_batch_ready = [this] { worker.notify(); };
    return c;
  }
  // n server spans "GET /" with attribute i = 0..n-1.
  void spans(int n) {
    for (int i = 0; i < n; ++i)
      tracer.start_span("GET /", {.kind = SpanKind::server}).set_attribute("i", static_cast<long long>(i)).end();
  }
  // Nothing lost: every ended span is exported, rejected, failed, dropped or still queued.
  bool balanced() const {
    const auto s = pipeline.stats();
    return s.ended == s.exported + s.rejected + s.failed + s.dropped + s.queued;
  }
  SystemClock clock;
  Pipeline pipeline;
  TransportT transport;
  Worker worker;
  TracerProvider provider;
  Tracer tracer;
};

// The project's receiver on 127.0.0.1, port 0 for each listener asked for.
class Receiving {
 public:
  explicit Receiving(ReceiverOptions options, bool grpc = true, bool http = false) {
    options.host = "127.0.0.1";
    options.grpc_host = "127.0.0.1";
    options.port = http ? 0 : -1;
    options.grpc_port = grpc ? 0 : -1;
    receiver_ = std::make_unique<Receiver>(std::move(options), [this](const TraceRequest& r) {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& rs : r.resource_spans)
        for (const auto& ss : rs.scope_spans) {
          for (const auto& s : ss.spans) spans_.push_back(s);
          scopes_.push_back(ss.scope.name);
        }
    });
    ok_ = receiver_->start(&error_);
  }
  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }
  Receiver& receiver() { return *receiver_; }
  std::string grpc_url(const char* scheme = "http") const {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(receiver_->grpc_port());
  }
  std::string http_url(const char* scheme = "http") const {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(receiver_->port()) + "/v1/traces";
  }
  std::vector<SpanData> spans() {
    std::lock_guard<std::mutex> lock(mutex_);
    return spans_;
  }
  std::vector<std::string> scopes() {
    std::lock_guard<std::mutex> lock(mutex_);
    return scopes_;
  }

 private:
  std::unique_ptr<Receiver> receiver_;
  bool ok_ = false;
  std::string error_;
  std::mutex mutex_;
  std::vector<SpanData> spans_;
  std::vector<std::string> scopes_;
};

}  // namespace otlp::native::rig
