// place_bench: queries by place (issue 14: "fast enough for 1,000,000 items"),
// items_near and items_in_box over the grid of 0.01-degree cells (src/views/place.cpp).
//   place_bench [items=1000000] [queries=1000]
// Items of a province of 100 wards, each placed uniformly at random in a 60 km x 60 km square
// around Hà Nội's centre (about 280 items a square km: denser than any real feedback map),
// so a 500 m circle holds about 220 items and a 2 km one about 3,500. Reports the median,
// p90 and worst latency of: items_near 500 m (limit 100), items_near 2 km (limit 100), the
// same filtered to one district's subtree, items_in_box of 1 km x 1 km, and the resident
// memory the places add (the side table and the grid).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
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

void report(const char* what, std::vector<double> ms, std::size_t found) {
  std::sort(ms.begin(), ms.end());
  std::printf("%-34s median %.3f ms  p90 %.3f ms  max %.3f ms  (%.0f items a query on average)\n", what,
              ms[ms.size() / 2], ms[ms.size() * 9 / 10], ms.back(),
              static_cast<double>(found) / static_cast<double>(ms.size()));
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t items = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const std::size_t queries = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000;
  auto clock = std::make_shared<ManualClock>(Instant(Date(2023, 1, 2), boost::posix_time::hours(2)));
  EngineOptions options;
  options.clock = clock;
  Engine e(builtin_profile("hanoi-2200"), options);
  const benchlife::Province p = benchlife::build_province(e);
  constexpr double kLat = 21.0285, kLon = 105.8542, kHalf = 0.27;  // about 30 km each way
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> off(-kHalf, kHalf);
  cmd::SubmitOpinion submit{UnitId(), ConferenceId(), Channel::online_portal, PersonId(), OrganizationId(), Date(), "",
                            {{"urban_order", "Lấn chiếm vỉa hè"}}};
  const double rss0 = rss_mb();
  const auto build0 = SteadyClock::now();
  for (std::size_t i = 0; i < items; ++i) {
    const benchlife::Ward& w = p.wards[i % p.wards.size()];
    submit.unit = w.unit;
    submit.raised_by = w.resident;
    submit.items[0].text = "Lấn chiếm vỉa hè số " + std::to_string(i);
    submit.place = Place{kLat + off(rng), kLon + off(rng), ""};
    e.execute(w.resident, submit);
  }
  const double build_s = std::chrono::duration<double>(SteadyClock::now() - build0).count();
  std::printf("place_bench: %zu placed items (submitted in %.1f s; resident memory +%.0f MB with the texts)\n",
              items, build_s, rss_mb() - rss0);

  std::uniform_real_distribution<double> centre(-kHalf * 0.9, kHalf * 0.9);
  auto time = [&](const char* what, const std::function<std::size_t(double, double)>& q) {
    std::vector<double> ms;
    std::size_t found = 0;
    for (std::size_t k = 0; k < queries; ++k) {
      const double lat = kLat + centre(rng), lon = kLon + centre(rng);
      const auto t0 = SteadyClock::now();
      found += q(lat, lon);
      ms.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count());
    }
    report(what, ms, found);
  };
  PlaceFilter all;
  all.limit = 100;
  PlaceFilter district = all;
  district.unit = e.unit(p.wards[0].unit).parent;
  time("items_near 500 m, limit 100", [&](double lat, double lon) { return items_near(e, lat, lon, 500, all).size(); });
  time("items_near 2 km, limit 100", [&](double lat, double lon) { return items_near(e, lat, lon, 2000, all).size(); });
  time("items_near 2 km, one district", [&](double lat, double lon) { return items_near(e, lat, lon, 2000, district).size(); });
  PlaceFilter box = all;
  box.limit = 10000;
  time("items_in_box 1 km x 1 km", [&](double lat, double lon) {
    return items_in_box(e, lat - 0.0045, lon - 0.0048, lat + 0.0045, lon + 0.0048, box).size();
  });
  return 0;
}
