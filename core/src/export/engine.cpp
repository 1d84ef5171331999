#include "otlp/export/engine.hpp"

#include <algorithm>
#include <cstring>
#include <list>
#include <vector>

#include "export/record_batcher.hpp"
#ifndef OTLP_NO_JSON
#include "otlp/json/json.hpp"
#endif

namespace otlp {
namespace {

void add(std::atomic<std::uint64_t>& counter, std::uint64_t n) { counter.fetch_add(n, std::memory_order_relaxed); }
void sub(std::atomic<std::uint64_t>& counter, std::uint64_t n) { counter.fetch_sub(n, std::memory_order_relaxed); }
std::uint64_t get(const std::atomic<std::uint64_t>& counter) { return counter.load(std::memory_order_relaxed); }

// The latest failure message, written by the host loop and read by stats() on any thread: a
// sequence lock over words that are themselves atomic, so a reader that races the writer sees
// a changed sequence and reads again, never a torn string. Messages keep their first 1 KiB.
class ErrorText {
 public:
  void set(std::string_view text) {  // host loop only
    const std::size_t n = std::min(text.size(), kBytes);
    const std::uint32_t s = seq_.load(std::memory_order_relaxed);
    seq_.store(s + 1, std::memory_order_relaxed);
    for (std::size_t w = 0; w < (n + 7) / 8; ++w) {
      std::uint64_t word = 0;
      std::memcpy(&word, text.data() + w * 8, std::min<std::size_t>(8, n - w * 8));
      words_[w].store(word, std::memory_order_release);
    }
    size_.store(static_cast<std::uint32_t>(n), std::memory_order_release);
    seq_.store(s + 2, std::memory_order_release);
  }
  std::string get() const {  // any thread
    std::string out;
    for (;;) {
      const std::uint32_t s = seq_.load(std::memory_order_acquire);
      if (s & 1u) continue;
      const std::uint32_t n = size_.load(std::memory_order_acquire);
      out.resize(n);
      for (std::size_t w = 0; w < (n + 7) / 8; ++w) {
        const std::uint64_t word = words_[w].load(std::memory_order_acquire);
        std::memcpy(out.data() + w * 8, &word, std::min<std::size_t>(8, n - w * 8));
      }
      if (seq_.load(std::memory_order_relaxed) == s) return out;
    }
  }

 private:
  static constexpr std::size_t kBytes = 1024;
  std::atomic<std::uint32_t> seq_{0}, size_{0};
  std::atomic<std::uint64_t> words_[kBytes / 8] = {};
};

std::string items_noun(const ExportConfig& c) { return std::string(signal_info(c.signal).items); }

}  // namespace

double LatencyHistogram::quantile_ms(double q) const {
  if (total == 0) return 0;
  const double want = q * static_cast<double>(total);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += counts[i];
    if (static_cast<double>(seen) >= want) return i + 1 < kBuckets ? bounds_ms[i] : 2.0 * bounds_ms[kBuckets - 2];
  }
  return 2.0 * bounds_ms[kBuckets - 2];
}

std::optional<Error> validate(const ExportConfig& c) {
  auto err = [](std::string m) { return std::optional<Error>(Error{std::move(m)}); };
  if (c.export_timeout_ns == 0)
    return err("OTEL_" + std::string(signal_info(c.signal).batch_env) + "_EXPORT_TIMEOUT: must be greater than 0, got 0");
  if (c.exporter_timeout_ns == 0) return err("OTEL_EXPORTER_OTLP_TIMEOUT: must be greater than 0, got 0");
  if (c.max_request_bytes < 1024)
    return err("max_request_bytes: must be at least 1024, got " + std::to_string(c.max_request_bytes));
  if (c.max_concurrent_exports == 0) return err("max_concurrent_exports: must be at least 1, got 0");
  if (c.max_waiting_bodies == 0) return err("max_waiting_bodies: must be at least 1, got 0");
  if (c.retry.max_attempts == 0) return err("retry.max_attempts: must be at least 1, got 0");
  if (!(c.retry.multiplier >= 1.0)) return err("retry.multiplier: must be at least 1");
  if (c.retry.initial_backoff_ns > c.retry.max_backoff_ns)
    return err("retry.initial_backoff_ns: must not exceed retry.max_backoff_ns");
  return std::nullopt;
}

