// The receiver's HTTP/1.1 listener: event-driven (Boost.Beast's parser on Asio, a few threads
// running one event loop), so a slow or silent client costs a socket and a few KiB, never a
// thread. It bounds connections, header count and size (431), the body (the handler answers
// 413), and time: a header deadline and a whole-request deadline, both counted from the
// request's first byte so trickling bytes cannot extend them, and an idle keep-alive timeout.
// TLS and mTLS through asio::ssl (OpenSSL). It knows HTTP, not OTLP: a handler judges each
// request. Boost stays out of this header.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "receiver.hpp"

namespace otlp::native {

struct HttpRequest {
  std::string method;  // as sent, e.g. "POST"
  std::string target;  // as sent, e.g. "/v1/traces?x=1"
  // In arrival order, values without the whitespace around them.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // whole, for HttpHandler::on_request only

  // The target without its query.
  std::string_view path() const;
  // The value of the first header named `name` (case-insensitive), or nullptr.
  const std::string* find_header(std::string_view name) const;
  // The same, "" when absent.
  std::string header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Length is added
  std::string body;
  bool close = false;  // close the connection after this answer
};

// Called on the server's threads, for different connections at once.
class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // The headers are in, the body not yet. An answer here is sent without keeping the body: the
  // server reads and discards it (up to max_body_bytes, else it closes the connection).
  virtual std::optional<HttpResponse> on_headers(const HttpRequest& request) = 0;
  // The body is in whole (the handler may move it out of `request`).
  virtual HttpResponse on_request(HttpRequest& request) = 0;
  // The body went over max_body_bytes: the answer, after which the connection is closed.
  virtual HttpResponse on_body_too_large(const HttpRequest& request) = 0;
};

// Counts of what the server refused on its own, before any handler saw a request.
struct HttpServerStats {
  std::uint64_t refused_connections = 0;  // over max_connections: closed on accept
  std::uint64_t header_too_large = 0;     // 431: header count or size over its limit
  std::uint64_t timed_out = 0;            // cut by the header or whole-request deadline
};

class HttpServer {
 public:
  // Reads the listener's address, TLS files and limits from `options` (host, port, tls_*,
  // client_ca_file, max_body_bytes, max_connections, max_header_*, *_timeout_ms, http_threads).
  HttpServer(const ReceiverOptions& options, HttpHandler& handler);
  ~HttpServer();  // stops
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts the threads; false with *error set when the address or a TLS file cannot be
  // used.
  bool start(std::string* error);
  int port() const;  // the bound port after start
  // Closes every connection and joins the threads; a request being handled finishes first.
  void stop();
  HttpServerStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace otlp::native
