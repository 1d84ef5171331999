// OTLP/HTTP receiver on the project's event-driven HttpServer and OTLP/gRPC receiver on grpc++.
// HTTP headers are judged (auth, content type, encoding) before any body byte is stored; the
// body is bounded by max_body_bytes as it streams in, and again after gunzip_bounded inflates it
// (every spelling of gzip goes through that one inflater). gRPC calls go to a callback generic
// service (raw message bytes, decoded by the core); gRPC bounds the message size itself,
// decompressed too, and a deadline ends a call whose message does not come.
#include "receiver.hpp"

#include <grpcpp/alarm.h>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <malloc.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <climits>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>

#include "http_server.hpp"
#include "otlp/json.hpp"
#include "otlp/proto_reader.hpp"
#include "otlp/proto_writer.hpp"
#include "otlp/rpc_status.hpp"

namespace otlp::native {
namespace {

constexpr const char* kPath = "/v1/traces";
constexpr const char* kProtobuf = "application/x-protobuf";
constexpr const char* kJson = "application/json";
constexpr const char* kGrpcMethod = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  if (in) content << in.rdbuf();
  out = content.str();
  return in && !out.empty();
}

std::string lower_trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Equal, in a time that depends on the lengths only, so that timing a guess does not tell how
// many of its first bytes were right.
bool equal_in_constant_time(std::string_view a, std::string_view b) {
  unsigned diff = a.size() != b.size();
  for (std::size_t i = 0; i < a.size(); ++i)
    diff |= static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(i < b.size() ? b[i] : 0);
  return diff == 0;
}

// The one rule of both listeners for an Authorization value (HTTP header or gRPC metadata):
// whitespace around the value is dropped (HTTP/1.1 drops it from every field value, RFC 9110
// section 5.5; gRPC hands metadata over as sent, so dropping it here makes the two agree: a
// trailing space passes on both); then the scheme "Bearer" in any case (RFC 7235 section 2.1:
// schemes are case-insensitive), one or more spaces, and exactly `token` (case-sensitive).
bool bearer_token_matches(std::string_view authorization, std::string_view token) {
  auto is_ows = [](char c) { return c == ' ' || c == '\t'; };
  while (!authorization.empty() && is_ows(authorization.front())) authorization.remove_prefix(1);
  while (!authorization.empty() && is_ows(authorization.back())) authorization.remove_suffix(1);
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size() || authorization[kScheme.size()] != ' ') return false;
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) return false;
  std::string_view credentials = authorization.substr(kScheme.size());
  while (!credentials.empty() && credentials.front() == ' ') credentials.remove_prefix(1);
  return equal_in_constant_time(credentials, token);
}

enum class Format { protobuf, json, other };

Format parse_content_type(const std::string& value) {
  const std::string media = lower_trimmed(std::string_view(value).substr(0, value.find(';')));
  if (media == kProtobuf) return Format::protobuf;
  if (media == kJson) return Format::json;
  return Format::other;
}

void append_varint(std::uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}


void append_base64(std::string_view in, std::string& out) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const std::uint32_t v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                            static_cast<unsigned char>(in[i + 2]);
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], kAlphabet[v & 63]};
  }
  if (in.size() - i == 1) {
    const std::uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (in.size() - i == 2) {
    const std::uint32_t v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
  }
}

void append_value(const AnyValue& v, std::string& out);

void append_kvlist(const std::vector<KeyValue>& kvs, std::string& out) {
  out.push_back('{');
  bool first = true;
  for (const KeyValue& kv : kvs) {
    if (!first) out.push_back(',');
    first = false;
    append_json_string(kv.key, out);
    out.push_back(':');
    append_value(kv.value, out);
  }
  out.push_back('}');
}

void append_value(const AnyValue& v, std::string& out) {
  switch (v.kind) {
    case AnyValue::Kind::empty: out += "null"; break;
    case AnyValue::Kind::string: append_json_string(v.str, out); break;
    case AnyValue::Kind::boolean: out += v.bool_value ? "true" : "false"; break;
    case AnyValue::Kind::int64: out += std::to_string(v.int_value); break;
    case AnyValue::Kind::dbl: {
      if (std::isnan(v.double_value)) {
        out += "\"NaN\"";
      } else if (std::isinf(v.double_value)) {
        out += v.double_value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
      } else {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", v.double_value);
        out += buf;
      }
      break;
    }
    case AnyValue::Kind::array: {
      out.push_back('[');
      for (std::size_t i = 0; i < v.array.size(); ++i) {
        if (i) out.push_back(',');
        append_value(v.array[i], out);
      }
      out.push_back(']');
      break;
    }
    case AnyValue::Kind::kvlist: append_kvlist(v.kvlist, out); break;
    case AnyValue::Kind::bytes:
      out.push_back('"');
      append_base64(v.str, out);
      out.push_back('"');
      break;
  }
}

