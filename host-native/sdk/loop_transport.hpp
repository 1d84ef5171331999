// The native transports as the Worker's loop drives them: sends start on the loop thread, and
// run() is where the loop waits for them (libcurl does its I/O there; gRPC's completions arrive
// on gRPC threads and run() only waits for them).
#pragma once
#include <cstddef>

#include "otlp/export/transport.hpp"

namespace otlp::native {

class LoopTransport : public Transport {
 public:
  // Host loop thread: moves sends along for at most `timeout_ms`, returning early when one
  // finishes or wake() is called.
  virtual void run(int timeout_ms) = 0;
  // Sends started and not yet completed.
  virtual std::size_t in_flight() const = 0;
  // Any thread: makes a run() in progress return now.
  virtual void wake() = 0;
  // Host loop thread (or after it stopped): gives up on everything in flight. When it returns,
  // no completion is running and none will run later, so the Exporter may be destroyed.
  virtual void abandon() = 0;
};

}  // namespace otlp::native
