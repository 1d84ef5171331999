// Writes seed inputs for a fuzz target into a directory: otlp_make_corpus <target> <dir>.
// Seeds are generated at build/run time so that no binary file is committed.
#include <cstdio>
#include <string>
#include <string_view>

#include <vector>

#include "otlp/json.hpp"
#include "otlp/proto_writer.hpp"
#include "otlp/rpc_status.hpp"
#include "otlp/workload.hpp"
#include "support/random_request.hpp"

namespace {

bool write(const std::string& dir, const std::string& name, const std::string& bytes) {
  const std::string path = dir + "/" + name;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    std::fprintf(stderr, "otlp_make_corpus: cannot write %s\n", path.c_str());
    return false;
  }
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

// A length-delimited field holding `body`.
std::string wrap(unsigned field, const std::string& body) {
  std::string out(1, static_cast<char>(field << 3 | 2));
  for (std::size_t n = body.size(); ; n >>= 7) {
    if (n < 0x80) {
      out += static_cast<char>(n);
      break;
    }
    out += static_cast<char>((n & 0x7f) | 0x80);
  }
  return out + body;
}

// A request at the default depth limit (32): a span attribute value holding a kvlist, 11
// nested arrays and a kvlist whose KeyValue (at depth 32) has a key and no value; the writer
// re-encodes that KeyValue with an empty value, one level deeper.
std::string deep_request() {
  const std::string kv = wrap(1, "k");                    // KeyValue at depth 32, no value
  std::string any = wrap(6, wrap(1, kv));                 // AnyValue at 30: kvlist_value { values }
  for (int k = 0; k < 11; ++k) any = wrap(5, wrap(1, any));     // array_value { values }: AnyValue at 8
  any = wrap(6, wrap(1, wrap(1, "a") + wrap(2, any)));    // AnyValue at 5: kvlist { "a": ... }
  const std::string attribute = wrap(9, wrap(1, "deep") + wrap(2, any));  // span attribute at 4
  return wrap(1, wrap(2, wrap(2, attribute)));            // request > resource_spans > scope_spans > span
}

// The valid requests both readers are seeded with: the standard workload and small random ones.
std::vector<otlp::TraceRequest> seed_requests() {
  std::vector<otlp::TraceRequest> out;
  for (std::uint64_t spans : {std::uint64_t{1}, std::uint64_t{3}}) out.push_back(otlp::workload::standard_request(spans, 42));
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    otlp::testing::RandomRequestOptions options;
    options.spans = static_cast<std::uint32_t>(1 + seed % 4);
    options.resources = 1 + static_cast<std::uint32_t>(seed % 2);
    options.scopes_per_resource = 1 + static_cast<std::uint32_t>(seed % 3);
    options.max_nesting = 3;
    options.huge_values = false;
    out.push_back(otlp::testing::random_request(seed, options));
  }
  return out;
}

const otlp::PartialSuccess kResponses[] = {{0, ""}, {7, "spans too old"}, {-1, "negative"}};

bool json_seeds(const std::string& dir) {
  bool ok = true;
  int n = 0;
  auto put = [&](const std::string& text) { ok = write(dir, "seed-" + std::to_string(n++) + ".json", text) && ok; };
  for (const auto& request : seed_requests()) {
    std::string out;
    otlp::encode_trace_request_json(request, out);
    put(out);
  }
  for (const auto& p : kResponses) {
    std::string out;
    otlp::encode_trace_response_json(&p, out);
    put(out);
  }
  return ok;
}

// Valid requests, one at the depth limit, and a few responses.
bool proto_seeds(const std::string& dir) {
  bool ok = true;
  int n = 0;
  auto put = [&](const std::string& bytes) { ok = write(dir, "seed-" + std::to_string(n++) + ".pb", bytes) && ok; };
  for (const auto& request : seed_requests()) {
    std::string out;
    otlp::encode_trace_request(request, out);
    put(out);
  }
  put(deep_request());
  for (const auto& p : kResponses) {
    std::string out;
    otlp::encode_trace_response(&p, out);
    put(out);
  }
  // gRPC status details: with and without a RetryInfo.
  for (const otlp::RpcStatus& status :
       {otlp::RpcStatus{14, "unavailable", 1'500'000'000}, otlp::RpcStatus{8, "slow down", 0},
        otlp::RpcStatus{3, "bad", std::nullopt}}) {
    std::string out;
    otlp::encode_rpc_status(status, out);
    put(out);
  }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: otlp_make_corpus <fuzz target> <corpus dir>\n");
    return 2;
  }
  const std::string_view target = argv[1];
  const std::string dir = argv[2];
  if (target == "fuzz_proto_reader") return proto_seeds(dir) ? 0 : 1;
  if (target == "fuzz_json_reader") return json_seeds(dir) ? 0 : 1;
  std::fprintf(stderr, "otlp_make_corpus: no seeds for %s; it starts from an empty corpus\n", argv[1]);
  return 0;
}
