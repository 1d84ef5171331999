// The `otlp` binary as a child process for the CLI tests: stdout and stderr go to files, the
// environment is the test's minus any OTEL_* variable unless passed in.
#pragma once
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace otlp::native::testing_cli {

inline std::string temp_path(const std::string& name) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/otlp_cli_" + std::to_string(getpid()) + "_" + name;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The `otlp` binary as a child process; stdout and stderr go to files.
class Child {
 public:
  // `shell`, when given, is sh commands run first (say "ulimit -f 64"), in the shell that then
  // execs the binary.
  Child(const std::vector<std::string>& args, const std::vector<std::string>& extra_env = {},
        const std::string& shell = {})
      : out_(temp_path("out_" + std::to_string(++serial_))), err_(temp_path("err_" + std::to_string(serial_))) {
    std::vector<std::string> argv_s = {OTLP_CLI_PATH};
    if (!shell.empty()) argv_s = {"/bin/sh", "-c", shell + "; exec \"$0\" \"$@\"", OTLP_CLI_PATH};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_s;
    for (char** e = environ; *e; ++e)
      if (std::string(*e).rfind("OTEL_", 0) != 0) env_s.emplace_back(*e);  // only the test's OTEL_*
    env_s.insert(env_s.end(), extra_env.begin(), extra_env.end());
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data()) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Child() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    std::remove(out_.c_str());
    std::remove(err_.c_str());
  }

  // The exit code, waiting at most `seconds` (then the child is killed and -1 returned).
  int wait(int seconds = 120) {
    if (pid_ <= 0) return -1;
    int status = 0;
    for (int i = 0; i < seconds * 100; ++i) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }
  pid_t pid() const { return pid_; }
  void signal(int sig) { kill(pid_, sig); }
  // Sends `sig` and returns the exit code, as wait().
  int stop(int sig, int seconds = 120) {
    signal(sig);
    return wait(seconds);
  }
  // Waits (at most `seconds`) until stderr so far matches `pattern`; `match` refers to the text
  // kept in this object until the next call.
  bool read_until(const std::regex& pattern, std::smatch& match, int seconds = 10) {
    for (int i = 0; i < seconds * 100; ++i) {
      seen_err_ = err();
      if (std::regex_search(seen_err_, match, pattern)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  std::string out() const { return slurp(out_); }
  std::string err() const { return slurp(err_); }

  // Waits (bounded) for `otlp receive` to say where it listens; the port, or -1.
  // The port `otlp receive` printed for its HTTP server (or, with `grpc`, its gRPC one).
  int listening_port(bool grpc = false) const {
    const std::string marker = grpc ? "listening on 127.0.0.1:" : "listening on http://127.0.0.1:";
    for (int i = 0; i < 1000; ++i) {
      const std::string e = err();
      const auto at = e.find(marker);
      if (at != std::string::npos) return std::atoi(e.c_str() + at + marker.size());
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

 private:
  static inline int serial_ = 0;
  std::string out_, err_, seen_err_;
  pid_t pid_ = -1;
  bool exited_ = false;
};

}  // namespace otlp::native::testing_cli
