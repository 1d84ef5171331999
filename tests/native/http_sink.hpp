// A test OTLP/HTTP server on 127.0.0.1 that keeps every POST, for the SDK tests of each signal.
#pragma once
#include <httplib.h>

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace otlp::native {

struct Received {
  std::string path;  // HTTP path or gRPC method
  std::string content_type;
  std::string body;
};

// An OTLP/HTTP server on 127.0.0.1 that keeps every POST, to any path, and answers `status`
// (200: an empty protobuf response), or `first_status` to the first request when that is set.
class HttpSink {
 public:
  explicit HttpSink(int status = 200, int first_status = 0) {
    http_.Post(".*", [this, status, first_status](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mutex_);
      received_.push_back({req.path, req.get_header_value("Content-Type"), req.body});
      res.status = first_status && received_.size() == 1 ? first_status : status;
      if (res.status == 200) res.set_content("", req.get_header_value("Content-Type"));
      else res.set_content("unavailable", "text/plain");
    });
    port_ = http_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    for (int i = 0; i < 5000 && !http_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~HttpSink() {
    http_.stop();
    thread_.join();
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<Received> received(std::string_view path) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Received> out;
    for (const auto& r : received_)
      if (r.path == path) out.push_back(r);
    return out;
  }
  std::size_t requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return received_.size();
  }

 private:
  httplib::Server http_;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<Received> received_;
  int port_ = 0;
};

// An OTLP/gRPC server on 127.0.0.1 that answers every method with OK and an empty response,
// keeping the method and the request bytes.
}  // namespace otlp::native
