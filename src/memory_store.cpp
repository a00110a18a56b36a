#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <memory>

#include "binary.h"
#include "doithoai/error.h"
#include "doithoai/store.h"
#include "state_access.h"

namespace doithoai {

EventStore::~EventStore() = default;
bool EventStore::load_snapshot(std::uint64_t&, std::string&) const { return false; }
void EventStore::append_group(const std::vector<const Batch*>& batches) {
  if (batches.empty()) return;
  if (batches.size() > 1)
    throw Error(ErrorCode::unsupported, "this store cannot append several batches in one transaction");
  append(*batches.front());
}
bool EventStore::idempotency_digest(std::string_view, std::string&) const { return false; }
void EventStore::save_snapshot(std::uint64_t, const std::string&) {}

// Layout: events are encoded back to back in chunks that never move: the first 64 KiB, each
// next one twice the size up to 4 MiB (so a short log, as in tests or a fuzzer's input, does
// not allocate 4 MiB; under ASan that allocation and its release were most of the cost).
// Each event is [flags+type][time delta from the previous event][actor][key?][payload].
// Every 64th event a checkpoint records where it starts and the time before it, so a read
// can start near any sequence number without decoding from the beginning.
struct MemoryStore::Impl {
  static constexpr std::size_t kFirstChunk = 64u << 10;
  static constexpr std::size_t kMaxChunk = 4u << 20;
  static constexpr int kDoublings = 6;  // 64 KiB << 6 = 4 MiB
  static_assert((kFirstChunk << kDoublings) == kMaxChunk);
  static constexpr std::uint64_t kEvery = 64;
  struct Checkpoint {
    std::uint32_t chunk;
    std::uint32_t offset;
    std::int64_t prev_at;
  };
  std::vector<std::unique_ptr<char[]>> chunks;
  std::vector<std::uint32_t> chunk_used;
  std::vector<std::size_t> chunk_size;
  std::vector<Checkpoint> checkpoints;
  std::uint64_t last = 0;
  std::int64_t last_at = 0;
  std::string scratch;
  std::shared_ptr<detail::TextPool> pool;  // null: texts are written inline
  std::unordered_map<std::string, std::string> digests;  // idempotency key -> request digest

