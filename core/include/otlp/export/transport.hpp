// The one port through which requests leave: the host implements Transport (grpc++, libcurl,
// fetch()), and Exporter drives an export engine (a Pipeline's, or one handed whole bodies)
// through it. Completions may arrive on any thread; they are applied to the engine on the next
// poll(), on the host loop's thread.
#pragma once
#include <cstdint>
#include <atomic>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "otlp/export/pipeline.hpp"
#include "otlp/export/retry.hpp"

namespace otlp {

enum class Compression : std::uint8_t { none, gzip };

struct SendRequest {
  const ExportRequest& request;  // body and content type; valid until `complete` is called
  const std::vector<std::pair<std::string, std::string>>& headers;
  Compression compression;
  Signal signal = Signal::traces;  // what the body carries: the transport picks its path or method
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Starts sending; calls `complete` exactly once, now or later, from any thread.
  virtual void send(const SendRequest& request, std::function<void(const Outcome&)> complete) = 0;
};

struct ExporterOptions {
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. authorization
  Compression compression = Compression::none;
};

// The Exporter must outlive every send it started: a host stops its transport (cancelling or
// finishing what is in flight) before destroying the exporter.
class Exporter {
 public:
  Exporter(ExportEngine& engine, Transport& transport, ExporterOptions options = {})
      : engine_(engine), transport_(transport), options_(std::move(options)) {}
  Exporter(Pipeline& pipeline, Transport& transport, ExporterOptions options = {})
      : Exporter(pipeline.engine(), transport, std::move(options)) {}
  ~Exporter();
  Exporter(const Exporter&) = delete;
  Exporter& operator=(const Exporter&) = delete;

  // Applies the outcomes that came back, sends what is due at `now`, and returns the time by
  // which poll() should run again (UINT64_MAX when idle; an outcome arriving earlier is a
  // reason to poll too, see has_completions()).
  std::uint64_t poll(std::uint64_t now);
  bool has_completions() const;

 private:
  // Outcomes that came back, newest first: a lock-free stack that completions on any thread
  // push onto and poll() takes whole.
  struct Done {
    std::uint64_t id;
    Outcome outcome;
    Done* next;
  };
  ExportEngine& engine_;
  Transport& transport_;
  ExporterOptions options_;
  std::atomic<Done*> done_{nullptr};
};

}  // namespace otlp