struct ExportEngine::Impl {
  enum class State : std::uint8_t { ready, in_flight, waiting };
  struct Body {
    std::uint64_t id = 0;  // ids rise in the order bodies came in, which flushes rely on
    std::string bytes;
    std::uint32_t items = 0;
    std::uint32_t attempt = 0;
    State state = State::ready;
    std::uint64_t first_sent = 0;
    std::uint64_t deadline = 0;  // first_sent + export_time_limit_ns: bounds every attempt
    std::uint64_t retry_at = 0;
  };
  // A flush waits until its source has let go of every item queued before it (`mark`), then
  // for every body that came in by then: the ids below `below`, 0 until then.
  struct Flush {
    std::uint64_t ticket;
    std::uint64_t mark;
    std::uint64_t below;
    std::uint64_t deadline;
    FlushState state;
  };

  Impl(const ExportConfig& c, detail::RecordBatcher* s) : rng(c.seed), source(s) {}

  Random rng;
  detail::RecordBatcher* source;
  // A list: a body stays where it is until it is final (hosts send from it), and in the WASM
  // module a list is ~1.7 KB gzipped smaller than a deque. There are only a few.
  std::list<Body> bodies;
  std::vector<Flush> flushes;
  std::string spare_body;  // the bytes of the last final body, for the next to be written into
  std::uint64_t next_id = 1;
  std::uint64_t next_ticket = 1;
  bool shutdown_requested = false;
  std::uint64_t shutdown_deadline = 0;

  // submitted and refused count what came through submit(); a source counts its own.
  std::atomic<std::uint64_t> submitted{0}, refused{0}, exported{0}, rejected{0}, failed{0}, in_bodies{0},
      requests{0}, retries{0}, bytes_sent{0};
  // Written by the host loop, read by stats() from any thread.
  std::atomic<std::uint64_t> latency_counts[LatencyHistogram::kBuckets] = {}, latency_total{0};
  ErrorText last_error;

  void note_error(std::string_view message) { last_error.set(message); }

  std::uint32_t active() const {
    std::uint32_t n = 0;
    for (const auto& b : bodies) n += b.state != State::ready;
    return n;
  }

  std::list<Body>::iterator first_ready() {
    return std::find_if(bodies.begin(), bodies.end(), [](const Body& b) { return b.state == State::ready; });
  }

  // Whether a flush waits on items the source still holds, or a shutdown on anything: then
  // whatever the source holds is due now.
  bool hurry() const {
    if (shutdown_requested) return true;
    for (const auto& f : flushes)
      if (f.state == FlushState::pending && f.below == 0 && source != nullptr && !source->passed(f.mark)) return true;
    return false;
  }

  ExportRequest send(Body& b, std::uint64_t now, const ExportConfig& c) {
    if (++b.attempt == 1) {
      b.first_sent = now;
      const std::uint64_t limit = export_time_limit_ns(c);
      b.deadline = limit < UINT64_MAX - now ? now + limit : UINT64_MAX;
    } else {
      add(retries, 1);
    }
    b.state = State::in_flight;
    add(requests, 1);
    add(bytes_sent, b.bytes.size());
    ExportRequest r;
    r.id = b.id;
    r.body = b.bytes;
    r.content_type = c.protocol == Protocol::json ? "application/json" : "application/x-protobuf";
    r.spans = b.items;
    r.attempt = b.attempt;
    r.deadline_unix_nano = b.deadline;
    return r;
  }