  void put(const Recorded& r, std::string_view key) {
    scratch.clear();
    const std::int64_t at = to_micros(r.at);
    detail::BinWriter w(scratch, pool.get(), detail::date_code(r.at.date()));
    scratch.push_back(static_cast<char>(r.event.index() | (key.empty() ? 0 : 0x80)));
    w.s(at - last_at);
    w.u(r.actor == kSystemActor ? 0 : static_cast<std::uint64_t>(r.actor.value) + 1);
    if (!key.empty()) w.bytes(key);
    std::visit([&](const auto& x) { w.put_struct(x); }, r.event);
    if (chunks.empty() || chunk_used.back() + scratch.size() > chunk_size.back()) {
      // An oversized event (a 1000-item opinion) gets a chunk of its own size.
      const std::size_t size = std::max(kFirstChunk << std::min<std::size_t>(chunks.size(), kDoublings), scratch.size());
      chunks.emplace_back(new char[size]);
      chunk_size.push_back(size);
      chunk_used.push_back(0);
    }
    if ((r.seq - 1) % kEvery == 0)
      checkpoints.push_back({static_cast<std::uint32_t>(chunks.size() - 1), chunk_used.back(), last_at});
    std::memcpy(chunks.back().get() + chunk_used.back(), scratch.data(), scratch.size());
    chunk_used.back() += static_cast<std::uint32_t>(scratch.size());
    last = r.seq;
    last_at = at;
  }
};

MemoryStore::MemoryStore() : impl_(std::make_unique<Impl>()) {}
std::unique_ptr<MemoryStore> detail::StateAccess::memory_store(std::shared_ptr<TextPool> pool) {
  auto store = std::make_unique<MemoryStore>();
  store->impl_->pool = std::move(pool);
  return store;
}
MemoryStore::~MemoryStore() = default;
std::uint64_t MemoryStore::last_seq() const { return impl_->last; }

void MemoryStore::append(const Batch& batch) {
  if (batch.events.empty()) return;
  if (batch.events.front().seq != impl_->last + 1)
    throw Error(ErrorCode::conflict, "append expected sequence " + std::to_string(impl_->last + 1) +
                                         ", got " + std::to_string(batch.events.front().seq));
  for (std::size_t i = 1; i < batch.events.size(); ++i)
    if (batch.events[i].seq != batch.events[i - 1].seq + 1)
      throw Error(ErrorCode::invalid_argument, "batch sequence numbers are not consecutive");
  // Only allocation can fail below; an event never spans chunks, so a batch lands whole
  // unless memory runs out.
  for (std::size_t i = 0; i < batch.events.size(); ++i)
    impl_->put(batch.events[i], i == 0 ? std::string_view(batch.idempotency_key) : std::string_view());
  if (!batch.idempotency_key.empty() && !batch.idempotency_digest.empty())
    impl_->digests[batch.idempotency_key] = batch.idempotency_digest;
}

void MemoryStore::append_group(const std::vector<const Batch*>& batches) {
  // Every check first, then the writes: a group lands whole unless memory runs out.
  std::uint64_t next = impl_->last + 1;
  for (const Batch* b : batches) {
    if (b->events.empty()) continue;
    if (b->events.front().seq != next)
      throw Error(ErrorCode::conflict, "append expected sequence " + std::to_string(next) + ", got " +
                                           std::to_string(b->events.front().seq));
    for (std::size_t i = 1; i < b->events.size(); ++i)
      if (b->events[i].seq != b->events[i - 1].seq + 1)
        throw Error(ErrorCode::invalid_argument, "batch sequence numbers are not consecutive");
    next = b->events.back().seq + 1;
  }
  for (const Batch* b : batches) append(*b);
}

bool MemoryStore::idempotency_digest(std::string_view key, std::string& digest) const {
  const auto it = impl_->digests.find(std::string(key));
  if (it == impl_->digests.end()) return false;
  digest = it->second;
  return true;
}

void MemoryStore::read(std::uint64_t from, const Visitor& visit) const {
  const Impl& m = *impl_;
  if (from < 1) from = 1;
  if (from > m.last) return;
  const std::uint64_t cp = (from - 1) / Impl::kEvery;
  std::uint64_t seq = cp * Impl::kEvery + 1;
  std::uint32_t chunk = m.checkpoints[cp].chunk;
  std::uint32_t off = m.checkpoints[cp].offset;
  std::int64_t at = m.checkpoints[cp].prev_at;
  Recorded r;
  while (seq <= m.last) {
    if (off >= m.chunk_used[chunk]) {
      ++chunk;
      off = 0;
      continue;
    }
    const char* base = m.chunks[chunk].get();
    const char* end = base + m.chunk_used[chunk];
    const auto flags = static_cast<unsigned char>(base[off]);
    detail::BinReader head(base + off + 1, end);
    at += head.s();
    const std::uint64_t actor = head.u();
    std::string_view key;
    if (flags & 0x80) key = head.bytes();
    detail::BinReader rd(head.pos(), end, m.pool.get(), detail::date_code(from_micros(at).date()));
    if (seq >= from) {
      r.seq = seq;
      r.at = from_micros(at);
      r.actor = actor == 0 ? kSystemActor : PersonId(static_cast<std::uint32_t>(actor - 1));
      r.event = detail::decode_event(rd, flags & 0x7F);
      if (!visit(r, key)) return;
    } else {
      (void)detail::decode_event(rd, flags & 0x7F);
    }
    off = static_cast<std::uint32_t>(rd.pos() - base);
    ++seq;
  }
}

std::size_t MemoryStore::bytes() const {
  std::size_t n = impl_->checkpoints.size() * sizeof(Impl::Checkpoint);
  for (std::size_t c : impl_->chunk_size) n += c;
  return n;
}

}  // namespace doithoai
