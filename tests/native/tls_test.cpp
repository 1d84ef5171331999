// TLS and mTLS for both transports against the receiver's listeners, with certificates made at
// test time (test_certs.hpp): verified servers, client certificates, and the two ways it must
// fail — a server certificate from another CA, and no client certificate where one is required.
// Failures are final for the exporter only after its retries, and counted as failed spans.
#include <gtest/gtest.h>

#include "exporter_rig.hpp"
#include "grpc_transport.hpp"
#include "http_transport.hpp"
#include "test_certs.hpp"

namespace otlp::native {
namespace {

using rig::kSec;
using testing::test_certs;

ReceiverOptions tls_receiver(bool mtls) {
  const auto& c = test_certs();
  ReceiverOptions o;
  o.tls_cert_file = c.server_cert;
  o.tls_key_file = c.server_key;
  if (mtls) o.client_ca_file = c.ca;
  return o;
}

PipelineConfig two_attempts() {
  auto c = rig::fast();
  c.retry.max_attempts = 2;
  return c;
}

class Tls : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(test_certs().error, ""); }
};

// One export of `n` spans through transport T with `options`; returns the pipeline's stats.
template <class T, class O>
Stats export_spans(O options, int n) {
  rig::Exporter<T> e(std::move(options), two_attempts());
  e.spans(n);
  EXPECT_EQ(e.worker.shutdown(10 * kSec), FlushState::done);
  EXPECT_TRUE(e.balanced());
  return e.pipeline.stats();
}

GrpcOptions grpc_options(const std::string& url, const std::string& ca, bool client_cert) {
  const auto& c = test_certs();
  GrpcOptions o;
  o.endpoint = url;
  o.timeout_ms = 5000;
  o.ca_file = ca;
  if (client_cert) {
    o.client_certificate = c.client_cert;
    o.client_key = c.client_key;
  }
  return o;
}

HttpOptions http_options(const std::string& url, const std::string& ca, bool client_cert) {
  const auto& c = test_certs();
  HttpOptions o;
  o.url = url;
  o.timeout_ms = 5000;
  o.ca_file = ca;
  if (client_cert) {
    o.client_certificate = c.client_cert;
    o.client_key = c.client_key;
  }
  return o;
}

TEST_F(Tls, GrpcServerVerifiedByCa) {
  rig::Receiving r(tls_receiver(false));
  ASSERT_TRUE(r.ok()) << r.error();
  const Stats s = export_spans<GrpcTransport>(grpc_options(r.grpc_url("https"), test_certs().ca, false), 120);
  EXPECT_EQ(s.exported, 120u) << s.last_error;
  EXPECT_EQ(r.spans().size(), 120u);
  EXPECT_EQ(r.receiver().stats().grpc.spans, 120u);
}

TEST_F(Tls, GrpcMutualTls) {
  rig::Receiving r(tls_receiver(true));
  ASSERT_TRUE(r.ok()) << r.error();
  const Stats s = export_spans<GrpcTransport>(grpc_options(r.grpc_url("https"), test_certs().ca, true), 120);
  EXPECT_EQ(s.exported, 120u) << s.last_error;
  EXPECT_EQ(r.spans().size(), 120u);
}

TEST_F(Tls, GrpcWrongCaFailsWithAClearError) {
  rig::Receiving r(tls_receiver(false));
  ASSERT_TRUE(r.ok()) << r.error();
  const Stats s = export_spans<GrpcTransport>(grpc_options(r.grpc_url("https"), test_certs().other_ca, false), 10);
  EXPECT_EQ(s.failed, 10u);
  EXPECT_EQ(s.exported, 0u);
  EXPECT_EQ(s.requests, 2u);  // UNAVAILABLE is retried, then the attempts run out
  EXPECT_NE(s.last_error.find("UNAVAILABLE"), std::string::npos) << s.last_error;
  EXPECT_NE(s.last_error.find("certificate verify failed"), std::string::npos) << s.last_error;
  EXPECT_TRUE(r.spans().empty());
}

