// OTLP/HTTP receiver on cpp-httplib and OTLP/gRPC receiver on grpc++. HTTP request bodies are
// read through httplib's ContentReader so the headers are judged (auth, content type, encoding)
// before any body byte is stored, and the body (decompressed when gzip) is bounded by
// max_body_bytes as it streams in. gRPC calls go to a callback generic service (raw message
// bytes, decoded by the core); gRPC bounds the message size itself, decompressed too.
#include "receiver.hpp"

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <httplib.h>
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
#include <thread>

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

struct Receiver::Impl {
  class GrpcService;
  class ExportReactor;

  ReceiverOptions options;
  Callback callback;
  std::unique_ptr<httplib::Server> server;  // an SSLServer with TLS
  std::thread thread;
  std::unique_ptr<GrpcService> grpc_service;  // outlives grpc_server
  std::unique_ptr<grpc::Server> grpc_server;
  std::atomic<int> grpc_bound_port{-1};
  std::mutex lifecycle;  // start/stop
  bool started = false;
  bool used = false;  // httplib::Server is single-use
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

  Impl(ReceiverOptions o, Callback cb) : options(std::move(o)), callback(std::move(cb)) {
    reject_remaining = options.reject_first_spans;
  }

  // Access-Control-Allow-Origin for this request's Origin, or "" when none applies.
  std::string allowed_origin(const httplib::Request& req) const {
    if (options.cors_origins.empty()) return {};
    for (const std::string& o : options.cors_origins)
      if (o == "*") return "*";
    if (!req.has_header("Origin")) return {};
    const std::string origin = req.get_header_value("Origin");
    for (const std::string& o : options.cors_origins)
      if (o == origin) return origin;
    return {};
  }

  void add_cors(const httplib::Request& req, httplib::Response& res) const {
    if (options.cors_origins.empty()) return;
    const std::string origin = allowed_origin(req);
    if (origin != "*") res.set_header("Vary", "Origin");
    if (origin.empty()) return;
    res.set_header("Access-Control-Allow-Origin", origin);
    res.set_header("Access-Control-Expose-Headers", "Retry-After");
  }

  void preflight(const httplib::Request& req, httplib::Response& res) {
    ++counters.preflights;
    res.status = 204;
    add_cors(req, res);
    if (!allowed_origin(req).empty()) {
      res.set_header("Access-Control-Allow-Methods", "POST, OPTIONS");
      // An explicit list: a wildcard would not cover Authorization.
      res.set_header("Access-Control-Allow-Headers", "content-type, content-encoding, authorization");
      res.set_header("Access-Control-Max-Age", std::to_string(options.cors_max_age_seconds));
    }
  }

  // An error answer: a google.rpc.Status in the request's format when it has one, else text.
  static void fail(httplib::Response& res, int status, Format format, int grpc_code, const std::string& message) {
    res.status = status;
    std::string body;
    if (format == Format::protobuf) {
      body.push_back(0x08);  // code
      append_varint(static_cast<std::uint64_t>(grpc_code), body);
      body.push_back(0x12);  // message
      append_varint(message.size(), body);
      body += message;
      res.set_content(body, kProtobuf);
    } else if (format == Format::json) {
      body = "{\"code\":" + std::to_string(grpc_code) + ",\"message\":";
      append_json_string(message, body);
      body += "}";
      res.set_content(body, kJson);
    } else {
      res.set_content(message + "\n", "text/plain");
    }
  }

  // Reads and discards the body (bounded), so the connection stays usable after an early
  // rejection; when that is not possible the connection is closed after the answer.
  void drain(const httplib::ContentReader& reader, httplib::Response& res) {
    std::size_t seen = 0;
    const std::size_t limit = options.max_body_bytes;
    const int status = res.status;  // httplib overwrites it when the read fails
    const bool ok = reader([&](const char*, std::size_t n) {
      seen += n;
      return seen <= limit;
    });
    res.status = status;
    if (!ok) res.set_header("Connection", "close");
  }

