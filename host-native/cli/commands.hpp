#pragma once
#include <malloc.h>
#include <signal.h>

#include <string>
#include <vector>

namespace otlp::cli {

// Each command returns the process exit code: 0 success, 2 usage error, 1 failure.
int encode_command(const std::vector<std::string>& args);
int receive_command(const std::vector<std::string>& args);
int send_command(const std::vector<std::string>& args);
int demo_command(const std::vector<std::string>& args);

// Blocks SIGINT and SIGTERM in the calling thread, so that every thread started after it
// inherits the mask and the command takes them itself (sigwait / sigtimedwait on the set).
inline sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// For a process that hosts the receiver. Each request's body and decoded model are allocated and
// freed whole. glibc would hand the freed top of the heap back after most requests and fault it
// in again for the next (300 page faults a request of 512 spans): keep up to 16 MiB of it. Setting
// that turns off glibc's adaptive mmap threshold, which would leave every body over 128 KiB (a
// batch of 512 spans is 266 KB) in its own mmap, faulted in page by page and unmapped after each
// request (a third to half of the receiver's CPU): so bodies up to 8 MiB come from the heap too.
inline void keep_freed_memory() {
  mallopt(M_TRIM_THRESHOLD, 16 << 20);
  mallopt(M_MMAP_THRESHOLD, 8 << 20);
}

}  // namespace otlp::cli
