// Internal: the index behind Engine::similar_items (duplicate suggestions at intake, R07).
//
// Words: the text's words folded as the redaction folds them (views/redact.cpp: lower case,
// diacritics and đ/Đ removed, so "Đường" and "duong" are one word). Per unit, each distinct
// word keeps the ascending ids of the unit's items holding it (a posting list); each item
// keeps its number of distinct words. The index only grows: item texts never change, and
// statuses are read from the state at query time. It is built on the first query and caught
// up with the items added since at each later one.
//
// Score of an item d for a query q (both sets of distinct words): the cosine of their word
// sets weighted by each word's rarity among the unit's items, idf(w) = ln(1 + N / df(w)):
//   score = sum_{w in q and d} idf(w)^2 / (sqrt(sum_{w in q} idf(w)^2) * sqrt(sum_{w in d} idf(w)^2))
// in [0, 1], 1 when d has exactly q's words. (A query word no item of the unit holds counts
// in q's norm with df = 1.)
//
// Cost: the rarest query words' posting lists (at least two, then more within a budget of
// postings) are scanned into a dense array of rough scores (shared weight over sqrt(|d|));
// the best 512 items found then get the commoner words added (a binary search each), so a
// query never walks the lists of words most items hold. The best open items by the rough
// score, 4x the limit (at least 40), are then scored exactly and ranked. An item that shares
// none of the two rarest words is not found: it lacks two of the query's most telling words.
//
// Thread safety: none here; Engine::Impl guards it (catch up under an exclusive lock,
// queries under a shared one, both inside the engine's read lock). A query's score array
// is its thread's own (thread_local), so queries run concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "doithoai/engine.h"

namespace doithoai {
namespace detail {
struct StateImpl;

// The folded words of a text, in order (views/redact.cpp).
std::vector<std::string> folded_words(std::string_view text);

class SimilarIndex {
 public:
  // Adds the items the state holds beyond those indexed.
  void catch_up(const StateImpl& s);
  // Items the state holds beyond those indexed.
  std::uint32_t lag(const StateImpl& s) const;
  // The open items (open, assigned, reply written) of `unit` most like `text`, best first
  // (ties: the lower id), at most `limit`, each with a score > 0.
  std::vector<SimilarItem> query(const StateImpl& s, UnitId unit, std::string_view text, std::size_t limit) const;
  // Bytes held (for the benchmark).
  std::size_t memory() const;

 private:
  static std::uint64_t key(UnitId unit, std::uint32_t word) { return (std::uint64_t{unit.value} << 32) | word; }
  std::unordered_map<std::string, std::uint32_t> words_;            // folded word -> word id
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> postings_;  // (unit, word) -> item ids
  std::vector<std::uint16_t> distinct_;  // by item id: distinct words (saturating)
  std::vector<std::uint32_t> per_unit_;  // by unit id: items indexed
  std::uint32_t indexed_ = 0;            // items 1..indexed_ are in
};

}  // namespace detail
}  // namespace doithoai
