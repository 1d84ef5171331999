#pragma once
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

}  // namespace otlp::cli
