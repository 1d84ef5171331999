// `otlp demo --web`: the receiver plus the web demo page (web-demo/) and its JSON API.
#pragma once
#include <string>
#include <vector>

namespace otlp::cli {

int demo_web_command(const std::vector<std::string>& args);

}  // namespace otlp::cli
