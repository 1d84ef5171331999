// Certificates for the TLS tests, made at test time with the openssl command line tool (once per
// test process, in a temporary directory removed at exit): a CA, a server certificate it signed
// for IP:127.0.0.1 and DNS:localhost, a client certificate it signed, and a second, unrelated CA;
// and two server certificates a client must refuse, both signed by the CA for the server's key:
// one for another host name, one expired.
#pragma once
#include <string>

namespace otlp::testing {

struct TestCerts {
  std::string dir;
  std::string ca;                        // CA certificate (PEM)
  std::string server_cert, server_key;   // signed by ca
  std::string client_cert, client_key;   // signed by ca
  std::string other_ca;                  // an unrelated CA
  std::string wrong_host_cert;           // for server_key, signed by ca, for DNS:elsewhere.invalid only
  std::string expired_cert;              // for server_key, signed by ca, no longer valid
  std::string error;                     // non-empty when generation failed (with openssl's output)
};

// Generates on first use; later calls return the same files.
const TestCerts& test_certs();

}  // namespace otlp::testing
