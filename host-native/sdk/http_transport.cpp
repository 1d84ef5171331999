#include "http_transport.hpp"

#include <curl/curl.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <vector>

#include "otlp/export/response.hpp"

namespace otlp::native {
namespace {

constexpr std::size_t kMaxResponseBytes = 4 * 1024 * 1024;  // the spec caps responses at 4 MiB
constexpr std::size_t kKeptTransfers = 4;  // finished transfers kept for reuse

std::uint64_t wall_now() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

struct Transfer {
  CURL* easy = nullptr;
  const HttpOptions* destination = nullptr;
  curl_slist* headers = nullptr;
  std::string body;
  std::string response;
  std::string retry_after;
  std::string response_type;
  bool json = false;
  Signal signal = Signal::traces;  // whose response it reads
  char error[CURL_ERROR_SIZE] = {};
  std::function<void(const Outcome&)> complete;

  ~Transfer() {
    if (headers) curl_slist_free_all(headers);
    if (easy) curl_easy_cleanup(easy);
  }
  // Ready for another request: the handle, its settings and the buffers' room stay.
  void reuse() {
    if (headers) curl_slist_free_all(headers);
    headers = nullptr;
    response.clear();
    retry_after.clear();
    response_type.clear();
    error[0] = 0;
  }
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t bytes = size * n;
  if (t->response.size() + bytes > kMaxResponseBytes) return 0;  // abort: an oversized answer
  t->response.append(data, bytes);
  return bytes;
}

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string line(data, size * n);
  const auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (name == "retry-after") t->retry_after = trim(line.substr(colon + 1));
    if (name == "content-type") t->response_type = trim(line.substr(colon + 1));
  }
  return size * n;
}

// Over TLS 1.3 a server that requires a client certificate refuses one only after the client's
// handshake is done, so libcurl sees a broken send or receive (which one depends on timing);
// say what it likely means.
bool refused_after_handshake(CURLcode code) {
  return code == CURLE_SEND_ERROR || code == CURLE_RECV_ERROR || code == CURLE_SSL_CONNECT_ERROR;
}

// Certificates TLS refused: the server's (CA, host name, validity, pinned key, revocation) or
// the client's own files. No retry meets another certificate.
bool certificate_failure(CURLcode code) {
  switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:  // also CURLE_SSL_CACERT, its old name
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
      return true;
    default:
      return false;
  }
}

// What happened to the transfer, for the core's retry policy to judge.
Outcome outcome_of(Transfer& t, CURLcode code, bool tls_without_client_cert) {
  if (code == CURLE_OPERATION_TIMEDOUT) return Outcome::timed_out();
  if (code != CURLE_OK) {
    std::string message = std::string(curl_easy_strerror(code)) + (t.error[0] ? std::string(": ") + t.error : "");
    if (certificate_failure(code)) return Outcome::certificate_failure(std::move(message));
    if (tls_without_client_cert && refused_after_handshake(code))
      message += " (TLS without a client certificate: if the server requires mTLS, set a client certificate and key)";
    return Outcome::network(std::move(message));
  }
  long status = 0;
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
  return http_outcome(t.signal, static_cast<int>(status), t.response_type, t.response, t.retry_after, wall_now());
}

}  // namespace

bool gzip_compress(std::string_view data, std::string& out) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
  out.resize(deflateBound(&z, static_cast<uLong>(data.size())) + 32);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END;
}

struct HttpTransport::Impl {
  HttpOptions destinations[std::size(kSignals)];  // by Signal
  CURLM* multi = nullptr;
  std::map<CURL*, std::unique_ptr<Transfer>> transfers;
  // Finished transfers kept for the next sends: an easy handle keeps its buffers and the
  // body keeps its pages, where new ones would cost an allocation and page faults per request.
  std::vector<std::unique_ptr<Transfer>> idle;
};

HttpTransport::HttpTransport(HttpOptions options) : impl_(std::make_unique<Impl>()) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  for (HttpOptions& d : impl_->destinations) d = options;
  impl_->multi = curl_multi_init();
}

HttpTransport::~HttpTransport() {
  abandon();
  impl_->idle.clear();
  curl_multi_cleanup(impl_->multi);
}

