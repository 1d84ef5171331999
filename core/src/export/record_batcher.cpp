#include "export/record_batcher.hpp"

#include "wire/proto_wire.hpp"

namespace otlp::detail {
namespace {

void append_varint(std::string& out, std::uint64_t v) {
  char tmp[10];
  out.append(tmp, static_cast<std::size_t>(put_varint(tmp, v) - tmp));
}

constexpr std::size_t kEnvelopeBytes = 1 + 5;  // a field tag and a length of at most 5 bytes

// Whether a batch's scope list has `scope`; items mostly come in runs of one scope, so the last
// one is checked first.
bool has_scope(const std::vector<std::uint16_t>& scopes, std::uint16_t scope) {
  return (!scopes.empty() && scopes.back() == scope) || std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

}  // namespace

ScopeRegistry::~ScopeRegistry() {
  for (const Node* n = head_.load(std::memory_order_acquire); n != nullptr;) {
    const Node* next = n->next;
    delete n;
    n = next;
  }
}

std::uint16_t ScopeRegistry::add(std::string part) {
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

// `index` came from add(), which published it before any item carried it.
const std::string& ScopeRegistry::part(std::uint16_t index) {
  if (index >= table_.size()) {
    const Node* head = head_.load(std::memory_order_acquire);
    const std::size_t known = table_.size();
    table_.resize(static_cast<std::size_t>(head->index) + 1);
    for (const Node* n = head; n != nullptr && n->index >= known; n = n->next) table_[n->index] = &n->part;
  }
  return *table_[index];
}

RecordBatcher::RecordBatcher(const PipelineConfig& config, const Resource& resource)
    : config_(config), queue_(config.max_queue_size) {
  Writer w(resource_part_);
  write_resource(w, 1, resource);
}

std::uint16_t RecordBatcher::add_scope(const InstrumentationScope& scope) {
  std::string part;
  {
    Writer w(part);
    write_scope(w, 1, scope);
  }
  return scopes_.add(std::move(part));
}

std::uint64_t RecordBatcher::due_at(bool hurry) const {
  const std::uint64_t n = queue_.size();
  if (n == 0) return UINT64_MAX;
  if (n >= config_.max_export_batch_size || hurry) return 0;
  return last_cut_ + config_.schedule_delay_ns;
}

std::uint64_t RecordBatcher::discard() {
  std::uint64_t lost = 0;
  RecordQueue::Item item;
  while (queue_.pop(item)) ++lost;
  return lost;
}

// Writes items [first, last) as one request into `body`, items grouped by scope.
std::string RecordBatcher::encode(std::size_t first, std::size_t last, std::string body) {
  std::vector<std::uint16_t> scopes;
  for (std::size_t i = first; i < last; ++i)
    if (!has_scope(scopes, items_[i].scope)) scopes.push_back(items_[i].scope);
  std::vector<std::size_t> scope_len(scopes.size());
  std::size_t rs_len = resource_part_.size();
  for (std::size_t s = 0; s < scopes.size(); ++s) {
    std::size_t len = scopes_.part(scopes[s]).size();
    for (std::size_t i = first; i < last; ++i)
      if (items_[i].scope == scopes[s]) len += items_[i].len;
    scope_len[s] = len;
    rs_len += 1 + varint_size(len) + len;
  }
  body.reserve(1 + varint_size(rs_len) + rs_len);
  body += static_cast<char>(tag(field::envelope::resource_items, kLen));
  append_varint(body, rs_len);
  body += resource_part_;
  for (std::size_t s = 0; s < scopes.size(); ++s) {
    body += static_cast<char>(tag(field::envelope::scope_items, kLen));
    append_varint(body, scope_len[s]);
    body += scopes_.part(scopes[s]);
    for (std::size_t i = first; i < last; ++i)
      if (items_[i].scope == scopes[s]) body.append(items_[i].bytes.data(), items_[i].len);
  }
  return body;
}

// Hands items [first, last) to the engine as bodies, halving JSON bodies that outgrow the limit.
void RecordBatcher::make_bodies(std::size_t first, std::size_t last, ExportEngine& engine) {
  std::string body = encode(first, last, engine.take_spare_body());
  if (!engine.to_protocol(body)) {  // cannot happen for bytes we wrote
    engine.fail_items(last - first, "internal error: a batch could not be transcoded to JSON");
    return;
  }
#ifndef OTLP_NO_JSON  // protobuf bodies were cut to fit already
  if (config_.protocol == Protocol::json && body.size() > config_.max_request_bytes && last - first > 1) {
    const std::size_t mid = first + (last - first) / 2;
    make_bodies(first, mid, engine);
    make_bodies(mid, last, engine);
    return;
  }
#endif
  engine.add_body(std::move(body), static_cast<std::uint32_t>(last - first));
}

bool RecordBatcher::cut(std::uint64_t now, bool hurry, ExportEngine& engine) {
  if (!timer_started_) {
    timer_started_ = true;
    last_cut_ = now;
  }
  if (due_at(hurry) > now) return false;
  last_cut_ = now;
  std::vector<std::uint16_t> scopes;
  std::size_t total = kEnvelopeBytes + resource_part_.size();
  std::size_t n = 0;
  const RecordQueue::Slot* front;
  while (n < config_.max_export_batch_size && (front = queue_.front())) {
    const std::uint16_t scope = front->scope;
    std::size_t need = front->len;
    const bool new_scope = !has_scope(scopes, scope);
    if (new_scope) need += kEnvelopeBytes + scopes_.part(scope).size();
    if (n > 0 && total + need > config_.max_request_bytes) break;
    if (n == items_.size()) items_.emplace_back();
    RecordQueue::Item& item = items_[n];
    queue_.take(item);
    if (total + need > config_.max_request_bytes) {  // one item alone is over the limit
      engine.fail_items(1, "a " + std::string(signal_info(config_.signal).item) + " of " + std::to_string(item.len) +
                               " bytes exceeds the request limit of " + std::to_string(config_.max_request_bytes) +
                               " bytes");
      recycle(item.bytes);
      continue;
    }
    if (new_scope) scopes.push_back(scope);
    total += need;
    ++n;
  }
  queue_.publish();
  // Cleared once the batch is out of the queue: an item that found a full batch before then
  // (this one) must not have used up the signal for the next.
  batch_signaled_.store(false, std::memory_order_release);
  if (n > 0) make_bodies(0, n, engine);
  for (std::size_t i = 0; i < n; ++i) recycle(items_[i].bytes);
  return true;
}

}  // namespace otlp::detail
