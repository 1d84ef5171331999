// What the web demo's receiver got: spans per run and transport (each demo span carries the
// resource attributes demo.run and demo.transport), the most recent spans of each transport and
// the most recent log records for the live panel, and one request per transport and run for
// the gzip rows' ratio. Called from the receiver's thread and read by the web server's;
// everything under one mutex.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/load.hpp"
#include "otlp/json/json.hpp"
#include "otlp/model/span.hpp"
#include "otlp/wire/proto_reader.hpp"

namespace otlp::cli {

inline constexpr std::size_t kRecentSpans = 50;     // the live panel's ring buffer, per transport
inline constexpr std::size_t kTransportsKept = 16;
inline constexpr std::size_t kRunsKept = 64;
inline constexpr std::size_t kRecentLogs = 50;      // the live panel's log records, all transports

inline std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

inline std::string json_number(double v) { return fixed(v, 3); }

inline const std::string* string_attribute(const Attributes& attrs, std::string_view key) {
  for (const KeyValue& kv : attrs)
    if (kv.key == key && kv.value.kind == AnyValue::Kind::string) return &kv.value.str;
  return nullptr;
}

// What the receiver got: arrivals per run and transport, and the most recent spans.
class Tally {
 public:
  void on_request(const TraceRequest& request) {
    std::lock_guard lock(mutex_);
    for (const ResourceSpans& rs : request.resource_spans) {
      const std::string* run = string_attribute(rs.resource.attributes, "demo.run");
      const std::string* transport = string_attribute(rs.resource.attributes, "demo.transport");
      const std::string run_id = run ? *run : "";
      const std::string name = transport ? *transport : "untagged";
      std::uint64_t n = 0;
      for (const ScopeSpans& ss : rs.scope_spans) n += ss.spans.size();
      auto [it, fresh] = counts_.try_emplace(run_id);
      if (fresh) {
        runs_.push_back(run_id);
        if (runs_.size() > kRunsKept) {
          counts_.erase(runs_.front());
          runs_.pop_front();
        }
      }
      it->second[name] += n;
      // A run's first request of each transport, for the gzip rows' compression ratio.
      if (auto& [sample_run, sample] = samples_[name]; sample_run != run_id) {
        sample_run = run_id;
        sample = TraceRequest{{rs}};
      }
      // Only the tail of a big request can stay in the ring anyway.
      Ring& ring = recent_[name];
      ring.last = ++arrivals_;
      std::uint64_t skip = n > kRecentSpans ? n - kRecentSpans : 0;
      for (const ScopeSpans& ss : rs.scope_spans) {
        for (const SpanData& s : ss.spans) {
          if (skip > 0) {
            --skip;
            continue;
          }
          ring.spans.push_back({s.trace_id.to_hex(), s.span_id.to_hex(),
                                s.parent_span_id.valid() ? s.parent_span_id.to_hex() : "", s.name, s.start_time_unix_nano,
                                s.end_time_unix_nano, s.status.code == StatusCode::error, static_cast<int>(s.kind)});
          if (ring.spans.size() > kRecentSpans) ring.spans.pop_front();
        }
      }
      if (recent_.size() > kTransportsKept) {
        auto oldest = recent_.begin();
        for (auto it = recent_.begin(); it != recent_.end(); ++it)
          if (it->second.last < oldest->second.last) oldest = it;
        recent_.erase(oldest);
      }
    }
  }

  // A checked ExportLogsServiceRequest (protobuf): its last records, as the JSON lines of
  // `otlp receive --out` (resource and scope with each), join the live panel's ring. Only the
  // tail of a big request can stay, so only the tail is transcoded.
  void on_logs(std::string_view protobuf) {
    std::uint64_t items = 0;
    if (!validate_request(Signal::logs, protobuf, items).ok()) return;
    const std::uint64_t skip = items > kRecentLogs ? items - kRecentLogs : 0;
    std::lock_guard lock(mutex_);
    transcode_record_lines(Signal::logs, protobuf, skip, [this](std::string_view lines) {
      for (std::size_t at = 0; at < lines.size();) {
        std::size_t end = lines.find('\n', at);
        if (end == std::string_view::npos) end = lines.size();
        if (end > at) recent_logs_.emplace_back(lines.substr(at, end - at));
        if (recent_logs_.size() > kRecentLogs) recent_logs_.pop_front();
        at = end + 1;
      }
    });
  }

  // Up to `limit` of the last log records, newest first, each the object of its JSON line.
  std::string logs_json(std::size_t limit) const {
    std::lock_guard lock(mutex_);
    std::string out = "{\"logs\":[";
    std::size_t shown = 0;
    for (auto it = recent_logs_.rbegin(); it != recent_logs_.rend() && shown < limit; ++it)
      out += (shown++ ? "," : "") + *it;
    return out + "]}";
  }

  std::uint64_t count(const std::string& run, const std::string& transport) const {
    std::lock_guard lock(mutex_);
    const auto r = counts_.find(run);
    if (r == counts_.end()) return 0;
    const auto t = r->second.find(transport);
    return t == r->second.end() ? 0 : t->second;
  }

