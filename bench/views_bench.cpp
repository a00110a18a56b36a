// Benchmark of the views layer (issue 6).
//   build/bench/views_bench [items]
// Builds a province with `items` items (default 1,000,000) by folding events into a State
// (the state is a fold of events: this is what replay does), then times:
//   - a yearly R16 report for the province (target: under 200 ms for 1,000,000 items)
//   - the internal CSV export of every item (target: at least 500,000 rows a second)
//   - the public CSV export (published items only, redacted)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "doithoai/doithoai.h"
#include "state_access.h"

using namespace doithoai;
using Clock_ = std::chrono::steady_clock;

namespace {
std::uint64_t seq = 0;
void put(State& s, Event e, const Date& d) {
  detail::StateAccess::apply(s, Recorded{++seq, Instant(d) + boost::posix_time::hours(2), kSystemActor, std::move(e)});
}
double ms_since(Clock_::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock_::now() - t).count();
}
}  // namespace

int main(int argc, char** argv) {
  const std::size_t n_items = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const Profile profile = builtin_profile("national-default");
  const auto cal = calendar_for(profile);
  State s;
  const Date y0(2023, 1, 1);
  auto t0 = Clock_::now();
  // Directory: a province, 10 districts, 100 communes; 30 agencies; 1,000 people.
  put(s, ev::UnitCreated{UnitId(1), "P", "Tỉnh Mẫu", "tinh", UnitId(), y0 - boost::gregorian::days(400)}, y0 - boost::gregorian::days(400));
  std::uint32_t next_unit = 2;
  std::vector<UnitId> communes;
  for (int d = 0; d < 10; ++d) {
    const UnitId du(next_unit++);
    put(s, ev::UnitCreated{du, "", "Huyện " + std::to_string(d), "huyen", UnitId(1), y0 - boost::gregorian::days(400)}, y0 - boost::gregorian::days(400));
    for (int c = 0; c < 10; ++c) {
      const UnitId cu(next_unit++);
      put(s, ev::UnitCreated{cu, "", "Xã " + std::to_string(d) + "." + std::to_string(c), "xa", du, y0 - boost::gregorian::days(400)}, y0 - boost::gregorian::days(400));
      communes.push_back(cu);
    }
  }
  for (std::uint32_t a = 1; a <= 30; ++a)
    put(s, ev::AgencyCreated{AgencyId(a), UnitId(1 + (a % 11)), "A" + std::to_string(a), "Phòng chuyên môn " + std::to_string(a), false}, y0);
  for (std::uint32_t p = 1; p <= 1000; ++p)
    put(s, ev::PersonRegistered{PersonId(p), "", "Người dân số " + std::to_string(p) + " Nguyễn", "0912" + std::to_string(100000 + p), "", "", p % 3 == 0}, y0);
  const char* topics[] = {"land", "site_clearance", "urban_order", "traffic", "environment", "infrastructure", "security", "social_policy"};
  // 2,000 conferences over the year, then opinions of 2 items each; 80% of items are replied.
  std::uint32_t conf = 0, opinion = 0, item = 1;
  const std::size_t per_conf = (n_items / 2 + 1999) / 2000;
  for (int k = 0; k < 2000 && item <= n_items; ++k) {
    const Date day = y0 + boost::gregorian::days(k * 365 / 2000);
    const UnitId u = communes[k % communes.size()];
    const ConferenceId c(++conf);
    put(s, ev::ConferencePlanned{c, u, "", ConferenceKind::periodic, "all_residents", AgencyId(), "", "", day, day - boost::gregorian::days(10)}, day);
    put(s, ev::ConferenceHeld{c, day, {PersonId(1)}, 100, "", cal->deadline(day, profile.deadlines.reply), cal->deadline(day, profile.deadlines.conclusion_notice)}, day);
    for (std::size_t o = 0; o < per_conf && item <= n_items; ++o) {
      const std::uint32_t first = item;
      std::vector<ItemSpec> specs{{topics[item % 8], "Kiến nghị về đường giao thông liên thôn bị xuống cấp, đề nghị sửa chữa, số " + std::to_string(item)},
                                  {topics[(item + 3) % 8], "Đề nghị làm rõ việc bồi thường, hỗ trợ khi thu hồi đất, liên hệ 0912 345 678"}};
      put(s, ev::OpinionSubmitted{OpinionId(++opinion), ItemId(first), u, c, Channel::at_conference, PersonId(1 + item % 1000), OrganizationId(), UnitId(), day, topics[item % 8], specs, cal->deadline(day, profile.deadlines.reply)}, day);
      item += 2;
      for (std::uint32_t i = first; i < item; ++i) {
        const AgencyId a(1 + i % 30);
        put(s, ev::ItemAssigned{ItemId(i), a, cal->deadline(day, profile.deadlines.reply), day + boost::gregorian::days(1)}, day + boost::gregorian::days(1));
        if (i % 5 == 0) continue;
        const Date rd = day + boost::gregorian::days(5 + i % 40);
        put(s, ev::ReplyWritten{ItemId(i), "TL-" + std::to_string(i), rd, PersonId(1), a, "Đã kiểm tra, đưa vào kế hoạch sửa chữa trong quý tới."}, rd);
        int k2 = 0;
        for (Recipient r : profile.reply_recipients)
          put(s, ev::ReplyDelivered{ItemId(i), r, rd, ++k2 == static_cast<int>(profile.reply_recipients.size())}, rd);
        if (i % 10 == 1) put(s, ev::ReplyPublished{ItemId(i), rd}, rd);
      }
    }
  }
  std::printf("built %zu items, %zu opinions, %u conferences in %.0f ms (%llu events applied)\n", s.item_count(),
              s.opinion_count(), conf, ms_since(t0), static_cast<unsigned long long>(seq));

  ReportRequest q;
  q.unit = UnitId(1);
  q.period = Period::year(2023);
  double best = 1e9;
  Report r;
  for (int rep = 0; rep < 5; ++rep) {
    const auto t = Clock_::now();
    r = make_report(s, profile, *cal, q);
    best = std::min(best, ms_since(t));
  }
  std::printf("yearly province report: %.1f ms (best of 5; target < 200 ms) -> %llu items, %llu resolved, %llu overdue, %llu conferences\n",
              best, static_cast<unsigned long long>(r.items.items), static_cast<unsigned long long>(r.items.resolved),
              static_cast<unsigned long long>(r.items.overdue), static_cast<unsigned long long>(r.conferences));

  for (Visibility v : {Visibility::internal, Visibility::public_view}) {
    ExportOptions o;
    o.unit = UnitId(1);
    o.visibility = v;
    double best_csv = 1e9;
    std::size_t rows = 0, bytes = 0;
    for (int rep = 0; rep < 3; ++rep) {
      // Streamed in 1 MiB chunks, as to a file or socket; the sink only counts the bytes.
      std::size_t b = 0;
      const auto t = Clock_::now();
      rows = export_items_csv(s, profile, o, [&](std::string_view chunk) { b += chunk.size(); });
      best_csv = std::min(best_csv, ms_since(t));
      bytes = b;
    }
    std::printf("CSV %s: %zu rows, %.1f MB in %.1f ms = %.0f rows/s%s\n", v == Visibility::internal ? "internal" : "public (redacted)",
                rows, bytes / 1e6, best_csv, rows / (best_csv / 1000.0),
                v == Visibility::internal ? " (target >= 500,000 rows/s)" : "");
  }
  return 0;
}
