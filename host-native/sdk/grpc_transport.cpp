#include "grpc_transport.hpp"

#include <grpcpp/alarm.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>
#include <sstream>

#include "otlp/export/response.hpp"
#include "otlp/wire/rpc_status.hpp"

namespace otlp::native {
namespace {

bool read_pem(const std::string& path, const char* what, std::string& out, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  if (in) content << in.rdbuf();
  if (!in || content.str().empty()) {
    error = std::string("gRPC: cannot read the ") + what + " file '" + path + "'";
    return false;
  }
  out = content.str();
  return true;
}

struct Target {
  std::string address;  // HOST:PORT as grpc wants it
  bool tls = true;
};

Target parse_endpoint(const std::string& endpoint, bool insecure) {
  Target t;
  std::string rest = endpoint;
  if (rest.rfind("http://", 0) == 0) {
    t.tls = false;
    rest = rest.substr(7);
  } else if (rest.rfind("https://", 0) == 0) {
    rest = rest.substr(8);
  } else {
    t.tls = !insecure;
  }
  rest = rest.substr(0, rest.find('/'));
  const auto bracket = rest.rfind(']');
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos || (bracket != std::string::npos && colon < bracket)) rest += ":4317";
  t.address = rest;
  return t;
}

// gRPC refuses (by aborting the process) metadata it cannot send, so it is checked first:
// keys are lowercase [0-9a-z_.-], text values printable ASCII.
std::string metadata_problem(const std::string& key, const std::string& value) {
  if (key.empty()) return "gRPC metadata with an empty name";
  for (const char c : key)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
      return "gRPC metadata name '" + key + "' has a character gRPC does not allow";
  if (key.size() > 4 && key.compare(key.size() - 4, 4, "-bin") == 0) return {};
  for (const char c : value)
    if (c < 0x20 || c > 0x7e) return "gRPC metadata '" + key + "' has a value with a non-printable character";
  return {};
}

std::string to_string(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Valid() || !buffer.Dump(&slices).ok()) return out;
  out.reserve(buffer.Length());
  for (const grpc::Slice& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

// Over TLS 1.3 a server that requires a client certificate refuses one only after the client's
// handshake is done, and gRPC then reports just "Socket closed"; say what it likely means.
constexpr const char* kNoClientCertHint =
    " (TLS without a client certificate: if the server requires mTLS, set a client certificate and key)";

bool looks_like_refused_handshake(const std::string& message) {
  return message.find("Socket closed") != std::string::npos || message.find("andshake") != std::string::npos ||
         message.find("certificate required") != std::string::npos;
}

// gRPC reports a server certificate it refused as UNAVAILABLE, like a server that is down; only
// the text tells them apart. Two texts of gRPC's own say it: the TLS library's verification
// error after "Ssl handshake failed" (OpenSSL "certificate verify failed", BoringSSL
// "CERTIFICATE_VERIFY_FAILED": an unknown CA, an expired certificate...) and gRPC's host name
// check ("Peer name X is not in peer certificate"). Neither appears for a refused connection,
// a reset or a timeout.
bool refused_server_certificate(std::string message) {
  for (char& c : message) c = c == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return message.find("certificate verify failed") != std::string::npos ||
         (message.find("peer name ") != std::string::npos &&
          message.find(" is not in peer certificate") != std::string::npos);
}

// Core maps the status; what only the transport can tell (a TLS handshake's failure) is added.
Outcome outcome_of(Signal signal, const grpc::Status& status, const grpc::ByteBuffer& response, bool tls,
                   bool tls_without_client_cert) {
  const int code = static_cast<int>(status.error_code());
  Outcome outcome = grpc_outcome(signal, code, status.error_message(), status.error_details(),
                                 status.ok() ? to_string(response) : std::string());
  if (tls && status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    if (refused_server_certificate(status.error_message())) return Outcome::certificate_failure(std::move(outcome.message));
    if (tls_without_client_cert && looks_like_refused_handshake(status.error_message())) outcome.message += kNoClientCertHint;
  }
  return outcome;
}

std::uint64_t wall_now() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

// Where one signal's requests go: a channel and its credentials.
struct Destination {
  GrpcOptions options;
  std::string setup_error;
  bool tls = false;
  bool tls_without_client_cert = false;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<grpc::GenericStub> stub;
};

std::shared_ptr<Destination> open_destination(GrpcOptions options) {
  auto d = std::make_shared<Destination>();
  d->options = std::move(options);
  const GrpcOptions& o = d->options;
  const Target target = parse_endpoint(o.endpoint, o.insecure);

  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (!target.tls) {
    credentials = grpc::InsecureChannelCredentials();
  } else {
    d->tls = true;
    d->tls_without_client_cert = o.client_certificate.empty();
    grpc::SslCredentialsOptions ssl;
    std::string& err = d->setup_error;
    if (!o.ca_file.empty()) read_pem(o.ca_file, "CA certificate", ssl.pem_root_certs, err);
    if (o.client_certificate.empty() != o.client_key.empty()) {
      if (err.empty()) err = "gRPC: mTLS needs both a client certificate and a client key";
    } else if (!o.client_certificate.empty() && err.empty()) {
      if (read_pem(o.client_certificate, "client certificate", ssl.pem_cert_chain, err))
        read_pem(o.client_key, "client key", ssl.pem_private_key, err);
    }
    credentials = grpc::SslCredentials(ssl);
  }
  if (!d->setup_error.empty()) return d;

  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);  // the core's retry policy decides, not gRPC's
  // Reconnect soon after the server comes back: gRPC's own backoff (up to 120 s) would make
  // every retry of the core fail fast while the channel waits.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  d->channel = grpc::CreateCustomChannel(target.address, credentials, args);
  d->stub = std::make_unique<grpc::GenericStub>(d->channel);
  return d;
}

// One Export call, owned by the transport from send() until its tag comes off the queue.
struct Call {
  std::shared_ptr<Destination> destination;
  grpc::ClientContext context;
  grpc::ByteBuffer request, response;
  grpc::Status status;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> reader;
  std::function<void(const Outcome&)> complete;
  Signal signal = Signal::traces;
};

}  // namespace

