// HttpServer on Boost.Beast 1.74 and Asio (header-only, Debian's libboost-dev). Beast gives the
// HTTP/1.1 parser and the stream with per-operation deadlines; the parser below stores straight
// into an HttpRequest, so the header count is bounded as fields are parsed and the body is bounded,
// kept or discarded as it streams. Responses are small and written as one buffer.
//
// A connection's life: [TLS handshake] -> wait for a request's first byte (idle timeout) -> its
// headers (header deadline) -> the handler's early answer, or its body (whole-request deadline)
// and the handler's answer -> write -> again (keep-alive) or close. Each connection runs on its
// own strand; http_threads threads run the event loop.
#include "http_server.hpp"

#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>

namespace otlp::native {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = beast::error_code;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// After an answer that closes the connection, the client may still be sending (a body over the
// limit, say): closing with unread bytes would make the kernel reset the connection and the
// client could lose the answer. So the server stops sending, reads and drops what still comes
// for at most this long, then closes.
constexpr milliseconds kLinger{2000};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Beast's parser, storing into an HttpRequest. Beast hands the fields over once the whole header
// is in (bounded by header_limit); the count is checked as they come. The body is bounded here
// (Beast's own limit is off) so that the handler judges the headers before a too-long body is
// refused.
class RequestParser final : public http::basic_parser<true> {
 public:
  RequestParser(HttpRequest& request, std::size_t max_header_count, std::size_t max_header_bytes)
      : request_(request), max_header_count_(max_header_count) {
    header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(max_header_bytes, UINT32_MAX)));
    body_limit(std::numeric_limits<std::uint64_t>::max());
  }
  // Before reading the body: keep it in request.body or drop it, at most `limit` bytes.
  void read_body(std::size_t limit, bool keep) {
    limit_ = limit;
    keep_ = keep;
  }

 private:
  void on_request_impl(http::verb, beast::string_view method, beast::string_view target, int, error_code&) override {
    request_.method.assign(method.data(), method.size());
    request_.target.assign(target.data(), target.size());
  }
  void on_response_impl(int, beast::string_view, int, error_code&) override {}
  void on_field_impl(http::field, beast::string_view name, beast::string_view value, error_code& ec) override {
    if (request_.headers.size() >= max_header_count_) {
      ec = http::error::header_limit;
      return;
    }
    request_.headers.emplace_back(std::string(name.data(), name.size()), std::string(value.data(), value.size()));
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code& ec) override {
    if (length && *length > limit_) {
      ec = http::error::body_limit;
      return;
    }
    if (length && keep_) request_.body.reserve(static_cast<std::size_t>(*length));
  }
  std::size_t on_body_impl(beast::string_view body, error_code& ec) override { return take(body, ec); }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, error_code& ec) override {
    return take(body, ec);
  }
  void on_finish_impl(error_code&) override {}

  std::size_t take(beast::string_view part, error_code& ec) {
    if (part.size() > limit_ - seen_) {
      ec = http::error::body_limit;
      return 0;
    }
    seen_ += part.size();
    if (keep_) request_.body.append(part.data(), part.size());
    return part.size();
  }

  HttpRequest& request_;
  std::size_t max_header_count_;
  std::size_t limit_ = 0;
  std::size_t seen_ = 0;
  bool keep_ = false;
};

// The answer as sent: status line, headers, Content-Length, and the body unless it answers a HEAD.
std::string serialize(const HttpResponse& r, bool keep_alive, bool head) {
  const beast::string_view reason = http::obsolete_reason(static_cast<http::status>(r.status));
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + std::string(reason.data(), reason.size()) + "\r\n";
  for (const auto& [name, value] : r.headers) out += name + ": " + value + "\r\n";
  out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  if (!keep_alive) out += "Connection: close\r\n";
  out += "\r\n";
  if (!head) out += r.body;
  return out;
}

HttpResponse text_response(int status, std::string text) {
  HttpResponse r;
  r.status = status;
  r.headers = {{"Content-Type", "text/plain"}};
  r.body = std::move(text) + "\n";
  r.close = true;
  return r;
}

}  // namespace

std::string_view HttpRequest::path() const {
  const std::string_view t = target;
  return t.substr(0, t.find('?'));
}

const std::string* HttpRequest::find_header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (iequals(n, name)) return &v;
  return nullptr;
}

std::string HttpRequest::header(std::string_view name) const {
  const std::string* v = find_header(name);
  return v ? *v : std::string();
}

struct HttpServer::Impl {
  template <class Stream>
  class Session;

  const ReceiverOptions& options;
  HttpHandler& handler;
  std::optional<asio::ssl::context> tls;
  std::unique_ptr<asio::io_context> io;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> accept_retry;
  std::vector<std::thread> threads;
  std::atomic<int> bound_port{-1};
  std::atomic<std::size_t> connections{0};
  std::atomic<std::uint64_t> refused{0}, header_too_large{0}, timed_out{0};
  std::mutex lifecycle;

  Impl(const ReceiverOptions& o, HttpHandler& h) : options(o), handler(h) {}

  bool setup_tls(std::string& error);
  bool bind(std::string& error);
  void accept();
  void stop();
};

