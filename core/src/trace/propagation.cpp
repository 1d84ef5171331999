// W3C Trace Context and Baggage, written from the W3C grammars (see propagation.hpp for the
// decisions where the specs leave room).
#include "otlp/trace/propagation.hpp"

#include <algorithm>
#include <cstdint>

namespace otlp {
namespace {

constexpr bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_lcalpha(char c) noexcept { return c >= 'a' && c <= 'z'; }
constexpr bool is_alpha(char c) noexcept { return is_lcalpha(c) || (c >= 'A' && c <= 'Z'); }
constexpr bool is_lower_hex(char c) noexcept { return is_digit(c) || (c >= 'a' && c <= 'f'); }

// Calls f for each piece of s between separators (pieces may be empty); stops early if f
// returns false. Returns false if stopped.
template <typename F>
bool for_each_split(std::string_view s, char sep, F&& f) {
  for (;;) {
    const std::size_t at = s.find(sep);
    if (!f(s.substr(0, at))) return false;
    if (at == std::string_view::npos) return true;
    s.remove_prefix(at + 1);
  }
}

// ---- traceparent -------------------------------------------------------------------------

constexpr std::size_t kTraceparentSize = 55;  // 2 + 1 + 32 + 1 + 16 + 1 + 2
constexpr std::uint8_t kKnownFlags = 0x03;    // sampled (Level 1), random (Level 2)

std::uint8_t hex_byte(char hi, char lo) noexcept {
  return static_cast<std::uint8_t>(detail::hex_digit(hi) << 4 | detail::hex_digit(lo));
}

// ---- tracestate --------------------------------------------------------------------------

constexpr bool is_key_char(char c) noexcept {
  return is_lcalpha(c) || is_digit(c) || c == '_' || c == '-' || c == '*' || c == '/';
}

bool all_key_chars(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(), [](char c) { return is_key_char(c); });
}

bool valid_tracestate_key(std::string_view key) noexcept {
  const std::size_t at = key.find('@');
  if (at == std::string_view::npos) {
    // simple-key = lcalpha 0*255(keychar)
    return !key.empty() && key.size() <= 256 && is_lcalpha(key[0]) && all_key_chars(key);
  }
  // multi-tenant-key = tenant-id "@" system-id
  const std::string_view tenant = key.substr(0, at), system = key.substr(at + 1);
  return !tenant.empty() && tenant.size() <= 241 && (is_lcalpha(tenant[0]) || is_digit(tenant[0])) &&
         all_key_chars(tenant) && !system.empty() && system.size() <= 14 && is_lcalpha(system[0]) &&
         all_key_chars(system);  // a second '@' lands in system and fails here
}

bool valid_tracestate_value(std::string_view value) noexcept {
  // value = 0*255(chr) nblk-chr; chr = %x20 / nblk-chr; nblk-chr = %x21-7E except ',' '='
  if (value.empty() || value.size() > 256 || value.back() == ' ') return false;
  return std::all_of(value.begin(), value.end(),
                     [](char c) { return c >= 0x20 && c <= 0x7E && c != ',' && c != '='; });
}

// ---- baggage -----------------------------------------------------------------------------

// RFC 9110 tchar.
constexpr bool is_tchar(char c) noexcept {
  if (is_alpha(c) || is_digit(c)) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool is_token(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return is_tchar(c); });
}

// baggage-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
constexpr bool is_baggage_octet(char ch) noexcept {
  const auto c = static_cast<unsigned char>(ch);
  return c >= 0x21 && c <= 0x7E && c != '"' && c != ',' && c != ';' && c != '\\';
}

bool all_baggage_octets(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(), [](char c) { return is_baggage_octet(c); });
}

// property = key OWS "=" OWS value / key OWS; properties separated by OWS ";" OWS.
bool valid_properties(std::string_view props) {
  if (props.empty()) return false;
  return for_each_split(props, ';', [](std::string_view p) {
    p = trim_ows(p);
    const std::size_t eq = p.find('=');
    if (eq == std::string_view::npos) return is_token(p);
    return is_token(trim_ows(p.substr(0, eq))) && all_baggage_octets(trim_ows(p.substr(eq + 1)));
  });
}

void append_replacement(std::string& out) { out += "\xEF\xBF\xBD"; }

