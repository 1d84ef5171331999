// The file `otlp receive --out` appends JSON lines to: it holds whole lines only, whatever
// stops the receiver. Each request's lines go out in one write(2) on an O_APPEND descriptor,
// a write cut short (disk full, file size limit) is truncated away again, and a file that a
// kill left ending inside a line is cut back to its last '\n' when it is opened.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace otlp::cli {

class LineFile {
 public:
  LineFile() = default;
  ~LineFile();
  LineFile(const LineFile&) = delete;
  LineFile& operator=(const LineFile&) = delete;

  // Opens `path` for appending, creating it (0644) if missing, and cuts a partial last line;
  // `cut` = how many bytes that removed (0 for a file that ends in '\n', or empty). False, with
  // `error` set, when the file cannot be opened, read or cut.
  bool open(const std::string& path, std::string& error, std::uint64_t& cut);
  // Standard output instead of a file ("-"): written the same way, never cut.
  void use_stdout();
  bool is_open() const { return fd_ >= 0; }

  // Appends `lines` ('\n'-terminated): one write(2), more only if the system writes less.
  // When writing fails midway, what this call wrote is truncated away (for a file) and false
  // returned with `error` set.
  bool append(std::string_view lines, std::string& error);

 private:
  int fd_ = -1;
  bool owned_ = false;  // a file we opened (not standard output)
};

}  // namespace otlp::cli
