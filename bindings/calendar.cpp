// bindings/calendar.cpp: working-day calendars (WeekendCalendar, VietnamCalendar), deadline
// rules and arithmetic, and the Vietnamese lunar calendar.
#include "common.h"

namespace dtpy {

void init_calendar(py::module_& m) {
  using namespace doithoai;

  ValueClass<DeadlineRule> dr(m, "DeadlineRule", "A deadline of a profile: days, day type, end rule, citation.");
  dr.def(py::init([](int days, DayType day_type, EndRule end_rule, std::string citation) {
           return DeadlineRule{days, day_type, end_rule, std::move(citation)};
         }),
         py::arg("days"), py::arg("day_type") = DayType::calendar, py::arg("end_rule") = EndRule::keep,
         py::arg("citation") = "")
      .def_readonly("days", &DeadlineRule::days).def_readonly("day_type", &DeadlineRule::day_type)
      .def_readonly("end_rule", &DeadlineRule::end_rule).def_readonly("citation", &DeadlineRule::citation);
  def_repr(dr, "DeadlineRule", {"days", "day_type", "end_rule", "citation"});

  ValueClass<DayOffReason> dor(m, "DayOffReason", "A day that is not a working day, with why and the source.");
  dor.def_readonly("date", &DayOffReason::date).def_readonly("reason", &DayOffReason::reason)
      .def_readonly("citation", &DayOffReason::citation);
  def_repr(dor, "DayOffReason", {"date", "reason"});
  ValueClass<DeadlineExplanation> dx(
      m, "DeadlineExplanation",
      "How a deadline was reached: calendar, rule, days skipped (Civil Code 2015 art. 147-148) and a text.");
  dx.def_readonly("event", &DeadlineExplanation::event).def_readonly("first_day", &DeadlineExplanation::first_day)
      .def_readonly("computed_end", &DeadlineExplanation::computed_end)
      .def_readonly("deadline", &DeadlineExplanation::deadline)
      .def_readonly("calendar_name", &DeadlineExplanation::calendar_name)
      .def_readonly("rule", &DeadlineExplanation::rule).def_readonly("skipped", &DeadlineExplanation::skipped)
      .def_readonly("moved", &DeadlineExplanation::moved)
      .def_readonly("kept_on_day_off", &DeadlineExplanation::kept_on_day_off)
      .def_readonly("text_vi", &DeadlineExplanation::text_vi);
  def_repr(dx, "DeadlineExplanation", {"event", "deadline", "calendar_name", "moved"});

  py::class_<Calendar, std::shared_ptr<Calendar>>(m, "Calendar", "Which days are working days; deadline arithmetic.")
      .def_property_readonly("name", &Calendar::name, "\"vietnam\", \"weekend\" or \"custom\".")
      .def("day_off_reason", &Calendar::day_off_reason, py::arg("d"),
           "Why d is a day off, with the source; an empty reason for a working day.")
      .def("explain", &Calendar::explain, py::arg("event"), py::arg("rule"),
           "deadline(event, rule) with the calendar, the rule, the days off skipped and a Vietnamese text.")
      .def("is_working_day", &Calendar::is_working_day, py::arg("d"))
      .def("add_working_days", &Calendar::add_working_days, py::arg("start"), py::arg("n"),
           "The n-th working day after start (n == 0: start itself).")
      .def("working_days_between", &Calendar::working_days_between, py::arg("start"), py::arg("end"),
           "Working days in (start, end]; negative when end < start.")
      .def("next_working_day_on_or_after", &Calendar::next_working_day_on_or_after, py::arg("d"))
      .def("deadline", &Calendar::deadline, py::arg("event"), py::arg("rule"),
           "The last day of a period of rule.days starting the day after event (Civil Code 2015 art. 147-148).")
      .def("days_late", &Calendar::days_late, py::arg("deadline"), py::arg("done"),
           py::arg("day_type") = DayType::calendar, "Days late against an inclusive deadline (0 when on time).");

  py::class_<WeekendCalendar, Calendar, std::shared_ptr<WeekendCalendar>>(
      m, "WeekendCalendar", "Monday-Friday are working days; no holidays.")
      .def(py::init<>())
      .def("__repr__", [](const WeekendCalendar&) { return std::string("WeekendCalendar()"); });

  ValueClass<DayOff> doff(m, "DayOff", "A day off other than a weekly rest day, with its reason.");
  doff.def_readonly("date", &DayOff::date).def_readonly("kind", &DayOff::kind)
      .def_readonly("reason", &DayOff::reason).def_readonly("citation", &DayOff::citation);
  def_repr(doff, "DayOff", {"date", "kind", "reason"});
  ValueClass<MakeupDay> mk(m, "MakeupDay", "A weekly rest day worked instead of a swapped day off.");
  mk.def_readonly("date", &MakeupDay::date).def_readonly("reason", &MakeupDay::reason)
      .def_readonly("citation", &MakeupDay::citation);
  def_repr(mk, "MakeupDay", {"date", "reason"});

  auto options = [](int rest_days, bool builtin) {
    if (rest_days < 0 || rest_days > 0x7f) invalid("rest_days is a bit set over weekdays (0..127)");
    VietnamCalendarOptions o;
    o.rest_days = static_cast<RestDays>(rest_days);
    o.builtin_arrangements = builtin;
    return o;
  };
  using VC = VietnamCalendar;
  py::class_<VC, Calendar, std::shared_ptr<VC>> vc(
      m, "VietnamCalendar",
      "The working calendar of Vietnamese public servants: Labour Code holidays (lunar Tết and Hùng Kings' day "
      "included), compensatory days and the yearly official arrangements.");
  vc.def(py::init([options](py::object arrangements, int rest_days, bool builtin_arrangements) {
           const VietnamCalendarOptions o = options(rest_days, builtin_arrangements);
           if (arrangements.is_none()) {
             py::gil_scoped_release nogil;
             return std::make_shared<VC>(o);
           }
           nlohmann::json doc = py_to_json(arrangements);
           py::gil_scoped_release nogil;
           return std::make_shared<VC>(doc, o);
         }),
         py::arg("arrangements") = py::none(), py::arg("rest_days") = static_cast<int>(kSaturdaySunday),
         py::arg("builtin_arrangements") = true,
         "arrangements: a dict in the format of docs/calendar.md laid over the shipped data.")
      .def_static("builtin", []() { return std::const_pointer_cast<VC>(VC::builtin()); },
                  "The shared default calendar (built once).")
      .def_static("from_file", [options](const std::string& path, int rest_days, bool builtin) {
            py::gil_scoped_release nogil;
            return std::const_pointer_cast<VC>(VC::from_file(path, options(rest_days, builtin)));
          }, py::arg("path"), py::arg("rest_days") = static_cast<int>(kSaturdaySunday),
          py::arg("builtin_arrangements") = true)
      .def_static("builtin_arrangements", []() { return VC::builtin_arrangements(); },
                  "The shipped arrangement document as a dict.")
      .def("holidays", &VC::holidays, py::arg("year"), "Every day off of the year other than weekly rest days.")
      .def("makeup_days", &VC::makeup_days, py::arg("year"))
      .def("arranged_years", &VC::arranged_years)
      .def_property_readonly("rest_days", [](const VC& c) { return static_cast<int>(c.rest_days()); })
      .def("__repr__", [](const VC& c) {
        return "VietnamCalendar(rest_days=" + std::to_string(static_cast<int>(c.rest_days())) + ")";
      });
  m.attr("SATURDAY_SUNDAY") = py::int_(static_cast<int>(kSaturdaySunday));
  m.attr("SUNDAY_ONLY") = py::int_(static_cast<int>(kSundayOnly));

  // ---- lunar calendar ----
  ValueClass<LunarDate> ld(m, "LunarDate", "A date of the Vietnamese lunisolar calendar (âm lịch).");
  ld.def(py::init([](int year, int month, int day, bool leap) { return LunarDate{year, month, day, leap}; }),
         py::arg("year"), py::arg("month"), py::arg("day"), py::arg("leap") = false)
      .def_readonly("year", &LunarDate::year).def_readonly("month", &LunarDate::month)
      .def_readonly("day", &LunarDate::day).def_readonly("leap", &LunarDate::leap)
      .def("__iter__", [](const LunarDate& a) { return py::iter(py::make_tuple(a.year, a.month, a.day, a.leap)); });
  def_repr(ld, "LunarDate", {"year", "month", "day", "leap"});
  m.attr("VIETNAM_ZONE_MINUTES") = py::int_(kVietnamZoneMinutes);
  m.def("to_lunar", &to_lunar, py::arg("d"), py::arg("zone_minutes") = kVietnamZoneMinutes,
        "The lunar date of a Gregorian date.");
  m.def("from_lunar", &from_lunar, py::arg("lunar"), py::arg("zone_minutes") = kVietnamZoneMinutes,
        "The Gregorian date of a lunar date; InvalidArgument when it does not exist.");
  m.def("lunar_new_year", &lunar_new_year, py::arg("lunar_year"), py::arg("zone_minutes") = kVietnamZoneMinutes,
        "Tết Nguyên đán of a lunar year.");
  m.def("lunar_leap_month", &lunar_leap_month, py::arg("lunar_year"), py::arg("zone_minutes") = kVietnamZoneMinutes,
        "The leap month of a lunar year (0: none).");
  m.def("lunar_month_length", &lunar_month_length, py::arg("lunar_year"), py::arg("month"), py::arg("leap") = false,
        py::arg("zone_minutes") = kVietnamZoneMinutes, "Days in a lunar month (29 or 30).");
}

}  // namespace dtpy