// One connection. Holds itself alive through the handler of its one pending operation.
template <class Stream>
class HttpServer::Impl::Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... StreamArgs>
  Session(Impl& server, StreamArgs&&... args)
      : server_(server),
        stream_(std::forward<StreamArgs>(args)...),
        // The header must fit whole; body bytes pass through in pieces of up to 64 KiB.
        buffer_(server.options.max_header_bytes + (64u << 10)) {
    ++server_.connections;
  }
  ~Session() { --server_.connections; }

  void start() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      wait_for_request();
    } else {
      lowest().expires_after(milliseconds(server_.options.header_timeout_ms));
      stream_.async_handshake(asio::ssl::stream_base::server, [self = this->shared_from_this()](error_code ec) {
        if (!ec) self->wait_for_request();
      });
    }
  }

 private:
  const ReceiverOptions& options() const { return server_.options; }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  // Idle until the next request's first byte (maybe already buffered: pipelining).
  void wait_for_request() {
    request_ = HttpRequest();
    if (buffer_.size() > 0) return begin_request();
    buffer_.shrink_to_fit();  // an idle connection keeps no body-sized buffer
    lowest().expires_after(milliseconds(options().idle_timeout_ms));
    stream_.async_read_some(buffer_.prepare(beast::read_size(buffer_, 1536)),
                            [self = this->shared_from_this()](error_code ec, std::size_t n) {
                              if (ec) return;  // idle timeout, or the client closed: the stream goes with us
                              self->buffer_.commit(n);
                              self->begin_request();
                            });
  }

  void begin_request() {
    first_byte_ = Clock::now();
    parser_.emplace(request_, options().max_header_count, options().max_header_bytes);
    lowest().expires_at(first_byte_ + milliseconds(std::min(options().header_timeout_ms, options().request_timeout_ms)));
    http::async_read_header(stream_, buffer_, *parser_, [self = this->shared_from_this()](error_code ec, std::size_t) {
      self->on_header(ec);
    });
  }

  void on_header(error_code ec) {
    if (ec == http::error::header_limit) {
      ++server_.header_too_large;
      return respond(text_response(431, "request header fields too large: at most " +
                                            std::to_string(options().max_header_count) + " fields, " +
                                            std::to_string(options().max_header_bytes) + " bytes"));
    }
    if (ec) return fail(ec);
    const std::string* expect = request_.find_header("Expect");
    const bool wants_continue = expect && iequals(*expect, "100-continue");
    early_ = server_.handler.on_headers(request_);
    if (early_) {
      // A client waiting for 100 Continue sends no body: answer and close.
      if (wants_continue && !parser_->is_done()) early_->close = true;
      if (early_->close || parser_->is_done()) return respond(std::move(*early_));
      parser_->read_body(options().max_body_bytes, false);
      return read_body();
    }
    parser_->read_body(options().max_body_bytes, true);
    if (wants_continue && !parser_->is_done()) {
      out_ = "HTTP/1.1 100 Continue\r\n\r\n";
      lowest().expires_at(first_byte_ + milliseconds(options().request_timeout_ms));
      asio::async_write(stream_, asio::buffer(out_), [self = this->shared_from_this()](error_code e, std::size_t) {
        if (!e) self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    // Beast reads into the room the buffer has: give a body 64 KiB at a time (the idle and the
    // slow keep their few hundred bytes).
    if (!parser_->is_done()) buffer_.reserve(std::min<std::size_t>(64u << 10, buffer_.max_size()));
    lowest().expires_at(first_byte_ + milliseconds(options().request_timeout_ms));
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_body(ec); });
  }

  void on_body(error_code ec) {
    if (ec == http::error::body_limit) {
      HttpResponse r = early_ ? std::move(*early_) : server_.handler.on_body_too_large(request_);
      r.close = true;
      return respond(std::move(r));
    }
    if (ec) return fail(ec);
    respond(early_ ? std::move(*early_) : server_.handler.on_request(request_));
  }

  // A request that cannot go on: a deadline passed (Beast closed the stream), the client went
  // away, or it sent something that is not HTTP (400).
  void fail(error_code ec) {
    if (ec == beast::error::timeout) {
      ++server_.timed_out;
      return;
    }
    if (&ec.category() == &http::make_error_code(http::error::bad_method).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message)
      return respond(text_response(400, "malformed HTTP request: " + ec.message()));
  }

  void respond(HttpResponse r) {
    early_.reset();
    keep_alive_ = !r.close && parser_->keep_alive();
    out_ = serialize(r, keep_alive_, request_.method == "HEAD");
    // A client that does not read its answer is bounded too.
    lowest().expires_after(milliseconds(options().request_timeout_ms));
    asio::async_write(stream_, asio::buffer(out_), [self = this->shared_from_this()](error_code ec, std::size_t) {
      self->out_.clear();
      if (ec) return;
      if (self->keep_alive_) return self->wait_for_request();
      self->linger();
    });
  }

  // Stop sending, then drop what the client still sends until it closes or kLinger passes.
  void linger() {
    error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    lowest().expires_after(kLinger);
    drain();
  }
  void drain() {
    lowest().async_read_some(buffer_.prepare(4096), [self = this->shared_from_this()](error_code ec, std::size_t) {
      if (!ec) self->drain();
    });
  }

  Impl& server_;
  Stream stream_;
  beast::flat_buffer buffer_;
  HttpRequest request_;
  std::optional<RequestParser> parser_;
  std::optional<HttpResponse> early_;  // the handler's answer given on the headers alone
  Clock::time_point first_byte_;
  std::string out_;
  bool keep_alive_ = false;
};

