// Calendar arrangement documents as JSON (VietnamCalendar::from_json, behind from_file and
// profiles' calendar sections; docs/calendar.md): any text is parsed and applied over the
// computed holidays; a calendar that loads must answer for every year it arranges.
#include "doithoai/json.h"
#include "doithoai/vietnam_calendar.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace doithoai;
  // The first byte picks the options (rest days, shipped arrangements or not), the rest is JSON.
  if (size < 1) return 0;
  VietnamCalendarOptions o;
  o.rest_days = static_cast<RestDays>(data[0] & 0x7F);
  o.builtin_arrangements = (data[0] & 0x80) != 0;
  fuzz::accepts([&] {
    const auto cal = VietnamCalendar::from_json(parse_json(fuzz::bytes(data + 1, size - 1)), o);
    for (const int year : cal->arranged_years()) {
      for (const DayOff& d : cal->holidays(year)) {
        FUZZ_CHECK(!cal->is_working_day(d.date) || d.kind == DayOffKind::holiday);
        (void)cal->day_off_reason(d.date);
      }
      for (const MakeupDay& m : cal->makeup_days(year)) FUZZ_CHECK(cal->is_working_day(m.date));
      const Date first(year, 1, 1);
      const Date d = cal->add_working_days(first, 20);
      FUZZ_CHECK(cal->working_days_between(first, d) == 20);
    }
  });
  return 0;
}
