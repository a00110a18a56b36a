// Internal: the append-only arena that holds every text once.
//
// The engine shares one pool between its in-memory log and its state, so a text that an
// event carries is stored once and referenced (DESIGN.md). add() returns the existing
// reference when the same text was among the last few added: the log adds an event's
// texts just before the state applies it, so the state's add finds the log's copy.
// Chunks never move, so references and views stay valid for the pool's lifetime.
// Chunks are carved from slabs of fresh zero-filled memory (anonymous mappings on POSIX,
// calloc elsewhere): nothing is cleared by hand, untouched bytes cost no RAM, and slabs
// grow 1, 2, 4 ... 64 chunks. During bulk loads (a long replay, a snapshot restore) the big
// slabs are put on huge pages, so filling hundreds of megabytes takes few page faults (15%
// of a 10M-event replay); otherwise they are not, as a huge page's unused part is resident
// (about 1% more memory at a million items, measured with engine_bench).
// Thread safety: add needs exclusive access; view may run concurrently with other views.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/mman.h>
#define DOITHOAI_TEXT_POOL_MMAP 1
#endif

namespace doithoai::detail {

struct TextRef {
  std::uint64_t v = 0;  // offset << 24 | length; 0 is the empty text
};

class TextPool {
 public:
  TextRef add(std::string_view s) {
    if (s.empty()) return {};
    // Equal lengths are common (numbered texts): compare the last bytes, where such texts
    // differ, before the whole.
    const std::size_t tail = s.size() < 8 ? s.size() : 8;
    for (const TextRef& r : recent_) {
      if (!r.v || (r.v & 0xFFFFFF) != s.size()) continue;
      const char* p = view(r).data();
      if (std::memcmp(p + s.size() - tail, s.data() + s.size() - tail, tail) == 0 &&
          std::memcmp(p, s.data(), s.size()) == 0)
        return r;
    }
    if (chunks_.empty() || used_ + s.size() > kChunk) {
      // Zero-filled, so a chunk's unused tail is deterministic in snapshot images.
      new_chunk();
      used_ = 0;
    }
    const std::uint64_t off = (chunks_.size() - 1) * kChunk + used_;
    std::memcpy(chunks_.back() + used_, s.data(), s.size());
    used_ += s.size();
    const TextRef r{(off << 24) | s.size()};
    recent_[next_++ % kRecent] = r;
    return r;
  }
  std::string_view view(TextRef r) const {
    if (r.v == 0) return {};
    const std::uint64_t len = r.v & 0xFFFFFF, off = r.v >> 24;
    return {chunks_[off / kChunk] + off % kChunk, static_cast<std::size_t>(len)};
  }
  std::string str(TextRef r) const { return std::string(view(r)); }
  // True when r could have come from this pool (bounds only; used to reject corrupt logs).
  bool holds(TextRef r) const {
    const std::uint64_t len = r.v & 0xFFFFFF, off = r.v >> 24;
    return r.v == 0 || (off / kChunk < chunks_.size() && off % kChunk + len <= kChunk);
  }
  std::size_t bytes() const { return chunks_.size() * kChunk; }

  // Bulk loading on (a long replay, a snapshot restore): new big slabs use huge pages.
  void bulk_load(bool on) { bulk_load_ = on; }

  // Raw layout, for snapshot images: references stay valid when the chunks are restored
  // byte for byte with the same chunk size.
  static constexpr std::size_t chunk_size() { return kChunk; }
  std::size_t chunk_count() const { return chunks_.size(); }
  // Chunk i's bytes: the whole chunk, except the last, which is cut at its used length.
  std::string_view chunk(std::size_t i) const {
    return {chunks_[i], i + 1 == chunks_.size() ? used_ : kChunk};
  }
  // Replaces the contents with these chunks (each at most chunk_size(); all but the last full).
  void clear() {
    chunks_.clear();
    slabs_.clear();
    slab_left_ = 0;
    bulk_slabs_ = 0;
    used_ = 0;
    for (auto& r : recent_) r = {};
    next_ = 0;
  }
  void append_chunk(std::string_view bytes) {
    new_chunk();  // zero-filled: the tail past bytes stays zero
    std::memcpy(chunks_.back(), bytes.data(), bytes.size());
    used_ = bytes.size();
  }

 private:
  static constexpr std::size_t kChunk = 1 << 20;  // texts are at most 16 KiB (model.h)
  static constexpr std::size_t kRecent = 8;
  static constexpr std::size_t kMaxSlabChunks = 64;

  // A block of fresh zero-filled memory holding whole chunks.
  struct Slab {
    char* p = nullptr;
    std::size_t bytes = 0;
    Slab(std::size_t n, bool huge_pages) : bytes(n) {
      (void)huge_pages;
#ifdef DOITHOAI_TEXT_POOL_MMAP
      void* m = mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (m == MAP_FAILED) throw std::bad_alloc();
      p = static_cast<char*>(m);
#if defined(MADV_HUGEPAGE)
      const std::size_t huge = std::size_t(2) << 20;
      const auto b = (reinterpret_cast<std::uintptr_t>(p) + huge - 1) & ~(huge - 1);
      const auto e = (reinterpret_cast<std::uintptr_t>(p) + n) & ~(huge - 1);
      if (huge_pages && n >= 4 * huge && e > b) madvise(reinterpret_cast<void*>(b), e - b, MADV_HUGEPAGE);  // a hint only
#endif
#else
      p = static_cast<char*>(std::calloc(n, 1));
      if (!p) throw std::bad_alloc();
#endif
    }
    Slab(const Slab&) = delete;
    Slab& operator=(const Slab&) = delete;
    ~Slab() {
#ifdef DOITHOAI_TEXT_POOL_MMAP
      munmap(p, bytes);
#else
      std::free(p);
#endif
    }
  };

  void new_chunk() {
    if (slab_left_ == 0) {
      // One chunk at a time, except during bulk loads: 1, 2, 4 ... 64 chunks.
      const std::size_t n =
          bulk_load_ ? std::min(kMaxSlabChunks, std::size_t(1) << std::min<std::size_t>(bulk_slabs_++, 6)) : 1;
      slabs_.push_back(std::make_unique<Slab>(n * kChunk, bulk_load_));
      slab_left_ = n;
    }
    const Slab& slab = *slabs_.back();
    chunks_.push_back(slab.p + slab.bytes - slab_left_ * kChunk);
    --slab_left_;
  }

  std::vector<std::unique_ptr<Slab>> slabs_;
  std::size_t slab_left_ = 0;  // unused chunks at the end of the last slab
  bool bulk_load_ = false;
  std::size_t bulk_slabs_ = 0;  // slabs made during bulk loads
  std::vector<char*> chunks_;  // into slabs_
  std::size_t used_ = 0;
  TextRef recent_[kRecent] = {};
  std::size_t next_ = 0;
};

}  // namespace doithoai::detail
