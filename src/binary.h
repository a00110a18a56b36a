// Internal: a compact binary encoding of events (varints, dates as day numbers), used by
// the in-memory log and snapshots so a million items' history fits in little memory.
// Not a public or cross-version format: durable stores keep JSON.
#pragma once

#include <cstring>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "doithoai/error.h"
#include "doithoai/events.h"
#include "reflect.h"
#include "text_pool.h"

namespace doithoai::detail {

// With a pool, strings are written as references into it (the in-memory log shares the
// engine's pool); dates are written relative to date_base (a nearby day code), so the
// usual "today" costs one byte.
class BinWriter {
 public:
  explicit BinWriter(std::string& out, TextPool* pool = nullptr, std::int64_t date_base = 0)
      : out_(out), pool_(pool), date_base_(date_base) {}
  void u(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void s(std::int64_t v) { u((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63)); }
  void bytes(std::string_view b) {
    u(b.size());
    out_.append(b.data(), b.size());
  }
  template <class T>
  void put(const T& v);
  // Day codes are > 0; 0 is not-a-date. Written as 0, or 1 + zigzag(code - base).
  void put_day(std::int64_t code) {
    if (code == 0) {
      u(0);
    } else {
      const std::int64_t d = code - date_base_;
      u(1 + ((static_cast<std::uint64_t>(d) << 1) ^ static_cast<std::uint64_t>(d >> 63)));
    }
  }
  template <class T>
  void put_struct(const T& v) {
    Reflect<T>::each(v, [&](const char*, const auto& f) { put(f); });
  }

 private:
  std::string& out_;
  TextPool* pool_;
  std::int64_t date_base_;
};

class BinReader {
 public:
  BinReader(const char* p, const char* end, const TextPool* pool = nullptr, std::int64_t date_base = 0)
      : p_(p), end_(end), pool_(pool), date_base_(date_base) {}
  std::uint64_t u() {
    std::uint64_t v = 0;
    int shift = 0;
    while (true) {
      if (p_ == end_ || shift > 63) throw Error(ErrorCode::corruption, "truncated binary event");
      const auto c = static_cast<unsigned char>(*p_++);
      v |= static_cast<std::uint64_t>(c & 0x7F) << shift;
      if (c < 0x80) return v;
      shift += 7;
    }
  }
  std::int64_t s() {
    const auto z = u();
    return static_cast<std::int64_t>(z >> 1) ^ -static_cast<std::int64_t>(z & 1);
  }
  std::string_view bytes() {
    const auto n = u();
    if (static_cast<std::uint64_t>(end_ - p_) < n) throw Error(ErrorCode::corruption, "truncated binary text");
    std::string_view r(p_, n);
    p_ += n;
    return r;
  }
  const char* pos() const { return p_; }
  std::int64_t date_base() const { return date_base_; }
  template <class T>
  void get(T& v);
  // Damaged bytes may give any delta: the sum wraps (no signed overflow) and a code out of
  // range is refused by date_from_code.
  std::int64_t get_day() {
    const std::uint64_t z = u();
    if (z == 0) return 0;
    const std::uint64_t x = z - 1;
    const std::uint64_t delta = (x >> 1) ^ (0 - (x & 1));
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(date_base_) + delta);
  }
  template <class T>
  void get_struct(T& v) {
    Reflect<T>::each(v, [&](const char*, auto& f) { get(f); });
  }

 private:
  const char* p_;
  const char* end_;
  const TextPool* pool_;
  std::int64_t date_base_;
};

template <class T>
struct bin_is_id : std::false_type {};
template <class Tag>
struct bin_is_id<Id<Tag>> : std::true_type {};
template <class T>
struct bin_is_vec : std::false_type {};
template <class T>
struct bin_is_vec<std::vector<T>> : std::true_type {};

inline std::int64_t date_code(const Date& d) {
  return d.is_special() ? 0 : static_cast<std::int64_t>(d.day_number()) - 2400000 + 1;
}
// The last code boost can hold (9999-12-31); codes start at 1 (1858-11-17). A code outside
// 1..kMaxDayCode comes from damaged bytes (an event or snapshot of this library holds dates
// of 1900..2199): Error(corruption), never boost's bad_year out of a later date_time call.
inline constexpr std::int64_t kMaxDayCode = 2973485;
inline Date date_from_code(std::int64_t c) {
  if (c == 0) return Date();
  if (c < 1 || c > kMaxDayCode) throw Error(ErrorCode::corruption, "binary date out of range");
  return Date(1900, 1, 1) + boost::gregorian::date_duration(c - 1 + 2400000 - Date(1900, 1, 1).day_number());
}

template <class T>
void BinWriter::put(const T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (pool_)
      u(pool_->add(v).v);
    else
      bytes(v);
  } else if constexpr (std::is_same_v<T, bool> || std::is_enum_v<T>) {
    out_.push_back(static_cast<char>(v));
  } else if constexpr (std::is_integral_v<T>) {
    u(static_cast<std::uint64_t>(v));
  } else if constexpr (std::is_same_v<T, double>) {
    std::uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    u(bits);
  } else if constexpr (bin_is_id<T>::value) {
    u(v.value);
  } else if constexpr (std::is_same_v<T, Date>) {
    put_day(date_code(v));
  } else if constexpr (std::is_same_v<T, std::optional<Date>>) {
    put_day(v ? date_code(*v) : 0);
  } else if constexpr (is_outcome<T>::value) {  // 0, or 1 and the value
    out_.push_back(static_cast<char>(v ? 1 : 0));
    if (v) put(*v);
  } else if constexpr (bin_is_vec<T>::value) {
    u(v.size());
    for (const auto& x : v) put(x);
  } else if constexpr (std::is_same_v<T, ItemSpec>) {
    // Issue 14: an item's own place is an item_placed event, never in opinion_submitted's
    // items (the decider and the replay check see to it), so the bytes stay as they were.
    put(v.topic);
    put(v.text);
  } else {
    put_struct(v);
  }
}

