#include "otlp/workload/metrics_workload.hpp"

#include <utility>

namespace otlp::workload {
namespace {

constexpr const char* kMethods[] = {"GET", "POST"};
constexpr const char* kRoutes[] = {"/api/orders/{id}", "/api/orders", "/api/cart", "/api/users/{id}", "/health"};
constexpr int kCodes[] = {200, 201, 404, 500, 503};
constexpr double kDurations[] = {0.001, 0.002, 0.004, 0.006, 0.008, 0.01, 0.015, 0.02, 0.03, 0.05,
                                 0.075, 0.1,   0.15,  0.2,   0.3,   0.5,  0.75,  1.0,  1.5,  2.5};
constexpr std::int64_t kFixedMemoryUsage = 48 << 20;

}  // namespace

double StandardMetrics::duration(std::uint64_t index) noexcept { return kDurations[index % 20]; }

StandardMetrics::StandardMetrics(Meter meter, std::function<std::int64_t()> memory_usage) {
  sets_.reserve(kSeries);
  for (std::size_t s = 0; s < kSeries; ++s)
    sets_.push_back({Attribute{"http.request.method", kMethods[s % 2]}, Attribute{"http.route", kRoutes[(s / 2) % 5]},
                     Attribute{"http.response.status_code", kCodes[s / 10]}});
  count_ = meter.counter<std::int64_t>("http.server.request.count", {"{request}"});
  duration_ = meter.histogram<double>("http.server.request.duration", {"s"});
  active_ = meter.up_down_counter<std::int64_t>("http.server.active_requests", {"{request}"});
  meter.observable_gauge<std::int64_t>(
      "process.memory.usage",
      [read = std::move(memory_usage)](Observer<std::int64_t>& o) { o.observe(read ? read() : kFixedMemoryUsage); },
      {"By"});
}

}  // namespace otlp::workload