  void finish(std::list<Body>::iterator it, std::uint64_t now) {
    {
      const std::uint64_t ms = (now > it->first_sent ? now - it->first_sent : 0) / 1'000'000;
      std::size_t bucket = 0;
      while (bucket + 1 < LatencyHistogram::kBuckets && ms >= LatencyHistogram::bounds_ms[bucket]) ++bucket;
      add(latency_counts[bucket], 1);
      add(latency_total, 1);
    }
    sub(in_bodies, it->items);
    if (it->bytes.capacity() > spare_body.capacity()) spare_body.swap(it->bytes);
    bodies.erase(it);
  }

  void fail(std::list<Body>::iterator it, std::uint64_t now, std::string_view why) {
    add(failed, it->items);
    note_error(why);
    finish(it, now);
  }

  // Fails a body that ran out of time: "export timeout: <what> within <n> ms", n being the
  // sooner of the two bounds (export_time_limit_ns), then what its last attempt said, if anything.
  // The limit in milliseconds is what a user set, whether through --timeout, an OTEL_* variable or
  // an option of the WASM host, where variable names would mean nothing.
  void fail_in_time(std::list<Body>::iterator it, std::uint64_t now, const ExportConfig& c, const char* what,
                    std::string_view last) {
    std::string why = "export timeout: ";
    why += what;
    why += " within ";
    why += std::to_string(export_time_limit_ns(c) / 1'000'000);
    why += " ms";
    if (!last.empty()) {
      why += ": ";
      why += last;
    }
    fail(it, now, why);
  }

  void update_flushes(std::uint64_t now) {
    for (auto& f : flushes) {
      if (f.state != FlushState::pending) continue;
      if (f.below == 0 && (source == nullptr || source->passed(f.mark))) f.below = next_id;
      bool done = f.below != 0;
      for (const auto& b : bodies) done = done && b.id >= f.below;
      if (done) {
        f.state = FlushState::done;
      } else if (now >= f.deadline) {
        f.state = FlushState::timed_out;
      }
    }
    // Keep the record short: forget the oldest finished flushes (they read as done).
    while (flushes.size() > 64 && flushes.front().state != FlushState::pending) flushes.erase(flushes.begin());
  }
};

ExportEngine::ExportEngine(ExportConfig config, detail::RecordBatcher* source) : config_(std::move(config)) {
  // Keep a misconfigured engine usable; validate() is how hosts report the mistake.
  config_.max_concurrent_exports = std::max<std::uint32_t>(config_.max_concurrent_exports, 1);
  config_.retry.max_attempts = std::max<std::uint32_t>(config_.retry.max_attempts, 1);
#ifdef OTLP_NO_JSON
  config_.protocol = Protocol::protobuf;  // the only one this build encodes
#endif
  impl_ = std::make_unique<Impl>(config_, source);
}

ExportEngine::~ExportEngine() = default;

bool ExportEngine::to_protocol([[maybe_unused]] std::string& body) const {
#ifndef OTLP_NO_JSON  // a protobuf-only build (the smaller WASM module) leaves the JSON code out
  if (config_.protocol == Protocol::json) {
    std::string json;
    if (!transcode_request_json(config_.signal, body, json).ok()) return false;
    body = std::move(json);
  }
#endif
  return true;
}

void ExportEngine::add_body(std::string body, std::uint32_t items) {
  Impl& m = *impl_;
  Impl::Body b;
  b.id = m.next_id++;
  b.bytes = std::move(body);
  b.items = items;
  m.bodies.push_back(std::move(b));
  add(m.in_bodies, items);
}

void ExportEngine::fail_items(std::uint64_t items, std::string_view why) {
  add(impl_->failed, items);
  impl_->note_error(why);
}

std::string ExportEngine::take_spare_body() {
  std::string body;
  body.swap(impl_->spare_body);
  body.clear();
  return body;
}

