#include "support/fuzz_seeds.hpp"

#include "otlp/json/json.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "otlp/wire/rpc_status.hpp"
#include "otlp/workload/workload.hpp"
#include "support/random_request.hpp"

namespace otlp::testing {
namespace {

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
std::vector<TraceRequest> seed_requests() {
  std::vector<TraceRequest> out;
  for (std::uint64_t spans : {std::uint64_t{1}, std::uint64_t{3}}) out.push_back(workload::standard_request(spans, 42));
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    RandomRequestOptions options;
    options.spans = static_cast<std::uint32_t>(1 + seed % 4);
    options.resources = 1 + static_cast<std::uint32_t>(seed % 2);
    options.scopes_per_resource = 1 + static_cast<std::uint32_t>(seed % 3);
    options.max_nesting = 3;
    options.huge_values = false;
    out.push_back(random_request(seed, options));
  }
  return out;
}

const PartialSuccess kResponses[] = {{0, ""}, {7, "spans too old"}, {-1, "negative"}};

}  // namespace

std::vector<std::string> proto_seeds() {
  std::vector<std::string> seeds;
  for (const auto& request : seed_requests()) encode_trace_request(request, seeds.emplace_back());
  seeds.push_back(deep_request());
  for (const auto& p : kResponses) encode_trace_response(&p, seeds.emplace_back());
  // gRPC status details: with and without a RetryInfo.
  for (const RpcStatus& status : {RpcStatus{14, "unavailable", 1'500'000'000}, RpcStatus{8, "slow down", 0},
                                  RpcStatus{3, "bad", std::nullopt}})
    encode_rpc_status(status, seeds.emplace_back());
  return seeds;
}

std::vector<std::string> json_seeds() {
  std::vector<std::string> seeds;
  for (const auto& request : seed_requests()) encode_trace_request_json(request, seeds.emplace_back());
  for (const auto& p : kResponses) encode_trace_response_json(&p, seeds.emplace_back());
  return seeds;
}

std::vector<std::string> logs_seeds() {
  std::vector<std::string> protobuf = {standard_logs_request(3, 42), ""};
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    Resource resource;
    resource.attributes = {{"service.name", "seed"}};
    InstrumentationScope scope;
    scope.name = "fuzz";
    protobuf.push_back(logs_request(random_log_records(seed, 1 + seed % 3), resource, scope));
  }
  // A record whose body nests to the default depth limit (32): the body's AnyValue is at 4.
  std::string body = wrap(1, "deep");
  for (int k = 0; k < 14; ++k) body = wrap(5, wrap(1, body));  // array_value { values }
  protobuf.push_back(wrap(1, wrap(2, wrap(2, wrap(5, body)))));
  std::vector<std::string> seeds = protobuf;
  for (const std::string& p : protobuf) transcode_request_json(Signal::logs, p, seeds.emplace_back());
  return seeds;
}

}  // namespace otlp::testing
