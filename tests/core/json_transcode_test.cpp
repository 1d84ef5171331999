// The protobuf-to-OTLP/JSON transcoder: the same text as the model writer for the same trace
// request (random requests, the standard workload), logs requests built field by field against
// their expected JSON, and malformed input refused as the protobuf reader refuses it.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>

#include "otlp/json/json.hpp"
#include "otlp/wire/proto_reader.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "otlp/workload/workload.hpp"
#include "support/random_request.hpp"

namespace otlp {
namespace {

std::string proto(const TraceRequest& r) {
  std::string out;
  encode_trace_request(r, out);
  return out;
}

std::string model_json(const TraceRequest& r) {
  std::string out;
  encode_trace_request_json(r, out);
  return out;
}

std::string transcoded(Signal signal, std::string_view bytes, DecodeStatus* status = nullptr) {
  std::string out;
  const DecodeStatus st = transcode_request_json(signal, bytes, out);
  if (status) *status = st;
  return out;
}

TEST(JsonTranscode, RandomTraceRequestsMatchTheModelWriter) {
  // Many small requests, and a few full-size ones (1,000 spans, 100 KB values).
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    testing::RandomRequestOptions small;
    small.spans = 40;
    small.huge_values = seed % 50 == 0;
    const TraceRequest r = seed % 67 == 0 ? testing::random_request(seed) : testing::random_request(seed, small);
    DecodeStatus st;
    const std::string json = transcoded(Signal::traces, proto(r), &st);
    ASSERT_TRUE(st.ok()) << "seed " << seed << ": " << st.message();
    ASSERT_EQ(json, model_json(r)) << "seed " << seed;
  }
}

TEST(JsonTranscode, StandardWorkloadMatchesTheModelWriter) {
  const TraceRequest r = workload::standard_request(512, 7);
  EXPECT_EQ(transcoded(Signal::traces, proto(r)), model_json(r));
}

TEST(JsonTranscode, EmptyRequestIsAnEmptyObject) {
  EXPECT_EQ(transcoded(Signal::traces, ""), "{}");
  EXPECT_EQ(transcoded(Signal::logs, ""), "{}");
}

// Protobuf built by hand, so the logs expectations do not lean on the project's own writer.
struct Bytes {
  std::string s;
  Bytes& varint(std::uint64_t v) {
    while (v >= 0x80) {
      s.push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    s.push_back(static_cast<char>(v));
    return *this;
  }
  Bytes& tag(std::uint32_t field, std::uint32_t wire) { return varint(field << 3 | wire); }
  Bytes& len(std::uint32_t field, std::string_view v) {
    tag(field, 2).varint(v.size());
    s.append(v);
    return *this;
  }
  Bytes& uint(std::uint32_t field, std::uint64_t v) { return tag(field, 0).varint(v); }
  Bytes& fixed64(std::uint32_t field, std::uint64_t v) {
    tag(field, 1);
    for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>(v >> (8 * i)));
    return *this;
  }
  Bytes& fixed32(std::uint32_t field, std::uint32_t v) {
    tag(field, 5);
    for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>(v >> (8 * i)));
    return *this;
  }
  Bytes& dbl(std::uint32_t field, double d) {
    std::uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    return fixed64(field, bits);
  }
};

std::string kv(std::string_view key, const std::string& any_value) {
  return Bytes().len(1, key).len(2, any_value).s;
}