void HttpTransport::set_destination(Signal signal, HttpOptions options) {
  impl_->destinations[static_cast<std::size_t>(signal)] = std::move(options);
}

void HttpTransport::abandon() {
  for (auto& [easy, t] : impl_->transfers) curl_multi_remove_handle(impl_->multi, easy);
  impl_->transfers.clear();
}

void HttpTransport::send(const SendRequest& request, std::function<void(const Outcome&)> complete) {
  std::unique_ptr<Transfer> t;
  if (impl_->idle.empty()) {
    t = std::make_unique<Transfer>();
  } else {
    t = std::move(impl_->idle.back());
    impl_->idle.pop_back();
    t->reuse();
  }
  t->complete = std::move(complete);
  if (request.compression == Compression::gzip) {
    if (!gzip_compress(request.request.body, t->body)) return t->complete(Outcome::network("gzip failed"));
    t->headers = curl_slist_append(t->headers, "Content-Encoding: gzip");
  } else {
    t->body.assign(request.request.body);
  }
  t->headers = curl_slist_append(t->headers, (std::string("Content-Type: ") + request.request.content_type).c_str());
  t->headers = curl_slist_append(t->headers, "Expect:");  // no 100-continue round trip
  for (const auto& [name, value] : request.headers)
    t->headers = curl_slist_append(t->headers, (name + ": " + value).c_str());

  const HttpOptions& o = impl_->destinations[static_cast<std::size_t>(request.signal)];
  t->signal = request.signal;
  // A handle last used for another destination may hold its TLS files: start it afresh.
  if (t->easy && t->destination != &o) curl_easy_reset(t->easy);
  t->destination = &o;
  std::uint64_t timeout_ms = o.timeout_ms;
  const std::uint64_t now = wall_now();
  if (request.request.deadline_unix_nano > now)
    timeout_ms = std::min<std::uint64_t>(timeout_ms, (request.request.deadline_unix_nano - now) / 1'000'000 + 1);
  if (!t->easy) t->easy = curl_easy_init();
  CURL* e = t->easy;
  curl_easy_setopt(e, CURLOPT_URL, o.url.c_str());
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->body.data());
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t->body.size()));
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  // A batch is a few hundred KB: libcurl's 64 KiB upload buffer sent it in five send() and poll
  // rounds, a bigger one in one or two where the socket takes it.
  curl_easy_setopt(e, CURLOPT_UPLOAD_BUFFERSIZE, 512L * 1024);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
  if (!o.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, o.ca_file.c_str());
  if (!o.client_certificate.empty()) curl_easy_setopt(e, CURLOPT_SSLCERT, o.client_certificate.c_str());
  if (!o.client_key.empty()) curl_easy_setopt(e, CURLOPT_SSLKEY, o.client_key.c_str());
  curl_multi_add_handle(impl_->multi, e);
  impl_->transfers.emplace(e, std::move(t));
}

void HttpTransport::run(int timeout_ms) {
  int running = 0;
  curl_multi_perform(impl_->multi, &running);
  if (running > 0) curl_multi_poll(impl_->multi, nullptr, 0, timeout_ms, nullptr);
  curl_multi_perform(impl_->multi, &running);
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(impl_->multi, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    auto it = impl_->transfers.find(msg->easy_handle);
    if (it == impl_->transfers.end()) continue;
    std::unique_ptr<Transfer> t = std::move(it->second);
    impl_->transfers.erase(it);
    curl_multi_remove_handle(impl_->multi, t->easy);
    const HttpOptions& o = *t->destination;
    const bool tls_without_client_cert = o.url.rfind("https://", 0) == 0 && o.client_certificate.empty();
    t->complete(outcome_of(*t, msg->data.result, tls_without_client_cert));
    t->complete = nullptr;
    if (impl_->idle.size() < kKeptTransfers) impl_->idle.push_back(std::move(t));
  }
}

std::size_t HttpTransport::in_flight() const { return impl_->transfers.size(); }

void HttpTransport::wake() { curl_multi_wakeup(impl_->multi); }

}  // namespace otlp::native
