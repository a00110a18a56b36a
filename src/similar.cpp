// The duplicate-suggestion index (src/similar.h).
#include "similar.h"

#include <algorithm>
#include <cmath>

#include "state_impl.h"

namespace doithoai::detail {

namespace {

// Postings scanned from the rarest words before the commoner ones only add to what was found.
constexpr std::size_t kScanBudget = 60000;

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
  std::size_t scanned = 0, t = 0;
  // Phase 1: the rarest words' lists, into the score array (at least the rarest one).
  for (; t < terms.size() && (t == 0 || scanned + terms[t].list->size() <= kScanBudget); ++t) {
    const float w = static_cast<float>(terms[t].idf);
    for (std::uint32_t id : *terms[t].list) {
      if (acc[id] == 0.0f) touched.push_back(id);
      acc[id] += w;
    }
    scanned += terms[t].list->size();
  }
  // Phase 2: the commoner words only add to the items found (binary search in their lists).
  for (; t < terms.size(); ++t) {
    const float w = static_cast<float>(terms[t].idf);
    const std::vector<std::uint32_t>& list = *terms[t].list;
    for (std::uint32_t id : touched)
      if (std::binary_search(list.begin(), list.end(), id)) acc[id] += w;
  }
  // Preselection: the shared words' weight over the square root of the item's word count
  // (the query's norm is the same for all).
  std::vector<SimilarItem> ranked;
  ranked.reserve(touched.size());
  for (std::uint32_t id : touched) {
    const double rough = acc[id] / std::sqrt(static_cast<double>(std::max<std::uint16_t>(distinct_[id], 1)));
    acc[id] = 0.0f;
    ranked.push_back(SimilarItem{ItemId(id), rough});
  }
  auto better = [](const SimilarItem& a, const SimilarItem& b) {
    return a.score != b.score ? a.score > b.score : a.item.value < b.item.value;
  };
  // The best open items by the rough score, sorted in growing chunks so that a few closed
  // items near the top cost little; `keep` of them (more than asked) are scored exactly.
  const std::size_t keep = std::max<std::size_t>(limit * 4, 40);
  std::vector<SimilarItem> best;
  std::size_t sorted = 0;
  std::size_t chunk = keep;
  for (std::size_t i = 0; i < ranked.size() && best.size() < keep; ++i) {
    if (i == sorted) {
      const std::size_t end = std::min(ranked.size(), sorted + chunk);
      std::partial_sort(ranked.begin() + static_cast<std::ptrdiff_t>(sorted),
                        ranked.begin() + static_cast<std::ptrdiff_t>(end), ranked.end(), better);
      sorted = end;
      chunk *= 4;
    }
    if (open_status(s.items[ranked[i].item.value].status)) best.push_back(ranked[i]);
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
