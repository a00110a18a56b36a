// The duplicate-suggestion index (src/similar.h).
#include "similar.h"

#include <algorithm>
#include <cmath>

#include "state_impl.h"

namespace doithoai::detail {

namespace {

// Postings scanned from the rarest words; the commoner words only add to the best items found.
constexpr std::size_t kScanBudget = 20000;
// Items found by the rarest words that the commoner words are added to (at least).
constexpr std::size_t kRefine = 512;

bool open_status(ItemStatus s) {
  return s == ItemStatus::open || s == ItemStatus::assigned || s == ItemStatus::reply_written;
}

// The distinct folded words of a text.
std::vector<std::string> distinct_words(std::string_view text) {
  std::vector<std::string> ws = folded_words(text);
  std::sort(ws.begin(), ws.end());
  ws.erase(std::unique(ws.begin(), ws.end()), ws.end());
  return ws;
}

}  // namespace

namespace {
std::uint32_t items_in(const StateImpl& s) { return static_cast<std::uint32_t>(s.items.size() - 1); }  // items[0] is unused
}  // namespace

std::uint32_t SimilarIndex::lag(const StateImpl& s) const {
  const std::uint32_t n = items_in(s);
  return n > indexed_ ? n - indexed_ : 0;
}

void SimilarIndex::catch_up(const StateImpl& s) {
  const std::uint32_t count = items_in(s);
  if (indexed_ >= count) return;
  distinct_.resize(std::size_t{count} + 1, 0);
  for (std::uint32_t id = indexed_ + 1; id <= count; ++id) {
    const ItemRec& r = s.items[id];
    const std::vector<std::string> ws = distinct_words(s.text().view(r.text));
    const UnitId unit = r.unit;
    if (per_unit_.size() <= unit.value) per_unit_.resize(std::size_t{unit.value} + 1, 0);
    ++per_unit_[unit.value];
    for (const std::string& w : ws) {
      const auto [it, added] = words_.try_emplace(w, static_cast<std::uint32_t>(words_.size()));
      (void)added;
      postings_[key(unit, it->second)].push_back(id);  // ids ascend: items are indexed in order
    }
    distinct_[id] = static_cast<std::uint16_t>(std::min<std::size_t>(ws.size(), 0xFFFF));
  }
  indexed_ = count;
}

std::vector<SimilarItem> SimilarIndex::query(const StateImpl& s, UnitId unit, std::string_view text,
                                             std::size_t limit) const {
  if (unit.value >= per_unit_.size() || per_unit_[unit.value] == 0 || limit == 0) return {};
  const double n = per_unit_[unit.value];
  struct Term {
    const std::vector<std::uint32_t>* list;
    double idf;
    std::uint32_t word;
  };
  std::vector<Term> terms;
  double norm_q = 0;
  for (const std::string& w : distinct_words(text)) {
    const auto wi = words_.find(w);
    const std::vector<std::uint32_t>* list = nullptr;
    if (wi != words_.end())
      if (const auto pi = postings_.find(key(unit, wi->second)); pi != postings_.end()) list = &pi->second;
    // A word no item of the unit holds still counts in the query's norm (as if df were 1):
    // an item sharing only part of the query scores below one sharing all of it.
    const double idf = std::log(1.0 + n / static_cast<double>(list ? list->size() : 1));
    norm_q += idf * idf;
    if (list) terms.push_back(Term{list, idf, wi->second});
  }
  if (terms.empty()) return {};
  std::sort(terms.begin(), terms.end(), [](const Term& a, const Term& b) { return a.list->size() < b.list->size(); });

  thread_local std::vector<float> acc;
  thread_local std::vector<std::uint32_t> touched;
  if (acc.size() < distinct_.size()) acc.resize(distinct_.size(), 0.0f);
  touched.clear();
  // Phase 1: the rarest words' lists, into the score array: at least the two rarest (an item
  // with all of the query's words but one holds one of them), then more while the budget lasts.
  std::size_t scanned = 0, t = 0;
  for (; t < terms.size() && (t < 2 || scanned + terms[t].list->size() <= kScanBudget); ++t) {
    const float w = static_cast<float>(terms[t].idf);
    for (std::uint32_t id : *terms[t].list) {
      if (acc[id] == 0.0f) touched.push_back(id);
      acc[id] += w;
    }
    scanned += terms[t].list->size();
  }
  // Preselection: the rough score (the shared words' weight over the square root of the
  // item's word count; the query's norm is the same for all). Only the best kRefine items
  // go on: the commoner words weigh little, and adding them to every item found would cost
  // a binary search per item and word.
  std::vector<SimilarItem> ranked;
  ranked.reserve(touched.size());
  for (std::uint32_t id : touched) {
    ranked.push_back(SimilarItem{ItemId(id), acc[id] / std::sqrt(static_cast<double>(std::max<std::uint16_t>(distinct_[id], 1)))});
    acc[id] = 0.0f;
  }
  auto better = [](const SimilarItem& a, const SimilarItem& b) {
    return a.score != b.score ? a.score > b.score : a.item.value < b.item.value;
  };
  const std::size_t refine = std::max<std::size_t>(kRefine, limit * 16);
  if (ranked.size() > refine) {
    std::nth_element(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(refine), ranked.end(), better);
    ranked.resize(refine);
  }
  // Phase 2: the commoner words added to those (a binary search in their ascending lists).
  for (; t < terms.size(); ++t) {
    const double w = terms[t].idf;
    const std::vector<std::uint32_t>& list = *terms[t].list;
    for (SimilarItem& x : ranked)
      if (std::binary_search(list.begin(), list.end(), x.item.value))
        x.score += w / std::sqrt(static_cast<double>(std::max<std::uint16_t>(distinct_[x.item.value], 1)));
  }
  std::sort(ranked.begin(), ranked.end(), better);
  // The best open items, `keep` of them (more than asked), are scored exactly.
  const std::size_t keep = std::max<std::size_t>(limit * 4, 40);
  std::vector<SimilarItem> best;
  for (const SimilarItem& x : ranked) {
    if (best.size() == keep) break;
    if (open_status(s.items[x.item.value].status)) best.push_back(x);
  }
  // Exact cosine of the idf-weighted word sets: sum over shared words of idf^2, over both
  // norms. The query's words with their idf, for the look-ups below.
  std::unordered_map<std::uint32_t, double> query_idf;
  for (const Term& t : terms) query_idf.emplace(t.word, t.idf);
  const double qn = std::sqrt(norm_q);
  for (SimilarItem& x : best) {
    double dot = 0, norm_d = 0;
    for (const std::string& w : distinct_words(s.text().view(s.items[x.item.value].text))) {
      const auto wi = words_.find(w);
      if (wi == words_.end()) continue;  // not indexed: cannot happen for an indexed item
      const auto pi = postings_.find(key(unit, wi->second));
      if (pi == postings_.end()) continue;
      const double idf = std::log(1.0 + n / static_cast<double>(pi->second.size()));
      norm_d += idf * idf;
      if (query_idf.count(wi->second)) dot += idf * idf;
    }
    x.score = norm_d > 0 ? std::min(1.0, dot / (qn * std::sqrt(norm_d))) : 0.0;
  }
  std::sort(best.begin(), best.end(), better);
  if (best.size() > limit) best.resize(limit);
  return best;
}

std::size_t SimilarIndex::memory() const {
  std::size_t bytes = distinct_.capacity() * sizeof(std::uint16_t) + per_unit_.capacity() * sizeof(std::uint32_t);
  for (const auto& [w, id] : words_) bytes += w.capacity() + sizeof(w) + sizeof(id) + 2 * sizeof(void*);
  for (const auto& [k, list] : postings_) bytes += sizeof(k) + sizeof(list) + 2 * sizeof(void*) + list.capacity() * 4;
  return bytes + words_.bucket_count() * sizeof(void*) + postings_.bucket_count() * sizeof(void*);
}

}  // namespace doithoai::detail