TEST_F(Tls, GrpcMissingClientCertificateFails) {
  rig::Receiving r(tls_receiver(true));
  ASSERT_TRUE(r.ok()) << r.error();
  const Stats s = export_spans<GrpcTransport>(grpc_options(r.grpc_url("https"), test_certs().ca, false), 10);
  EXPECT_EQ(s.failed, 10u);
  EXPECT_EQ(s.exported, 0u);
  EXPECT_NE(s.last_error.find("UNAVAILABLE"), std::string::npos) << s.last_error;
  EXPECT_NE(s.last_error.find("client certificate"), std::string::npos) << s.last_error;
  EXPECT_TRUE(r.spans().empty());
}

TEST_F(Tls, GrpcPlaintextClientAgainstTlsServerFails) {
  rig::Receiving r(tls_receiver(false));
  ASSERT_TRUE(r.ok()) << r.error();
  const Stats s = export_spans<GrpcTransport>(grpc_options(r.grpc_url("http"), "", false), 10);
  EXPECT_EQ(s.failed, 10u);
  EXPECT_FALSE(s.last_error.empty());
  EXPECT_TRUE(r.spans().empty());
}

TEST_F(Tls, HttpServerVerifiedByCa) {
  rig::Receiving r(tls_receiver(false), false, true);
  ASSERT_TRUE(r.ok()) << r.error();
  const Stats s = export_spans<HttpTransport>(http_options(r.http_url("https"), test_certs().ca, false), 120);
  EXPECT_EQ(s.exported, 120u) << s.last_error;
  EXPECT_EQ(r.spans().size(), 120u);
  EXPECT_EQ(r.receiver().stats().spans, 120u);
}

TEST_F(Tls, HttpMutualTls) {
  rig::Receiving r(tls_receiver(true), false, true);
  ASSERT_TRUE(r.ok()) << r.error();
  const Stats s = export_spans<HttpTransport>(http_options(r.http_url("https"), test_certs().ca, true), 120);
  EXPECT_EQ(s.exported, 120u) << s.last_error;
  EXPECT_EQ(r.spans().size(), 120u);
}

TEST_F(Tls, HttpWrongCaFailsWithAClearError) {
  rig::Receiving r(tls_receiver(false), false, true);
  ASSERT_TRUE(r.ok()) << r.error();
  const Stats s = export_spans<HttpTransport>(http_options(r.http_url("https"), test_certs().other_ca, false), 10);
  EXPECT_EQ(s.failed, 10u);
  EXPECT_EQ(s.requests, 2u);
  EXPECT_NE(s.last_error.find("certificate"), std::string::npos) << s.last_error;
  EXPECT_TRUE(r.spans().empty());
}

TEST_F(Tls, HttpMissingClientCertificateFails) {
  rig::Receiving r(tls_receiver(true), false, true);
  ASSERT_TRUE(r.ok()) << r.error();
  const Stats s = export_spans<HttpTransport>(http_options(r.http_url("https"), test_certs().ca, false), 10);
  EXPECT_EQ(s.failed, 10u);
  EXPECT_NE(s.last_error.find("client certificate"), std::string::npos) << s.last_error;
  EXPECT_TRUE(r.spans().empty());
  EXPECT_EQ(r.receiver().stats().requests, 0u);  // refused in the handshake, before any request
}

TEST_F(Tls, BothListenersOverTlsAtOnce) {
  rig::Receiving r(tls_receiver(true), true, true);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(export_spans<GrpcTransport>(grpc_options(r.grpc_url("https"), test_certs().ca, true), 30).exported, 30u);
  EXPECT_EQ(export_spans<HttpTransport>(http_options(r.http_url("https"), test_certs().ca, true), 40).exported, 40u);
  const auto s = r.receiver().stats();
  EXPECT_EQ(s.grpc.spans, 30u);
  EXPECT_EQ(s.spans, 40u);
}

TEST_F(Tls, UnusableCertificateFilesAreStartErrors) {
  for (bool grpc : {true, false}) {
    ReceiverOptions o = tls_receiver(false);
    o.tls_key_file = "/nonexistent/server.key";
    rig::Receiving r(o, grpc, !grpc);
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.error().find("/nonexistent/server.key"), std::string::npos) << r.error();
  }
}

}  // namespace
}  // namespace otlp::native
