// Number <-> text for the module, done by the JavaScript engine instead of musl.
//
// Core prints doubles with snprintf("%.*g" / "%.0f") and reads them back with strtod (OTLP/JSON
// numbers, sampler descriptions). musl's versions drag in its whole printf engine and 128-bit
// long double arithmetic: about 20 KB of the module's code. JavaScript's Number conversions are
// correctly rounded too, so the module links these two definitions instead of libc's (a
// symbol defined here keeps the archive member out). Only the formats core uses are handled;
// anything else yields -1, so a new use shows up in the tests rather than printing garbage.
// otlp.wasm (protobuf only) never prints a double, so it links only strtod (sampler arguments);
// otlp-json.wasm links both.
#include <cstdarg>
#include <cstddef>
#include <cstdlib>

extern "C" {

__attribute__((import_module("env"), import_name("format_double"))) int otlp_host_format_double(
    double value, int precision, int fixed, char* out, int capacity);
__attribute__((import_module("env"), import_name("parse_double"))) double otlp_host_parse_double(const char* text,
                                                                                                 int length);

int snprintf(char* out, std::size_t capacity, const char* format, ...) {
  va_list args;
  va_start(args, format);
  int length = -1;
  if (format[0] == '%' && format[1] == '.' && format[2] == '*' && format[3] == 'g' && format[4] == '\0') {
    const int precision = va_arg(args, int);
    length = otlp_host_format_double(va_arg(args, double), precision, 0, out, static_cast<int>(capacity));
  } else if (format[0] == '%' && format[1] == '.' && format[2] == '0' && format[3] == 'f' && format[4] == '\0') {
    length = otlp_host_format_double(va_arg(args, double), 0, 1, out, static_cast<int>(capacity));
  }
  va_end(args);
  if (length >= 0 && static_cast<std::size_t>(length) < capacity) out[length] = '\0';
  return length;
}

// Reads the longest prefix of the form [space][+-]digits[.digits][(e|E)[+-]digits], which is
// all core ever hands it (callers check the grammar first).
double strtod(const char* text, char** end) {
  const char* p = text;
  while (*p == ' ' || (*p >= '\t' && *p <= '\r')) ++p;
  const char* start = p;
  if (*p == '+' || *p == '-') ++p;
  const char* digits = p;
  while (*p >= '0' && *p <= '9') ++p;
  if (*p == '.') {
    ++p;
    while (*p >= '0' && *p <= '9') ++p;
  }
  if (p == digits || (p == digits + 1 && *digits == '.')) {
    if (end) *end = const_cast<char*>(text);
    return 0;
  }
  if (*p == 'e' || *p == 'E') {
    const char* e = p + 1;
    if (*e == '+' || *e == '-') ++e;
    if (*e >= '0' && *e <= '9') {
      while (*e >= '0' && *e <= '9') ++e;
      p = e;
    }
  }
  if (end) *end = const_cast<char*>(p);
  return otlp_host_parse_double(start, static_cast<int>(p - start));
}

// musl defines these beside strtod in one object; libc++ refers to them (std::stof, std::stold),
// so they are defined here too, or that object would come in and clash.
float strtof(const char* text, char** end) { return static_cast<float>(strtod(text, end)); }
long double strtold(const char* text, char** end) { return strtod(text, end); }

}  // extern "C"
