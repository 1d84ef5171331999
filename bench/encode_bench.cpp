// Encoding and decoding a 512-span batch of standard spans (shared/WORKLOAD.md): the core
// against protobuf-lite (populate the generated classes, then serialize / parse), same input;
// and the core's validating pass.
#include <benchmark/benchmark.h>

#include "lite_mapping.hpp"
#include "otlp/json/json.hpp"
#include "otlp/wire/proto_reader.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "otlp/workload/workload.hpp"

namespace {

constexpr std::uint64_t kBatch = 512;

const otlp::TraceRequest& batch() {
  static const otlp::TraceRequest request = otlp::workload::standard_request(kBatch, 1);
  return request;
}

void BM_EncodeProtobufCore(benchmark::State& state) {
  std::string out;
  for (auto _ : state) {
    out.clear();
    otlp::encode_trace_request(batch(), out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * out.size()));
}
BENCHMARK(BM_EncodeProtobufCore);

void BM_EncodeProtobufLite(benchmark::State& state) {
  std::string out;
  for (auto _ : state) {
    auto message = otlp::testing::lite::to_lite(batch());
    out.clear();
    message.SerializeToString(&out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * out.size()));
}
BENCHMARK(BM_EncodeProtobufLite);

void BM_EncodeJsonCore(benchmark::State& state) {
  std::string out;
  for (auto _ : state) {
    out.clear();
    otlp::encode_trace_request_json(batch(), out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * out.size()));
}
BENCHMARK(BM_EncodeJsonCore);

// What the pipeline does for OTLP/JSON: the batch's protobuf bytes transcoded, no model.
void BM_TranscodeJsonCore(benchmark::State& state) {
  std::string bytes, out;
  otlp::encode_trace_request(batch(), bytes);
  for (auto _ : state) {
    out.clear();
    auto status = otlp::transcode_request_json(otlp::Signal::traces, bytes, out);
    if (!status.ok()) state.SkipWithError(status.message());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * out.size()));
}
BENCHMARK(BM_TranscodeJsonCore);

// What the pipeline did before the transcoder: decode the batch into the model, write JSON.
void BM_DecodeAndEncodeJsonCore(benchmark::State& state) {
  std::string bytes, out;
  otlp::encode_trace_request(batch(), bytes);
  for (auto _ : state) {
    otlp::TraceRequest request;
    auto status = otlp::decode_trace_request(bytes, request);
    if (!status.ok()) state.SkipWithError(status.message());
    out.clear();
    otlp::encode_trace_request_json(request, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
}
BENCHMARK(BM_DecodeAndEncodeJsonCore);

void BM_DecodeProtobufCore(benchmark::State& state) {
  std::string bytes;
  otlp::encode_trace_request(batch(), bytes);
  for (auto _ : state) {
    otlp::TraceRequest request;
    auto status = otlp::decode_trace_request(bytes, request);
    if (!status.ok()) state.SkipWithError(status.message());
    benchmark::DoNotOptimize(request);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
}
BENCHMARK(BM_DecodeProtobufCore);

// The validating pass: checks the batch and counts its spans without building the model
// (what `otlp receive` does when it has nothing to write). Target: 5 M spans/s per core.
void BM_ValidateProtobufCore(benchmark::State& state) {
  std::string bytes;
  otlp::encode_trace_request(batch(), bytes);
  for (auto _ : state) {
    std::uint64_t spans = 0;
    auto status = otlp::validate_trace_request(bytes, spans);
    if (!status.ok() || spans != kBatch) state.SkipWithError("the batch did not validate");
    benchmark::DoNotOptimize(spans);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_ValidateProtobufCore);

void BM_DecodeProtobufLite(benchmark::State& state) {
  std::string bytes;
  otlp::encode_trace_request(batch(), bytes);
  for (auto _ : state) {
    otlp::testing::lite::pb_collector::ExportTraceServiceRequest message;
    if (!message.ParseFromString(bytes)) state.SkipWithError("lite refused the request");
    benchmark::DoNotOptimize(message);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
}
BENCHMARK(BM_DecodeProtobufLite);

}  // namespace

BENCHMARK_MAIN();