  std::optional<TraceRequest> sample(const std::string& run, const std::string& transport) const {
    std::lock_guard lock(mutex_);
    const auto it = samples_.find(transport);
    if (it == samples_.end() || it->second.first != run) return std::nullopt;
    return it->second.second;
  }

  // One run's spans by transport, and the receiver's totals per signal since it started.
  std::string counts_json(const std::string& run, std::uint64_t received_spans, std::uint64_t received_logs) const {
    std::lock_guard lock(mutex_);
    std::string out = "{\"run\":" + json_string(run) + ",\"counts\":{";
    if (const auto r = counts_.find(run); r != counts_.end()) {
      bool first = true;
      for (const auto& [transport, n] : r->second) {
        if (!first) out += ',';
        first = false;
        out += json_string(transport);
        out += ':';
        out += std::to_string(n);
      }
    }
    return out + "},\"received\":{\"spans\":" + std::to_string(received_spans) +
           ",\"logRecords\":" + std::to_string(received_logs) + "}}";
  }

  // Up to `limit` recent traces, taken round-robin over the transports (the one heard from
  // last first), each transport's newest trace first: every transport of a run shows, not just
  // the last one. Each trace has the spans the ring still holds; times in microseconds from the
  // trace's first start.
  std::string traces_json(std::size_t limit) const {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<const std::string*, const Ring*>> transports;
    for (const auto& [name, ring] : recent_) transports.push_back({&name, &ring});
    std::sort(transports.begin(), transports.end(), [](auto& a, auto& b) { return a.second->last > b.second->last; });
    // Each transport's trace ids, those with the most spans in the ring first (a run's last
    // trace may be cut short, the oldest may have lost spans to the ring), then newest first.
    std::vector<std::vector<std::string>> ids(transports.size());
    for (std::size_t i = 0; i < transports.size(); ++i) {
      std::vector<std::pair<std::string, std::size_t>> found;  // trace id, spans held
      for (auto it = transports[i].second->spans.rbegin(); it != transports[i].second->spans.rend(); ++it) {
        auto f = std::find_if(found.begin(), found.end(), [&](const auto& e) { return e.first == it->trace; });
        if (f == found.end()) {
          found.push_back({it->trace, 1});
        } else {
          ++f->second;
        }
      }
      std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
      for (auto& f : found) ids[i].push_back(std::move(f.first));
    }
    std::string out = "{\"traces\":[";
    std::size_t shown = 0;
    for (std::size_t round = 0; shown < limit; ++round) {
      bool any = false;
      for (std::size_t i = 0; i < transports.size() && shown < limit; ++i) {
        if (round >= ids[i].size()) continue;
        any = true;
        out += std::string(shown++ ? "," : "") + trace_json(*transports[i].first, *transports[i].second, ids[i][round]);
      }
      if (!any) break;
    }
    return out + "]}";
  }

 private:
  struct Recent {
    std::string trace, span, parent, name;
    std::uint64_t start, end;
    bool error;
    int kind;
  };
  struct Ring {
    std::deque<Recent> spans;
    std::uint64_t last = 0;  // arrival number of its latest request
  };

  static std::string trace_json(const std::string& transport, const Ring& ring, const std::string& trace) {
    std::vector<const Recent*> spans;
    for (const Recent& r : ring.spans)
      if (r.trace == trace) spans.push_back(&r);
    std::uint64_t t0 = spans.front()->start;
    for (const Recent* s : spans) t0 = std::min(t0, s->start);
    const auto us = [t0](std::uint64_t t) { return t > t0 ? static_cast<double>(t - t0) / 1e3 : 0.0; };
    std::string out = "{\"traceId\":" + json_string(trace) + ",\"transport\":" + json_string(transport) +
                      ",\"startMs\":" + json_number(static_cast<double>(t0) / 1e6) + ",\"spans\":[";
    for (std::size_t j = 0; j < spans.size(); ++j) {
      const Recent& s = *spans[j];
      out += std::string(j ? "," : "") + "{\"spanId\":" + json_string(s.span) + ",\"parentSpanId\":" + json_string(s.parent) +
             ",\"name\":" + json_string(s.name) + ",\"kind\":" + std::to_string(s.kind) +
             ",\"error\":" + (s.error ? "true" : "false") + ",\"startUs\":" + json_number(us(s.start)) +
             ",\"endUs\":" + json_number(us(s.end)) + "}";
    }
    return out + "]}";
  }

  mutable std::mutex mutex_;
  std::map<std::string, std::map<std::string, std::uint64_t>> counts_;
  std::deque<std::string> runs_;
  std::map<std::string, Ring> recent_;  // by transport
  std::map<std::string, std::pair<std::string, TraceRequest>> samples_;  // transport -> (run, request)
  std::deque<std::string> recent_logs_;  // JSON lines, oldest first
  std::uint64_t arrivals_ = 0;
};

}  // namespace otlp::cli
