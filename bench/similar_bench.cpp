// similar_bench: duplicate suggestions at intake (issue 14: "the top 10 among 1,000,000 items
// in under 5 ms"), Engine::similar_items.
//   similar_bench [items=1000000] [queries=2000]
// One ward holds every item (the worst case: the index is per unit). Item texts are 6-16
// words drawn from a vocabulary of 4,000 Vietnamese-like syllables with Zipf-like frequencies
// (a few words in most items, most words rare), plus a house number. Queries are existing
// item texts with one word dropped, one random word added and the diacritics of the rest
// removed (as people type), so each has a true near-duplicate. Reports: the first query (the
// index built), then the median, p90, p99 and worst latency of the queries, whether the true
// near-duplicate came first, and the process's resident memory before and after the index.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "doithoai/doithoai.h"
#include "lifecycle.h"

using namespace doithoai;
using SteadyClock = std::chrono::steady_clock;

namespace {

double rss_mb() {
  std::ifstream f("/proc/self/statm");
  long pages = 0, resident = 0;
  f >> pages >> resident;
  return static_cast<double>(resident) * 4096.0 / 1e6;
}

// Syllables: onset + rhyme, with or without a tone mark (UTF-8 literals, precomposed).
std::vector<std::string> vocabulary(std::size_t n) {
  const char* onsets[] = {"b", "c", "ch", "d", "đ", "g", "gi", "h", "k", "kh", "l", "m", "n", "ng", "nh", "ph", "qu",
                          "r", "s", "t", "th", "tr", "v", "x"};
  const char* rhymes[] = {"a", "á", "à", "ả", "ã", "ạ", "an", "án", "àn", "anh", "ánh", "ào", "ao", "ăm", "ắm", "âu",
                          "ấu", "e", "é", "ề", "ên", "i", "ì", "ình", "inh", "o", "ó", "ò", "ông", "ống", "ồng", "ơ",
                          "ớ", "ờ", "u", "ú", "ù", "ung", "ủng", "ư", "ứ", "ường", "ương", "ước", "ất", "ận", "ục",
                          "uyên", "uyết", "oan", "oàn", "ai", "ái", "ơi", "ới", "ôi", "ối", "iêu", "iếu", "ân", "ẩn",
                          "ăng", "ắng", "ằng", "inh", "ích", "ịch", "ọc", "óc", "úc", "ức", "ựa", "ưa", "ữa", "ênh",
                          "ệnh", "ạc", "ác", "ặc", "ắc", "ỏi", "ỗi", "uống", "uồn", "ườn", "iện", "iền", "iếng"};
  std::vector<std::string> out;
  for (const char* o : onsets)
    for (const char* r : rhymes) {
      out.push_back(std::string(o) + r);
      if (out.size() == n) return out;
    }
  // More distinct words than onsets x rhymes: two-syllable words.
  for (std::size_t i = 0; out.size() < n; ++i) out.push_back(out[i % 500] + out[(i * 7 + 3) % 1000]);
  return out;
}

// The text without diacritics (and đ -> d), as a query typed on a phone without Telex.
std::string strip(const std::string& s, const std::vector<std::pair<std::string, std::string>>& table) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    bool hit = false;
    for (const auto& [from, to] : table)
      if (s.compare(i, from.size(), from) == 0) {
        out += to;
        i += from.size();
        hit = true;
        break;
      }
    if (!hit) out += s[i++];
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t items = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const std::size_t queries = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 2000;
  const std::vector<std::string> vocab = vocabulary(4000);
  // Zipf(1.0) over the vocabulary.
  std::vector<double> cdf(vocab.size());
  double sum = 0;
  for (std::size_t i = 0; i < vocab.size(); ++i) cdf[i] = (sum += 1.0 / static_cast<double>(i + 1));
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> u(0, sum);
  auto word = [&] { return vocab[static_cast<std::size_t>(std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin())]; };
  std::uniform_int_distribution<int> len(6, 16), house(1, 400);