std::string service_name(const Resource& resource) {
  for (const KeyValue& kv : resource.attributes)
    if (kv.key == "service.name" && kv.value.kind == AnyValue::Kind::string) return kv.value.str;
  return {};
}

// Why a request over the decode limits (decode.hpp) was refused, with the limit it passed.
std::string over_limits_message(const DecodeStatus& st, const DecodeLimits& limits, std::size_t body_bytes) {
  std::string what;
  switch (st.error) {
    case DecodeError::too_many_records:
      what = std::to_string(limits.records) + " spans, events and links";
      break;
    case DecodeError::too_many_attributes:
      what = std::to_string(limits.attributes) + " attributes and array values";
      break;
    case DecodeError::too_many_attributes_in_element:
      what = std::to_string(limits.attributes_per_element) + " attributes or array values in one element";
      break;
    default:
      what = std::to_string(limits.decoded_bytes) + " bytes decoded";
      break;
  }
  return "request over the decode limits: a " + std::to_string(body_bytes) + "-byte body may decode into at most " +
         what + " (passed at byte " + std::to_string(st.offset) + "); send smaller requests";
}

// Requests from this size on hand their memory back to the system once answered. malloc keeps
// what a thread frees for that thread, so without it large requests handled by different
// server threads would each add their own to the process's peak (a 16 MiB body and its model
// took the receiver from 100 to 170 MB this way).
constexpr std::size_t kGiveBackAbove = 4u << 20;

struct GiveBackMemory {
  explicit GiveBackMemory(bool large) : large_(large) {}
  ~GiveBackMemory() {
#ifdef __GLIBC__
    if (large_) malloc_trim(0);
#endif
  }
  GiveBackMemory(const GiveBackMemory&) = delete;
  GiveBackMemory& operator=(const GiveBackMemory&) = delete;

 private:
  bool large_;
};

std::uint64_t count_spans(const TraceRequest& request) {
  std::uint64_t n = 0;
  for (const auto& rs : request.resource_spans)
    for (const auto& ss : rs.scope_spans) n += ss.spans.size();
  return n;
}

// Removes the first `n` spans of the request (in document order).
void drop_first_spans(TraceRequest& request, std::uint64_t n) {
  for (auto& rs : request.resource_spans) {
    for (auto& ss : rs.scope_spans) {
      const auto k = static_cast<std::size_t>(std::min<std::uint64_t>(n, ss.spans.size()));
      ss.spans.erase(ss.spans.begin(), ss.spans.begin() + static_cast<std::ptrdiff_t>(k));
      n -= k;
      if (n == 0) return;
    }
  }
}

}  // namespace

void append_span_json_lines(const TraceRequest& request, std::string& out) {
  for (const auto& rs : request.resource_spans) {
    const std::string service = service_name(rs.resource);
    for (const auto& ss : rs.scope_spans) {
      for (const SpanData& s : ss.spans) {
        out += "{\"traceId\":\"";
        out += s.trace_id.to_hex();
        out += "\",\"spanId\":\"";
        out += s.span_id.to_hex();
        out += '"';
        if (s.parent_span_id.valid()) {
          out += ",\"parentSpanId\":\"";
          out += s.parent_span_id.to_hex();
          out += '"';
        }
        out += ",\"name\":";
        append_json_string(s.name, out);
        out += ",\"kind\":";
        out += std::to_string(static_cast<int>(s.kind));
        out += ",\"service\":";
        append_json_string(service, out);
        out += ",\"scope\":";
        append_json_string(ss.scope.name, out);
        out += ",\"startTimeUnixNano\":\"";
        out += std::to_string(s.start_time_unix_nano);
        out += "\",\"endTimeUnixNano\":\"";
        out += std::to_string(s.end_time_unix_nano);
        out += "\",\"attributes\":";
        append_kvlist(s.attributes, out);
        if (s.status.code != StatusCode::unset || !s.status.message.empty()) {
          out += ",\"status\":{\"code\":";
          out += std::to_string(static_cast<int>(s.status.code));
          out += ",\"message\":";
          append_json_string(s.status.message, out);
          out += '}';
        }
        out += "}\n";
      }
    }
  }
}

