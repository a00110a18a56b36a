#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <unordered_map>

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
bool EventStore::find_idempotency_key(std::string_view key, std::uint64_t& seq, std::string& digest) const {
  std::uint64_t found = 0;
  read(1, [&](const Recorded& r, std::string_view k) {
    if (k == key) found = r.seq;
    return found == 0;
  });
  if (!found) return false;
  seq = found;
  if (!idempotency_digest(key, digest)) digest.clear();
  return true;
}
void EventStore::save_snapshot(std::uint64_t, const std::string&) {}

// Layout: events are encoded back to back in chunks that never move: the first 64 KiB, each
// next one twice the size up to 4 MiB (so a short log, as in tests or a fuzzer's input, does
// not allocate 4 MiB; under ASan that allocation and its release were most of the cost).
// Each event is [flags+type][time delta from the previous event][actor][key?][payload].
// Every 64th event a checkpoint records where it starts and the time before it, so a read
// can start near any sequence number without decoding from the beginning.
// Sharing: `mutex` guards every member. A read takes it only to copy what it needs (the last
// sequence, its checkpoint, the chunks' addresses and filled sizes), then decodes without it:
// bytes below a chunk's filled size never change and chunks never move, so appends go on
// while a long read runs, and a visitor may call back into the store.
struct MemoryStore::Impl {
  static constexpr std::size_t kFirstChunk = 64u << 10;
  static constexpr std::size_t kMaxChunk = 4u << 20;
  static constexpr int kDoublings = 6;  // 64 KiB << 6 = 4 MiB
  static_assert((kFirstChunk << kDoublings) == kMaxChunk);
  static_assert(std::variant_size_v<Event> <= 64, "the type byte keeps 0x40 and 0x80 for flags");
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
  struct KeyRow {
    std::uint64_t seq = 0;  // the first event of the key's batch
    std::string digest;     // the request digest ("" when the batch had none)
  };
  std::unordered_map<std::string, KeyRow> keys;  // every idempotency key of the log
  mutable std::mutex mutex;

  // A key already in the log is refused as SQLite's UNIQUE column refuses it (another
  // writer sharing the store committed it first); `pending`: keys of the group so far.
  void check_batch(const Batch& b, std::uint64_t next, const std::vector<const std::string*>& pending) const {
    if (b.events.front().seq != next)
      throw Error(ErrorCode::conflict, "append expected sequence " + std::to_string(next) + ", got " +
                                           std::to_string(b.events.front().seq));
    for (std::size_t i = 1; i < b.events.size(); ++i)
      if (b.events[i].seq != b.events[i - 1].seq + 1)
        throw Error(ErrorCode::invalid_argument, "batch sequence numbers are not consecutive");
    if (b.idempotency_key.empty()) return;
    bool taken = keys.count(b.idempotency_key) != 0;
    for (const std::string* k : pending) taken = taken || *k == b.idempotency_key;
    if (taken) throw Error(ErrorCode::conflict, "idempotency key '" + b.idempotency_key + "' is already in the log");
  }
  // Mutex held, batch checked.
  void put_batch(const Batch& b) {
    for (std::size_t i = 0; i < b.events.size(); ++i)
      put(b.events[i], i == 0 ? std::string_view(b.idempotency_key) : std::string_view());
    if (!b.idempotency_key.empty()) keys[b.idempotency_key] = KeyRow{b.events.front().seq, b.idempotency_digest};
  }