// Copies well-formed UTF-8 and replaces each maximal ill-formed subpart with U+FFFD (the
// Unicode "best practice" for replacement).
std::string sanitize_utf8(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  std::size_t i = 0;
  while (i < in.size()) {
    const auto b = static_cast<unsigned char>(in[i]);
    if (b < 0x80) {
      out += in[i++];
      continue;
    }
    int need = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) need = 1;
    else if (b == 0xE0) need = 2, lo = 0xA0;
    else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) need = 2;
    else if (b == 0xED) need = 2, hi = 0x9F;  // no surrogates
    else if (b == 0xF0) need = 3, lo = 0x90;
    else if (b >= 0xF1 && b <= 0xF3) need = 3;
    else if (b == 0xF4) need = 3, hi = 0x8F;  // <= U+10FFFF
    if (need == 0) {
      append_replacement(out);
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    int got = 0;
    while (got < need && j < in.size()) {
      const auto c = static_cast<unsigned char>(in[j]);
      if (c < lo || c > hi) break;
      lo = 0x80, hi = 0xBF;
      ++j, ++got;
    }
    if (got == need) out.append(in.substr(i, j - i));
    else append_replacement(out);
    i = j;
  }
  return out;
}

// Percent-decodes a string of baggage-octets; nullopt on a '%' not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view in) {
  std::string raw;
  raw.reserve(in.size());
  bool non_ascii = false;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      raw += in[i];
      continue;
    }
    if (in.size() - i < 3 || detail::hex_digit(in[i + 1]) < 0 || detail::hex_digit(in[i + 2]) < 0)
      return std::nullopt;
    const std::uint8_t byte = hex_byte(in[i + 1], in[i + 2]);
    non_ascii |= byte >= 0x80;
    raw += static_cast<char>(byte);
    i += 2;
  }
  if (!non_ascii) return raw;
  return sanitize_utf8(raw);
}

void percent_encode(std::string_view in, std::string& out) {
  constexpr char digits[] = "0123456789ABCDEF";
  for (char ch : in) {
    if (is_baggage_octet(ch) && ch != '%') {
      out += ch;
    } else {
      const auto c = static_cast<unsigned char>(ch);
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 0xF];
    }
  }
}

}  // namespace

// ---- traceparent -------------------------------------------------------------------------

std::optional<SpanContext> parse_traceparent(std::string_view header) {
  const std::string_view s = trim_ows(header);
  if (s.size() < kTraceparentSize) return std::nullopt;
  // version "-" trace-id "-" parent-id "-" flags: dashes at 2, 35 and 52, lowercase hex elsewhere.
  for (std::size_t i = 0; i < kTraceparentSize; ++i)
    if (i == 2 || i == 35 || i == 52 ? s[i] != '-' : !is_lower_hex(s[i])) return std::nullopt;
  if (s[0] == 'f' && s[1] == 'f') return std::nullopt;
  const bool v00 = s[0] == '0' && s[1] == '0';
  if (v00 && s.size() != kTraceparentSize) return std::nullopt;
  if (!v00 && s.size() > kTraceparentSize && s[kTraceparentSize] != '-') return std::nullopt;

  SpanContext ctx;
  for (std::size_t i = 0; i < 16; ++i) ctx.trace_id.bytes[i] = hex_byte(s[3 + 2 * i], s[4 + 2 * i]);
  for (std::size_t i = 0; i < 8; ++i) ctx.span_id.bytes[i] = hex_byte(s[36 + 2 * i], s[37 + 2 * i]);
  if (!ctx.valid()) return std::nullopt;
  ctx.trace_flags = hex_byte(s[53], s[54]);
  if (!v00) ctx.trace_flags &= kKnownFlags;
  ctx.remote = true;
  return ctx;
}

std::string format_traceparent(const SpanContext& context) {
  if (!context.valid()) return {};
  std::string out(kTraceparentSize, '-');
  out[0] = '0', out[1] = '0';
  context.trace_id.to_hex(out.data() + 3);
  context.span_id.to_hex(out.data() + 36);
  constexpr char digits[] = "0123456789abcdef";
  out[53] = digits[context.trace_flags >> 4];
  out[54] = digits[context.trace_flags & 0xF];
  return out;
}

