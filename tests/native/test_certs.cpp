#include "test_certs.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace otlp::testing {
namespace {

// P-256 keys: generated in milliseconds, unlike RSA.
constexpr const char* kNewKey = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";

void generate(TestCerts& c);

struct Generated {
  TestCerts certs;
  Generated() { generate(certs); }
  Generated(const Generated&) = delete;
  Generated& operator=(const Generated&) = delete;
  ~Generated() {
    std::error_code ignored;
    if (!certs.dir.empty()) std::filesystem::remove_all(certs.dir, ignored);
  }
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool write(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  return static_cast<bool>(out);
}

// Runs openssl with `args` in `dir`; on failure sets `error` to the command and its output.
bool openssl(const std::string& dir, const std::string& args, std::string& error) {
  const std::string log = dir + "/openssl.log";
  const std::string command = "cd '" + dir + "' && openssl " + args + " >'" + log + "' 2>&1";
  if (std::system(command.c_str()) == 0) return true;
  error = "openssl " + args + " failed:\n" + slurp(log);
  return false;
}

void generate(TestCerts& c) {
  char pattern[] = "/tmp/otlp-certs-XXXXXX";
  if (!mkdtemp(pattern)) {
    c.error = "mkdtemp failed";
    return;
  }
  c.dir = pattern;
  const std::string ca_ext = "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign";
  if (!write(c.dir + "/server.ext",
             "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n") ||
      !write(c.dir + "/client.ext", "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n") ||
      !write(c.dir + "/elsewhere.ext",
             "subjectAltName=DNS:elsewhere.invalid\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n")) {
    c.error = "cannot write openssl extension files in " + c.dir;
    return;
  }
  std::string& e = c.error;
  const bool ok =
      openssl(c.dir, std::string("req -x509 ") + kNewKey + " -keyout ca.key -out ca.pem -days 2 -subj '/CN=otlp test CA' " + ca_ext, e) &&
      openssl(c.dir, std::string("req -x509 ") + kNewKey + " -keyout other.key -out other.pem -days 2 -subj '/CN=otlp other CA' " + ca_ext, e) &&
      openssl(c.dir, std::string("req ") + kNewKey + " -keyout server.key -out server.csr -subj '/CN=localhost'", e) &&
      openssl(c.dir, "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out server.pem -extfile server.ext", e) &&
      openssl(c.dir, std::string("req ") + kNewKey + " -keyout client.key -out client.csr -subj '/CN=otlp test client'", e) &&
      openssl(c.dir, "x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out client.pem -extfile client.ext", e) &&
      // The same key, certified for another host, and certified until yesterday (-days -1: the
      // end of validity before its start, so it is expired from the moment it is made).
      openssl(c.dir, "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out elsewhere.pem -extfile elsewhere.ext", e) &&
      openssl(c.dir, "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days -1 -out expired.pem -extfile server.ext", e);
  if (!ok) return;
  c.ca = c.dir + "/ca.pem";
  c.other_ca = c.dir + "/other.pem";
  c.server_cert = c.dir + "/server.pem";
  c.server_key = c.dir + "/server.key";
  c.client_cert = c.dir + "/client.pem";
  c.client_key = c.dir + "/client.key";
  c.wrong_host_cert = c.dir + "/elsewhere.pem";
  c.expired_cert = c.dir + "/expired.pem";
}

}  // namespace

const TestCerts& test_certs() {
  static const Generated generated;
  return generated.certs;
}

}  // namespace otlp::testing
