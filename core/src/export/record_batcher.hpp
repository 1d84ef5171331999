// Internal: the record batcher that spans and log records share. Application threads push
// encoded items into a bounded lock-free queue; when the export engine asks, the host loop cuts
// a batch off it and writes the signal's request around the items (resource, then each
// instrumentation scope with its items), which the engine then sends.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "otlp/export/engine.hpp"
#include "otlp/export/pipeline.hpp"

namespace otlp::detail {

// Keeps an item's buffer for reuse, contents and all: the next item overwrites them, and keeping
// the size spares it a zero-fill of the whole buffer. One that grew past a few typical items is
// freed.
inline void recycle(std::string& buffer) {
  if (buffer.capacity() > 8192) std::string().swap(buffer);
}

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
// the queue, moves once per batch taken rather than once per item.
class RecordQueue {
 public:
  struct alignas(64) Slot {
    std::atomic<std::uint64_t> seq{0};
    std::uint16_t scope = 0;
    std::size_t len = 0;  // the item is bytes' first len bytes
    std::string bytes;
  };
  struct Item {
    std::uint16_t scope = 0;
    std::size_t len = 0;
    std::string bytes;
  };

  explicit RecordQueue(std::uint32_t capacity) : capacity_(capacity), slots_(new Slot[capacity]) {
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
  ~ScopeRegistry();

  std::uint16_t add(std::string part);         // any thread
  const std::string& part(std::uint16_t index);  // host loop only

 private:
  static constexpr std::uint16_t kLastScope = 0xffff - 1;
  std::atomic<const Node*> head_{nullptr};
  std::vector<const std::string*> table_;
};

// Batches the signal's encoded items for an ExportEngine: the queue, the scopes, and the request
// envelope around them. It reads the pipeline's config (`config` outlives it), whose request
// limit may change at run time.
class RecordBatcher {
 public:
  RecordBatcher(const PipelineConfig& config, const Resource& resource);

  std::uint16_t add_scope(const InstrumentationScope& scope);

  // Any thread: see Pipeline::enqueue.
  Pipeline::Enqueue enqueue(std::uint16_t scope, std::string& buffer, std::size_t length) {
    if (closed_.load(std::memory_order_acquire)) return Pipeline::Enqueue::closed;
    if (!queue_.push(scope, buffer, length)) return Pipeline::Enqueue::full;
    if (queue_.size() < config_.max_export_batch_size || batch_signaled_.load(std::memory_order_relaxed) ||
        batch_signaled_.exchange(true, std::memory_order_relaxed))
      return Pipeline::Enqueue::accepted;
    return Pipeline::Enqueue::batch_ready;
  }
  // Refuses items from now on (shutdown).
  void close() { closed_.store(true, std::memory_order_release); }

  // --- the engine's calls, on the host loop (waiting(): any thread, stats() reads it) ---------
  // Items not yet in a body.
  std::uint64_t waiting() const { return queue_.size(); }
  // When the next body is due: 0 for now, UINT64_MAX with nothing waiting. `hurry`: a flush or
  // a shutdown waits on what is queued, so anything waiting is due.
  std::uint64_t due_at(bool hurry) const;
  // Hands the engine the bodies (add_body) of a batch when one is due at `now`, and says whether
  // it took anything; the first call starts the schedule's timer.
  bool cut(std::uint64_t now, bool hurry, ExportEngine& engine);
  // The position after the last item queued, and whether every item before `mark` has left the
  // queue (in a body, or failed): what a flush waits for.
  std::uint64_t mark() const { return queue_.tail(); }
  bool passed(std::uint64_t mark) const { return queue_.head() >= mark; }
  // Drops everything waiting (a shutdown out of time) and says how many items that was.
  std::uint64_t discard();

 private:
  std::string encode(std::size_t first, std::size_t last, std::string body);
  void make_bodies(std::size_t first, std::size_t last, ExportEngine& engine);

  const PipelineConfig& config_;
  RecordQueue queue_;
  std::atomic<bool> closed_{false};
  // Set by the enqueue that finds a full batch waiting (it alone reports batch_ready), cleared
  // when the host loop has taken a batch off the queue: one wake-up per batch, not one per item
  // while it waits.
  std::atomic<bool> batch_signaled_{false};
  std::string resource_part_;  // the request's Resource*.resource, encoded once
  ScopeRegistry scopes_;
  std::vector<RecordQueue::Item> items_;  // reused between batches, buffers and all
  std::uint64_t last_cut_ = 0;
  bool timer_started_ = false;
};

}  // namespace otlp::detail
