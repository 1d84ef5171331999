// Writes seed inputs for a fuzz target into a directory: otlp_make_corpus <target> <dir>.
// Seeds are generated at build/run time so that no binary file is committed.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "support/fuzz_seeds.hpp"

namespace {

bool write(const std::string& dir, const std::string& name, const std::string& bytes) {
  const std::string path = dir + "/" + name;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    std::fprintf(stderr, "otlp_make_corpus: cannot write %s\n", path.c_str());
    return false;
  }
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

bool write_all(const std::string& dir, const std::vector<std::string>& seeds, const char* extension) {
  bool ok = true;
  for (std::size_t n = 0; n < seeds.size(); ++n)
    ok = write(dir, "seed-" + std::to_string(n) + extension, seeds[n]) && ok;
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: otlp_make_corpus <fuzz target> <corpus dir>\n");
    return 2;
  }
  const std::string_view target = argv[1];
  const std::string dir = argv[2];
  if (target == "fuzz_proto_reader") return write_all(dir, otlp::testing::proto_seeds(), ".pb") ? 0 : 1;
  if (target == "fuzz_json_reader") return write_all(dir, otlp::testing::json_seeds(), ".json") ? 0 : 1;
  if (target == "fuzz_logs_reader") return write_all(dir, otlp::testing::logs_seeds(), ".seed") ? 0 : 1;
  if (target == "fuzz_metrics_reader") return write_all(dir, otlp::testing::metrics_seeds(), ".seed") ? 0 : 1;
  std::fprintf(stderr, "otlp_make_corpus: no seeds for %s; it starts from an empty corpus\n", argv[1]);
  return 0;
}
