// Internal: state a thread keeps per provider (counters, buffers, id streams), found without a
// lock or a shared atomic on the hot path. A thread remembers a few providers, by serial (so a
// provider made at a reused address is not mistaken for the old one); one it forgot is set up
// afresh by `init` when it comes back.
#pragma once
#include <cstdint>

namespace otlp::detail {

template <class Local, class Init>
Local& per_thread(std::uint64_t serial, Init&& init) {
  thread_local Local locals[4];
  thread_local unsigned next_slot = 0;
  for (auto& l : locals)
    if (l.provider == serial) return l;
  Local& l = locals[next_slot++ % 4];
  l.provider = serial;
  init(l);
  return l;
}

}  // namespace otlp::detail
