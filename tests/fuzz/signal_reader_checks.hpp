// The checks of the fuzz targets of the signals read by the schema (logs, metrics), for any
// input read as protobuf and as OTLP/JSON: nothing may crash, overrun or leak (ASan/UBSan) and
// errors carry offsets within the input. As protobuf, the validating pass (validate_request)
// must accept exactly what the transcoder accepts, and on success count as many items (log
// records, data points) as the JSON lines written for it; the JSON must read back into
// protobuf that transcodes to the same JSON. As JSON, what reads into protobuf must validate
// and transcode.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "otlp/json/json.hpp"
#include "otlp/wire/proto_reader.hpp"

namespace fuzz {

[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "fuzz reader: %s\n", what);
  __builtin_trap();
}

inline void check_status(const otlp::DecodeStatus& st, std::size_t size) {
  if (!st.ok() && st.offset > size) fail("error offset past the input");
}

// No limits: the transcoder has none, so the two must then refuse the same inputs. `deeper`:
// the JSON always writes a KeyValue's value, even one the protobuf left out, which can add a
// message level when read back.
inline otlp::DecodeOptions unlimited(std::uint32_t deeper = 0) {
  otlp::DecodeOptions o;
  o.max_depth += deeper;
  o.limits = otlp::DecodeLimits{UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX};
  return o;
}

inline void check_signal_reader(otlp::Signal signal, const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  std::uint64_t records = 0, unused = 0;
  check_status(otlp::validate_request(signal, bytes, unused), size);  // the default limits
  const otlp::DecodeStatus vst = otlp::validate_request(signal, bytes, records, unlimited());
  check_status(vst, size);
  std::string json;
  const otlp::DecodeStatus tst = otlp::transcode_request_json(signal, bytes, json);
  check_status(tst, size);
  if (vst.ok() != tst.ok()) fail("validator and transcoder disagree");
  if (tst.ok()) {
    std::uint64_t lines = 0;
    const otlp::DecodeStatus lst = otlp::transcode_record_lines(signal, bytes, 0, [&](std::string_view text) {
      for (char c : text) lines += c == '\n';
    });
    if (!lst.ok()) fail("a valid request has no lines");
    if (lines != records) fail("not one line per item");
    std::string again, json_again;
    if (!otlp::decode_request_json_protobuf(signal, json, again, unlimited(1)).ok())
      fail("the transcoder's JSON does not read back");
    if (!otlp::transcode_request_json(signal, again, json_again, unlimited(1)).ok() || json_again != json)
      fail("JSON changed in JSON -> protobuf -> JSON");
  }

  std::string protobuf;
  const otlp::DecodeStatus jst = otlp::decode_request_json_protobuf(signal, bytes, protobuf);
  check_status(jst, size);
  if (jst.ok()) {
    std::uint64_t n = 0;
    std::string out;
    if (!otlp::validate_request(signal, protobuf, n, unlimited()).ok()) fail("JSON read into invalid protobuf");
    if (!otlp::transcode_request_json(signal, protobuf, out).ok()) fail("JSON read into protobuf that does not transcode");
  }
}

}  // namespace fuzz
