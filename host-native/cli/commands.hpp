#pragma once
#include <string>
#include <vector>

namespace otlp::cli {

// Each command returns the process exit code: 0 success, 2 usage error, 1 failure.
int encode_command(const std::vector<std::string>& args);
int receive_command(const std::vector<std::string>& args);
int send_command(const std::vector<std::string>& args);
int demo_command(const std::vector<std::string>& args);

}  // namespace otlp::cli