  void post(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    ++counters.requests;
    add_cors(req, res);
    const Format format = parse_content_type(req.get_header_value("Content-Type"));

    if (!options.bearer_token.empty() &&
        req.get_header_value("Authorization") != "Bearer " + options.bearer_token) {
      ++counters.unauthorized;
      res.set_header("WWW-Authenticate", "Bearer");
      fail(res, 401, format, 16, "missing or wrong bearer token");
      drain(reader, res);
      return;
    }
    if (format == Format::other) {
      ++counters.unsupported;
      fail(res, 415, format, 3,
           "unsupported Content-Type '" + req.get_header_value("Content-Type") +
               "': expected application/x-protobuf or application/json");
      drain(reader, res);
      return;
    }
    const std::string raw_encoding = req.get_header_value("Content-Encoding");
    const std::string encoding = lower_trimmed(raw_encoding);
    const bool gzip = encoding == "gzip";
    if (!gzip && !encoding.empty() && encoding != "identity") {
      ++counters.unsupported;
      fail(res, 415, format, 3, "unsupported Content-Encoding '" + raw_encoding + "': expected gzip or identity");
      drain(reader, res);
      return;
    }
    // httplib inflates a body whose Content-Encoding is exactly "gzip" before we see it; other
    // spellings ("GZIP") arrive compressed and are inflated below. Either way the bytes that
    // reach `body` are bounded by max_body_bytes.
    const std::size_t limit = options.max_body_bytes;
    std::string body;
    bool over = false;
    const bool read_ok = reader([&](const char* data, std::size_t n) {
      if (n > limit - body.size()) {
        over = true;
        return false;
      }
      body.append(data, n);
      return true;
    });
    if (!read_ok) {
      if (over || res.status == 413) {
        ++counters.too_large;
        res.set_header("Connection", "close");
        fail(res, 413, format, 8, "request body over the limit of " + std::to_string(limit) + " bytes" +
                                      (gzip ? " (after decompression)" : ""));
      } else {
        ++counters.bad_request;
        res.set_header("Connection", "close");
        fail(res, 400, format, 3, gzip ? "malformed gzip body or incomplete request" : "incomplete request body");
      }
      return;
    }
    if (gzip && raw_encoding != "gzip") {
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
        fail(res, 400, format, 3, "malformed gzip body");
        return;
      }
      body.swap(plain);
    }
    const Processed p = process(body, format, counters);
    if (p.kind == Processed::scripted) {
      if (!p.reply.retry_after.empty()) res.set_header("Retry-After", p.reply.retry_after);
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
    std::string out;
    if (format == Format::protobuf) {
      encode_trace_response(p.rejected > 0 ? &p.partial : nullptr, out);
      res.set_content(out, kProtobuf);
    } else {
      encode_trace_response_json(p.rejected > 0 ? &p.partial : nullptr, out);
      res.set_content(out, kJson);
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

// One Export call: checks method and token, reads the one request message, answers.
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
          std::string_view(it->second.data(), it->second.size()) != "Bearer " + im_.options.bearer_token) {
        ++c.unauthorized;
        Finish(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "missing or wrong bearer token"));
        return;
      }
    }
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
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

  void OnDone() override { delete this; }

 private:
  Impl& im_;
  grpc::ByteBuffer request_, response_;
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
  if (options.tls_cert_file.empty()) {
    server = std::make_unique<httplib::Server>();
  } else {
    const char* client_ca = options.client_ca_file.empty() ? nullptr : options.client_ca_file.c_str();
    auto tls = std::make_unique<httplib::SSLServer>(options.tls_cert_file.c_str(), options.tls_key_file.c_str(),
                                                    client_ca);
    if (!tls->is_valid()) {
      error = "cannot use the TLS certificate '" + options.tls_cert_file + "', key '" + options.tls_key_file + "'" +
              (client_ca ? " or client CA '" + options.client_ca_file + "'" : std::string());
      return false;
    }
    server = std::move(tls);
  }
  Impl& im = *this;
  httplib::Server& s = *server;
  // Responses go out in two writes (headers, body): without TCP_NODELAY the second waits for
  // the client's delayed ACK, ~40 ms per request (HTTP/JSON capped at ~16k spans/s).
  s.set_tcp_nodelay(true);
  s.set_payload_max_length(options.max_body_bytes);
  s.set_read_timeout(options.read_timeout_seconds, 0);
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, which would let a second receiver
  // share (and silently split) a port that is already taken.
  s.set_socket_options([](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  s.Post(kPath, [&im](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    im.post(req, res, reader);
  });
  s.Options(kPath, [&im](const httplib::Request& req, httplib::Response& res) { im.preflight(req, res); });
  auto not_allowed = [&im](const httplib::Request& req, httplib::Response& res) {
    im.add_cors(req, res);
    res.set_header("Allow", "POST, OPTIONS");
    Impl::fail(res, 405, Format::other, 12, "use POST");
  };
  s.Get(kPath, not_allowed);
  s.Put(kPath, not_allowed);
  s.Delete(kPath, not_allowed);

  int port = options.port;
  if (port == 0) {
    port = s.bind_to_any_port(options.host);
    if (port < 0) {
      error = "cannot bind " + options.host + " on any port";
      return false;
    }
  } else if (!s.bind_to_port(options.host, port)) {
    error = "cannot bind " + options.host + ":" + std::to_string(port);
    return false;
  }
  bound_port = port;
  thread = std::thread([&im] { im.server->listen_after_bind(); });
  // stop() is a no-op until the listen loop runs; wait for it so a quick stop() cannot be lost.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!s.is_running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
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
  if (im.server) im.server->stop();
  if (im.thread.joinable()) im.thread.join();
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
