// What the receiver tests of each signal share: a receiver on 127.0.0.1 (HTTP and gRPC, ports
// picked) that keeps every delivery, an HTTP client for it, and gzip for request bodies.
#pragma once
#include <gtest/gtest.h>
#include <httplib.h>
#include <zlib.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "receiver.hpp"

namespace otlp::native {

inline std::string gzip(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, in.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

class ReceiverRig : public ::testing::Test {
 protected:
  void start(ReceiverOptions o = {}) {
    o.host = o.grpc_host = "127.0.0.1";
    o.port = o.grpc_port = 0;
    receiver_ = std::make_unique<Receiver>(std::move(o), [this](const Receiver::Delivery& d) {
      std::lock_guard<std::mutex> lock(mutex_);
      got_.push_back({d.signal, std::string(d.protobuf), d.rejected});
    });
    std::string err;
    ASSERT_TRUE(receiver_->start(&err)) << err;
  }
  httplib::Result post_to(const char* path, const std::string& body, const std::string& type,
                          httplib::Headers headers = {}) {
    httplib::Client c("127.0.0.1", receiver_->port());
    c.set_read_timeout(20, 0);
    return c.Post(path, headers, body, type);
  }
  struct Got {
    Signal signal;
    std::string protobuf;
    std::uint64_t rejected;
  };
  std::vector<Got> got() {
    std::lock_guard<std::mutex> lock(mutex_);
    return got_;
  }

  std::unique_ptr<Receiver> receiver_;
  std::mutex mutex_;
  std::vector<Got> got_;
};

}  // namespace otlp::native
