#include "otlp/export/pipeline.hpp"

#include <algorithm>
#include <cstring>
#include <list>
#include <string_view>

#ifndef OTLP_NO_JSON
#include "otlp/json/json.hpp"
#endif
#include "wire/proto_wire.hpp"

namespace otlp {
namespace {

void recycle(std::string& buffer);

// A bounded multi-producer queue (Dmitry Vyukov's array design): a producer claims a
// position with one CAS and publishes it with a release store; nobody waits on a lock. The
// one consumer is the host loop.
//
// A producer (an application thread) and the consumer run on different cores, and a line the
// consumer wrote costs the producer a transfer from the consumer's cache when it next touches
// it: ~50 ns when the two vCPUs share a cache, ~200 ns on this machine kind when they do not
// (the hypervisor moves vCPUs: a line's round trip between them measures ~60, ~95 or ~450 ns,
// minutes apart). So a slot fills a line of its own (with the queue full, a producer fills the
// slot next to the one the consumer is taking), and the head, which every push reads to count
// the queue, moves once per batch taken rather than once per span.
class SpanQueue {
 public:
  struct alignas(64) Slot {
    std::atomic<std::uint64_t> seq{0};
    std::uint16_t scope = 0;
    std::size_t len = 0;  // the span is bytes' first len bytes
    std::string bytes;
  };
  struct Item {
    std::uint64_t pos = 0;
    std::uint16_t scope = 0;
    std::size_t len = 0;
    std::string bytes;
  };

  explicit SpanQueue(std::uint32_t capacity) : capacity_(capacity), slots_(new Slot[capacity]) {
    for (std::uint32_t i = 0; i < capacity; ++i) slots_[i].seq.store(i, std::memory_order_relaxed);
  }

  // Swaps `bytes` in only when there is room; the caller gets the slot's spare buffer.
  bool push(std::uint16_t scope, std::string& bytes, std::size_t len) {
    std::uint64_t pos = tail_.load(std::memory_order_relaxed);
    Slot* slot;
    for (;;) {
      slot = &slots_[static_cast<std::size_t>(pos % capacity_)];
      const std::uint64_t seq = slot->seq.load(std::memory_order_acquire);
      const auto diff = static_cast<std::int64_t>(seq - pos);
      if (diff == 0) {
        if (tail_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) break;
      } else if (diff < 0) {
        return false;
      } else {
        pos = tail_.load(std::memory_order_relaxed);
      }
    }
    slot->scope = scope;
    slot->len = len;
    slot->bytes.swap(bytes);
    slot->seq.store(pos + 1, std::memory_order_release);
    return true;
  }

  // The item at the consumer's position once published (consumer only; null while empty).
  const Slot* front() const {
    const Slot* slot = &slots_[static_cast<std::size_t>(taken_ % capacity_)];
    return slot->seq.load(std::memory_order_acquire) == taken_ + 1 ? slot : nullptr;
  }

  // Swaps the item at the consumer's position into `out`, leaving `out`'s old buffer (emptied)
  // in the slot for the next producer to reuse; oversized buffers are released instead of
  // kept. The slot is free for producers at once; head() moves at publish().
  bool take(Item& out) {
    const std::uint64_t pos = taken_;
    Slot& slot = slots_[static_cast<std::size_t>(pos % capacity_)];
    if (slot.seq.load(std::memory_order_acquire) != pos + 1) return false;
    out.pos = pos;
    out.scope = slot.scope;
    out.len = slot.len;
    out.bytes.swap(slot.bytes);
    recycle(slot.bytes);
    slot.seq.store(pos + capacity_, std::memory_order_release);
    taken_ = pos + 1;
    return true;
  }
  void publish() { head_.store(taken_, std::memory_order_release); }
  bool pop(Item& out) {
    if (!take(out)) return false;
    publish();
    return true;
  }

  std::uint64_t head() const { return head_.load(std::memory_order_acquire); }
  std::uint64_t tail() const { return tail_.load(std::memory_order_acquire); }
  std::uint64_t size() const {
    const std::uint64_t h = head(), t = tail();
    return t > h ? t - h : 0;
  }