int gunzip_bounded(std::string_view in, std::size_t limit, std::string& out) {
  out.clear();
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return 2;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(std::min<std::size_t>(in.size(), UINT32_MAX));
  std::size_t fed = zs.avail_in;
  char buf[16384];
  int result = 2;
  for (;;) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    const int rc = inflate(&zs, Z_NO_FLUSH);
    const std::size_t produced = sizeof buf - zs.avail_out;
    if (out.size() + produced > limit) {
      result = 1;
      break;
    }
    out.append(buf, produced);
    if (rc == Z_STREAM_END) {
      // Trailing bytes after the gzip member (or a second member) are not accepted.
      result = (zs.avail_in == 0 && fed == in.size()) ? 0 : 2;
      break;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) break;
    if (zs.avail_in == 0) {
      if (fed == in.size()) break;  // input exhausted before the end of the stream: truncated
      const std::size_t more = std::min<std::size_t>(in.size() - fed, UINT32_MAX);
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + fed));
      zs.avail_in = static_cast<uInt>(more);
      fed += more;
    } else if (rc == Z_BUF_ERROR && produced == 0) {
      break;  // no progress possible
    }
  }
  inflateEnd(&zs);
  return result;
}

struct Receiver::Impl final : HttpHandler {
  class GrpcService;
  class ExportReactor;

  ReceiverOptions options;
  Callback callback;
  std::unique_ptr<HttpServer> http_server;  // made here, started when there is an HTTP listener
  std::unique_ptr<GrpcService> grpc_service;  // outlives grpc_server
  std::unique_ptr<grpc::Server> grpc_server;
  std::atomic<int> grpc_bound_port{-1};
  std::mutex lifecycle;  // start/stop
  bool started = false;
  bool used = false;  // a receiver starts once
  std::atomic<int> bound_port{-1};

  std::mutex callback_mutex;
  std::mutex script_mutex;
  std::size_t script_next = 0;
  std::atomic<std::int64_t> reject_remaining{0};

  // One set per transport; for gRPC bad_request counts INVALID_ARGUMENT, unauthorized
  // UNAUTHENTICATED, unsupported UNIMPLEMENTED, too_large RESOURCE_EXHAUSTED (over the decode
  // limits) and unread the messages never read whole.
  struct Counters {
    std::atomic<std::uint64_t> requests{0}, accepted_requests{0}, spans{0}, rejected_spans{0}, bytes{0},
        preflights{0}, bad_request{0}, unauthorized{0}, too_large{0}, unsupported{0}, scripted{0}, unread{0};
  } counters, grpc_counters;

  Impl(ReceiverOptions o, Callback cb)
      : options(std::move(o)), callback(std::move(cb)), http_server(std::make_unique<HttpServer>(options, *this)) {
    reject_remaining = options.reject_first_spans;
  }

  // Access-Control-Allow-Origin for this request's Origin, or "" when none applies.
  std::string allowed_origin(const HttpRequest& req) const {
    if (options.cors_origins.empty()) return {};
    for (const std::string& o : options.cors_origins)
      if (o == "*") return "*";
    const std::string* origin = req.find_header("Origin");
    if (!origin) return {};
    for (const std::string& o : options.cors_origins)
      if (o == *origin) return *origin;
    return {};
  }

  void add_cors(const HttpRequest& req, HttpResponse& res) const {
    if (options.cors_origins.empty()) return;
    const std::string origin = allowed_origin(req);
    if (origin != "*") res.headers.emplace_back("Vary", "Origin");
    if (origin.empty()) return;
    res.headers.emplace_back("Access-Control-Allow-Origin", origin);
    res.headers.emplace_back("Access-Control-Expose-Headers", "Retry-After");
  }

  void preflight(const HttpRequest& req, HttpResponse& res) {
    ++counters.preflights;
    res.status = 204;
    add_cors(req, res);
    if (!allowed_origin(req).empty()) {
      res.headers.emplace_back("Access-Control-Allow-Methods", "POST, OPTIONS");
      // An explicit list: a wildcard would not cover Authorization.
      res.headers.emplace_back("Access-Control-Allow-Headers", "content-type, content-encoding, authorization");
      res.headers.emplace_back("Access-Control-Max-Age", std::to_string(options.cors_max_age_seconds));
    }
  }

