// LineFile (the file behind `otlp receive --out`): a partial last line, left by a receiver
// killed while writing, is cut when the file is opened; appends are whole lines, and one that
// the system cuts short (here: a file size limit) is taken back, so the file never ends inside
// a line.
#include "cli/line_file.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace otlp::cli {
namespace {

std::string temp_file(const std::string& name) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/otlp_line_file_" + std::to_string(getpid()) + "_" + name;
}
void put(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}
std::string get(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(LineFile, APartialLastLineIsCutWhenOpened) {
  const std::string path = temp_file("partial");
  const std::string long_tail(200 * 1024, 'y');  // longer than the blocks it is read back in
  struct Case {
    std::string before, after;
  };
  for (const Case& c : {Case{"{\"a\":1}\n{\"b\":2}\n{\"c\"", "{\"a\":1}\n{\"b\":2}\n"}, Case{"{\"a\":1}\n", "{\"a\":1}\n"},
                        Case{"", ""}, Case{"no newline at all", ""}, Case{"x\n" + long_tail, "x\n"},
                        Case{std::string(100 * 1024, 'z') + "\n" + "tail", std::string(100 * 1024, 'z') + "\n"}}) {
    put(path, c.before);
    LineFile f;
    std::string error;
    std::uint64_t cut = 99;
    ASSERT_TRUE(f.open(path, error, cut)) << error;
    EXPECT_EQ(cut, c.before.size() - c.after.size());
    EXPECT_EQ(get(path), c.after);
    // Appends go after the last whole line.
    ASSERT_TRUE(f.append("{\"d\":4}\n", error)) << error;
    EXPECT_EQ(get(path), c.after + "{\"d\":4}\n");
  }
  std::remove(path.c_str());
}

TEST(LineFile, MissingFileIsCreatedAndUnwritableOneIsAnError) {
  const std::string path = temp_file("new");
  std::remove(path.c_str());
  LineFile f;
  std::string error;
  std::uint64_t cut = 0;
  ASSERT_TRUE(f.open(path, error, cut)) << error;
  EXPECT_EQ(cut, 0u);
  ASSERT_TRUE(f.append("1\n2\n", error));
  ASSERT_TRUE(f.append("3\n", error));
  EXPECT_EQ(get(path), "1\n2\n3\n");
  std::remove(path.c_str());
  LineFile g;
  EXPECT_FALSE(g.open("/nonexistent-dir/spans.jsonl", error, cut));
  EXPECT_NE(error.find("cannot open"), std::string::npos) << error;
  EXPECT_FALSE(g.is_open());
}

TEST(LineFile, AnAppendCutShortIsTakenBack) {
  // A file size limit makes write(2) stop partway, deterministically: what a kill or a full
  // disk would do. The append fails, and the file still ends with its last whole line.
  const std::string path = temp_file("cut");
  put(path, "");
  LineFile f;
  std::string error;
  std::uint64_t cut = 0;
  ASSERT_TRUE(f.open(path, error, cut)) << error;
  const std::string first = "{\"first\":true}\n";
  ASSERT_TRUE(f.append(first, error)) << error;
  std::string lines;
  for (int k = 0; k < 100; ++k) lines += "{\"line\":" + std::to_string(k) + "}\n";

  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  rlimit small = saved;
  small.rlim_cur = first.size() + lines.size() / 2;
  void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  const bool appended = f.append(lines, error);
  setrlimit(RLIMIT_FSIZE, &saved);
  signal(SIGXFSZ, old_handler);

  EXPECT_FALSE(appended);
  EXPECT_NE(error.find("write failed"), std::string::npos) << error;
  EXPECT_EQ(get(path), first);
  // The limit lifted, the next append is whole again.
  ASSERT_TRUE(f.append(lines, error)) << error;
  EXPECT_EQ(get(path), first + lines);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace otlp::cli
