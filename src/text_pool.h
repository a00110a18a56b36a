// Internal: the append-only arena that holds every text once.
//
// The engine shares one pool between its in-memory log and its state, so a text that an
// event carries is stored once and referenced (DESIGN.md). add() returns the existing
// reference when the same text was among the last few added: the log adds an event's
// texts just before the state applies it, so the state's add finds the log's copy.
// Chunks never move, so references and views stay valid for the pool's lifetime.
// Thread safety: add needs exclusive access; view may run concurrently with other views.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace doithoai::detail {

struct TextRef {
  std::uint64_t v = 0;  // offset << 24 | length; 0 is the empty text
};

class TextPool {
 public:
  TextRef add(std::string_view s) {
    if (s.empty()) return {};
    for (const TextRef& r : recent_)
      if (r.v && (r.v & 0xFFFFFF) == s.size() && std::memcmp(view(r).data(), s.data(), s.size()) == 0)
        return r;
    if (chunks_.empty() || used_ + s.size() > kChunk) {
      // Zeroed, so a chunk's unused tail is deterministic in snapshot images.
      chunks_.emplace_back(new char[kChunk]());
      used_ = 0;
    }
    const std::uint64_t off = (chunks_.size() - 1) * kChunk + used_;
    std::memcpy(chunks_.back().get() + used_, s.data(), s.size());
    used_ += s.size();
    const TextRef r{(off << 24) | s.size()};
    recent_[next_++ % kRecent] = r;
    return r;
  }
  std::string_view view(TextRef r) const {
    if (r.v == 0) return {};
    const std::uint64_t len = r.v & 0xFFFFFF, off = r.v >> 24;
    return {chunks_[off / kChunk].get() + off % kChunk, static_cast<std::size_t>(len)};
  }
  std::string str(TextRef r) const { return std::string(view(r)); }
  // True when r could have come from this pool (bounds only; used to reject corrupt logs).
  bool holds(TextRef r) const {
    const std::uint64_t len = r.v & 0xFFFFFF, off = r.v >> 24;
    return r.v == 0 || (off / kChunk < chunks_.size() && off % kChunk + len <= kChunk);
  }
  std::size_t bytes() const { return chunks_.size() * kChunk; }

  // Raw layout, for snapshot images: references stay valid when the chunks are restored
  // byte for byte with the same chunk size.
  static constexpr std::size_t chunk_size() { return kChunk; }
  std::size_t chunk_count() const { return chunks_.size(); }
  // Chunk i's bytes: the whole chunk, except the last, which is cut at its used length.
  std::string_view chunk(std::size_t i) const {
    return {chunks_[i].get(), i + 1 == chunks_.size() ? used_ : kChunk};
  }
  // Replaces the contents with these chunks (each at most chunk_size(); all but the last full).
  void clear() {
    chunks_.clear();
    used_ = 0;
    for (auto& r : recent_) r = {};
    next_ = 0;
  }
  void append_chunk(std::string_view bytes) {
    chunks_.emplace_back(new char[kChunk]);
    std::memcpy(chunks_.back().get(), bytes.data(), bytes.size());
    std::memset(chunks_.back().get() + bytes.size(), 0, kChunk - bytes.size());
    used_ = bytes.size();
  }

 private:
  static constexpr std::size_t kChunk = 1 << 20;  // texts are at most 16 KiB (model.h)
  static constexpr std::size_t kRecent = 8;
  std::vector<std::unique_ptr<char[]>> chunks_;
  std::size_t used_ = 0;
  TextRef recent_[kRecent] = {};
  std::size_t next_ = 0;
};

}  // namespace doithoai::detail