  // An error answer: a google.rpc.Status in the request's format when it has one, else text.
  static void fail(HttpResponse& res, int status, Format format, int grpc_code, const std::string& message) {
    res.status = status;
    std::string body;
    if (format == Format::protobuf) {
      body.push_back(0x08);  // code
      append_varint(static_cast<std::uint64_t>(grpc_code), body);
      body.push_back(0x12);  // message
      append_varint(message.size(), body);
      body += message;
      res.headers.emplace_back("Content-Type", kProtobuf);
    } else if (format == Format::json) {
      body = "{\"code\":" + std::to_string(grpc_code) + ",\"message\":";
      append_json_string(message, body);
      body += "}";
      res.headers.emplace_back("Content-Type", kJson);
    } else {
      body = message + "\n";
      res.headers.emplace_back("Content-Type", "text/plain");
    }
    res.body = std::move(body);
  }

  // HttpHandler. The path and method, then a POST's headers: an answer here leaves the body
  // unread (the server discards it).
  std::optional<HttpResponse> on_headers(const HttpRequest& req) override {
    HttpResponse res;
    if (req.path() != kPath) {
      fail(res, 404, Format::other, 5, "not found: the receiver serves " + std::string(kPath));
    } else if (req.method == "OPTIONS") {
      preflight(req, res);
    } else if (req.method != "POST") {
      add_cors(req, res);
      res.headers.emplace_back("Allow", "POST, OPTIONS");
      fail(res, 405, Format::other, 12, "use POST");
    } else if (post_headers_ok(req, res)) {
      return std::nullopt;
    }
    return res;
  }

  HttpResponse on_request(HttpRequest& req) override {
    HttpResponse res;
    post(req, res);
    return res;
  }

  HttpResponse on_body_too_large(const HttpRequest& req) override {
    HttpResponse res;
    add_cors(req, res);
    ++counters.too_large;
    fail(res, 413, parse_content_type(req.header("Content-Type")), 8,
         "request body over the limit of " + std::to_string(options.max_body_bytes) + " bytes");
    return res;
  }

  // POST /v1/traces before its body: token, content type, encoding. False with `res` the answer.
  bool post_headers_ok(const HttpRequest& req, HttpResponse& res) {
    ++counters.requests;
    add_cors(req, res);
    const std::string content_type = req.header("Content-Type");
    const Format format = parse_content_type(content_type);
    if (!options.bearer_token.empty() && !bearer_token_matches(req.header("Authorization"), options.bearer_token)) {
      ++counters.unauthorized;
      res.headers.emplace_back("WWW-Authenticate", "Bearer");
      fail(res, 401, format, 16, "missing or wrong bearer token");
      return false;
    }
    if (format == Format::other) {
      ++counters.unsupported;
      fail(res, 415, format, 3,
           "unsupported Content-Type '" + content_type + "': expected application/x-protobuf or application/json");
      return false;
    }
    const std::string raw_encoding = req.header("Content-Encoding");
    const std::string encoding = lower_trimmed(raw_encoding);
    if (encoding != "gzip" && !encoding.empty() && encoding != "identity") {
      ++counters.unsupported;
      fail(res, 415, format, 3, "unsupported Content-Encoding '" + raw_encoding + "': expected gzip or identity");
      return false;
    }
    return true;
  }

