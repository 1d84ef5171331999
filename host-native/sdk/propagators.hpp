// The propagators OTEL_PROPAGATORS selects (W3C Trace Context, W3C Baggage, or none): which
// headers inject() writes into an outgoing request and extract() reads from an incoming one.
// The header formats themselves are core's (otlp/trace/propagation.hpp).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "otlp/trace/propagation.hpp"
#include "otlp/model/span.hpp"

namespace otlp::native {

// What an incoming request carried, as far as the propagators read it.
struct Propagated {
  std::optional<SpanContext> context;  // remote; with trace_state when tracestate was valid
  std::vector<BaggageEntry> baggage;
};

// Header names are given in lowercase; the carrier matches them as HTTP does (case-insensitively).
using HeaderGetter = std::function<std::optional<std::string_view>(std::string_view name)>;
using HeaderSetter = std::function<void(std::string_view name, std::string value)>;

struct Propagators {
  bool tracecontext = true;  // traceparent, tracestate
  bool baggage = true;       // baggage

  // Writes traceparent (and tracestate when not empty) for a valid context, and baggage when
  // there is some, for the propagators selected.
  void inject(const SpanContext& context, const std::vector<BaggageEntry>& baggage, const HeaderSetter& set) const;
  // Reads them back. An invalid traceparent gives no context; an invalid tracestate is dropped
  // and the context kept (W3C Trace Context); the baggage is read either way.
  Propagated extract(const HeaderGetter& get) const;
};

}  // namespace otlp::native