// Calls run on a completion queue that the host loop itself waits on in run(): the thread
// waiting there polls the connection, so an answer is read, turned into an outcome and handed
// on by the loop's own thread, with no hop through gRPC's callback threads (a context switch
// or two per request, a quarter of the sender's CPU at one export in flight). Every gRPC
// object is made and destroyed on that thread as well.
struct GrpcTransport::Impl {
  grpc::CompletionQueue queue;  // declared first: drained and destroyed last
  std::shared_ptr<Destination> destinations[std::size(kSignals)];  // by Signal
  std::string setup_error;  // the first destination's that has one
  std::unordered_map<Call*, std::unique_ptr<Call>> calls;  // in flight
  // wake(): an alarm due at once puts its tag on the queue; one at a time.
  std::mutex wake_mutex;
  grpc::Alarm alarm;
  bool alarm_set = false;  // guarded by wake_mutex

  // One tag off the queue: a finished call's outcome goes to its completion, unless abandoned.
  void finish(void* tag, bool deliver) {
    if (tag == &alarm) {
      std::lock_guard<std::mutex> lock(wake_mutex);
      alarm_set = false;
      return;
    }
    const auto it = calls.find(static_cast<Call*>(tag));
    if (it == calls.end()) return;
    std::unique_ptr<Call> call = std::move(it->second);
    calls.erase(it);
    const Destination& d = *call->destination;
    if (deliver) call->complete(outcome_of(call->signal, call->status, call->response, d.tls, d.tls_without_client_cert));
  }
};

GrpcTransport::GrpcTransport(GrpcOptions options) : impl_(std::make_unique<Impl>()) {
  const std::shared_ptr<Destination> every = open_destination(std::move(options));
  for (auto& d : impl_->destinations) d = every;
  impl_->setup_error = every->setup_error;
}