  // POST /v1/traces whose headers passed post_headers_ok, with its whole body (at most
  // max_body_bytes): inflated (again at most max_body_bytes), decoded, delivered, answered.
  void post(HttpRequest& req, HttpResponse& res) {
    add_cors(req, res);
    const Format format = parse_content_type(req.header("Content-Type"));
    const std::size_t limit = options.max_body_bytes;
    std::string& body = req.body;
    if (lower_trimmed(req.header("Content-Encoding")) == "gzip") {
      std::string plain;
      const int rc = gunzip_bounded(body, limit, plain);
      if (rc == 1) {
        ++counters.too_large;
        fail(res, 413, format, 8, "request body over the limit of " + std::to_string(limit) +
                                      " bytes (after decompression)");
        return;
      }
      if (rc != 0) {
        ++counters.bad_request;
        fail(res, 400, format, 3, "malformed gzip body: not one whole gzip stream");
        return;
      }
      body.swap(plain);
    }
    const Processed p = process(body, format, counters);
    if (p.kind == Processed::scripted) {
      if (!p.reply.retry_after.empty()) res.headers.emplace_back("Retry-After", p.reply.retry_after);
      fail(res, p.reply.status, format, 14, "scripted reply " + std::to_string(p.reply.status));
      return;
    }
    if (p.kind == Processed::malformed) {
      fail(res, 400, format, 3, p.error);
      return;
    }
    if (p.kind == Processed::over_limits) {
      fail(res, 413, format, 8, p.error);
      return;
    }
    if (format == Format::protobuf) {
      encode_trace_response(p.rejected > 0 ? &p.partial : nullptr, res.body);
      res.headers.emplace_back("Content-Type", kProtobuf);
    } else {
      encode_trace_response_json(p.rejected > 0 ? &p.partial : nullptr, res.body);
      res.headers.emplace_back("Content-Type", kJson);
    }
    res.status = 200;
  }

  // What became of a request body that was read whole (and decompressed).
  struct Processed {
    // over_limits: well-formed perhaps, but it would decode into more than DecodeLimits allow
    // (413 / RESOURCE_EXHAUSTED).
    enum Kind { scripted, malformed, over_limits, accepted } kind = accepted;
    ReceiverOptions::ScriptedReply reply;  // scripted: the reply to give
    std::string error;                     // malformed, over_limits: why
    std::int64_t rejected = 0;             // accepted: spans refused by the reject_first_spans hook
    PartialSuccess partial;                // accepted: what to answer when rejected > 0
  };

  // The transport-independent part: test hooks, decoding, delivery and counters. The body is
  // this function's (left empty), and so is the memory a large one decodes into.
  Processed process(std::string& request_body, Format format, Counters& c) {
    const GiveBackMemory give_back(request_body.size() >= kGiveBackAbove);
    std::string body = std::move(request_body);  // freed before `give_back` acts
    request_body.clear();
    Processed p;
    c.bytes += body.size();
    {
      std::lock_guard<std::mutex> lock(script_mutex);
      if (script_next < options.script.size()) {
        p.kind = Processed::scripted;
        p.reply = options.script[script_next++];
        ++c.scripted;
        return p;
      }
    }

    // With no callback nothing needs the model: protobuf is only checked and counted.
    const DecodeLimits limits = DecodeLimits::for_body(body.size());
    DecodeOptions decode_options;
    decode_options.limits = limits;
    TraceRequest request;
    std::uint64_t total = 0;
    DecodeStatus st;
    if (format == Format::protobuf && !callback) {
      st = validate_trace_request(body, total, decode_options);
    } else {
      st = format == Format::protobuf ? decode_trace_request(body, request, decode_options)
                                      : decode_trace_request_json(body, request, decode_options);
      total = count_spans(request);
    }
    if (!st.ok()) {
      p.kind = st.over_limit() ? Processed::over_limits : Processed::malformed;
      p.error = st.over_limit() ? over_limits_message(st, limits, body.size())
                                : std::string("malformed ") + (format == Format::protobuf ? "protobuf" : "JSON") +
                                      " request: " + st.message() + " at byte " + std::to_string(st.offset);
      ++(st.over_limit() ? c.too_large : c.bad_request);
      return p;
    }
    body.clear();
    body.shrink_to_fit();

    std::int64_t rejected = 0;
    if (total > 0) {
      std::int64_t left = reject_remaining.load();
      while (left > 0) {
        const std::int64_t take = std::min<std::int64_t>(left, static_cast<std::int64_t>(total));
        if (reject_remaining.compare_exchange_weak(left, left - take)) {
          rejected = take;
          break;
        }
      }
    }
    const std::uint64_t delivered = total - static_cast<std::uint64_t>(rejected);
    if (callback) {
      if (rejected > 0) drop_first_spans(request, static_cast<std::uint64_t>(rejected));
      std::lock_guard<std::mutex> lock(callback_mutex);
      callback(request);
    }
    c.spans += delivered;
    c.rejected_spans += static_cast<std::uint64_t>(rejected);
    ++c.accepted_requests;
    p.rejected = rejected;
    p.partial = PartialSuccess{rejected, rejected > 0 ? "rejected by the receiver's test hook" : ""};
    return p;
  }

