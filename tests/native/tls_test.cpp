// TLS and mTLS for both transports against the receiver's listeners, with certificates made at
// test time (test_certs.hpp): verified servers, client certificates, and the ways it must fail.
// A server certificate the client refuses (another CA's, another host's, expired) fails the
// export at once: no retry meets another certificate. No client certificate where one is
// required looks like a dropped connection, so it fails only after the retries. Failed exports
// are counted as failed spans.
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

// The receiver serving `cert` (for server_key): a certificate the client is to refuse.
ReceiverOptions refused_receiver(const std::string& cert) {
  ReceiverOptions o = tls_receiver(false);
  o.tls_cert_file = cert;
  return o;
}

// One export through a client trusting `ca` to a server whose certificate it refuses: failed
// after one request (two attempts are allowed), saying why. Returns the last error.
template <class T, class O>
std::string refused_once(O options) {
  const Stats s = export_spans<T>(std::move(options), 10);
  EXPECT_EQ(s.failed, 10u);
  EXPECT_EQ(s.exported, 0u);
  EXPECT_EQ(s.requests, 1u) << s.last_error;
  EXPECT_EQ(s.retries, 0u);
  EXPECT_NE(s.last_error.find("certificate failure is not retryable"), std::string::npos) << s.last_error;
  // Not the hint for a server that wants a client certificate: this is the server's certificate.
  EXPECT_EQ(s.last_error.find("client certificate"), std::string::npos) << s.last_error;
  return s.last_error;
}

TEST_F(Tls, GrpcUnknownCaIsFinal) {
  rig::Receiving r(tls_receiver(false));
  ASSERT_TRUE(r.ok()) << r.error();
  const std::string error =
      refused_once<GrpcTransport>(grpc_options(r.grpc_url("https"), test_certs().other_ca, false));
  EXPECT_NE(error.find("UNAVAILABLE"), std::string::npos) << error;
  EXPECT_NE(error.find("certificate verify failed"), std::string::npos) << error;
  EXPECT_TRUE(r.spans().empty());
}

TEST_F(Tls, GrpcWrongHostIsFinal) {
  rig::Receiving r(refused_receiver(test_certs().wrong_host_cert));
  ASSERT_TRUE(r.ok()) << r.error();
  const std::string error = refused_once<GrpcTransport>(grpc_options(r.grpc_url("https"), test_certs().ca, false));
  EXPECT_NE(error.find("Peer name 127.0.0.1 is not in peer certificate"), std::string::npos) << error;
  EXPECT_TRUE(r.spans().empty());
}

TEST_F(Tls, GrpcExpiredCertificateIsFinal) {
  rig::Receiving r(refused_receiver(test_certs().expired_cert));
  ASSERT_TRUE(r.ok()) << r.error();
  const std::string error = refused_once<GrpcTransport>(grpc_options(r.grpc_url("https"), test_certs().ca, false));
  EXPECT_NE(error.find("certificate verify failed"), std::string::npos) << error;
  EXPECT_TRUE(r.spans().empty());
}

// A server that is down is UNAVAILABLE too, and that one is retried.
TEST_F(Tls, GrpcServerDownIsStillRetried) {
  int port = 0;
  {
    rig::Receiving gone(tls_receiver(false));
    ASSERT_TRUE(gone.ok()) << gone.error();
    port = gone.receiver().grpc_port();
  }
  const Stats s = export_spans<GrpcTransport>(
      grpc_options("https://127.0.0.1:" + std::to_string(port), test_certs().ca, false), 10);
  EXPECT_EQ(s.failed, 10u);
  EXPECT_EQ(s.requests, 2u) << s.last_error;
  EXPECT_NE(s.last_error.find("attempts exhausted"), std::string::npos) << s.last_error;
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

TEST_F(Tls, HttpUnknownCaIsFinal) {
  rig::Receiving r(tls_receiver(false), false, true);
  ASSERT_TRUE(r.ok()) << r.error();
  const std::string error =
      refused_once<HttpTransport>(http_options(r.http_url("https"), test_certs().other_ca, false));
  EXPECT_NE(error.find("unable to get local issuer certificate"), std::string::npos) << error;
  EXPECT_TRUE(r.spans().empty());
  EXPECT_EQ(r.receiver().stats().requests, 0u);
}

TEST_F(Tls, HttpWrongHostIsFinal) {
  rig::Receiving r(refused_receiver(test_certs().wrong_host_cert), false, true);
  ASSERT_TRUE(r.ok()) << r.error();
  const std::string error = refused_once<HttpTransport>(http_options(r.http_url("https"), test_certs().ca, false));
  EXPECT_NE(error.find("127.0.0.1"), std::string::npos) << error;
  EXPECT_EQ(r.receiver().stats().requests, 0u);
}

TEST_F(Tls, HttpExpiredCertificateIsFinal) {
  rig::Receiving r(refused_receiver(test_certs().expired_cert), false, true);
  ASSERT_TRUE(r.ok()) << r.error();
  const std::string error = refused_once<HttpTransport>(http_options(r.http_url("https"), test_certs().ca, false));
  EXPECT_NE(error.find("certificate has expired"), std::string::npos) << error;
  EXPECT_EQ(r.receiver().stats().requests, 0u);
}

// The client's own certificate file unusable (here: not a certificate) is final too.
TEST_F(Tls, HttpUnusableClientCertificateIsFinal) {
  rig::Receiving r(tls_receiver(true), false, true);
  ASSERT_TRUE(r.ok()) << r.error();
  HttpOptions o = http_options(r.http_url("https"), test_certs().ca, true);
  o.client_certificate = test_certs().client_key;
  const Stats s = export_spans<HttpTransport>(o, 10);
  EXPECT_EQ(s.failed, 10u);
  EXPECT_EQ(s.requests, 1u) << s.last_error;
  EXPECT_NE(s.last_error.find("certificate failure is not retryable"), std::string::npos) << s.last_error;
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