void GrpcTransport::set_destination(Signal signal, GrpcOptions options) {
  Impl& im = *impl_;
  auto& d = im.destinations[static_cast<std::size_t>(signal)];
  d = open_destination(std::move(options));
  im.setup_error.clear();
  for (const auto& each : im.destinations)
    if (im.setup_error.empty()) im.setup_error = each->setup_error;
}

GrpcTransport::~GrpcTransport() {
  Impl& im = *impl_;
  abandon();
  {
    std::lock_guard<std::mutex> lock(im.wake_mutex);
    if (im.alarm_set) im.alarm.Cancel();
  }
  im.queue.Shutdown();
  void* tag;
  bool ok;
  while (im.queue.Next(&tag, &ok)) im.finish(tag, false);
}

const std::string& GrpcTransport::setup_error() const { return impl_->setup_error; }

void GrpcTransport::send(const SendRequest& request, std::function<void(const Outcome&)> complete) {
  Impl& im = *impl_;
  const std::shared_ptr<Destination>& destination = im.destinations[static_cast<std::size_t>(request.signal)];
  if (!destination->setup_error.empty())
    return complete(Outcome::grpc(GrpcCode::failed_precondition, {}, destination->setup_error));
  auto call = std::make_unique<Call>();
  call->destination = destination;
  for (const auto& [name, value] : request.headers) {
    std::string key = name;
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    const std::string problem = metadata_problem(key, value);
    if (!problem.empty()) return complete(Outcome::grpc(GrpcCode::invalid_argument, {}, problem));
    call->context.AddMetadata(key, value);
  }
  if (request.compression == Compression::gzip) call->context.set_compression_algorithm(GRPC_COMPRESS_GZIP);
  std::uint64_t timeout_ms = destination->options.timeout_ms;
  const std::uint64_t now = wall_now();
  if (request.request.deadline_unix_nano > now)
    timeout_ms = std::min<std::uint64_t>(timeout_ms, (request.request.deadline_unix_nano - now) / 1'000'000 + 1);
  call->context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
  // A copy: the pipeline may give up on the request (its export timeout) before gRPC is done.
  grpc::Slice body(request.request.body.data(), request.request.body.size());
  call->request = grpc::ByteBuffer(&body, 1);
  call->complete = std::move(complete);
  call->signal = request.signal;
  Call& c = *call;
  const std::string method(signal_info(request.signal).grpc_method);
  c.reader = destination->stub->PrepareUnaryCall(&c.context, method, c.request, &im.queue);
  c.reader->StartCall();
  c.reader->Finish(&c.response, &c.status, &c);
  im.calls.emplace(&c, std::move(call));
}

void GrpcTransport::run(int timeout_ms) {
  Impl& im = *impl_;
  void* tag;
  bool ok;
  auto deadline = std::chrono::system_clock::now() + std::chrono::milliseconds(std::max(timeout_ms, 0));
  // The first tag may be waited for; the ones already there after it are taken too.
  while (im.queue.AsyncNext(&tag, &ok, deadline) == grpc::CompletionQueue::GOT_EVENT) {
    im.finish(tag, true);
    deadline = std::chrono::system_clock::time_point{};
  }
}

std::size_t GrpcTransport::in_flight() const { return impl_->calls.size(); }

void GrpcTransport::wake() {
  Impl& im = *impl_;
  std::lock_guard<std::mutex> lock(im.wake_mutex);
  if (im.alarm_set) return;
  im.alarm_set = true;
  im.alarm.Set(&im.queue, std::chrono::system_clock::time_point{}, &im.alarm);
}

void GrpcTransport::abandon() {
  Impl& im = *impl_;
  for (auto& [raw, call] : im.calls) call->context.TryCancel();
  // A cancelled call still puts its tag on the queue: wait for each, delivering nothing.
  void* tag;
  bool ok;
  while (!im.calls.empty() && im.queue.Next(&tag, &ok)) im.finish(tag, false);
}

}  // namespace otlp::native
