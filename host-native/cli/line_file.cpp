#include "cli/line_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace otlp::cli {
namespace {

std::string why(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// The size the file at `fd` (of `size` bytes) has up to and including its last '\n' (0 when it
// has none), read backwards in blocks; -1 on a read error.
off_t whole_lines_size(int fd, off_t size) {
  std::vector<char> block(64 * 1024);
  off_t end = size;
  while (end > 0) {
    const off_t start = std::max<off_t>(0, end - static_cast<off_t>(block.size()));
    const auto want = static_cast<std::size_t>(end - start);
    std::size_t got = 0;
    while (got < want) {
      const ssize_t n = ::pread(fd, block.data() + got, want - got, start + static_cast<off_t>(got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return -1;
      got += static_cast<std::size_t>(n);
    }
    for (std::size_t i = want; i-- > 0;)
      if (block[i] == '\n') return start + static_cast<off_t>(i) + 1;
    end = start;
  }
  return 0;
}

}  // namespace

LineFile::~LineFile() {
  if (owned_) ::close(fd_);
}

bool LineFile::open(const std::string& path, std::string& error, std::uint64_t& cut) {
  cut = 0;
  const int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = why("cannot open");
    return false;
  }
  struct stat st {};
  off_t whole = 0;
  if (::fstat(fd, &st) != 0) {
    error = why("cannot stat");
  } else if (S_ISREG(st.st_mode) && st.st_size > 0 && (whole = whole_lines_size(fd, st.st_size)) < 0) {
    error = why("cannot read");
  } else if (S_ISREG(st.st_mode) && st.st_size > 0 && whole < st.st_size && ::ftruncate(fd, whole) != 0) {
    error = why("cannot cut its partial last line");
  } else {
    if (S_ISREG(st.st_mode) && st.st_size > 0) cut = static_cast<std::uint64_t>(st.st_size - whole);
    fd_ = fd;
    owned_ = true;
    return true;
  }
  ::close(fd);
  return false;
}

void LineFile::use_stdout() {
  fd_ = STDOUT_FILENO;
  owned_ = false;
}

bool LineFile::append(std::string_view lines, std::string& error) {
  std::size_t written = 0;
  while (written < lines.size()) {
    const ssize_t n = ::write(fd_, lines.data() + written, lines.size() - written);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    error = n == 0 ? std::string("write failed: nothing written") : why("write failed");
    if (owned_ && written > 0) {
      // With O_APPEND the offset is the end of what this call wrote.
      const off_t end = ::lseek(fd_, 0, SEEK_CUR);
      if (end < 0 || ::ftruncate(fd_, end - static_cast<off_t>(written)) != 0)
        error += std::string("; and cutting the partial line failed: ") + std::strerror(errno);
    }
    return false;
  }
  return true;
}

}  // namespace otlp::cli