TEST(JsonTranscode, LogRecordEveryField) {
  const std::string trace_id(16, '\x11'), span_id(8, '\x22');
  const std::string body = Bytes()
                               .len(6, Bytes()
                                           .len(1, kv("k", Bytes().len(1, "v").s))
                                           .len(1, kv("n", Bytes().uint(3, static_cast<std::uint64_t>(-5)).s))
                                           .s)
                               .s;  // kvlist {k: "v", n: -5}
  const std::string record = Bytes()
                                 .fixed64(1, 1700000000000000000)
                                 .uint(2, 9)
                                 .len(3, "INFO")
                                 .len(5, body)
                                 .len(6, kv("http.response.status_code", Bytes().uint(3, 200).s))
                                 .len(6, kv("app.duration_ms", Bytes().dbl(4, 1.5).s))
                                 .len(6, kv("ok", Bytes().uint(2, 0).s))
                                 .len(6, kv("raw", Bytes().len(7, "\x01\x02\xff").s))
                                 .uint(7, 3)
                                 .fixed32(8, 1)
                                 .len(9, trace_id)
                                 .len(10, span_id)
                                 .fixed64(11, 1700000000000000200)
                                 .len(12, "checkout.done")
                                 .s;
  const std::string scope = Bytes().len(1, "bench").len(2, "1.0.0").s;
  const std::string resource = Bytes().len(1, kv("service.name", Bytes().len(1, "checkout").s)).s;
  const std::string scope_logs = Bytes().len(1, scope).len(2, record).len(3, "https://s").s;
  const std::string request = Bytes().len(1, Bytes().len(1, resource).len(2, scope_logs).s).s;

  DecodeStatus st;
  const std::string json = transcoded(Signal::logs, request, &st);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(json,
            "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":"
            "\"checkout\"}}]},\"scopeLogs\":[{\"scope\":{\"name\":\"bench\",\"version\":\"1.0.0\"},\"logRecords\":[{"
            "\"timeUnixNano\":\"1700000000000000000\",\"severityNumber\":9,\"severityText\":\"INFO\",\"body\":{"
            "\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":{\"stringValue\":\"v\"}},{\"key\":\"n\",\"value\":{"
            "\"intValue\":\"-5\"}}]}},\"attributes\":[{\"key\":\"http.response.status_code\",\"value\":{\"intValue\":"
            "\"200\"}},{\"key\":\"app.duration_ms\",\"value\":{\"doubleValue\":1.5}},{\"key\":\"ok\",\"value\":{"
            "\"boolValue\":false}},{\"key\":\"raw\",\"value\":{\"bytesValue\":\"AQL/\"}}],\"droppedAttributesCount\":3,"
            "\"flags\":1,\"traceId\":\"11111111111111111111111111111111\",\"spanId\":\"2222222222222222\","
            "\"observedTimeUnixNano\":\"1700000000000000200\",\"eventName\":\"checkout.done\"}],\"schemaUrl\":"
            "\"https://s\"}]}]}");
}

TEST(JsonTranscode, RepeatedFieldsInterleavedMakeOneArrayAndDefaultsAreOmitted) {
  // Attributes around other fields, a zero severity and an empty text (proto3 defaults), a
  // KeyValue without a value, and an unknown field 99: one array, nothing else written.
  const std::string record = Bytes()
                                 .len(6, kv("a", Bytes().len(1, "1").s))
                                 .uint(2, 0)
                                 .len(3, "")
                                 .len(6, Bytes().len(1, "b").s)
                                 .uint(99, 7)
                                 .len(6, kv("c", ""))
                                 .s;
  const std::string request = Bytes().len(1, Bytes().len(2, Bytes().len(2, record).s).s).s;
  EXPECT_EQ(transcoded(Signal::logs, request),
            "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"attributes\":[{\"key\":\"a\",\"value\":{"
            "\"stringValue\":\"1\"}},{\"key\":\"b\",\"value\":{}},{\"key\":\"c\",\"value\":{}}]}]}]}]}");
}

TEST(JsonTranscode, SingularFieldTwiceIsWrittenOnceFromTheLast) {
  const std::string record = Bytes().len(3, "first").len(3, "second").s;
  const std::string request = Bytes().len(1, Bytes().len(2, Bytes().len(2, record).s).s).s;
  EXPECT_EQ(transcoded(Signal::logs, request),
            "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"severityText\":\"second\"}]}]}]}");
}

TEST(JsonTranscode, MalformedInputIsRefusedLikeTheReader) {
  const std::string good = proto(workload::standard_request(2, 1));
  struct Case {
    const char* what;
    std::string bytes;
    DecodeError error;
  };
  const std::string span_with_short_id = Bytes().len(1, "\x01\x02\x03").s;
  const std::string bad_scope_then_good = Bytes().len(1, Bytes().uint(1, 5).s).len(1, Bytes().len(1, "x").s).s;
  const Case cases[] = {
      {"a singular message twice, the first malformed",
       Bytes().len(1, Bytes().len(2, bad_scope_then_good).s).s, DecodeError::wrong_wire_type},
      {"truncated", good.substr(0, good.size() - 3), DecodeError::length_past_end},
      {"field number 0", std::string("\x00\x01", 2), DecodeError::bad_wire_type},
      {"group wire type", std::string("\x0b", 1), DecodeError::bad_wire_type},
      {"known field, wrong wire type", Bytes().uint(1, 5).s, DecodeError::wrong_wire_type},
      {"trace id of 3 bytes",
       Bytes().len(1, Bytes().len(2, Bytes().len(2, span_with_short_id).s).s).s, DecodeError::bad_id_length},
  };
  for (const Case& c : cases) {
    DecodeStatus st;
    transcoded(Signal::traces, c.bytes, &st);
    TraceRequest ignored;
    const DecodeStatus reader = decode_trace_request(c.bytes, ignored);
    EXPECT_EQ(st.error, c.error) << c.what;
    EXPECT_EQ(reader.error, c.error) << c.what;
    EXPECT_EQ(st.offset, reader.offset) << c.what;
  }
}

TEST(JsonTranscode, NestingPastTheLimitIsRefused) {
  // AnyValue arrays nested deeper than DecodeOptions::max_depth, inside an attribute.
  std::string value = Bytes().len(1, "x").s;
  for (int i = 0; i < 20; ++i) value = Bytes().len(5, Bytes().len(1, value).s).s;
  const std::string record = Bytes().len(6, kv("deep", value)).s;
  const std::string request = Bytes().len(1, Bytes().len(2, Bytes().len(2, record).s).s).s;
  DecodeStatus st;
  transcoded(Signal::logs, request, &st);
  EXPECT_EQ(st.error, DecodeError::too_deep);
  std::string out;
  EXPECT_TRUE(transcode_request_json(Signal::logs, request, out, DecodeOptions{.max_depth = 64}).ok());
}

// Mutations of valid requests: the transcoder refuses exactly what the reader refuses.
TEST(JsonTranscode, AcceptsAndRefusesWhatTheReaderDoes) {
  std::mt19937_64 rng(42);
  int refused = 0;
  testing::RandomRequestOptions small;
  small.spans = 8;
  small.huge_values = false;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    const std::string good = proto(testing::random_request(seed, small));
    if (good.empty()) continue;
    for (int m = 0; m < 60; ++m) {
      std::string bad = good;
      const std::size_t at = rng() % bad.size();
      switch (m % 3) {
        case 0: bad.resize(at); break;
        case 1: bad[at] = static_cast<char>(bad[at] ^ (1 << (rng() % 8))); break;
        default: bad.insert(at, 1, static_cast<char>(rng())); break;
      }
      DecodeStatus st;
      transcoded(Signal::traces, bad, &st);
      TraceRequest ignored;
      const DecodeStatus reader = decode_trace_request(bad, ignored);
      ASSERT_EQ(st.ok(), reader.ok()) << "seed " << seed << " mutation " << m << ": transcoder "
                                      << st.message() << ", reader " << reader.message();
      refused += !reader.ok();
    }
  }
  EXPECT_GT(refused, 100);  // the mutations do reach the error paths
}

}  // namespace
}  // namespace otlp