bool ExportEngine::submit(std::string body, std::uint32_t items) {
  Impl& m = *impl_;
  add(m.submitted, items);
  if (m.shutdown_requested) {
    add(m.refused, items);
    return false;
  }
  if (static_cast<std::size_t>(std::count_if(m.bodies.begin(), m.bodies.end(),
                                             [](const Impl::Body& b) { return b.state == Impl::State::ready; })) >=
      config_.max_waiting_bodies) {
    add(m.refused, items);
    m.note_error(std::to_string(config_.max_waiting_bodies) + " requests of " + items_noun(config_) +
                 " wait unsent already: a new one of " + std::to_string(items) + " is dropped");
    return false;
  }
  if (!to_protocol(body)) {
    fail_items(items, "a request of " + items_noun(config_) + " could not be transcoded to JSON: it is not valid protobuf");
    return false;
  }
  if (body.size() > config_.max_request_bytes) {
    fail_items(items, "a request of " + std::to_string(body.size()) + " bytes exceeds the request limit of " +
                          std::to_string(config_.max_request_bytes) + " bytes");
    return false;
  }
  add_body(std::move(body), items);
  return true;
}

Stats ExportEngine::stats() const {
  Stats s;
  const Impl& m = *impl_;
  s.ended = get(m.submitted);
  s.dropped = get(m.refused);
  s.exported = get(m.exported);
  s.rejected = get(m.rejected);
  s.failed = get(m.failed);
  s.queued = get(m.in_bodies) + (m.source != nullptr ? m.source->waiting() : 0);
  s.requests = get(m.requests);
  s.retries = get(m.retries);
  s.bytes_sent = get(m.bytes_sent);
  for (std::size_t b = 0; b < LatencyHistogram::kBuckets; ++b) s.export_latency.counts[b] = get(m.latency_counts[b]);
  s.export_latency.total = get(m.latency_total);
  s.last_error = m.last_error.get();
  return s;
}

std::optional<ExportRequest> ExportEngine::poll_export(std::uint64_t now) {
  Impl& m = *impl_;
  if (collector_ != nullptr && !m.shutdown_requested && now >= collector_->next_collection()) collector_->collect(now);
  handle_timeouts(now);
  for (auto& b : m.bodies)
    if (b.state == Impl::State::waiting && b.retry_at <= now) return m.send(b, now, config_);
  if (m.active() >= config_.max_concurrent_exports) return std::nullopt;
  auto it = m.first_ready();
  if (it == m.bodies.end() && m.source != nullptr && m.source->cut(now, m.hurry(), *this)) {
    it = m.first_ready();
    m.update_flushes(now);  // a batch of only oversized items may have finished a flush
  }
  if (it == m.bodies.end()) return std::nullopt;
  return m.send(*it, now, config_);
}

void ExportEngine::on_result(std::uint64_t now, std::uint64_t id, const Outcome& outcome) {
  Impl& m = *impl_;
  auto it = std::find_if(m.bodies.begin(), m.bodies.end(),
                         [id](const auto& b) { return b.id == id && b.state == Impl::State::in_flight; });
  if (it == m.bodies.end()) return;
  const RetryDecision d = decide_retry(outcome, it->attempt, config_.retry, m.rng);
  switch (d.action) {
    case RetryDecision::Action::success:
      add(m.exported, it->items);
      m.finish(it, now);
      break;
    case RetryDecision::Action::partial_success: {
      const auto rejected = static_cast<std::uint64_t>(
          std::clamp<std::int64_t>(outcome.partial.rejected_spans, 0, static_cast<std::int64_t>(it->items)));
      add(m.rejected, rejected);
      add(m.exported, it->items - rejected);
      if (rejected > 0 || !outcome.partial.error_message.empty())
        m.note_error("partial success: " + std::to_string(rejected) + " " + items_noun(config_) + " rejected" +
                     (outcome.partial.error_message.empty() ? "" : ": " + outcome.partial.error_message));
      m.finish(it, now);
      break;
    }
    case RetryDecision::Action::retry:
      if (d.delay_ns >= it->deadline - std::min(now, it->deadline)) {
        m.fail_in_time(it, now, config_, "no time left to retry", outcome.message.empty() ? d.reason : outcome.message);
      } else {
        it->state = Impl::State::waiting;
        it->retry_at = now + d.delay_ns;
      }
      break;
    case RetryDecision::Action::fail:
      m.fail(it, now, std::string(d.reason) + (outcome.message.empty() ? "" : ": " + outcome.message));
      break;
  }
  m.update_flushes(now);
}

