// OTEL_* environment variables -> Options. Where the specification says "log a warning and use
// the default" (bad integers, unknown booleans), this project returns an Error instead: a typo in
// the configuration should be seen at start, not silently ignored (DESIGN: errors are values).
#include "config.hpp"

#include <cstdlib>
#include <limits>

#include "otlp/trace/sampler.hpp"

#ifndef OTLP_PORTABLE_VERSION
#define OTLP_PORTABLE_VERSION "0.0.0"
#endif

namespace otlp::native {
namespace {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

constexpr std::uint64_t kNsPerMs = 1'000'000;
constexpr std::uint64_t kU32Max = std::numeric_limits<std::uint32_t>::max();

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

Error bad(std::string_view name, std::string_view expected, std::string_view raw) {
  std::string m;
  m.append(name).append(": expected ").append(expected).append(", got '").append(raw).append("'");
  return Error{std::move(m)};
}

// One variable that is set: its name (for errors), its raw text and the trimmed value.
struct Var {
  std::string name;
  std::string_view raw;
  std::string_view value;
};

class Env {
 public:
  explicit Env(Getenv getenv) : getenv_(std::move(getenv)) {
    if (!getenv_) getenv_ = [](const char* n) -> const char* { return std::getenv(n); };
  }
  // Unset, empty and blank values all count as unset (the spec: empty means unset).
  std::optional<Var> get(const std::string& name) const {
    const char* v = getenv_(name.c_str());
    if (v == nullptr) return std::nullopt;
    const std::string_view raw(v);
    if (trim(raw).empty()) return std::nullopt;
    return Var{name, raw, trim(raw)};
  }
  // The per-signal variable when set, else the generic one.
  std::optional<Var> get(const std::string& per_signal, const std::string& generic) const {
    if (auto v = get(per_signal)) return v;
    return get(generic);
  }

