// W3C Trace Context (traceparent, tracestate) and W3C Baggage, parsed strictly: invalid
// input yields no context, never a half-parsed one.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "otlp/span.hpp"

namespace otlp {

// `traceparent: 00-<32 hex>-<16 hex>-<2 hex>`. Rejects all-zero ids, version ff, uppercase
// hex, wrong lengths or separators; a future version is parsed by its first four fields
// (and must then be followed by end or '-'). The result is marked remote.
std::optional<SpanContext> parse_traceparent(std::string_view header);
std::string format_traceparent(const SpanContext& context);  // version 00

// tracestate: up to 32 list members key=value, comma separated, keys per the W3C grammar
// (simple or tenant@system), values printable ASCII without ',' and '='. An invalid header
// is discarded whole (nullopt); empty members and surrounding whitespace are allowed.
class TraceState {
 public:
  static std::optional<TraceState> parse(std::string_view header);
  std::optional<std::string_view> get(std::string_view key) const;
  // Adds or updates a key, moving it to the front; false (and unchanged) if key/value invalid.
  bool set(std::string_view key, std::string_view value);
  void erase(std::string_view key);
  std::string to_header() const;
  std::size_t size() const { return members_.size(); }
  const std::vector<std::pair<std::string, std::string>>& members() const { return members_; }

 private:
  std::vector<std::pair<std::string, std::string>> members_;
};

// W3C Baggage: `key=value;prop,key2=value2`, values percent-decoded, at most 180 members and
// 8192 bytes; an invalid member is skipped, the rest kept (as the W3C spec allows).
struct BaggageEntry {
  std::string key;
  std::string value;
  std::string metadata;  // properties after ';', kept verbatim
  friend bool operator==(const BaggageEntry&, const BaggageEntry&) = default;
};
std::vector<BaggageEntry> parse_baggage(std::string_view header);
std::string format_baggage(const std::vector<BaggageEntry>& entries);  // percent-encodes values

}  // namespace otlp
