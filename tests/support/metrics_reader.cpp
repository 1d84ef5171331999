#include "support/metrics_reader.hpp"

#include <cstring>

namespace otlp::testing {
namespace {

struct Field {
  unsigned number = 0;
  unsigned wire = 0;
  std::uint64_t value = 0;  // varint or fixed
  std::string_view bytes;   // length-delimited
};

// Calls each(Field) for every field of `message`; false when malformed.
template <class F>
bool walk(std::string_view message, F&& each) {
  std::size_t at = 0;
  const auto varint = [&](std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 70 && at < message.size(); shift += 7) {
      const auto b = static_cast<unsigned char>(message[at++]);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) return true;
    }
    return false;
  };
  while (at < message.size()) {
    std::uint64_t key;
    if (!varint(key)) return false;
    Field f;
    f.number = static_cast<unsigned>(key >> 3);
    f.wire = static_cast<unsigned>(key & 7);
    if (f.wire == 0) {
      if (!varint(f.value)) return false;
    } else if (f.wire == 1 || f.wire == 5) {
      const std::size_t n = f.wire == 1 ? 8 : 4;
      if (message.size() - at < n) return false;
      for (std::size_t i = 0; i < n; ++i)
        f.value |= static_cast<std::uint64_t>(static_cast<unsigned char>(message[at + i])) << (8 * i);
      at += n;
    } else if (f.wire == 2) {
      std::uint64_t n;
      if (!varint(n) || n > message.size() - at) return false;
      f.bytes = message.substr(at, n);
      at += n;
    } else {
      return false;
    }
    if (!each(f)) return false;
  }
  return true;
}

double as_double(std::uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

std::string number_text(double d) {
  std::string s = std::to_string(d);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s += '0';  // "1.0": a double never reads as an int
  return s;
}

bool any_value(std::string_view bytes, std::string& out) {
  return walk(bytes, [&](const Field& f) {
    switch (f.number) {
      case 1: out = std::string(f.bytes); break;
      case 2: out = f.value ? "true" : "false"; break;
      case 3: out = std::to_string(static_cast<std::int64_t>(f.value)); break;
      case 4: out = number_text(as_double(f.value)); break;
      default: out = "<complex>"; break;
    }
    return true;
  });
}

bool key_value(std::string_view bytes, std::map<std::string, std::string>& out) {
  std::string key, value;
  const bool ok = walk(bytes, [&](const Field& f) {
    if (f.number == 1) key = std::string(f.bytes);
    if (f.number == 2) return any_value(f.bytes, value);
    return true;
  });
  out[key] = value;
  return ok;
}

bool packed(std::string_view bytes, std::vector<std::uint64_t>& out) {
  if (bytes.size() % 8) return false;
  for (std::size_t i = 0; i < bytes.size(); i += 8) {
    std::uint64_t v = 0;
    for (std::size_t j = 0; j < 8; ++j) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[i + j])) << (8 * j);
    out.push_back(v);
  }
  return true;
}

bool number_point(std::string_view bytes, PointRead& p) {
  return walk(bytes, [&](const Field& f) {
    switch (f.number) {
      case 2: p.start = f.value; break;
      case 3: p.time = f.value; break;
      case 4: p.has_double = true, p.as_double = as_double(f.value); break;
      case 6: p.has_int = true, p.as_int = static_cast<std::int64_t>(f.value); break;
      case 7: ++p.attribute_fields; return key_value(f.bytes, p.attributes);
      default: break;
    }
    return true;
  });
}

bool histogram_point(std::string_view bytes, PointRead& p) {
  return walk(bytes, [&](const Field& f) {
    switch (f.number) {
      case 2: p.start = f.value; break;
      case 3: p.time = f.value; break;
      case 4: p.count = f.value; break;
      case 5: p.sum = as_double(f.value); break;
      case 6: return packed(f.bytes, p.bucket_counts);
      case 7: {
        std::vector<std::uint64_t> bits;
        if (!packed(f.bytes, bits)) return false;
        for (const auto b : bits) p.explicit_bounds.push_back(as_double(b));
        break;
      }
      case 9: ++p.attribute_fields; return key_value(f.bytes, p.attributes);
      case 11: p.min = as_double(f.value); break;
      case 12: p.max = as_double(f.value); break;
      default: break;
    }
    return true;
  });
}

std::int32_t unzigzag(std::uint64_t v) {
  const auto z = static_cast<std::uint32_t>(v);
  return static_cast<std::int32_t>((z >> 1) ^ (0u - (z & 1)));
}