// ---- tracestate --------------------------------------------------------------------------

bool TraceState::valid(std::string_view header) {
  std::size_t members = 0;
  return for_each_split(header, ',', [header, &members](std::string_view member) {
    member = trim_ows(member);
    if (member.empty()) return true;  // empty list members are allowed
    const std::size_t eq = member.find('=');
    if (eq == std::string_view::npos) return false;
    const std::string_view key = member.substr(0, eq);
    if (!valid_tracestate_key(key) || !valid_tracestate_value(member.substr(eq + 1))) return false;
    if (++members > kMaxTraceStateMembers) return false;
    // No duplicate among the members before this one (all valid, so each has its '=').
    const std::string_view before = header.substr(0, static_cast<std::size_t>(member.data() - header.data()));
    return for_each_split(before, ',', [key](std::string_view m) {
      m = trim_ows(m);
      return m.substr(0, m.find('=')) != key;
    });
  });
}

std::optional<TraceState> TraceState::parse(std::string_view header) {
  if (!valid(header)) return std::nullopt;
  TraceState ts;
  for_each_split(header, ',', [&ts](std::string_view member) {
    member = trim_ows(member);
    const std::size_t eq = member.find('=');
    if (!member.empty()) ts.members_.emplace_back(std::string(member.substr(0, eq)), std::string(member.substr(eq + 1)));
    return true;
  });
  return ts;
}

std::optional<std::string_view> TraceState::get(std::string_view key) const {
  for (const auto& [k, v] : members_)
    if (k == key) return std::string_view(v);
  return std::nullopt;
}

bool TraceState::set(std::string_view key, std::string_view value) {
  if (!valid_tracestate_key(key) || !valid_tracestate_value(value)) return false;
  erase(key);
  members_.emplace(members_.begin(), std::string(key), std::string(value));
  if (members_.size() > kMaxTraceStateMembers) members_.pop_back();
  return true;
}

void TraceState::erase(std::string_view key) {
  std::erase_if(members_, [key](const auto& m) { return m.first == key; });
}

std::string TraceState::to_header() const {
  std::string out;
  for (const auto& [k, v] : members_) {
    if (!out.empty()) out += ',';
    out += k;
    out += '=';
    out += v;
  }
  return out;
}

// ---- baggage -----------------------------------------------------------------------------

std::vector<BaggageEntry> parse_baggage(std::string_view header) {
  std::vector<BaggageEntry> entries;
  std::size_t bytes = 0;  // kept members as received, joined with ','
  for_each_split(header, ',', [&](std::string_view member) {
    member = trim_ows(member);
    if (member.empty()) return true;
    const std::size_t semi = member.find(';');
    const std::string_view pair = member.substr(0, semi);
    const std::string_view props = semi == std::string_view::npos ? std::string_view() : trim_ows(member.substr(semi + 1));
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) return true;
    const std::string_view key = trim_ows(pair.substr(0, eq)), raw = trim_ows(pair.substr(eq + 1));
    if (!is_token(key) || !all_baggage_octets(raw)) return true;
    if (semi != std::string_view::npos && !valid_properties(props)) return true;
    auto value = percent_decode(raw);
    if (!value) return true;
    const std::size_t size = bytes + (entries.empty() ? 0 : 1) + member.size();
    if (entries.size() == kMaxBaggageMembers || size > kMaxBaggageBytes) return false;
    bytes = size;
    entries.push_back(BaggageEntry{std::string(key), std::move(*value), std::string(props)});
    return true;
  });
  return entries;
}

std::string format_baggage(const std::vector<BaggageEntry>& entries) {
  std::string out, member;
  std::size_t count = 0;
  for (const auto& e : entries) {
    const std::string_view meta = trim_ows(e.metadata);
    if (!is_token(e.key) || (!meta.empty() && !valid_properties(meta))) continue;
    member.clear();
    member += e.key;
    member += '=';
    percent_encode(e.value, member);
    if (!meta.empty()) {
      member += ';';
      member += meta;
    }
    if (count == kMaxBaggageMembers || out.size() + (count ? 1 : 0) + member.size() > kMaxBaggageBytes) break;
    if (count++) out += ',';
    out += member;
  }
  return out;
}

}  // namespace otlp
