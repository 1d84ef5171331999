#include "propagators.hpp"

namespace otlp::native {

void Propagators::inject(const SpanContext& context, const std::vector<BaggageEntry>& entries,
                         const HeaderSetter& set) const {
  if (tracecontext && context.valid()) {
    set("traceparent", format_traceparent(context));
    if (!context.trace_state.empty()) set("tracestate", context.trace_state);
  }
  if (baggage && !entries.empty()) {
    std::string header = format_baggage(entries);
    if (!header.empty()) set("baggage", std::move(header));
  }
}

Propagated Propagators::extract(const HeaderGetter& get) const {
  Propagated out;
  if (tracecontext) {
    if (auto parent = get("traceparent")) out.context = parse_traceparent(*parent);
    if (out.context) {
      if (auto state = get("tracestate"); state && TraceState::valid(*state)) out.context->trace_state = std::string(*state);
    }
  }
  if (baggage) {
    if (auto header = get("baggage")) out.baggage = parse_baggage(*header);
  }
  return out;
}

}  // namespace otlp::native
