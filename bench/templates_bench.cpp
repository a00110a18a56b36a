// bench/templates_bench.cpp: what rendering a reply template costs (docs/templates.md).
//   templates_bench [ITEMS] [RENDERS]   (defaults 10000 and 20000)
// A ward with ITEMS assigned items (hanoi-2200, in memory); RENDERS renders of "tra_loi" for
// items spread over the ward, in 5 runs; prints the median per render of render_template on
// the engine (parse of the profile's section, find, read lock, state lookups, fill), of
// profile_templates alone (the parse) and of fill_template alone (no state).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "doithoai/doithoai.h"

using namespace doithoai;
using Clk = std::chrono::steady_clock;

template <class F>
double median_ns(int runs, int n, F&& f) {
  std::vector<double> v;
  for (int r = 0; r < runs; ++r) {
    const auto t0 = Clk::now();
    for (int i = 0; i < n; ++i) f(i);
    v.push_back(std::chrono::duration<double, std::nano>(Clk::now() - t0).count() / n);
  }
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int main(int argc, char** argv) {
  const int items = argc > 1 ? std::atoi(argv[1]) : 10000;
  const int renders = argc > 2 ? std::atoi(argv[2]) : 20000;
  auto clock = std::make_shared<ManualClock>(Instant(Date(2022, 9, 20), boost::posix_time::hours(2)));
  EngineOptions o;
  o.clock = clock;
  Engine e(builtin_profile("hanoi-2200"), o);
  auto sys = [&](const Command& c) { return e.execute(kSystemActor, c).id; };
  const UnitId ward(sys(cmd::CreateUnit{"Phường Bồ Đề", "xa"}));
  const AgencyId land(sys(cmd::CreateAgency{ward, "Bộ phận Địa chính - Xây dựng"}));
  const PersonId office(sys(cmd::RegisterPerson{"Văn phòng"}));
  e.execute(kSystemActor, cmd::GrantRole{office, Role::office, ward});
  const PersonId resident(sys(cmd::RegisterPerson{"Trần Văn Bình"}));
  std::vector<ItemId> ids;
  for (int i = 0; i < items; ++i) {
    const ItemId it = e.execute(office, cmd::SubmitOpinion{ward, ConferenceId(), Channel::letter, resident, OrganizationId(),
                                                           Date(), "", {{"land", "Lấn chiếm đất công ngõ " + std::to_string(i)}}})
                          .items.at(0);
    e.execute(office, cmd::Assign{it, land, std::nullopt});
    ids.push_back(it);
  }
  RenderRequest rq;
  rq.key = "tra_loi";
  rq.values = {{"signer", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn Luyện"}, {"number", "125/UBND-ĐC"},
               {"date", "20/10/2022"}, {"answer", "Đã lập biên bản, yêu cầu tháo dỡ công trình trong 15 ngày."}};
  std::size_t bytes = 0;
  const double render = median_ns(5, renders, [&](int i) {
    rq.item = ids[static_cast<std::size_t>(i) % ids.size()];
    bytes += render_template(e, rq).text.size();
  });
  const double parse = median_ns(5, renders, [&](int) { bytes += profile_templates(e.profile()).size(); });
  const ReplyTemplate t = find_template(e.profile(), "tra_loi");
  TemplateValues v = render_template(e, rq).values;
  const double fill = median_ns(5, renders, [&](int) { bytes += fill_template(t, v).size(); });
  std::printf("items %d, renders %d x 5 runs (median)\n", items, renders);
  std::printf("render_template(engine)  %8.0f ns/render\n", render);
  std::printf("profile_templates        %8.0f ns/call (parse and check the section)\n", parse);
  std::printf("fill_template            %8.0f ns/call\n", fill);
  return bytes == 0;
}