bool HttpServer::Impl::setup_tls(std::string& error) {
  tls.emplace(asio::ssl::context::tls_server);
  asio::ssl::context& ctx = *tls;
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_compression);
  const bool mtls = !options.client_ca_file.empty();
  error_code ec;
  ctx.use_certificate_chain_file(options.tls_cert_file, ec);
  if (!ec) ctx.use_private_key_file(options.tls_key_file, asio::ssl::context::pem, ec);
  if (!ec && SSL_CTX_check_private_key(ctx.native_handle()) != 1) ec = asio::error::invalid_argument;
  if (!ec && mtls) {
    ctx.load_verify_file(options.client_ca_file, ec);
    // Tells clients which CAs to pick a certificate for.
    if (!ec) SSL_CTX_set_client_CA_list(ctx.native_handle(), SSL_load_client_CA_file(options.client_ca_file.c_str()));
    ctx.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
  }
  if (ec) {
    error = "cannot use the TLS certificate '" + options.tls_cert_file + "', key '" + options.tls_key_file + "'" +
            (mtls ? " or client CA '" + options.client_ca_file + "'" : std::string());
    tls.reset();
    return false;
  }
  return true;
}

bool HttpServer::Impl::bind(std::string& error) {
  const std::string where = options.host + (options.port == 0 ? " on any port" : ":" + std::to_string(options.port));
  error_code ec;
  tcp::resolver resolver(*io);
  const auto results = resolver.resolve(options.host, std::to_string(options.port), tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    error = "cannot bind " + where + ": " + (ec ? ec.message() : "no address");
    return false;
  }
  acceptor.emplace(*io);
  const tcp::endpoint endpoint = results.begin()->endpoint();
  // SO_REUSEADDR only: SO_REUSEPORT would let a second receiver share (and silently split) a
  // port that is already taken.
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "cannot bind " + where + ": " + ec.message();
    acceptor.reset();
    return false;
  }
  bound_port = acceptor->local_endpoint().port();
  return true;
}

void HttpServer::Impl::accept() {
  acceptor->async_accept(asio::make_strand(*io), [this](error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors or memory: try again shortly instead of spinning.
      accept_retry->expires_after(milliseconds(50));
      accept_retry->async_wait([this](error_code e) {
        if (!e) accept();
      });
      return;
    }
    if (connections.load() >= options.max_connections) {
      ++refused;
      socket.close(ec);
    } else {
      // Responses go out in one write, but a client's delayed ACK would still hold the next one.
      socket.set_option(tcp::no_delay(true), ec);
      if (tls)
        std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(*this, std::move(socket), *tls)->start();
      else
        std::make_shared<Session<beast::tcp_stream>>(*this, std::move(socket))->start();
    }
    accept();
  });
}

void HttpServer::Impl::stop() {
  if (!io) return;
  io->stop();
  for (std::thread& t : threads) t.join();
  threads.clear();
  // Destroying the loop destroys the pending handlers and with them the sessions and sockets.
  accept_retry.reset();
  acceptor.reset();
  io.reset();
}

HttpServer::HttpServer(const ReceiverOptions& options, HttpHandler& handler)
    : impl_(std::make_unique<Impl>(options, handler)) {}

HttpServer::~HttpServer() { stop(); }

bool HttpServer::start(std::string* error) {
  Impl& im = *impl_;
  std::lock_guard<std::mutex> lock(im.lifecycle);
  std::string why;
  im.io = std::make_unique<asio::io_context>();
  if ((!im.options.tls_cert_file.empty() && !im.setup_tls(why)) || !im.bind(why)) {
    im.io.reset();
    if (error) *error = std::move(why);
    return false;
  }
  im.accept_retry.emplace(*im.io);
  im.accept();
  // Two threads at least, so one long decode never holds up every connection; one a core beyond
  // that, up to 8 (the OTLP callback is serialized anyway).
  int n = im.options.http_threads;
  if (n <= 0) n = std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 2, 8);
  for (int i = 0; i < n; ++i) {
    im.threads.emplace_back([&im] {
      // A handler that throws (out of memory, say) costs its connection, not the server.
      for (;;) {
        try {
          im.io->run();
          return;
        } catch (const std::exception&) {
        }
      }
    });
  }
  return true;
}

int HttpServer::port() const { return impl_->bound_port.load(); }

void HttpServer::stop() {
  std::lock_guard<std::mutex> lock(impl_->lifecycle);
  impl_->stop();
}

HttpServerStats HttpServer::stats() const {
  return {impl_->refused.load(), impl_->header_too_large.load(), impl_->timed_out.load()};
}

}  // namespace otlp::native
