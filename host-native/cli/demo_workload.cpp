#include "cli/demo_workload.hpp"

#include <string>
#include <vector>

namespace otlp::cli {
namespace {

// Keep in step with web-demo/workload.mjs.
struct Child {
  const char* name;
  SpanKind kind;
  std::uint64_t offset_us, duration_us;
};
constexpr Child kChildren[] = {
    {"auth.check", SpanKind::internal, 500, 1000},
    {"cache.get", SpanKind::client, 2000, 1000},
    {"SELECT orders", SpanKind::client, 3500, 4000},
    {"render", SpanKind::internal, 8000, 3000},
};
constexpr std::uint64_t kRootDurationUs = 12000, kTraceSpacingUs = 20000;

struct Attr {
  std::string key;
  AttributeValue value;
};

// The first `n` attributes: the standard span's eight, then app.attr.<i> = "value-<i>".
std::vector<Attr> attributes(std::uint32_t n, std::vector<std::string>& storage) {
  static const char* kUa = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
  const std::vector<Attr> standard = {{"http.request.method", "GET"},     {"url.path", "/api/orders/12345"},
                                      {"http.response.status_code", 200}, {"server.address", "shop.example.com"},
                                      {"network.protocol.version", "1.1"}, {"user_agent.original", kUa},
                                      {"app.duration_ms", 1.5},           {"app.cache_hit", false}};
  std::vector<Attr> out;
  storage.reserve(n);  // the string_views below point into storage: no reallocation
  for (std::uint32_t i = 0; i < n; ++i) {
    if (i < standard.size()) {
      out.push_back(standard[i]);
    } else {
      storage.push_back("value-" + std::to_string(i));
      out.push_back({"app.attr." + std::to_string(i), AttributeValue(std::string_view(storage.back()))});
    }
  }
  return out;
}

void set_all(Span& span, const std::vector<Attr>& attrs) {
  for (const Attr& a : attrs) span.set_attribute(a.key, a.value);
}

}  // namespace

void record_demo_workload(Tracer& tracer, const DemoWorkload& w) {
  std::vector<std::string> storage;
  const std::vector<Attr> attrs = attributes(w.attributes, storage);
  std::uint64_t recorded = 0;
  for (std::uint64_t t = 0; recorded < w.spans; ++t) {
    const std::uint64_t start = w.base_unix_nano + t * kTraceSpacingUs * 1000;
    auto root = tracer.start_span("GET /api/orders/{id}", {.kind = SpanKind::server, .start_time_unix_nano = start});
    set_all(root, attrs);
    ++recorded;
    for (const Child& c : kChildren) {
      if (recorded == w.spans) break;
      const std::uint64_t child_start = start + c.offset_us * 1000;
      auto child = tracer.start_span(c.name, {.parent = &root.context(), .kind = c.kind, .start_time_unix_nano = child_start});
      set_all(child, attrs);
      child.end(child_start + c.duration_us * 1000);
      ++recorded;
    }
    if (t % 10 == 9) root.set_status(StatusCode::error, "upstream timeout");
    root.end(start + kRootDurationUs * 1000);
  }
}

}  // namespace otlp::cli