std::uint64_t ExportEngine::next_deadline() const {
  const Impl& m = *impl_;
  std::uint64_t d = UINT64_MAX;
  const bool room = m.active() < config_.max_concurrent_exports;
  for (const auto& b : m.bodies) {
    if (b.state == Impl::State::in_flight) d = std::min(d, b.deadline);
    if (b.state == Impl::State::waiting) d = std::min(d, b.retry_at);
    if (b.state == Impl::State::ready && room) d = 0;
  }
  for (const auto& f : m.flushes)
    if (f.state == FlushState::pending) d = std::min(d, f.deadline);
  if (m.shutdown_requested && !is_shut_down()) d = std::min(d, m.shutdown_deadline);
  if (m.source != nullptr && room) d = std::min(d, m.source->due_at(m.hurry()));
  if (collector_ != nullptr && !m.shutdown_requested) d = std::min(d, collector_->next_collection());
  return d;
}

void ExportEngine::handle_timeouts(std::uint64_t now) {
  Impl& m = *impl_;
  for (auto it = m.bodies.begin(); it != m.bodies.end();) {
    if (it->state == Impl::State::in_flight && now >= it->deadline) {
      m.fail_in_time(it, now, config_, "no answer", {});
      it = m.bodies.begin();
    } else {
      ++it;
    }
  }
  m.update_flushes(now);  // a flush whose time is up says so, before the leftovers are cleared
  if (m.shutdown_requested && now >= m.shutdown_deadline) {
    // What could not be sent in time is reported as failed, never lost silently.
    std::uint64_t lost = m.source != nullptr ? m.source->discard() : 0;
    for (const auto& b : m.bodies) lost += b.items;
    m.in_bodies.store(0, std::memory_order_relaxed);
    m.bodies.clear();
    if (lost) fail_items(lost, "shutdown: " + std::to_string(lost) + " " + items_noun(config_) + " could not be sent in time");
  }
  m.update_flushes(now);
}

std::uint64_t ExportEngine::force_flush(std::uint64_t now, std::uint64_t timeout_ns) {
  Impl& m = *impl_;
  // What was recorded until now is part of what a flush waits for (and a shutdown's last
  // collection happens here, just before the engine refuses bodies).
  if (collector_ != nullptr && !m.shutdown_requested) collector_->collect(now);
  const std::uint64_t ticket = m.next_ticket++;
  m.flushes.push_back({ticket, m.source != nullptr ? m.source->mark() : 0, 0, now + timeout_ns, FlushState::pending});
  m.update_flushes(now);
  return ticket;
}

FlushState ExportEngine::flush_state(std::uint64_t ticket) const {
  for (const auto& f : impl_->flushes)
    if (f.ticket == ticket) return f.state;
  return FlushState::done;  // finished long ago and forgotten
}

std::uint64_t ExportEngine::shutdown(std::uint64_t now, std::uint64_t timeout_ns) {
  Impl& m = *impl_;
  if (!m.shutdown_requested) {
    if (collector_ != nullptr) collector_->collect(now);  // the last collection
    m.shutdown_requested = true;
    m.shutdown_deadline = now + timeout_ns;
  }
  return force_flush(now, timeout_ns);
}

void ExportEngine::set_request_limits(std::size_t max_request_bytes, std::uint32_t max_concurrent_exports) {
  config_.max_request_bytes = std::max<std::size_t>(max_request_bytes, 1024);
  config_.max_concurrent_exports = std::max<std::uint32_t>(max_concurrent_exports, 1);
}

bool ExportEngine::is_shut_down() const noexcept {
  const Impl& m = *impl_;
  return m.shutdown_requested && (m.source == nullptr || m.source->waiting() == 0) && m.bodies.empty();
}

}  // namespace otlp