bool packed_varints(std::string_view bytes, std::vector<std::uint64_t>& out) {
  std::uint64_t v = 0;
  int shift = 0;
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    if (shift >= 64) return false;
    v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    shift += 7;
    if (b < 0x80) {
      out.push_back(v);
      v = 0;
      shift = 0;
    }
  }
  return shift == 0;  // no varint cut short
}

bool buckets(std::string_view bytes, std::int32_t& offset, std::vector<std::uint64_t>& counts) {
  return walk(bytes, [&](const Field& f) {
    if (f.number == 1) offset = unzigzag(f.value);
    if (f.number == 2) return f.wire == 2 && packed_varints(f.bytes, counts);
    return true;
  });
}

bool exponential_point(std::string_view bytes, PointRead& p) {
  return walk(bytes, [&](const Field& f) {
    switch (f.number) {
      case 1: ++p.attribute_fields; return key_value(f.bytes, p.attributes);
      case 2: p.start = f.value; break;
      case 3: p.time = f.value; break;
      case 4: p.count = f.value; break;
      case 5: p.sum = as_double(f.value); break;
      case 6: p.scale = unzigzag(f.value); break;
      case 7: p.zero_count = f.value; break;
      case 8: return buckets(f.bytes, p.positive_offset, p.positive_counts);
      case 9: return buckets(f.bytes, p.negative_offset, p.negative_counts);
      case 12: p.min = as_double(f.value); break;
      case 13: p.max = as_double(f.value); break;
      case 14: p.zero_threshold = as_double(f.value); break;
      default: break;
    }
    return true;
  });
}

bool data(std::string_view bytes, MetricRead& m) {
  return walk(bytes, [&](const Field& f) {
    if (f.number == 1) {
      m.points.emplace_back();
      switch (m.type) {
        case MetricRead::Type::histogram: return histogram_point(f.bytes, m.points.back());
        case MetricRead::Type::exponential_histogram: return exponential_point(f.bytes, m.points.back());
        default: return number_point(f.bytes, m.points.back());
      }
    }
    if (f.number == 2) m.temporality = static_cast<int>(f.value);
    if (f.number == 3) m.monotonic = f.value != 0;
    return true;
  });
}

bool metric(std::string_view bytes, MetricRead& m) {
  return walk(bytes, [&](const Field& f) {
    switch (f.number) {
      case 1: m.name = std::string(f.bytes); break;
      case 2: m.description = std::string(f.bytes); break;
      case 3: m.unit = std::string(f.bytes); break;
      case 5: m.type = MetricRead::Type::gauge; return data(f.bytes, m);
      case 7: m.type = MetricRead::Type::sum; return data(f.bytes, m);
      case 9: m.type = MetricRead::Type::histogram; return data(f.bytes, m);
      case 10: m.type = MetricRead::Type::exponential_histogram; return data(f.bytes, m);
      default: break;
    }
    return true;
  });
}

}  // namespace

std::size_t MetricsRead::points() const {
  std::size_t n = 0;
  for (const auto& m : metrics) n += m.points.size();
  return n;
}

const MetricRead* MetricsRead::find(std::string_view name) const {
  for (const auto& m : metrics)
    if (m.name == name) return &m;
  return nullptr;
}

bool read_metrics(std::string_view body, MetricsRead& out) {
  return walk(body, [&](const Field& rm) {
    if (rm.number != 1) return true;
    return walk(rm.bytes, [&](const Field& f) {
      if (f.number == 1) {
        return walk(f.bytes, [&](const Field& r) { return r.number != 1 || key_value(r.bytes, out.resource); });
      }
      if (f.number != 2) return true;
      ++out.scopes;
      std::string scope_name, scope_version;
      std::vector<MetricRead> metrics;
      const bool ok = walk(f.bytes, [&](const Field& s) {
        if (s.number == 1) {
          return walk(s.bytes, [&](const Field& sc) {
            if (sc.number == 1) scope_name = std::string(sc.bytes);
            if (sc.number == 2) scope_version = std::string(sc.bytes);
            return true;
          });
        }
        if (s.number == 2) {
          metrics.emplace_back();
          return metric(s.bytes, metrics.back());
        }
        return true;
      });
      for (auto& m : metrics) {
        m.scope_name = scope_name;
        m.scope_version = scope_version;
        out.metrics.push_back(std::move(m));
      }
      return ok;
    });
  });
}

}  // namespace otlp::testing