 private:
  Getenv getenv_;
};

// Non-negative decimal, digits only (no sign, no junk), at most `max`.
Result<std::uint64_t> parse_uint(const Var& v, std::uint64_t max) {
  std::uint64_t n = 0;
  for (char c : v.value) {
    if (c < '0' || c > '9') return bad(v.name, "a non-negative integer", v.raw);
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (n > (max - d) / 10) return bad(v.name, "an integer at most " + std::to_string(max), v.raw);
    n = n * 10 + d;
  }
  return n;
}

// "true" / "false", ASCII case-insensitive. The spec treats anything else as false with a
// warning; we refuse it, so "1" or "yes" does not silently mean false.
Result<bool> parse_bool(const Var& v) {
  if (iequals(v.value, "true")) return true;
  if (iequals(v.value, "false")) return false;
  return bad(v.name, "true or false", v.raw);
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX escapes only; '+' stays '+' (this is W3C Baggage encoding, not a form).
std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;  // needs two more characters
    const int hi = hex_digit(s[i + 1]), lo = hex_digit(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// `k1=v1,k2=v2`: split on ',', then on the first '=' so values may hold '='; keys and values
// trimmed, then percent-decoded (so %2C is a comma inside a value); blank entries (a trailing
// comma) skipped. A bad entry fails the whole variable, as the spec asks for resource attributes.
// With `secret_values` (headers often carry credentials) errors never quote a value.
Result<KeyValues> parse_list(const Var& v, bool secret_values) {
  KeyValues out;
  std::string_view rest = v.value;
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view entry = trim(rest.substr(0, comma));
    if (!entry.empty()) {
      const std::size_t eq = entry.find('=');
      if (eq == std::string_view::npos) return bad(v.name, "key=value entries", entry);
      const std::string_view key = trim(entry.substr(0, eq));
      const std::string_view value = trim(entry.substr(eq + 1));
      if (key.empty()) {
        if (secret_values) return Error{v.name + ": expected a key before '=' (value not shown)"};
        return bad(v.name, "a key before '='", entry);
      }
      auto k = percent_decode(key);
      if (!k) return bad(v.name, "valid percent-encoding (%XX) in key", key);
      auto val = percent_decode(value);
      if (!val) {
        if (secret_values)
          return Error{v.name + ": expected valid percent-encoding (%XX) in the value of '" +
                       std::string(key) + "' (value not shown)"};
        return bad(v.name, "valid percent-encoding (%XX) in value", value);
      }
      out.emplace_back(std::move(*k), std::move(*val));
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

// RFC 9110 token characters: what a header name may hold.
bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

// No CR, LF, NUL or other controls but tab: a decoded %0D%0A must not inject a header.
bool is_field_value(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return false;
  }
  return true;
}

std::optional<Error> check_headers(std::string_view name, const KeyValues& headers) {
  for (const auto& [k, v] : headers) {
    if (!is_token(k)) return bad(name, "a header name of token characters", k);
    if (!is_field_value(v))
      return Error{std::string(name) + ": the value of header '" + k +
                   "' holds control characters (value not shown)"};
  }
  return std::nullopt;
}

// Later entries replace earlier ones with the same name (header names are case-insensitive).
void merge_headers(KeyValues& into, KeyValues from) {
  for (auto& [k, v] : from) {
    bool replaced = false;
    for (auto& [ek, ev] : into)
      if (iequals(ek, k)) {
        ev = v;
        replaced = true;
      }
    if (!replaced) into.emplace_back(std::move(k), std::move(v));
  }
}

// http:// or https:// (scheme case-insensitive) followed by a host; no spaces or controls.
bool is_http_url(std::string_view s) {
  std::size_t scheme = 0;
  if (istarts_with(s, "http://")) scheme = 7;
  else if (istarts_with(s, "https://")) scheme = 8;
  else return false;
  if (s.size() == scheme || s[scheme] == '/') return false;
  for (char c : s)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  return true;
}

constexpr std::string_view kUrlExpected = "a URL starting with http:// or https://";

void set_attribute(Attributes& attrs, std::string_view key, std::string value, bool overwrite) {
  for (auto& kv : attrs)
    if (kv.key == key) {
      if (overwrite) kv.value = AnyValue(std::move(value));
      return;
    }
  attrs.push_back(KeyValue{std::string(key), AnyValue(std::move(value))});
}

// OTEL_EXPORTER_OTLP_<env>_<suffix>, and the generic OTEL_EXPORTER_OTLP_<suffix>.
std::string per_signal(Signal s, std::string_view suffix) {
  return "OTEL_EXPORTER_OTLP_" + std::string(signal_info(s).env) + "_" + std::string(suffix);
}
std::string generic(std::string_view suffix) { return "OTEL_EXPORTER_OTLP_" + std::string(suffix); }

// One signal's OTEL_EXPORTER_OTLP_[<SIGNAL>_]* variables.
std::optional<Error> read_otlp(const Env& env, Signal signal, OtlpOptions& o) {
  // Protocol first: it decides the endpoint's default and whether the signal's path is appended.
  if (auto v = env.get(per_signal(signal, "PROTOCOL"), generic("PROTOCOL"))) {
    // Enum values match ASCII case-insensitively (the spec's SHOULD), as make_sampler does.
    if (iequals(v->value, "grpc")) o.protocol = Protocol::grpc;
    else if (iequals(v->value, "http/protobuf")) o.protocol = Protocol::http_protobuf;
    else if (iequals(v->value, "http/json")) o.protocol = Protocol::http_json;
    else return bad(v->name, "grpc, http/protobuf or http/json", v->raw);
  }

  const bool http = o.protocol != Protocol::grpc;
  if (auto v = env.get(per_signal(signal, "ENDPOINT"))) {
    if (!is_http_url(v->value)) return bad(v->name, kUrlExpected, v->raw);
    o.endpoint = std::string(v->value);  // per-signal: used as is
  } else if (auto g = env.get(generic("ENDPOINT"))) {
    if (!is_http_url(g->value)) return bad(g->name, kUrlExpected, g->raw);
    o.endpoint = std::string(g->value);
    if (http) {  // a base URL: append the signal's path, with exactly one '/' between
      if (o.endpoint.back() == '/') o.endpoint.pop_back();
      o.endpoint.append(signal_info(signal).http_path);
    }
  } else {
    o.endpoint = http ? std::string(kDefaultHttpBase).append(signal_info(signal).http_path)
                      : std::string(kDefaultGrpcEndpoint);
  }

  // Headers merge by name: generic first, then per-signal entries replace or add.
  for (const std::string& name : {generic("HEADERS"), per_signal(signal, "HEADERS")}) {
    auto v = env.get(name);
    if (!v) continue;
    auto h = parse_list(*v, true);
    if (!h) return h.error();
    if (auto e = check_headers(v->name, h.value())) return *e;
    merge_headers(o.headers, std::move(h.value()));
  }

  if (auto v = env.get(per_signal(signal, "TIMEOUT"), generic("TIMEOUT"))) {
    auto n = parse_uint(*v, std::numeric_limits<std::uint64_t>::max() / kNsPerMs);
    if (!n) return n.error();
    // 0 would fail every export at once; the spec gives it no "no timeout" meaning.
    if (n.value() == 0) return bad(v->name, "a timeout in milliseconds greater than 0", v->raw);
    o.timeout_ms = n.value();
  }
  if (auto v = env.get(per_signal(signal, "COMPRESSION"), generic("COMPRESSION"))) {
    if (iequals(v->value, "gzip")) o.gzip = true;
    else if (iequals(v->value, "none")) o.gzip = false;
    else return bad(v->name, "gzip or none", v->raw);
  }
  if (auto v = env.get(per_signal(signal, "INSECURE"), generic("INSECURE"))) {
    auto b = parse_bool(*v);
    if (!b) return b.error();
    o.insecure = b.value();
  }
  // File paths: kept as given; the transport reports a file it cannot read.
  struct PathField {
    const char* suffix;
    std::string* field;
  };
  for (const PathField& f : {PathField{"CERTIFICATE", &o.certificate}, PathField{"CLIENT_KEY", &o.client_key},
                             PathField{"CLIENT_CERTIFICATE", &o.client_certificate}})
    if (auto v = env.get(per_signal(signal, f.suffix), generic(f.suffix))) *f.field = std::string(v->value);
  return std::nullopt;
}

// OTEL_<batch_env>_*: the signal's batch processor; times in milliseconds, stored in nanoseconds.
std::optional<Error> read_batch(const Env& env, Signal signal, PipelineConfig& p) {
  const std::string prefix = "OTEL_" + std::string(signal_info(signal).batch_env) + "_";
  struct MsField {
    const char* suffix;
    std::uint64_t* ns;
  };
  for (const MsField& f : {MsField{"SCHEDULE_DELAY", &p.schedule_delay_ns}, MsField{"EXPORT_TIMEOUT", &p.export_timeout_ns}}) {
    if (auto v = env.get(prefix + f.suffix)) {
      auto n = parse_uint(*v, std::numeric_limits<std::uint64_t>::max() / kNsPerMs);
      if (!n) return n.error();
      *f.ns = n.value() * kNsPerMs;
    }
  }
  struct U32Field {
    const char* suffix;
    std::uint32_t* field;
  };
  for (const U32Field& f : {U32Field{"MAX_QUEUE_SIZE", &p.max_queue_size},
                            U32Field{"MAX_EXPORT_BATCH_SIZE", &p.max_export_batch_size}}) {
    if (auto v = env.get(prefix + f.suffix)) {
      auto n = parse_uint(*v, kU32Max);
      if (!n) return n.error();
      *f.field = static_cast<std::uint32_t>(n.value());
    }
  }
  // Zero sizes and batch > queue: core's check names the OTEL_<batch_env>_* variable and the value.
  return otlp::validate(p);
}

// Calls `f` with each entry of a comma-separated list, trimmed; empty entries (a trailing comma,
// as every list here allows) are skipped.
template <class F>
void each_entry(std::string_view list, F&& f) {
  while (true) {
    const std::size_t comma = list.find(',');
    if (const std::string_view entry = trim(list.substr(0, comma)); !entry.empty()) f(entry);
    if (comma == std::string_view::npos) return;
    list.remove_prefix(comma + 1);
  }
}

// `otlp,console`, matched case-insensitively, repeats harmless; `none` only alone.
Result<ExporterKind> parse_exporters(const Var& v) {
  ExporterKind kinds = ExporterKind::none;
  bool none = false, unknown = false;
  each_entry(v.value, [&](std::string_view entry) {
    if (iequals(entry, "otlp")) kinds = kinds | ExporterKind::otlp;
    else if (iequals(entry, "console")) kinds = kinds | ExporterKind::console;
    else if (iequals(entry, "none")) none = true;
    else unknown = true;
  });
  // `none` beside an exporter, or nothing but commas, is as wrong as a name we do not know.
  if (unknown || none == (kinds != ExporterKind::none))
    return bad(v.name, "otlp and/or console (comma-separated), or none", v.raw);
  return kinds;
}

// One signal: OTEL_<env>_EXPORTER, its OTLP exporter's variables (read only when it is used)
// and its batch processor's.
std::optional<Error> read_signal(const Env& env, Signal signal, SignalOptions o) {
  ExporterKind& kind = o.exporter;
  if (auto v = env.get("OTEL_" + std::string(signal_info(signal).env) + "_EXPORTER")) {
    auto kinds = parse_exporters(*v);
    if (!kinds) return kinds.error();
    kind = kinds.value();
  }
  if (uses(kind, ExporterKind::otlp)) {
    if (auto e = read_otlp(env, signal, o.otlp)) return e;
  }
  const bool json = uses(kind, ExporterKind::otlp) && o.otlp.protocol == Protocol::http_json;
  o.pipeline.protocol = json ? otlp::Protocol::json : otlp::Protocol::protobuf;
  if (signal == Signal::metrics) return std::nullopt;  // no batch processor: read_metrics reads its reader's
  return read_batch(env, signal, o.pipeline);
}

// The periodic reader and the metrics exporter's own variables.
std::optional<Error> read_metrics(const Env& env, MetricsOptions& m) {
  if (auto v = env.get("OTEL_METRIC_EXPORT_INTERVAL")) {
    auto n = parse_uint(*v, std::numeric_limits<std::uint64_t>::max() / kNsPerMs);
    if (!n) return n.error();
    if (n.value() == 0) return bad(v->name, "an interval in ms greater than 0", v->raw);
    m.export_interval_ms = n.value();
  }
  if (auto v = env.get("OTEL_METRIC_EXPORT_TIMEOUT")) {
    auto n = parse_uint(*v, std::numeric_limits<std::uint64_t>::max() / kNsPerMs);
    if (!n) return n.error();
    m.pipeline.export_timeout_ns = n.value() * kNsPerMs;
  }
  if (auto v = env.get("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE")) {
    if (iequals(v->value, "cumulative")) m.temporality = TemporalityPreference::cumulative;
    else if (iequals(v->value, "delta")) m.temporality = TemporalityPreference::delta;
    else if (iequals(v->value, "lowmemory")) m.temporality = TemporalityPreference::lowmemory;
    else return bad(v->name, "cumulative, delta or lowmemory", v->raw);
  }
  if (auto v = env.get("OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION")) {
    if (iequals(v->value, "explicit_bucket_histogram")) m.default_histogram_aggregation = Aggregation::explicit_histogram;
    else if (iequals(v->value, "base2_exponential_bucket_histogram"))
      m.default_histogram_aggregation = Aggregation::exponential_histogram;
    else return bad(v->name, "explicit_bucket_histogram or base2_exponential_bucket_histogram", v->raw);
  }
  return otlp::validate(m.pipeline);  // names OTEL_METRIC_EXPORT_TIMEOUT when it is 0
}

// `tracecontext,baggage`, matched case-insensitively; `none` only alone.
Result<Propagators> parse_propagators(const Var& v) {
  Propagators p{false, false};
  bool none = false, unknown = false;
  each_entry(v.value, [&](std::string_view entry) {
    if (iequals(entry, "tracecontext")) p.tracecontext = true;
    else if (iequals(entry, "baggage")) p.baggage = true;
    else if (iequals(entry, "none")) none = true;
    else unknown = true;
  });
  if (unknown || (none && (p.tracecontext || p.baggage)))
    return bad(v.name, "tracecontext and/or baggage (comma-separated), or none", v.raw);
  return p;
}

// An exporter's options as validate() checks them; `prefix` names the fields ("logs.otlp.").
std::optional<Error> check_otlp(const OtlpOptions& o, const std::string& prefix) {
  if (!is_http_url(o.endpoint)) return bad(prefix + "endpoint", kUrlExpected, o.endpoint);
  if (o.timeout_ms == 0) return Error{prefix + "timeout_ms: must be greater than 0, got 0"};
  if (o.timeout_ms > std::numeric_limits<std::uint64_t>::max() / kNsPerMs)
    return Error{prefix + "timeout_ms: too large, got " + std::to_string(o.timeout_ms)};
  return check_headers(prefix + "headers", o.headers);
}

}  // namespace

std::string_view sdk_version() noexcept { return OTLP_PORTABLE_VERSION; }

SignalOptions signal_options(Options& o, Signal signal) {
  if (signal == Signal::logs) return {o.logs.exporter, o.logs.otlp, o.logs.pipeline};
  if (signal == Signal::metrics) return {o.metrics.exporter, o.metrics.otlp, o.metrics.pipeline};
  return {o.traces_exporter, o, o.pipeline};
}

OtlpOptions OtlpOptions::for_signal(Signal signal) {
  OtlpOptions o;
  o.endpoint = std::string(kDefaultHttpBase).append(signal_info(signal).http_path);
  return o;
}

Result<Options> options_from_env(Getenv getenv) {
  const Env env(std::move(getenv));
  Options o;

  if (auto v = env.get("OTEL_SDK_DISABLED")) {
    auto b = parse_bool(*v);
    if (!b) return b.error();
    // A disabled SDK is a no-op: the rest is not read, so it cannot fail the start.
    if (b.value()) {
      o.disabled = true;
      return o;
    }
  }

  for (std::size_t i = 0; i < std::size(kSignals); ++i) {
    const auto signal = static_cast<Signal>(i);
    if (auto e = read_signal(env, signal, signal_options(o, signal))) return *e;
  }
  if (auto e = read_metrics(env, o.metrics)) return *e;

  // Resource: the variable's attributes in order (a repeated key: the last wins), service.name
  // from OTEL_SERVICE_NAME when set, and telemetry.sdk.* unless the variable already set them.
  if (auto v = env.get("OTEL_RESOURCE_ATTRIBUTES")) {
    auto list = parse_list(*v, false);
    if (!list) return list.error();
    for (auto& [k, val] : list.value()) set_attribute(o.resource.attributes, k, std::move(val), true);
  }
  for (const auto& kv : o.resource.attributes)
    if (kv.key == "service.name" && kv.value.kind == AnyValue::Kind::string && !kv.value.str.empty())
      o.service_name = kv.value.str;
  if (auto v = env.get("OTEL_SERVICE_NAME")) o.service_name = std::string(v->value);
  set_attribute(o.resource.attributes, "service.name", o.service_name, true);
  set_attribute(o.resource.attributes, "telemetry.sdk.name", std::string(kSdkName), false);
  set_attribute(o.resource.attributes, "telemetry.sdk.language", "cpp", false);
  set_attribute(o.resource.attributes, "telemetry.sdk.version", std::string(sdk_version()), false);

  struct U32Field {
    const char* name;
    const char* fallback;  // a general limit standing in when `name` is unset, or null
    std::uint32_t* field;
  };
  const U32Field u32_fields[] = {
      {"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "OTEL_ATTRIBUTE_COUNT_LIMIT", &o.limits.attribute_count},
      {"OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT",
       &o.limits.attribute_value_length},
      {"OTEL_SPAN_EVENT_COUNT_LIMIT", nullptr, &o.limits.event_count},
      {"OTEL_SPAN_LINK_COUNT_LIMIT", nullptr, &o.limits.link_count},
      // The spec's general attribute limit applies to event and link attributes too.
      {"OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "OTEL_ATTRIBUTE_COUNT_LIMIT", &o.limits.attributes_per_event},
      {"OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "OTEL_ATTRIBUTE_COUNT_LIMIT", &o.limits.attributes_per_link},
      {"OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", "OTEL_ATTRIBUTE_COUNT_LIMIT", &o.logs.limits.attribute_count},
      {"OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT",
       &o.logs.limits.attribute_value_length},
  };
  for (const U32Field& f : u32_fields) {
    auto v = f.fallback ? env.get(f.name, f.fallback) : env.get(f.name);
    if (!v) continue;
    auto n = parse_uint(*v, kU32Max);
    if (!n) return n.error();
    *f.field = static_cast<std::uint32_t>(n.value());
  }

  if (auto v = env.get("OTEL_PROPAGATORS")) {
    auto p = parse_propagators(*v);
    if (!p) return p.error();
    o.propagators = p.value();
  }

  if (auto v = env.get("OTEL_TRACES_SAMPLER")) o.sampler = std::string(v->value);
  if (auto v = env.get("OTEL_TRACES_SAMPLER_ARG")) o.sampler_arg = std::string(v->value);
  // make_sampler's errors name OTEL_TRACES_SAMPLER(_ARG) and the value.
  if (auto s = make_sampler(o.sampler, o.sampler_arg); !s) return s.error();

  return o;
}

std::optional<Error> validate(const Options& o) {
  if (o.disabled) return std::nullopt;
  if (uses(o.traces_exporter, ExporterKind::otlp)) {
    if (auto e = check_otlp(o, "")) return e;
  }
  if (uses(o.logs.exporter, ExporterKind::otlp)) {
    if (auto e = check_otlp(o.logs.otlp, "logs.otlp.")) return e;
  }
  if (uses(o.metrics.exporter, ExporterKind::otlp)) {
    if (auto e = check_otlp(o.metrics.otlp, "metrics.otlp.")) return e;
  }
  if (auto e = otlp::validate(o.pipeline)) return e;
  if (auto e = otlp::validate(o.logs.pipeline)) return e;
  if (auto e = otlp::validate(o.metrics.pipeline)) return e;
  if (o.metrics.export_interval_ms == 0) return Error{"metrics.export_interval_ms: must be greater than 0, got 0"};
  if (o.metrics.export_interval_ms > std::numeric_limits<std::uint64_t>::max() / kNsPerMs)
    return Error{"metrics.export_interval_ms: too large, got " + std::to_string(o.metrics.export_interval_ms)};
  if (auto s = make_sampler(o.sampler, o.sampler_arg); !s) return s.error();
  return std::nullopt;
}

}  // namespace otlp::native