  auto clock = std::make_shared<ManualClock>(Instant(Date(2023, 1, 2), boost::posix_time::hours(2)));
  EngineOptions options;
  options.clock = clock;
  Engine e(builtin_profile("hanoi-2200"), options);
  const benchlife::Province p = benchlife::build_province(e);
  const benchlife::Ward& w = p.wards[0];
  std::vector<std::vector<std::string>> texts;
  texts.reserve(items);
  cmd::SubmitOpinion submit{w.unit, ConferenceId(), Channel::online_portal, w.resident, OrganizationId(), Date(), "",
                            {{"land", ""}}};
  std::vector<ItemId> ids;
  ids.reserve(items);
  const auto build0 = SteadyClock::now();
  for (std::size_t i = 0; i < items; ++i) {
    std::vector<std::string> ws;
    const int n = len(rng);
    for (int k = 0; k < n; ++k) ws.push_back(word());
    ws.push_back("số " + std::to_string(house(rng)));
    std::string text;
    for (const auto& x : ws) text += (text.empty() ? "" : " ") + x;
    submit.items[0].text = text;
    ids.push_back(e.execute(w.resident, submit).items[0]);
    texts.push_back(std::move(ws));
  }
  const double build_s = std::chrono::duration<double>(SteadyClock::now() - build0).count();
  std::printf("similar_bench: %zu items in one ward (built in %.1f s), %zu queries\n", items, build_s, queries);

  const std::vector<std::pair<std::string, std::string>> table = {
      {"đ", "d"}, {"á", "a"}, {"à", "a"}, {"ả", "a"}, {"ã", "a"}, {"ạ", "a"}, {"ă", "a"}, {"ắ", "a"}, {"ằ", "a"},
      {"ặ", "a"}, {"â", "a"}, {"ấ", "a"}, {"ầ", "a"}, {"ẩ", "a"}, {"ậ", "a"}, {"é", "e"}, {"ề", "e"}, {"ê", "e"},
      {"ệ", "e"}, {"ì", "i"}, {"í", "i"}, {"ị", "i"}, {"ó", "o"}, {"ò", "o"}, {"ọ", "o"}, {"ỏ", "o"}, {"ô", "o"},
      {"ố", "o"}, {"ồ", "o"}, {"ỗ", "o"}, {"ơ", "o"}, {"ớ", "o"}, {"ờ", "o"}, {"ú", "u"}, {"ù", "u"}, {"ủ", "u"},
      {"ư", "u"}, {"ứ", "u"}, {"ừ", "u"}, {"ự", "u"}, {"ữ", "u"}, {"ẫ", "a"}};
  std::uniform_int_distribution<std::size_t> pick(0, items - 1);
  std::vector<std::pair<std::string, ItemId>> qs;
  for (std::size_t q = 0; q < queries; ++q) {
    const std::size_t i = pick(rng);
    std::vector<std::string> ws = texts[i];
    ws.erase(ws.begin() + static_cast<std::ptrdiff_t>(rng() % (ws.size() - 1)));  // keep the house number
    ws.push_back(word());
    std::string text;
    for (const auto& x : ws) text += (text.empty() ? "" : " ") + strip(x, table);
    qs.emplace_back(text, ids[i]);
  }

  const double rss0 = rss_mb();
  const auto f0 = SteadyClock::now();
  const auto first = e.similar_items(w.unit, qs[0].first, 10);
  const double first_ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - f0).count();
  const double rss1 = rss_mb();
  std::printf("first query (builds the index): %.0f ms; resident memory %.0f -> %.0f MB (+%.0f MB, %.0f B an item)\n",
              first_ms, rss0, rss1, rss1 - rss0, (rss1 - rss0) * 1e6 / static_cast<double>(items));
  (void)first;
  std::vector<double> ms;
  std::size_t top1 = 0, in10 = 0;
  for (const auto& [text, want] : qs) {
    const auto t0 = SteadyClock::now();
    const std::vector<SimilarItem> r = e.similar_items(w.unit, text, 10);
    ms.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count());
    if (!r.empty() && r[0].item == want) ++top1;
    for (const SimilarItem& x : r)
      if (x.item == want) ++in10;
  }
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(p * static_cast<double>(ms.size())))]; };
  std::printf("top 10 of %zu: median %.2f ms, p90 %.2f ms, p99 %.2f ms, worst %.2f ms (target: < 5 ms)\n", items,
              pct(0.5), pct(0.9), pct(0.99), ms.back());
  std::printf("the near-duplicate first in %.1f%% of queries, among the 10 in %.1f%%\n",
              100.0 * static_cast<double>(top1) / static_cast<double>(qs.size()),
              100.0 * static_cast<double>(in10) / static_cast<double>(qs.size()));
  return 0;
}