  bool start_http(std::string& error);
  bool start_grpc(std::string& error);
};

// One Export call: checks method and token, reads the one request message, answers. A deadline
// (request_timeout_ms from the call's start) ends a call whose message does not come; whichever of
// the message and the deadline comes first answers, and the reactor goes when both the call and
// the deadline's callback are done.
class Receiver::Impl::ExportReactor final : public grpc::ServerGenericBidiReactor {
 public:
  ExportReactor(Impl& im, grpc::GenericCallbackServerContext* context) : im_(im) {
    Counters& c = im_.grpc_counters;
    ++c.requests;
    if (context->method() != kGrpcMethod) {
      ++c.unsupported;
      Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "unknown method " + context->method()));
      return;
    }
    if (!im_.options.bearer_token.empty()) {
      const auto& metadata = context->client_metadata();
      const auto it = metadata.find("authorization");
      if (it == metadata.end() ||
          !bearer_token_matches(std::string_view(it->second.data(), it->second.size()), im_.options.bearer_token)) {
        ++c.unauthorized;
        Finish(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "missing or wrong bearer token"));
        return;
      }
    }
    pending_ = 2;  // OnDone and the deadline's callback
    deadline_.Set(std::chrono::system_clock::now() + std::chrono::milliseconds(im_.options.request_timeout_ms),
                  [this](bool fired) {
                    if (fired && !answered_.exchange(true)) {
                      ++im_.grpc_counters.unread;
                      Finish(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                                          "no request message within " +
                                              std::to_string(im_.options.request_timeout_ms) + " ms"));
                    }
                    release();
                  });
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (answered_.exchange(true)) return;  // the deadline came first
    deadline_.Cancel();
    Counters& c = im_.grpc_counters;
    if (!ok) {  // gRPC already failed the call (too large) or the client went away
      ++c.unread;
      Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request message"));
      return;
    }
    // The message in one piece, and gRPC's copy released before it is decoded.
    std::string body;
    {
      std::vector<grpc::Slice> slices;
      if (request_.Dump(&slices).ok()) {
        std::size_t size = 0;
        for (const grpc::Slice& s : slices) size += s.size();
        body.reserve(size);
        for (const grpc::Slice& s : slices) body.append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
    }
    request_.Clear();
    const Processed p = im_.process(body, Format::protobuf, c);
    if (p.kind == Processed::scripted) {
      RpcStatus status;
      status.code = p.reply.grpc_code;
      status.message = "scripted reply " + std::to_string(p.reply.grpc_code);
      std::string details;
      if (p.reply.grpc_retry_delay_ms) {
        status.retry_delay_ns = *p.reply.grpc_retry_delay_ms * 1'000'000;
        encode_rpc_status(status, details);
      }
      Finish(grpc::Status(static_cast<grpc::StatusCode>(status.code), status.message, details));
      return;
    }
    if (p.kind == Processed::malformed) {
      Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, p.error));
      return;
    }
    if (p.kind == Processed::over_limits) {
      Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, p.error));
      return;
    }
    std::string out;
    encode_trace_response(p.rejected > 0 ? &p.partial : nullptr, out);
    grpc::Slice slice(out);
    response_ = grpc::ByteBuffer(&slice, 1);
    StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
  }

  void OnDone() override { release(); }

 private:
  void release() {
    if (--pending_ == 0) delete this;
  }

  Impl& im_;
  grpc::ByteBuffer request_, response_;
  grpc::Alarm deadline_;
  std::atomic<bool> answered_{false};
  std::atomic<int> pending_{1};
};

class Receiver::Impl::GrpcService final : public grpc::CallbackGenericService {
 public:
  explicit GrpcService(Impl& im) : im_(im) {}
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* context) override {
    return new ExportReactor(im_, context);
  }

 private:
  Impl& im_;
};