  void put(const Recorded& r, std::string_view key) {
    scratch.clear();
    const std::int64_t at = to_micros(r.at);
    detail::BinWriter w(scratch, pool.get(), detail::date_code(r.at.date()));
    // Flags: 0x80 an idempotency key follows; 0x40 the event carries evidence (issue 14:
    // an empty attachment list is not written, so such events keep their size).
    scratch.push_back(static_cast<char>(r.event.index() | (key.empty() ? 0 : 0x80)));
    w.s(at - last_at);
    w.u(r.actor == kSystemActor ? 0 : static_cast<std::uint64_t>(r.actor.value) + 1);
    if (!key.empty()) w.bytes(key);
    if (std::visit([&](const auto& x) { return detail::put_struct_lean(w, x); }, r.event)) scratch[0] |= 0x40;
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
std::uint64_t MemoryStore::last_seq() const {
  std::lock_guard<std::mutex> g(impl_->mutex);
  return impl_->last;
}

void MemoryStore::append(const Batch& batch) {
  if (batch.events.empty()) return;
  std::lock_guard<std::mutex> g(impl_->mutex);
  impl_->check_batch(batch, impl_->last + 1, {});
  // Only allocation can fail below; an event never spans chunks, so a batch lands whole
  // unless memory runs out.
  impl_->put_batch(batch);
}

void MemoryStore::append_group(const std::vector<const Batch*>& batches) {
  // Every check first, then the writes: a group lands whole unless memory runs out.
  std::lock_guard<std::mutex> g(impl_->mutex);
  std::uint64_t next = impl_->last + 1;
  std::vector<const std::string*> keys;
  for (const Batch* b : batches) {
    if (b->events.empty()) continue;
    impl_->check_batch(*b, next, keys);
    if (!b->idempotency_key.empty()) keys.push_back(&b->idempotency_key);
    next = b->events.back().seq + 1;
  }
  for (const Batch* b : batches)
    if (!b->events.empty()) impl_->put_batch(*b);
}

bool MemoryStore::idempotency_digest(std::string_view key, std::string& digest) const {
  std::lock_guard<std::mutex> g(impl_->mutex);
  const auto it = impl_->keys.find(std::string(key));
  if (it == impl_->keys.end() || it->second.digest.empty()) return false;
  digest = it->second.digest;
  return true;
}

bool MemoryStore::find_idempotency_key(std::string_view key, std::uint64_t& seq, std::string& digest) const {
  std::lock_guard<std::mutex> g(impl_->mutex);
  const auto it = impl_->keys.find(std::string(key));
  if (it == impl_->keys.end()) return false;
  seq = it->second.seq;
  digest = it->second.digest;
  return true;
}

void MemoryStore::read(std::uint64_t from, const Visitor& visit) const {
  if (from < 1) from = 1;
  // What this read may touch, copied under the mutex; decoded without it.
  std::uint64_t last;
  Impl::Checkpoint start;
  std::vector<std::pair<const char*, std::uint32_t>> chunks;  // address, filled size
  detail::TextPool* pool;
  {
    const Impl& m = *impl_;
    std::lock_guard<std::mutex> g(m.mutex);
    last = m.last;
    if (from > last) return;
    start = m.checkpoints[(from - 1) / Impl::kEvery];
    chunks.reserve(m.chunks.size() - start.chunk);
    for (std::size_t c = start.chunk; c < m.chunks.size(); ++c) chunks.emplace_back(m.chunks[c].get(), m.chunk_used[c]);
    pool = m.pool.get();
  }
  std::uint64_t seq = (from - 1) / Impl::kEvery * Impl::kEvery + 1;
  std::size_t chunk = 0;
  std::uint32_t off = start.offset;
  std::int64_t at = start.prev_at;
  Recorded r;
  while (seq <= last) {
    if (off >= chunks[chunk].second) {
      ++chunk;
      off = 0;
      continue;
    }
    const char* base = chunks[chunk].first;
    const char* end = base + chunks[chunk].second;
    const auto flags = static_cast<unsigned char>(base[off]);
    detail::BinReader head(base + off + 1, end);
    at += head.s();
    const std::uint64_t actor = head.u();
    std::string_view key;
    if (flags & 0x80) key = head.bytes();
    detail::BinReader rd(head.pos(), end, pool, detail::date_code(from_micros(at).date()));
    if (seq >= from) {
      r.seq = seq;
      r.at = from_micros(at);
      r.actor = actor == 0 ? kSystemActor : PersonId(static_cast<std::uint32_t>(actor - 1));
      r.event = detail::decode_event_lean(rd, flags & 0x3F, flags & 0x40);
      if (!visit(r, key)) return;
    } else {
      (void)detail::decode_event_lean(rd, flags & 0x3F, flags & 0x40);
    }
    off = static_cast<std::uint32_t>(rd.pos() - base);
    ++seq;
  }
}

std::size_t MemoryStore::bytes() const {
  std::lock_guard<std::mutex> g(impl_->mutex);
  std::size_t n = impl_->checkpoints.size() * sizeof(Impl::Checkpoint);
  for (std::size_t c : impl_->chunk_size) n += c;
  return n;
}

}  // namespace doithoai
