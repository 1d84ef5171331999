// W3C Trace Context (traceparent, tracestate) and W3C Baggage, parsed strictly: invalid
// input yields no context, never a half-parsed one.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "otlp/model/span.hpp"

namespace otlp {

inline constexpr std::size_t kMaxTraceStateMembers = 32;  // W3C Trace Context
inline constexpr std::size_t kMaxBaggageMembers = 180;
inline constexpr std::size_t kMaxBaggageBytes = 8192;  // W3C Baggage

// `traceparent: 00-<32 hex>-<16 hex>-<2 hex>`. Rejects all-zero ids, version ff, uppercase
// hex, wrong lengths or separators; version 00 must be exactly 55 characters. A future
// version is parsed by its first four fields and must then be followed by end or '-' (the
// rest is ignored). Spaces/tabs around the whole value are trimmed (HTTP OWS); none inside.
// Version 00 keeps the flags byte as received (unknown bits included, so they pass through);
// a future version keeps only the bits defined for 00 (sampled 0x01, Level 2 random 0x02),
// since its other bits may mean something else once re-emitted as version 00.
// The result is marked remote and has an empty trace_state.
std::optional<SpanContext> parse_traceparent(std::string_view header);
// Version 00 with the flags byte as is; "" for an invalid (all-zero id) context.
std::string format_traceparent(const SpanContext& context);

// tracestate: up to 32 list members key=value, comma separated. Keys per the Level 1 grammar:
// simple `lcalpha 0*255(lcalpha/digit/_-*/)` or multi-tenant `tenant@system` (tenant: lcalpha
// or digit then up to 240, system: lcalpha then up to 13). Values are 1 to 256 characters of
// 0x20-0x7E except ',' and '=', not ending in a space (the W3C `0*255(chr) nblk-chr`: an
// empty value is invalid). An invalid header is discarded whole (nullopt): a bad member, a
// duplicate key or more than 32 members. Empty members and spaces/tabs around members are
// allowed and skipped (not counted); an empty header is a valid, empty TraceState. Members are
// newest first.
class TraceState {
 public:
  static std::optional<TraceState> parse(std::string_view header);
  // Whether parse() accepts the header, without building anything (a host that only needs to
  // know whether to forward it, like the WASM module, links no member storage).
  static bool valid(std::string_view header);
  std::optional<std::string_view> get(std::string_view key) const;
  // Adds or updates a key, moving it to the front; false (and unchanged) if key/value invalid.
  // Adding a 33rd key evicts the last (oldest) member.
  bool set(std::string_view key, std::string_view value);
  void erase(std::string_view key);
  std::string to_header() const;  // members joined with ',', no spaces
  std::size_t size() const { return members_.size(); }
  const std::vector<std::pair<std::string, std::string>>& members() const { return members_; }

 private:
  std::vector<std::pair<std::string, std::string>> members_;
};

// W3C Baggage: `key=value;prop,key2=value2`. Keys are HTTP tokens; values are baggage-octets,
// percent-decoded (escapes in either case; decoded bytes that are not UTF-8 become U+FFFD, as
// the spec requires). Spaces/tabs around members, keys, values and properties are trimmed.
// An invalid member is skipped, the rest kept: no '=', a bad key, a bad value character, a
// malformed percent escape, or a malformed property. Properties (everything after the first
// ';', trimmed) are validated and kept verbatim in `metadata`. Empty members are skipped.
// Duplicate keys are kept as received, in order. Limits: the longest prefix of valid members
// with at most 180 members whose text (as received, trimmed, joined with ',') is at most 8192
// bytes is kept; later members are dropped.
struct BaggageEntry {
  std::string key;
  std::string value;
  std::string metadata;  // properties after ';', kept verbatim
  friend bool operator==(const BaggageEntry&, const BaggageEntry&) = default;
};
std::vector<BaggageEntry> parse_baggage(std::string_view header);
// Joins with ','. Values are percent-encoded (uppercase hex) outside the baggage-octet set and
// for '%'; metadata is appended after ';'. Entries with a non-token key or invalid metadata are
// skipped; output stops before the entry that would exceed 180 members or 8192 bytes.
std::string format_baggage(const std::vector<BaggageEntry>& entries);

}  // namespace otlp