bool Receiver::Impl::start_grpc(std::string& error) {
  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (options.tls_cert_file.empty()) {
    credentials = grpc::InsecureServerCredentials();
  } else {
    const bool mtls = !options.client_ca_file.empty();
    grpc::SslServerCredentialsOptions ssl(mtls ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                                               : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
    if (!read_file(options.tls_cert_file, pair.cert_chain)) {
      error = "cannot read the TLS certificate file '" + options.tls_cert_file + "'";
      return false;
    }
    if (!read_file(options.tls_key_file, pair.private_key)) {
      error = "cannot read the TLS key file '" + options.tls_key_file + "'";
      return false;
    }
    if (mtls && !read_file(options.client_ca_file, ssl.pem_root_certs)) {
      error = "cannot read the client CA file '" + options.client_ca_file + "'";
      return false;
    }
    ssl.pem_key_cert_pairs.push_back(std::move(pair));
    credentials = grpc::SslServerCredentials(ssl);
  }
  const std::string& host = options.grpc_host;
  const std::string address = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                              std::to_string(options.grpc_port);
  grpc_service = std::make_unique<GrpcService>(*this);
  grpc::ServerBuilder builder;
  int selected = 0;
  builder.AddListeningPort(address, credentials, &selected);
  // Like the HTTP listener: a taken port is an error, not silently shared (SO_REUSEPORT).
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(static_cast<int>(std::min<std::size_t>(options.max_body_bytes, INT_MAX)));
  builder.RegisterCallbackGenericService(grpc_service.get());
  grpc_server = builder.BuildAndStart();
  if (!grpc_server || selected == 0) {
    if (grpc_server) grpc_server->Shutdown();
    grpc_server.reset();
    error = "cannot bind gRPC on " + address + (options.tls_cert_file.empty() ? "" : " (or its TLS setup failed)");
    return false;
  }
  grpc_bound_port = selected;
  return true;
}

bool Receiver::Impl::start_http(std::string& error) {
  if (!http_server->start(&error)) return false;
  bound_port = http_server->port();
  return true;
}

Receiver::Receiver(ReceiverOptions options, Callback callback)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(callback))) {}

Receiver::~Receiver() { stop(); }

bool Receiver::start(std::string* error) {
  Impl& im = *impl_;
  std::lock_guard<std::mutex> lock(im.lifecycle);
  std::string why;
  if (im.used) {
    why = "a receiver starts once";
  } else {
    im.used = true;
    // gRPC first: if HTTP then fails, a gRPC server is simply shut down again.
    if (im.options.grpc_port >= 0 && !im.start_grpc(why)) {
      im.grpc_bound_port = -1;
    } else if (im.options.port >= 0 && !im.start_http(why)) {
      if (im.grpc_server) im.grpc_server->Shutdown(std::chrono::system_clock::now());
      im.grpc_server.reset();
      im.grpc_bound_port = -1;
      im.bound_port = -1;
    } else {
      im.started = true;
      return true;
    }
  }
  if (error) *error = std::move(why);
  return false;
}

int Receiver::port() const { return impl_->bound_port.load(); }
int Receiver::grpc_port() const { return impl_->grpc_bound_port.load(); }

void Receiver::stop() {
  Impl& im = *impl_;
  std::lock_guard<std::mutex> lock(im.lifecycle);
  if (!im.started) return;
  im.http_server->stop();
  // Calls still running after a second are cancelled.
  if (im.grpc_server) im.grpc_server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  im.grpc_server.reset();
  im.started = false;
}

ReceiverStats Receiver::stats() const {
  const auto& c = impl_->counters;
  ReceiverStats s;
  s.requests = c.requests;
  s.accepted_requests = c.accepted_requests;
  s.spans = c.spans;
  s.rejected_spans = c.rejected_spans;
  s.bytes = c.bytes;
  s.preflights = c.preflights;
  s.bad_request = c.bad_request;
  s.unauthorized = c.unauthorized;
  s.too_large = c.too_large;
  s.unsupported = c.unsupported;
  s.scripted = c.scripted;
  const HttpServerStats h = impl_->http_server->stats();
  s.refused_connections = h.refused_connections;
  s.header_too_large = h.header_too_large;
  s.timed_out = h.timed_out;
  const auto& g = impl_->grpc_counters;
  s.grpc.requests = g.requests;
  s.grpc.accepted_requests = g.accepted_requests;
  s.grpc.spans = g.spans;
  s.grpc.rejected_spans = g.rejected_spans;
  s.grpc.bytes = g.bytes;
  s.grpc.invalid_argument = g.bad_request;
  s.grpc.unauthenticated = g.unauthorized;
  s.grpc.unimplemented = g.unsupported;
  s.grpc.resource_exhausted = g.too_large;
  s.grpc.unread = g.unread;
  s.grpc.scripted = g.scripted;
  return s;
}

}  // namespace otlp::native