template <class T>
void BinReader::get(T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (pool_) {
      const TextRef r{u()};
      if (!pool_->holds(r)) throw Error(ErrorCode::corruption, "text reference out of range");
      v = pool_->str(r);
    } else {
      v = std::string(bytes());
    }
  } else if constexpr (std::is_same_v<T, bool>) {
    if (p_ == end_) throw Error(ErrorCode::corruption, "truncated binary event");
    v = *p_++ != 0;
  } else if constexpr (std::is_enum_v<T>) {
    if (p_ == end_) throw Error(ErrorCode::corruption, "truncated binary event");
    v = static_cast<T>(static_cast<unsigned char>(*p_++));
  } else if constexpr (std::is_integral_v<T>) {
    v = static_cast<T>(u());
  } else if constexpr (std::is_same_v<T, double>) {
    const std::uint64_t bits = u();
    std::memcpy(&v, &bits, sizeof v);
  } else if constexpr (bin_is_id<T>::value) {
    v = T(static_cast<std::uint32_t>(u()));
  } else if constexpr (std::is_same_v<T, Date>) {
    v = date_from_code(get_day());
  } else if constexpr (std::is_same_v<T, std::optional<Date>>) {
    const auto c = get_day();
    if (c == 0) v.reset(); else v = date_from_code(c);
  } else if constexpr (is_outcome<T>::value) {
    // A row written before the field existed ends before it (encode_event leaves absent
    // trailing outcomes out): not recorded.
    if (p_ == end_) {
      v.reset();
      return;
    }
    const auto flag = static_cast<unsigned char>(*p_++);
    if (flag == 0) {
      v.reset();
    } else if (flag == 1) {
      typename T::value_type x{};
      get(x);
      v = std::move(x);
    } else {
      throw Error(ErrorCode::corruption, "bad binary outcome flag");
    }
  } else if constexpr (bin_is_vec<T>::value) {
    if constexpr (std::is_same_v<T, std::vector<Attachment>>) {
      // Evidence (issue 14) comes last and is left out when empty: a row that ends before it has none.
      if (p_ == end_) {
        v.clear();
        return;
      }
    }
    const auto n = u();
    if (n > static_cast<std::uint64_t>(end_ - p_)) throw Error(ErrorCode::corruption, "bad binary vector size");
    v.resize(n);
    for (auto& x : v) get(x);
  } else if constexpr (std::is_same_v<T, ItemSpec>) {  // topic and text only (put, above)
    get(v.topic);
    get(v.text);
    v.place.reset();
  } else {
    get_struct(v);
  }
}

// Encodes one event's payload (type index byte + fields), one event per buffer (the durable
// stores' replay rows). Absent outcomes at the end are left out, so an event without them has
// exactly the bytes it had before they existed (rows of older releases compare equal).
inline void encode_event(const Event& e, std::string& out) {
  BinWriter w(out);
  out.push_back(static_cast<char>(e.index()));
  std::size_t keep = out.size();
  std::visit(
      [&](const auto& x) {
        Reflect<std::decay_t<decltype(x)>>::each(x, [&](const char*, const auto& f) {
          w.put(f);
          if (!is_absent_outcome(f)) keep = out.size();
        });
      },
      e);
  out.resize(keep);
}

template <std::size_t I = 0>
void emplace_index(Event& e, std::size_t index) {
  if constexpr (I < std::variant_size_v<Event>) {
    if (index == I) {
      e.template emplace<I>();
      return;
    }
    emplace_index<I + 1>(e, index);
  } else {
    throw Error(ErrorCode::corruption, "unknown binary event type");
  }
}

inline Event decode_event(BinReader& r, std::size_t type_index) {
  Event e;
  emplace_index(e, type_index);
  std::visit([&](auto& x) { r.get_struct(x); }, e);
  return e;
}

// The in-memory log's form (src/memory_store.cpp): every field but an empty evidence list
// (issue 14), so events without attachments take the bytes they took before the feature.
// Returns whether the event has evidence (the reader must then read it).
template <class T>
bool put_struct_lean(BinWriter& w, const T& v) {
  bool evidence = false;
  Reflect<T>::each(v, [&](const char*, const auto& f) {
    using F = std::decay_t<decltype(f)>;
    if constexpr (std::is_same_v<F, std::vector<Attachment>>) {
      if (f.empty()) return;
      evidence = true;
    }
    w.put(f);
  });
  return evidence;
}
inline Event decode_event_lean(BinReader& r, std::size_t type_index, bool evidence) {
  Event e;
  emplace_index(e, type_index);
  std::visit(
      [&](auto& x) {
        Reflect<std::decay_t<decltype(x)>>::each(x, [&](const char*, auto& f) {
          using F = std::decay_t<decltype(f)>;
          if constexpr (std::is_same_v<F, std::vector<Attachment>>) {
            if (!evidence) return;
          }
          r.get(f);
        });
      },
      e);
  return e;
}

}  // namespace doithoai::detail
