#include "support/fuzz_seeds.hpp"

#include <initializer_list>

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

namespace {

// Fields of the metrics messages, written by hand (the core has no metrics writer of its own
// here): a varint, a fixed64 and a packed run of fixed64 values.
std::string varint_field(unsigned field, std::uint64_t v) {
  std::string out(1, static_cast<char>(field << 3));
  for (; v >= 0x80; v >>= 7) out += static_cast<char>((v & 0x7f) | 0x80);
  return out + static_cast<char>(v);
}
std::string fixed64_field(unsigned field, std::uint64_t v) {
  std::string out(1, static_cast<char>(field << 3 | 1));
  for (int i = 0; i < 8; ++i) out += static_cast<char>(v >> (8 * i));
  return out;
}
std::string packed_fixed64(unsigned field, std::initializer_list<std::uint64_t> values) {
  std::string run;
  for (std::uint64_t v : values)
    for (int i = 0; i < 8; ++i) run += static_cast<char>(v >> (8 * i));
  return wrap(field, run);
}
constexpr std::uint64_t kOneAndAHalf = 0x3FF8000000000000ull, kNaN = 0x7FF8000000000000ull;

}  // namespace

std::vector<std::string> metrics_seeds() {
  const std::string attribute = wrap(1, "host") + wrap(2, wrap(1, "a"));  // KeyValue
  const std::string exemplar = fixed64_field(2, 1700000000000000000ull) + fixed64_field(3, kOneAndAHalf) +
                               wrap(4, std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8)) +
                               wrap(5, std::string(16, '\x11')) + wrap(7, attribute);
  const std::string number = fixed64_field(2, 1) + fixed64_field(3, 2) +
                             wrap(5, exemplar) + fixed64_field(6, static_cast<std::uint64_t>(-5)) + wrap(7, attribute) +
                             varint_field(8, 1);
  const std::string histogram_point = fixed64_field(4, 3) + fixed64_field(5, kOneAndAHalf) +
                                      packed_fixed64(6, {1, 0, 2}) + packed_fixed64(7, {kOneAndAHalf, kNaN}) +
                                      fixed64_field(11, 0) + fixed64_field(12, kNaN);
  const std::string buckets = varint_field(1, 7) /* offset -4, zigzag */ + wrap(2, std::string("\x01\x80\x01\x00", 4));
  const std::string exponential_point = wrap(1, attribute) + fixed64_field(4, 9) + varint_field(6, 19) /* scale -10 */ +
                                        fixed64_field(7, 1) + wrap(8, buckets) + wrap(9, "") + wrap(11, exemplar);
  const std::string quantile = fixed64_field(1, 0) + fixed64_field(2, kOneAndAHalf);
  const std::string summary_point = fixed64_field(4, 2) + wrap(6, quantile) + wrap(6, "");
  const std::string metrics[] = {
      wrap(1, "requests") + wrap(3, "{request}") + wrap(5, wrap(1, number) + wrap(1, "")),
      wrap(1, "bytes") + wrap(7, wrap(1, number) + varint_field(2, 2) + varint_field(3, 1)),
      wrap(1, "latency") + wrap(2, "ünïcødé") + wrap(9, wrap(1, histogram_point) + varint_field(2, 1)),
      wrap(1, "sizes") + wrap(10, wrap(1, exponential_point) + varint_field(2, 2)),
      wrap(1, "quantiles") + wrap(11, wrap(1, summary_point)) + wrap(12, attribute),
      wrap(1, "empty"),
  };
  std::string scope_metrics = wrap(1, wrap(1, "fuzz"));
  for (const std::string& m : metrics) scope_metrics += wrap(2, m);
  const std::string resource = wrap(1, wrap(1, attribute));
  std::vector<std::string> protobuf = {wrap(1, resource + wrap(2, scope_metrics)), "",
                                       wrap(1, wrap(2, wrap(2, metrics[2])))};
  std::vector<std::string> seeds = protobuf;
  for (const std::string& p : protobuf) transcode_request_json(Signal::metrics, p, seeds.emplace_back());
  return seeds;
}

}  // namespace otlp::testing