 private:
  const std::uint64_t capacity_;
  std::unique_ptr<Slot[]> slots_;
  alignas(64) std::atomic<std::uint64_t> tail_{0};
  alignas(64) std::atomic<std::uint64_t> head_{0};  // what the consumer took, as of its last publish()
  alignas(64) std::uint64_t taken_ = 0;             // the consumer's own position
};

// Keeps a span buffer for reuse, contents and all: the next span overwrites them, and keeping
// the size spares it a zero-fill of the whole buffer. One that grew past a few typical spans is
// freed.
void recycle(std::string& buffer) {
  if (buffer.capacity() > 8192) std::string().swap(buffer);
}

void add(std::atomic<std::uint64_t>& counter, std::uint64_t n) { counter.fetch_add(n, std::memory_order_relaxed); }
void sub(std::atomic<std::uint64_t>& counter, std::uint64_t n) { counter.fetch_sub(n, std::memory_order_relaxed); }
std::uint64_t get(const std::atomic<std::uint64_t>& counter) { return counter.load(std::memory_order_relaxed); }

void append_varint(std::string& out, std::uint64_t v) {
  char tmp[10];
  out.append(tmp, static_cast<std::size_t>(detail::put_varint(tmp, v) - tmp));
}

constexpr std::size_t kEnvelopeBytes = 1 + 5;  // a field tag and a length of at most 5 bytes

// Whether a batch's scope list has `scope`; spans mostly come in runs of one scope, so the last
// one is checked first.
bool has_scope(const std::vector<std::uint16_t>& scopes, std::uint16_t scope) {
  return (!scopes.empty() && scopes.back() == scope) || std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

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

std::optional<Error> validate(const PipelineConfig& c) {
  auto err = [](std::string m) { return std::optional<Error>(Error{std::move(m)}); };
  const std::string var = "OTEL_" + std::string(signal_info(c.signal).batch_env) + "_";
  if (c.max_queue_size == 0) return err(var + "MAX_QUEUE_SIZE: must be at least 1, got 0");
  if (c.max_export_batch_size == 0) return err(var + "MAX_EXPORT_BATCH_SIZE: must be at least 1, got 0");
  if (c.max_export_batch_size > c.max_queue_size)
    return err(var + "MAX_EXPORT_BATCH_SIZE: " + std::to_string(c.max_export_batch_size) + " must not exceed " +
               var + "MAX_QUEUE_SIZE " + std::to_string(c.max_queue_size));
  if (c.export_timeout_ns == 0) return err(var + "EXPORT_TIMEOUT: must be greater than 0, got 0");
  if (c.exporter_timeout_ns == 0) return err("OTEL_EXPORTER_OTLP_TIMEOUT: must be greater than 0, got 0");
  if (c.max_request_bytes < 1024)
    return err("max_request_bytes: must be at least 1024, got " + std::to_string(c.max_request_bytes));
  if (c.max_concurrent_exports == 0) return err("max_concurrent_exports: must be at least 1, got 0");
  if (c.retry.max_attempts == 0) return err("retry.max_attempts: must be at least 1, got 0");
  if (!(c.retry.multiplier >= 1.0)) return err("retry.multiplier: must be at least 1");
  if (c.retry.initial_backoff_ns > c.retry.max_backoff_ns)
    return err("retry.initial_backoff_ns: must not exceed retry.max_backoff_ns");
  return std::nullopt;
}

// The instrumentation scopes, each encoded once. Any thread may add one (a tracer is made);
// the host loop reads them. A lock-free stack of immutable nodes, newest first, whose indices are
// dense: a node takes the index after the head it is pushed onto, and a push that loses the race
// looks again (the winner may have added the same scope). The host loop keeps a table by index,
// extended from the stack when it meets an index it has not seen.
class ScopeRegistry {
  struct Node {
    std::string part;
    std::uint16_t index;
    const Node* next;
  };

 public:
  ScopeRegistry() = default;
  ScopeRegistry(const ScopeRegistry&) = delete;
  ScopeRegistry& operator=(const ScopeRegistry&) = delete;
  ~ScopeRegistry() {
    for (const Node* n = head_.load(std::memory_order_acquire); n != nullptr;) {
      const Node* next = n->next;
      delete n;
      n = next;
    }
  }

  // Any thread.
  std::uint16_t add(std::string part) {
    auto node = std::make_unique<Node>(Node{std::move(part), 0, nullptr});
    const Node* head = head_.load(std::memory_order_acquire);
    for (;;) {
      for (const Node* n = head; n != nullptr; n = n->next)
        if (n->part == node->part) return n->index;
      if (head != nullptr && head->index >= kLastScope) return kLastScope;  // absurdly many share the last
      node->index = head == nullptr ? 0 : static_cast<std::uint16_t>(head->index + 1);
      node->next = head;
      if (head_.compare_exchange_weak(head, node.get(), std::memory_order_release, std::memory_order_acquire)) {
        return node.release()->index;
      }
    }
  }

  // Host loop only. `index` came from add(), which published it before any span carried it.
  const std::string& part(std::uint16_t index) {
    if (index >= table_.size()) {
      const Node* head = head_.load(std::memory_order_acquire);
      const std::size_t known = table_.size();
      table_.resize(static_cast<std::size_t>(head->index) + 1);
      for (const Node* n = head; n != nullptr && n->index >= known; n = n->next) table_[n->index] = &n->part;
    }
    return *table_[index];
  }

 private:
  static constexpr std::uint16_t kLastScope = 0xffff - 1;
  std::atomic<const Node*> head_{nullptr};
  std::vector<const std::string*> table_;
};

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

struct Pipeline::Impl {
  enum class State : std::uint8_t { ready, in_flight, waiting };
  struct Batch {
    std::uint64_t id = 0;
    std::string body;
    std::uint32_t spans = 0;
    std::uint32_t attempt = 0;
    std::uint64_t min_pos = 0;  // queue position of its oldest span, for flush tracking
    State state = State::ready;
    std::uint64_t first_sent = 0;
    std::uint64_t deadline = 0;  // first_sent + export_time_limit_ns: bounds every attempt
    std::uint64_t retry_at = 0;
  };
  struct Flush {
    std::uint64_t ticket;
    std::uint64_t target;  // every queue position below it must be final
    std::uint64_t deadline;
    FlushState state;
  };

  Impl(const PipelineConfig& c, Resource r) : queue(c.max_queue_size), rng(c.seed) {
    detail::Writer w(resource_part);
    detail::write_resource(w, 1, r);
  }

  SpanQueue queue;
  Random rng;
  std::string resource_part;  // ResourceSpans.resource, encoded once

  ScopeRegistry scope_registry;

  // A list: a batch's body stays where it is until the batch is final (hosts send from it), and
  // in the WASM module a list is ~1.7 KB gzipped smaller than a deque. There are only a few.
  std::list<Batch> batches;
  std::vector<Flush> flushes;
  std::vector<SpanQueue::Item> items;  // reused between batches, buffers and all
  // The body of the last final batch, which the next batch is written into: a fresh body of a
  // few hundred KB would be pages the kernel maps and zeroes again for every batch.
  std::string spare_body;
  std::uint64_t next_id = 1;
  std::uint64_t next_ticket = 1;
  std::uint64_t last_export = 0;
  bool timer_started = false;
  std::atomic<bool> closed{false};
  // Set by the enqueue that finds a full batch waiting (it alone reports batch_ready), cleared
  // when the host loop has taken a batch off the queue: one wake-up per batch, not one per span
  // while it waits.
  std::atomic<bool> batch_signaled{false};
  bool shutdown_requested = false;
  std::uint64_t shutdown_deadline = 0;

  // Owned sets, then the shared one (SpanCounters::shared) for the threads beyond them.
  static constexpr std::uint32_t kOwnedCounters = 64;
  std::unique_ptr<SpanCounters[]> counters = make_counters();
  std::atomic<std::uint32_t> claimed_counters{0};
  static std::unique_ptr<SpanCounters[]> make_counters() {
    auto c = std::make_unique<SpanCounters[]>(kOwnedCounters + 1);
    c[kOwnedCounters].shared = true;
    return c;
  }

  std::atomic<std::uint64_t> exported{0}, rejected{0}, failed{0}, in_batches{0}, requests{0}, retries{0}, bytes_sent{0};
  // Written by the host loop, read by stats() from any thread.
  std::atomic<std::uint64_t> latency_counts[LatencyHistogram::kBuckets] = {}, latency_total{0};
  ErrorText last_error;

  void note_error(const std::string& message) { last_error.set(message); }

  std::uint32_t active() const {
    std::uint32_t n = 0;
    for (const auto& b : batches) n += b.state != State::ready;
    return n;
  }

  bool flush_waiting() const {
    const std::uint64_t head = queue.head();
    for (const auto& f : flushes)
      if (f.state == FlushState::pending && f.target > head) return true;
    return false;
  }

  bool batch_due(std::uint64_t now, const PipelineConfig& c) const {
    const std::uint64_t n = queue.size();
    if (n == 0) return false;
    return n >= c.max_export_batch_size || now >= last_export + c.schedule_delay_ns || flush_waiting() ||
           shutdown_requested;
  }

  // Encodes items [first, last) as one ExportTraceServiceRequest, spans grouped by scope.
  std::string encode(std::size_t first, std::size_t last) {
    std::vector<std::uint16_t> scopes;
    for (std::size_t i = first; i < last; ++i)
      if (!has_scope(scopes, items[i].scope)) scopes.push_back(items[i].scope);
    std::vector<std::size_t> scope_len(scopes.size());
    std::size_t rs_len = resource_part.size();
    for (std::size_t s = 0; s < scopes.size(); ++s) {
      std::size_t len = scope_registry.part(scopes[s]).size();
      for (std::size_t i = first; i < last; ++i)
        if (items[i].scope == scopes[s]) len += items[i].len;
      scope_len[s] = len;
      rs_len += 1 + detail::varint_size(len) + len;
    }
    std::string body;
    body.swap(spare_body);
    body.clear();
    body.reserve(1 + detail::varint_size(rs_len) + rs_len);
    body += static_cast<char>(detail::tag(1, detail::kLen));
    append_varint(body, rs_len);
    body += resource_part;
    for (std::size_t s = 0; s < scopes.size(); ++s) {
      body += static_cast<char>(detail::tag(2, detail::kLen));
      append_varint(body, scope_len[s]);
      body += scope_registry.part(scopes[s]);
      for (std::size_t i = first; i < last; ++i)
        if (items[i].scope == scopes[s]) body.append(items[i].bytes.data(), items[i].len);
    }
    return body;
  }

  // Turns items [first, last) into ready batches, halving JSON bodies that outgrow the limit.
  void make_batches(std::size_t first, std::size_t last, [[maybe_unused]] const PipelineConfig& c) {
    std::string body = encode(first, last);
#ifndef OTLP_NO_JSON  // a protobuf-only build (the smaller WASM module) leaves the JSON code out
    if (c.protocol == Protocol::json) {
      std::string json;
      if (!transcode_request_json(c.signal, body, json).ok()) {  // cannot happen for bytes we wrote
        add(failed, last - first);
        sub(in_batches, last - first);
        note_error("internal error: a batch could not be transcoded to JSON");
        return;
      }
      body = std::move(json);
      if (body.size() > c.max_request_bytes && last - first > 1) {
        const std::size_t mid = first + (last - first) / 2;
        make_batches(first, mid, c);
        make_batches(mid, last, c);
        return;
      }
    }
#endif
    Batch b;
    b.id = next_id++;
    b.body = std::move(body);
    b.spans = static_cast<std::uint32_t>(last - first);
    b.min_pos = items[first].pos;
    for (std::size_t i = first; i < last; ++i) b.min_pos = std::min(b.min_pos, items[i].pos);
    batches.push_back(std::move(b));
  }

  void build(std::uint64_t now, const PipelineConfig& c) {
    last_export = now;
    std::vector<std::uint16_t> scopes;
    std::size_t total = kEnvelopeBytes + resource_part.size();
    std::size_t n = 0;
    const SpanQueue::Slot* front;
    while (n < c.max_export_batch_size && (front = queue.front())) {
      const std::uint16_t scope = front->scope;
      std::size_t need = front->len;
      const bool new_scope = !has_scope(scopes, scope);
      if (new_scope) need += kEnvelopeBytes + scope_registry.part(scope).size();
      if (n > 0 && total + need > c.max_request_bytes) break;
      if (n == items.size()) items.emplace_back();
      SpanQueue::Item& item = items[n];
      queue.take(item);
      if (total + need > c.max_request_bytes) {  // one span alone is over the limit
        add(failed, 1);
        note_error("a " + std::string(signal_info(c.signal).item) + " of " + std::to_string(item.len) +
                   " bytes exceeds the request limit of " +
                   std::to_string(c.max_request_bytes) + " bytes");
        recycle(item.bytes);
        continue;
      }
      if (new_scope) scopes.push_back(scope);
      total += need;
      ++n;
    }
    queue.publish();
    // Cleared once the batch is out of the queue: a span that found a full batch before then
    // (this one) must not have used up the signal for the next.
    batch_signaled.store(false, std::memory_order_release);
    if (n == 0) return;
    add(in_batches, n);
    make_batches(0, n, c);
    for (std::size_t i = 0; i < n; ++i) recycle(items[i].bytes);
  }

  ExportRequest send(Batch& b, std::uint64_t now, const PipelineConfig& c) {
    if (++b.attempt == 1) {
      b.first_sent = now;
      const std::uint64_t limit = export_time_limit_ns(c);
      b.deadline = limit < UINT64_MAX - now ? now + limit : UINT64_MAX;
    } else {
      add(retries, 1);
    }
    b.state = State::in_flight;
    add(requests, 1);
    add(bytes_sent, b.body.size());
    ExportRequest r;
    r.id = b.id;
    r.body = b.body;
    r.content_type = c.protocol == Protocol::json ? "application/json" : "application/x-protobuf";
    r.spans = b.spans;
    r.attempt = b.attempt;
    r.deadline_unix_nano = b.deadline;
    return r;
  }

  void finish(std::list<Batch>::iterator it, std::uint64_t now) {
    {
      const std::uint64_t ms = (now > it->first_sent ? now - it->first_sent : 0) / 1'000'000;
      std::size_t bucket = 0;
      while (bucket + 1 < LatencyHistogram::kBuckets && ms >= LatencyHistogram::bounds_ms[bucket]) ++bucket;
      add(latency_counts[bucket], 1);
      add(latency_total, 1);
    }
    sub(in_batches, it->spans);
    if (it->body.capacity() > spare_body.capacity()) spare_body.swap(it->body);
    batches.erase(it);
  }

  void fail(std::list<Batch>::iterator it, std::uint64_t now, std::string why) {
    add(failed, it->spans);
    note_error(std::move(why));
    finish(it, now);
  }

  // Fails a batch that ran out of time: "export timeout: <what> within <n> ms", n being the
  // sooner of the two bounds (export_time_limit_ns), then what its last attempt said, if anything.
  // The limit in milliseconds is what a user set, whether through --timeout, an OTEL_* variable or
  // an option of the WASM host, where variable names would mean nothing.
  void fail_in_time(std::list<Batch>::iterator it, std::uint64_t now, const PipelineConfig& c, const char* what,
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
    fail(it, now, std::move(why));
  }

  void update_flushes(std::uint64_t now) {
    const std::uint64_t head = queue.head();
    for (auto& f : flushes) {
      if (f.state != FlushState::pending) continue;
      bool done = f.target <= head;
      for (const auto& b : batches) done = done && b.min_pos >= f.target;
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

Pipeline::Pipeline(PipelineConfig config, Resource resource) : config_(std::move(config)) {
  // Keep a misconfigured pipeline usable; validate() is how hosts report the mistake.
  config_.max_queue_size = std::max<std::uint32_t>(config_.max_queue_size, 1);
  config_.max_export_batch_size = std::clamp<std::uint32_t>(config_.max_export_batch_size, 1, config_.max_queue_size);
  config_.max_concurrent_exports = std::max<std::uint32_t>(config_.max_concurrent_exports, 1);
  config_.retry.max_attempts = std::max<std::uint32_t>(config_.retry.max_attempts, 1);
#ifdef OTLP_NO_JSON
  config_.protocol = Protocol::protobuf;  // the only one this build encodes
#endif
  impl_ = std::make_unique<Impl>(config_, std::move(resource));
}

Pipeline::~Pipeline() = default;

std::uint16_t Pipeline::add_scope(InstrumentationScope scope) {
  std::string part;
  {
    detail::Writer w(part);
    detail::write_scope(w, 1, scope);
  }
  return impl_->scope_registry.add(std::move(part));
}

Pipeline::Enqueue Pipeline::enqueue(std::uint16_t scope, std::string& buffer, std::size_t length) {
  if (impl_->closed.load(std::memory_order_acquire)) return Enqueue::closed;
  if (!impl_->queue.push(scope, buffer, length)) return Enqueue::full;
  if (impl_->queue.size() < config_.max_export_batch_size ||
      impl_->batch_signaled.load(std::memory_order_relaxed) ||
      impl_->batch_signaled.exchange(true, std::memory_order_relaxed))
    return Enqueue::accepted;
  return Enqueue::batch_ready;
}

Pipeline::SpanCounters& Pipeline::claim_counters() noexcept {
  const std::uint32_t i = impl_->claimed_counters.fetch_add(1, std::memory_order_relaxed);
  return i < Impl::kOwnedCounters ? impl_->counters[i] : impl_->counters[Impl::kOwnedCounters];
}

Stats Pipeline::stats() const {
  Stats s;
  const Impl& m = *impl_;
  for (std::uint32_t i = 0; i <= Impl::kOwnedCounters; ++i) {
    const SpanCounters& c = m.counters[i];
    s.started += get(c.started) + get(c.sampled_out);
    s.sampled_out += get(c.sampled_out);
    s.ended += get(c.ended);
    s.dropped += get(c.dropped);
  }
  s.exported = get(m.exported);
  s.rejected = get(m.rejected);
  s.failed = get(m.failed);
  s.queued = m.queue.size() + get(m.in_batches);
  s.requests = get(m.requests);
  s.retries = get(m.retries);
  s.bytes_sent = get(m.bytes_sent);
  for (std::size_t b = 0; b < LatencyHistogram::kBuckets; ++b) s.export_latency.counts[b] = get(m.latency_counts[b]);
  s.export_latency.total = get(m.latency_total);
  s.last_error = m.last_error.get();
  return s;
}

std::optional<ExportRequest> Pipeline::poll_export(std::uint64_t now) {
  Impl& m = *impl_;
  handle_timeouts(now);
  if (!m.timer_started) {
    m.timer_started = true;
    m.last_export = now;
  }
  for (auto& b : m.batches)
    if (b.state == Impl::State::waiting && b.retry_at <= now) return m.send(b, now, config_);
  if (m.active() >= config_.max_concurrent_exports) return std::nullopt;
  auto ready = [&m]() {
    return std::find_if(m.batches.begin(), m.batches.end(), [](const auto& b) { return b.state == Impl::State::ready; });
  };
  auto it = ready();
  if (it == m.batches.end() && m.batch_due(now, config_)) {
    m.build(now, config_);
    it = ready();
    m.update_flushes(now);  // a batch of only oversized spans may have finished a flush
  }
  if (it == m.batches.end()) return std::nullopt;
  return m.send(*it, now, config_);
}

void Pipeline::on_result(std::uint64_t now, std::uint64_t id, const Outcome& outcome) {
  Impl& m = *impl_;
  auto it = std::find_if(m.batches.begin(), m.batches.end(),
                         [id](const auto& b) { return b.id == id && b.state == Impl::State::in_flight; });
  if (it == m.batches.end()) return;
  const RetryDecision d = decide_retry(outcome, it->attempt, config_.retry, m.rng);
  switch (d.action) {
    case RetryDecision::Action::success:
      add(m.exported, it->spans);
      m.finish(it, now);
      break;
    case RetryDecision::Action::partial_success: {
      const auto rejected = static_cast<std::uint64_t>(
          std::clamp<std::int64_t>(outcome.partial.rejected_spans, 0, static_cast<std::int64_t>(it->spans)));
      add(m.rejected, rejected);
      add(m.exported, it->spans - rejected);
      if (rejected > 0 || !outcome.partial.error_message.empty())
        m.note_error("partial success: " + std::to_string(rejected) + " " +
                     std::string(signal_info(config_.signal).items) + " rejected" +
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

std::uint64_t Pipeline::next_deadline() const {
  const Impl& m = *impl_;
  std::uint64_t d = UINT64_MAX;
  const bool room = m.active() < config_.max_concurrent_exports;
  for (const auto& b : m.batches) {
    if (b.state == Impl::State::in_flight) d = std::min(d, b.deadline);
    if (b.state == Impl::State::waiting) d = std::min(d, b.retry_at);
    if (b.state == Impl::State::ready && room) d = 0;
  }
  for (const auto& f : m.flushes)
    if (f.state == FlushState::pending) d = std::min(d, f.deadline);
  if (m.shutdown_requested && !is_shut_down()) d = std::min(d, m.shutdown_deadline);
  const std::uint64_t queued = m.queue.size();
  if (queued > 0 && room) {
    if (queued >= config_.max_export_batch_size || m.flush_waiting() || m.shutdown_requested) return 0;
    d = std::min(d, m.last_export + config_.schedule_delay_ns);
  }
  return d;
}

void Pipeline::handle_timeouts(std::uint64_t now) {
  Impl& m = *impl_;
  for (auto it = m.batches.begin(); it != m.batches.end();) {
    if (it->state == Impl::State::in_flight && now >= it->deadline) {
      m.fail_in_time(it, now, config_, "no answer", {});
      it = m.batches.begin();
    } else {
      ++it;
    }
  }
  m.update_flushes(now);  // a flush whose time is up says so, before the leftovers are cleared
  if (m.shutdown_requested && now >= m.shutdown_deadline) {
    // What could not be sent in time is reported as failed, never lost silently.
    std::uint64_t lost = 0;
    SpanQueue::Item item;
    while (m.queue.pop(item)) ++lost;
    for (const auto& b : m.batches) lost += b.spans;
    m.in_batches.store(0, std::memory_order_relaxed);
    m.batches.clear();
    if (lost) {
      add(m.failed, lost);
      m.note_error("shutdown: " + std::to_string(lost) + " " + std::string(signal_info(config_.signal).items) +
                   " could not be sent in time");
    }
  }
  m.update_flushes(now);
}

std::uint64_t Pipeline::force_flush(std::uint64_t now, std::uint64_t timeout_ns) {
  Impl& m = *impl_;
  const std::uint64_t ticket = m.next_ticket++;
  m.flushes.push_back({ticket, m.queue.tail(), now + timeout_ns, FlushState::pending});
  m.update_flushes(now);
  return ticket;
}

FlushState Pipeline::flush_state(std::uint64_t ticket) const {
  for (const auto& f : impl_->flushes)
    if (f.ticket == ticket) return f.state;
  return FlushState::done;  // finished long ago and forgotten
}

std::uint64_t Pipeline::shutdown(std::uint64_t now, std::uint64_t timeout_ns) {
  Impl& m = *impl_;
  m.closed.store(true, std::memory_order_release);
  if (!m.shutdown_requested) {
    m.shutdown_requested = true;
    m.shutdown_deadline = now + timeout_ns;
  }
  return force_flush(now, timeout_ns);
}

void Pipeline::set_request_limits(std::size_t max_request_bytes, std::uint32_t max_concurrent_exports) {
  config_.max_request_bytes = std::max<std::size_t>(max_request_bytes, 1024);
  config_.max_concurrent_exports = std::max<std::uint32_t>(max_concurrent_exports, 1);
}

bool Pipeline::is_shut_down() const noexcept {
  const Impl& m = *impl_;
  return m.shutdown_requested && m.queue.size() == 0 && m.batches.empty();
}

}  // namespace otlp
