// OTLP/HTTP receiver on the project's event-driven HttpServer and OTLP/gRPC receiver on grpc++,
// for every signal of signal_info: the path or method names the signal, and one path serves them
// all. A JSON body is read into protobuf first; a request is then checked by the signal's
// validating pass (or, for a trace model callback, decoded into the model).
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
#include <climits>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <mutex>
#include <optional>
#include <sstream>

#include "http_server.hpp"
#include "otlp/json/json.hpp"
#include "otlp/wire/proto_reader.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "otlp/wire/rpc_status.hpp"

namespace otlp::native {
namespace {

constexpr const char* kProtobuf = "application/x-protobuf";
constexpr const char* kJson = "application/json";
constexpr std::size_t kSignalCount = std::size(kSignals);

// The signal whose HTTP path or gRPC method this is.
std::optional<Signal> signal_for(std::string_view path_or_method, std::string_view SignalInfo::*member) {
  for (std::size_t i = 0; i < kSignalCount; ++i)
    if (kSignals[i].*member == path_or_method) return static_cast<Signal>(i);
  return std::nullopt;
}

std::string served_paths() {
  std::string paths;
  for (const SignalInfo& s : kSignals) paths += (paths.empty() ? "" : " and ") + std::string(s.http_path);
  return paths;
}

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


// Why a request over the decode limits (decode.hpp) was refused, with the limit it passed.
std::string over_limits_message(Signal signal, const DecodeStatus& st, const DecodeLimits& limits,
                                std::size_t body_bytes) {
  std::string what;
  switch (st.error) {
    case DecodeError::too_many_records:
      what = std::to_string(limits.records) + " " +
             (signal == Signal::traces    ? "spans, events and links"
              : signal == Signal::metrics ? "data points and exemplars"
                                          : std::string(signal_info(signal).items));
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
  Callback callback;                  // traces, as the model
  RequestCallback request_callback;  // any signal, as protobuf
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
    std::atomic<std::uint64_t> requests{0}, accepted_requests{0}, bytes{0}, preflights{0}, bad_request{0},
        unauthorized{0}, too_large{0}, unsupported{0}, scripted{0}, unread{0};
    std::atomic<std::uint64_t> items[kSignalCount]{}, rejected[kSignalCount]{};  // by Signal
  } counters, grpc_counters;

  Impl(ReceiverOptions o, Callback cb, RequestCallback rcb)
      : options(std::move(o)), callback(std::move(cb)), request_callback(std::move(rcb)),
        http_server(std::make_unique<HttpServer>(options, *this)) {
    reject_remaining = options.reject_first_items;
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
    if (!signal_for(req.path(), &SignalInfo::http_path)) {
      fail(res, 404, Format::other, 5, "not found: the receiver serves " + served_paths());
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

  // A POST on a signal's path before its body: token, content type, encoding. False with `res` the answer.
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

  // A POST whose headers passed post_headers_ok, with its whole body (at most
  // max_body_bytes): inflated (again at most max_body_bytes), decoded, delivered, answered.
  void post(HttpRequest& req, HttpResponse& res) {
    add_cors(req, res);
    const Format format = parse_content_type(req.header("Content-Type"));
    const Signal signal = *signal_for(req.path(), &SignalInfo::http_path);  // on_headers checked it
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
    const Processed p = process(signal, body, format, counters);
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
      res.body = p.response;
      res.headers.emplace_back("Content-Type", kProtobuf);
    } else {
      transcode_response_json(signal, p.response, res.body);
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
    // accepted: the Export*ServiceResponse as protobuf, with a partial success when the
    // reject_first_items hook refused items. Its fields have the same numbers for every signal
    // (rejected_spans, rejected_log_records: 1), so the trace response writer writes them all.
    std::string response;
  };

  // A request refused with `st` (malformed or over the decode limits) at `stage`.
  static Processed refused(Signal signal, const DecodeStatus& st, const char* stage, const DecodeLimits& limits,
                           std::size_t body_bytes, Counters& c) {
    Processed p;
    p.kind = st.over_limit() ? Processed::over_limits : Processed::malformed;
    p.error = st.over_limit() ? over_limits_message(signal, st, limits, body_bytes)
                              : std::string("malformed ") + stage + " request: " + st.message() + " at byte " +
                                    std::to_string(st.offset);
    ++(st.over_limit() ? c.too_large : c.bad_request);
    return p;
  }

  // The transport-independent part: test hooks, decoding, delivery and counters. The body is
  // this function's (left empty), and so is the memory a large one decodes into.
  Processed process(Signal signal, std::string& request_body, Format format, Counters& c) {
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

    const std::size_t body_bytes = body.size();
    const DecodeLimits limits = DecodeLimits::for_body(body_bytes);
    DecodeOptions decode_options;
    decode_options.limits = limits;
    // JSON is read into protobuf, so that from here on one path serves both formats; the limits
    // stay those of the body as it came.
    if (format == Format::json) {
      std::string protobuf;
      const DecodeStatus st = decode_request_json_protobuf(signal, body, protobuf, decode_options);
      if (!st.ok()) return refused(signal, st, "JSON", limits, body_bytes, c);
      body.swap(protobuf);
    }
    // The model only for a callback that takes it; otherwise the request is checked and its
    // items counted, no model built.
    const bool model = callback && signal == Signal::traces;
    TraceRequest request;
    std::uint64_t total = 0;
    const DecodeStatus st =
        model ? decode_trace_request(body, request, decode_options) : validate_request(signal, body, total, decode_options);
    if (!st.ok()) return refused(signal, st, format == Format::json ? "JSON (read into protobuf)" : "protobuf", limits,
                                 body_bytes, c);
    if (model) {
      total = count_spans(request);
      body.clear();
      body.shrink_to_fit();
    }

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
    if (model) {
      if (rejected > 0) drop_first_spans(request, static_cast<std::uint64_t>(rejected));
      std::lock_guard<std::mutex> lock(callback_mutex);
      callback(request);
    } else if (request_callback) {
      std::lock_guard<std::mutex> lock(callback_mutex);
      request_callback({signal, body, static_cast<std::uint64_t>(rejected)});
    }
    const auto i = static_cast<std::size_t>(signal);
    c.items[i] += delivered;
    c.rejected[i] += static_cast<std::uint64_t>(rejected);
    ++c.accepted_requests;
    if (rejected > 0) {
      const PartialSuccess partial{rejected, "rejected by the receiver's test hook"};
      encode_trace_response(&partial, p.response);
    }
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
    const std::optional<Signal> signal = signal_for(context->method(), &SignalInfo::grpc_method);
    if (!signal) {
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
    signal_ = *signal;
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
    const Processed p = im_.process(signal_, body, Format::protobuf, c);
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
    grpc::Slice slice(p.response);
    response_ = grpc::ByteBuffer(&slice, 1);
    StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
  }

  void OnDone() override { release(); }

 private:
  void release() {
    if (--pending_ == 0) delete this;
  }

  Impl& im_;
  Signal signal_ = Signal::traces;  // the method's, once it is known to be one
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
    : impl_(std::make_unique<Impl>(std::move(options), std::move(callback), nullptr)) {}
Receiver::Receiver(ReceiverOptions options, RequestCallback callback)
    : impl_(std::make_unique<Impl>(std::move(options), nullptr, std::move(callback))) {}

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
  constexpr auto kTraces = static_cast<std::size_t>(Signal::traces), kLogs = static_cast<std::size_t>(Signal::logs),
                 kMetrics = static_cast<std::size_t>(Signal::metrics);
  s.spans = c.items[kTraces];
  s.rejected_spans = c.rejected[kTraces];
  s.log_records = c.items[kLogs];
  s.rejected_log_records = c.rejected[kLogs];
  s.data_points = c.items[kMetrics];
  s.rejected_data_points = c.rejected[kMetrics];
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
  s.grpc.spans = g.items[kTraces];
  s.grpc.rejected_spans = g.rejected[kTraces];
  s.grpc.log_records = g.items[kLogs];
  s.grpc.rejected_log_records = g.rejected[kLogs];
  s.grpc.data_points = g.items[kMetrics];
  s.grpc.rejected_data_points = g.rejected[kMetrics];
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
