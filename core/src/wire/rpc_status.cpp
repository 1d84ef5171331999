// google.rpc.Status encoding (rpc_status.hpp); decoding lives with the other readers in
// proto_reader.cpp.
#include "otlp/wire/rpc_status.hpp"

#include "wire/proto_wire.hpp"

namespace otlp {

void encode_rpc_status(const RpcStatus& status, std::string& out) {
  detail::Writer w(out);
  // int32: a negative code is sign-extended to 64 bits, as protobuf writes it.
  w.varint_field(1, static_cast<std::uint64_t>(static_cast<std::int64_t>(status.code)));
  w.string_field(2, status.message);
  if (status.retry_delay_ns) {
    constexpr std::uint64_t kNanosPerSecond = 1'000'000'000;
    auto any = w.open(3, 1);
    w.string_field(1, kRetryInfoTypeUrl);
    auto info = w.open(2, 1);
    auto duration = w.open(1, 1);  // RetryInfo.retry_delay, present even when zero
    w.varint_field(1, *status.retry_delay_ns / kNanosPerSecond);
    w.varint_field(2, *status.retry_delay_ns % kNanosPerSecond);
    w.close(duration);
    w.close(info);
    w.close(any);
  }
}

}  // namespace otlp
