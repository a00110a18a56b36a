// The Vietnamese working calendar: Labour Code 2019 holidays (art. 112), compensatory days
// (art. 111(3)), the yearly official arrangements, and deadlines counted on it (Civil Code
// 2015 art. 147-148). Official dates below come from the notices cited in
// data/calendar/vn-arrangements.json.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>

#include <nlohmann/json.hpp>

#include "doithoai/doithoai.h"

using namespace doithoai;
using nlohmann::json;
namespace gr = boost::gregorian;

namespace {

ErrorCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::unsupported;  // "nothing thrown" never equals invalid_argument
}

// The same days, counted one by one by the base class.
class SlowCalendar final : public Calendar {
 public:
  explicit SlowCalendar(const Calendar& c) : c_(c) {}
  bool is_working_day(const Date& d) const override { return c_.is_working_day(d); }

 private:
  const Calendar& c_;
};

bool off(const Calendar& c, int y, int m, int d) { return !c.is_working_day(Date(y, m, d)); }

}  // namespace

TEST_CASE("working days skip Tết 2024") {
  const auto cal = VietnamCalendar::builtin();
  // Thông báo 5015/TB-LĐTBXH: off from Thursday 8/2/2024 to Wednesday 14/2/2024.
  CHECK_FALSE(off(*cal, 2024, 2, 7));
  for (int d = 8; d <= 14; ++d) CHECK(off(*cal, 2024, 2, d));
  CHECK_FALSE(off(*cal, 2024, 2, 15));
  CHECK(cal->add_working_days(Date(2024, 2, 7), 1) == Date(2024, 2, 15));
  CHECK(cal->working_days_between(Date(2024, 2, 7), Date(2024, 2, 15)) == 1);
  CHECK(cal->working_days_between(Date(2024, 2, 15), Date(2024, 2, 7)) == -1);
}

TEST_CASE("a deadline set before Tết ends later: 10 working days from 31/1/2024") {
  const auto cal = VietnamCalendar::builtin();
  const DeadlineRule ten_working{10, DayType::working, EndRule::keep, "test"};
  // 1,2,5,6,7 February, then 15,16,19,20,21 February.
  CHECK(cal->deadline(Date(2024, 1, 31), ten_working) == Date(2024, 2, 21));
  CHECK(WeekendCalendar().deadline(Date(2024, 1, 31), ten_working) == Date(2024, 2, 14));
  // 30 calendar days from 15/1/2024 end on 14/2 (a Tết day); art. 148 moves it to 15/2.
  CHECK(cal->deadline(Date(2024, 1, 15), {30, DayType::calendar, EndRule::keep, ""}) == Date(2024, 2, 14));
  CHECK(cal->deadline(Date(2024, 1, 15), {30, DayType::calendar, EndRule::next_working_day, ""}) ==
        Date(2024, 2, 15));
  // Days late in working days: done 16/2 against a deadline of 7/2 is 2 working days late.
  CHECK(cal->days_late(Date(2024, 2, 7), Date(2024, 2, 16), DayType::working) == 2);
  CHECK(cal->days_late(Date(2024, 2, 7), Date(2024, 2, 16), DayType::calendar) == 9);
  CHECK(cal->days_late(Date(2024, 2, 7), Date(2024, 2, 7), DayType::working) == 0);
}

TEST_CASE("compensatory day when 2 September falls on Sunday") {
  const auto cal = VietnamCalendar::builtin();
  REQUIRE(Date(2029, 9, 2).day_of_week().as_number() == 0);
  CHECK(off(*cal, 2029, 9, 2));
  CHECK(off(*cal, 2029, 9, 3));  // the adjacent day of art. 112(1)(đ)
  CHECK(off(*cal, 2029, 9, 4));  // nghỉ bù for Sunday 2/9 (art. 111(3))
  CHECK_FALSE(off(*cal, 2029, 9, 5));
  bool listed = false;
  for (const DayOff& d : cal->holidays(2029))
    if (d.date == Date(2029, 9, 4)) {
      listed = d.kind == DayOffKind::compensatory && d.reason.find("2/9") != std::string::npos &&
               d.citation.find("111") != std::string::npos;
    }
  CHECK(listed);
}

TEST_CASE("compensatory days when Hùng Kings' day and 30 April fall on a weekend (2023)") {
  const auto cal = VietnamCalendar::builtin();
  // 10/3 Quý Mão = Saturday 29/4/2023, 30/4 a Sunday, 1/5 a Monday: off 29/4 to 3/5.
  REQUIRE(from_lunar({2023, 3, 10, false}) == Date(2023, 4, 29));
  for (int d = 29; d <= 30; ++d) CHECK(off(*cal, 2023, 4, d));
  for (int d = 1; d <= 3; ++d) CHECK(off(*cal, 2023, 5, d));
  CHECK_FALSE(off(*cal, 2023, 5, 4));
  CHECK_FALSE(off(*cal, 2023, 4, 28));
}

TEST_CASE("1 January on a Sunday gives Monday 2 January off") {
  const auto cal = VietnamCalendar::builtin();
  CHECK(off(*cal, 2023, 1, 2));
  CHECK_FALSE(off(*cal, 2023, 1, 3));
}

TEST_CASE("the official swap of 2024: 29 April off, Saturday 4 May worked") {
  const auto cal = VietnamCalendar::builtin();
  for (int d = 27; d <= 30; ++d) CHECK(off(*cal, 2024, 4, d));
  CHECK(off(*cal, 2024, 5, 1));
  CHECK_FALSE(off(*cal, 2024, 5, 2));
  CHECK_FALSE(off(*cal, 2024, 5, 4));  // làm bù
  CHECK(off(*cal, 2024, 5, 5));
  const auto makeups = cal->makeup_days(2024);
  REQUIRE(makeups.size() == 1);
  CHECK(makeups[0].date == Date(2024, 5, 4));
  CHECK(makeups[0].citation.find("2450/VPCP-KGVX") != std::string::npos);
  // Over that week: Thu 2, Fri 3, Sat 4 May are the only working days from 26/4 to 5/5.
  CHECK(cal->working_days_between(Date(2024, 4, 26), Date(2024, 5, 5)) == 3);
}

TEST_CASE("shipped arrangements for 2025 and 2026 Tết and National Day") {
  const auto cal = VietnamCalendar::builtin();
  for (Date d(2025, 1, 25); d <= Date(2025, 2, 2); d += gr::days(1)) CHECK_FALSE(cal->is_working_day(d));
  CHECK(cal->is_working_day(Date(2025, 1, 24)));
  CHECK(cal->is_working_day(Date(2025, 2, 3)));  // the computed default would have given it off
  CHECK(cal->is_working_day(Date(2025, 4, 26)));  // Saturday make-up day
  CHECK(off(*cal, 2025, 5, 2));
  CHECK(off(*cal, 2025, 9, 1));
  CHECK(off(*cal, 2025, 9, 2));
  CHECK_FALSE(off(*cal, 2025, 9, 3));
  for (Date d(2026, 2, 14); d <= Date(2026, 2, 22); d += gr::days(1)) CHECK_FALSE(cal->is_working_day(d));
  CHECK(cal->is_working_day(Date(2026, 2, 13)));
  CHECK(cal->is_working_day(Date(2026, 2, 23)));
}

TEST_CASE("the default Tết of a year without arrangement: last day of the year and mùng 1-4, with compensation") {
  const auto cal = VietnamCalendar::builtin();
  // Tết Giáp Dần falls on Sunday 19/2/2034: off Saturday 18/2 .. Wednesday 22/2, and two
  // compensatory days (for Saturday 18/2 and Sunday 19/2) on Thursday 23/2 and Friday 24/2.
  REQUIRE(lunar_new_year(2034) == Date(2034, 2, 19));
  CHECK_FALSE(off(*cal, 2034, 2, 17));
  for (int d = 18; d <= 24; ++d) CHECK(off(*cal, 2034, 2, d));
  CHECK_FALSE(off(*cal, 2034, 2, 27));
  int tet = 0, comp = 0;
  for (const DayOff& d : cal->holidays(2034)) {
    if (d.reason.find("Tết Âm lịch") == 0) ++tet;
    if (d.kind == DayOffKind::compensatory && d.date.month() == 2) ++comp;
  }
  CHECK(tet == 5);
  CHECK(comp == 2);
}

TEST_CASE("holidays(year) lists each day off with its reason and citation") {
  const auto cal = VietnamCalendar::builtin();
  const auto days = cal->holidays(2024);
  // 1/1; Tết 8,9,12,13,14/2 (weekdays of the arranged block); Hùng Kings 18/4; 29/4 (swap);
  // 30/4; 1/5; 2/9 and 3/9.
  REQUIRE(days.size() == 12);
  CHECK(days[0].date == Date(2024, 1, 1));
  CHECK(days[0].kind == DayOffKind::holiday);
  CHECK(days[0].citation.find("điều 112") != std::string::npos);
  CHECK(days[1].date == Date(2024, 2, 8));
  CHECK(days[1].kind == DayOffKind::arranged);
  CHECK(days[1].citation.find("5015/TB-LĐTBXH") != std::string::npos);
  CHECK(days[6].date == Date(2024, 4, 18));
  CHECK(days[6].reason.find("Hùng Vương") != std::string::npos);
  CHECK(days.back().date == Date(2024, 9, 3));
  for (size_t i = 1; i < days.size(); ++i) CHECK(days[i - 1].date <= days[i].date);
  CHECK(code_of([&] { cal->holidays(2200); }) == ErrorCode::invalid_argument);
}

TEST_CASE("O(1) working-day arithmetic agrees with counting day by day over random dates") {
  const auto cal = VietnamCalendar::builtin();
  const SlowCalendar slow(*cal);
  std::mt19937 rng(20240210);
  std::uniform_int_distribution<int> day(0, 109000), span(0, 400), count(0, 60);
  for (int i = 0; i < 3000; ++i) {
    const Date a = Date(1900, 1, 1) + gr::days(day(rng));
    const Date b = a + gr::days(span(rng));
    const int n = count(rng);
    INFO(format_date(a) << " " << format_date(b) << " n=" << n);
    REQUIRE(cal->working_days_between(a, b) == slow.working_days_between(a, b));
    REQUIRE(cal->working_days_between(b, a) == slow.working_days_between(b, a));
    REQUIRE(cal->add_working_days(a, n) == slow.add_working_days(a, n));
    const DeadlineRule rule{n, i % 2 ? DayType::working : DayType::calendar,
                            i % 3 ? EndRule::next_working_day : EndRule::keep, ""};
    REQUIRE(cal->deadline(a, rule) == slow.deadline(a, rule));
  }
  // Whole range: the count over 1900..2199 equals the number of working days.
  int working = 0;
  for (Date d(1900, 1, 1); d <= Date(2199, 12, 31); d += gr::days(1)) working += cal->is_working_day(d);
  CHECK(cal->working_days_between(Date(1900, 1, 1), Date(2199, 12, 31)) ==
        working - (cal->is_working_day(Date(1900, 1, 1)) ? 1 : 0));
}

TEST_CASE("a calendar may use another weekly rest-day pattern") {
  VietnamCalendarOptions o;
  o.rest_days = kSundayOnly;
  o.builtin_arrangements = false;
  const auto cal = VietnamCalendar::from_json(json::parse(R"({"years": []})"), o);
  CHECK(cal->rest_days() == kSundayOnly);
  CHECK(cal->is_working_day(Date(2024, 3, 9)));  // a Saturday
  CHECK_FALSE(cal->is_working_day(Date(2024, 3, 10)));
  // 2/9/2029 is a Sunday: adjacent day 3/9, compensatory 4/9.
  CHECK(off(*cal, 2029, 9, 3));
  CHECK(off(*cal, 2029, 9, 4));
  CHECK(cal->working_days_between(Date(2024, 3, 4), Date(2024, 3, 11)) == 7 - 1);
  // Saturday 4/5/2024 stays a working day here and 29/4/2024 too: no shipped arrangements.
  CHECK_FALSE(off(*cal, 2024, 4, 29));
  VietnamCalendarOptions all_rest;
  all_rest.rest_days = 0x7f;
  CHECK(code_of([&] { VietnamCalendar c(all_rest); }) == ErrorCode::invalid_argument);
}

TEST_CASE("a compensatory day never takes a make-up working day (found by fuzz_calendar)") {
  // 1/1/2023 is a Sunday; Monday 2/1 to Friday 6/1 are arranged days off and Saturday 7/1 is
  // worked. The compensatory day of 1/1 went to 7/1, so a listed make-up day was off; it
  // goes to the next ordinary working day, Monday 9/1.
  VietnamCalendarOptions o;
  o.builtin_arrangements = false;
  const auto cal = VietnamCalendar::from_json(json::parse(R"({"years": [{"year": 2023, "citation": "test notice",
      "days_off": [{"from": "2023-01-02", "to": "2023-01-06"}], "working_days": [{"date": "2023-01-07"}]}]})"), o);
  CHECK(cal->is_working_day(Date(2023, 1, 7)));
  CHECK(off(*cal, 2023, 1, 9));
  CHECK(cal->is_working_day(Date(2023, 1, 10)));
  for (const MakeupDay& m : cal->makeup_days(2023)) CHECK(cal->is_working_day(m.date));
  bool compensatory_on_9 = false;
  for (const DayOff& d : cal->holidays(2023))
    compensatory_on_9 = compensatory_on_9 || (d.date == Date(2023, 1, 9) && d.kind == DayOffKind::compensatory);
  CHECK(compensatory_on_9);
}

TEST_CASE("a user arrangement replaces the shipped year and can be given as a JSON value") {
  const json doc = json::parse(R"({
    "format": "doithoai-calendar-arrangements", "version": 1,
    "years": [{"year": 2024, "citation": "test notice",
               "days_off": [{"date": "2024-03-08", "reason": "ngày nghỉ thử"}],
               "working_days": [{"from": "2024-03-16", "to": "2024-03-16"}]}]})");
  const auto cal = VietnamCalendar::from_json(doc);
  CHECK(off(*cal, 2024, 3, 8));
  CHECK_FALSE(off(*cal, 2024, 3, 16));  // Saturday made a working day
  // 2024 is now the computed default: Tết 9..13/2 and compensation on 14/2 and 15/2.
  CHECK_FALSE(off(*cal, 2024, 2, 8));
  CHECK(off(*cal, 2024, 2, 15));
  CHECK_FALSE(off(*cal, 2024, 4, 29));  // the shipped swap of 2024 is gone with the year
  CHECK(off(*cal, 2025, 1, 27));  // other shipped years stay: Monday 27/1/2025 is off only by the notice
  CHECK_FALSE(off(*cal, 2025, 2, 3));
}

TEST_CASE("malformed arrangement file is refused") {
  const char* bad_docs[] = {
      R"([])",
      R"({"years": 3})",
      R"({"yaers": []})",
      R"({"format": "other", "years": []})",
      R"({"version": 2, "years": []})",
      R"({"years": [{"year": 2024}]})",                                      // no citation
      R"({"years": [{"year": 1800, "citation": "x"}]})",                     // out of range
      R"({"years": [{"year": "2024", "citation": "x"}]})",                   // not an integer
      R"({"years": [{"year": 2024, "citation": "x"}, {"year": 2024, "citation": "y"}]})",
      R"({"years": [{"year": 2024, "citation": "x", "replaces": ["easter"]}]})",
      R"({"years": [{"year": 2024, "citation": "x", "days_off": [{"date": "2024-02-30"}]}]})",
      R"({"years": [{"year": 2024, "citation": "x", "days_off": [{"date": "24/02/2024"}]}]})",
      R"({"years": [{"year": 2024, "citation": "x", "days_off": [{"from": "2024-02-10", "to": "2024-02-01"}]}]})",
      R"({"years": [{"year": 2024, "citation": "x", "days_off": [{"date": "2030-01-01"}]}]})",
      R"({"years": [{"year": 2024, "citation": "x", "days_off": [{"date": "2024-01-02", "from": "2024-01-02"}]}]})",
      R"({"years": [{"year": 2024, "citation": "x", "days_off": [{"date": "2024-01-02"}],
                     "working_days": [{"date": "2024-01-02"}]}]})",
      R"({"years": [{"year": 2024, "citation": "x", "holidays": []}]})",
      R"({"years": [{"year": 2199, "citation": "x", "days_off": [{"date": "2200-01-01"}]}]})",
      // A strict loader also refuses what would silently give wrong deadlines:
      R"({"years": [{"year": 2024, "citation": "   "}]})",                                  // blank citation
      R"({"years": [{"year": 2024, "citation": "x", "days_off": [{"date": "2024-03-08", "reason": ""}]}]})",
      R"({"years": [{"year": 2024, "citation": "x", "days_off": [{"date": "2023-11-30"}]}]})",  // before the window
      R"({"years": [{"year": 2024, "citation": "x", "working_days": [{"date": "2025-02-01"}]}]})",  // after it
      R"({"years": [{"year": 2024, "citation": "x", "working_days": [{"date": "2024-05-06"}]}]})",  // a Monday
      R"({"years": [{"year": 2024, "citation": "x", "days_off": [{"from": "2024-02-08", "to": "2024-02-14"},
                                                                 {"date": "2024-02-12"}]}]})",  // listed twice
      R"({"years": [{"year": 2024, "citation": "x", "working_days": [{"date": "2024-05-04"}, {"date": "2024-05-04"}]}]})",
      R"({"years": [{"year": 2024, "citation": "x", "replaces": ["tet", "tet"],
                     "days_off": [{"from": "2024-02-08", "to": "2024-02-14"}]}]})",
      R"({"years": [{"year": 2024, "citation": "x", "replaces": ["tet"]}]})",  // Tết dropped, no days given
      R"({"years": [{"year": 2024, "citation": "x", "replaces": ["national_day"],
                     "days_off": [{"date": "2024-09-03"}]}]})",  // 2 September itself missing
      R"({"years": [{"year": 2024, "citation": "x", "days_off": [{"date": "2024-03-08", "reason": 5}]}]})",
  };
  for (const char* text : bad_docs) {
    INFO(text);
    CHECK(code_of([&] { VietnamCalendar::from_json(json::parse(text)); }) == ErrorCode::invalid_argument);
  }
  CHECK(code_of([] { VietnamCalendar::from_file("/nonexistent/vn.json"); }) == ErrorCode::invalid_argument);
  const std::string path = (std::filesystem::temp_directory_path() / "doithoai_bad_calendar.json").string();
  {
    std::ofstream out(path);
    out << "{\"years\": [";
  }
  CHECK(code_of([&] { VietnamCalendar::from_file(path); }) == ErrorCode::invalid_argument);
  std::remove(path.c_str());
}

TEST_CASE("the shipped arrangement file is compiled in and loads from disk the same") {
  const json& compiled = VietnamCalendar::builtin_arrangements();
  REQUIRE(compiled["years"].size() >= 5);
  std::ifstream in(std::string(DOITHOAI_SOURCE_DIR) + "/data/calendar/vn-arrangements.json");
  REQUIRE(in);
  CHECK(json::parse(in) == compiled);
  const auto years = VietnamCalendar::builtin()->arranged_years();
  CHECK(std::find(years.begin(), years.end(), 2024) != years.end());
  VietnamCalendarOptions no_builtin;
  no_builtin.builtin_arrangements = false;
  const auto from_disk = VietnamCalendar::from_file(
      std::string(DOITHOAI_SOURCE_DIR) + "/data/calendar/vn-arrangements.json", no_builtin);
  for (Date d(2020, 1, 1); d <= Date(2026, 12, 31); d += gr::days(1))
    REQUIRE(from_disk->is_working_day(d) == VietnamCalendar::builtin()->is_working_day(d));
}

TEST_CASE("dates outside 1900-2199 are refused by the working calendar") {
  const auto cal = VietnamCalendar::builtin();
  CHECK(code_of([&] { cal->is_working_day(Date(1899, 12, 31)); }) == ErrorCode::invalid_argument);
  CHECK(code_of([&] { cal->is_working_day(Date(2200, 1, 1)); }) == ErrorCode::invalid_argument);
  CHECK(code_of([&] { cal->is_working_day(Date(gr::not_a_date_time)); }) == ErrorCode::invalid_argument);
  CHECK(code_of([&] { cal->add_working_days(Date(2199, 12, 28), 10); }) == ErrorCode::invalid_argument);
  CHECK(code_of([&] { cal->add_working_days(Date(2024, 1, 2), -1); }) == ErrorCode::invalid_argument);
  CHECK(code_of([&] { cal->working_days_between(Date(2024, 1, 2), Date(2300, 1, 1)); }) ==
        ErrorCode::invalid_argument);
  CHECK(code_of([&] { cal->deadline(Date(2199, 12, 1), {60, DayType::calendar, EndRule::keep, ""}); }) ==
        ErrorCode::invalid_argument);
}

// ---- R09 / R12: deadlines on the real working calendar, 2015–2026 ----

namespace {

bool names_a_document(const std::string& c) {
  for (const char* mark : {"/TB-", "/VPCP-", "/TTr-", "Thông báo", "Công văn", "văn bản"})
    if (c.find(mark) != std::string::npos) return true;
  return false;
}

void check_off(const Calendar& c, const Date& from, const Date& to) {
  for (Date d = from; d <= to; d += gr::days(1)) {
    INFO(format_date(d));
    CHECK_FALSE(c.is_working_day(d));
  }
}

}  // namespace

TEST_CASE("R09 every year 2015-2026 ships its official arrangement with a citation naming a document") {
  const auto cal = VietnamCalendar::builtin();
  const auto years = cal->arranged_years();
  for (int y = 2015; y <= 2026; ++y) {
    INFO(y);
    CHECK(std::find(years.begin(), years.end(), y) != years.end());
  }
  for (const json& y : VietnamCalendar::builtin_arrangements()["years"]) {
    INFO(y["year"].get<int>());
    const std::string c = y["citation"].get<std::string>();
    CHECK_FALSE(c.empty());
    CHECK(names_a_document(c));
  }
  // Each year's Tết block: first and last day off (weekly rest days included), 2015-2026.
  const struct {
    Date first, last;
  } tet[] = {{Date(2015, 2, 15), Date(2015, 2, 23)}, {Date(2016, 2, 6), Date(2016, 2, 14)},
             {Date(2017, 1, 26), Date(2017, 2, 1)},  {Date(2018, 2, 14), Date(2018, 2, 20)},
             {Date(2019, 2, 2), Date(2019, 2, 10)},  {Date(2020, 1, 23), Date(2020, 1, 29)},
             {Date(2021, 2, 10), Date(2021, 2, 16)}, {Date(2022, 1, 29), Date(2022, 2, 6)},
             {Date(2023, 1, 20), Date(2023, 1, 26)}, {Date(2024, 2, 8), Date(2024, 2, 14)},
             {Date(2025, 1, 25), Date(2025, 2, 2)},  {Date(2026, 2, 14), Date(2026, 2, 22)}};
  for (const auto& t : tet) {
    INFO(format_date(t.first));
    check_off(*cal, t.first, t.last);
    CHECK(cal->is_working_day(cal->next_working_day_on_or_after(t.last)));
    CHECK(cal->add_working_days(t.first - gr::days(1), 1) > t.last);
  }
}

TEST_CASE("R09 the 2019 swap: Monday 29/4 off, Saturday 4/5 worked") {
  const auto cal = VietnamCalendar::builtin();
  check_off(*cal, Date(2019, 4, 27), Date(2019, 5, 1));
  CHECK(cal->is_working_day(Date(2019, 5, 2)));
  CHECK(cal->is_working_day(Date(2019, 5, 4)));  // làm bù
  CHECK_FALSE(cal->is_working_day(Date(2019, 5, 5)));
  // New Year 2019: Monday 31/12/2018 off, Saturday 5/1/2019 worked (Thông báo 3238/TB-LĐTBXH).
  check_off(*cal, Date(2018, 12, 29), Date(2019, 1, 1));
  CHECK(cal->is_working_day(Date(2019, 1, 5)));
  const auto makeups = cal->makeup_days(2019);
  REQUIRE(makeups.size() == 2);
  CHECK(makeups[0].date == Date(2019, 1, 5));
  CHECK(makeups[1].date == Date(2019, 5, 4));
  CHECK(makeups[1].citation.find("3238/TB-LĐTBXH") != std::string::npos);
  // Tết Kỷ Hợi: 2/2 to 10/2/2019.
  check_off(*cal, Date(2019, 2, 2), Date(2019, 2, 10));
  CHECK(cal->is_working_day(Date(2019, 2, 1)));
  CHECK(cal->is_working_day(Date(2019, 2, 11)));
  // A 5-working-day reply from Friday 26/4/2019: 2, 3, 4 (Saturday worked), 6, 7 May.
  CHECK(cal->deadline(Date(2019, 4, 26), {5, DayType::working, EndRule::keep, ""}) == Date(2019, 5, 7));
}

TEST_CASE("R09 the 2021 Tết break: Wednesday 10/2 to Tuesday 16/2") {
  const auto cal = VietnamCalendar::builtin();
  CHECK(cal->is_working_day(Date(2021, 2, 9)));
  check_off(*cal, Date(2021, 2, 10), Date(2021, 2, 16));
  // The computed default (last day of the year and mùng 1-4, compensation after) would have
  // kept 10/2 a working day and given 17/2 off; Thông báo 4875/TB-LĐTBXH says otherwise.
  CHECK(cal->is_working_day(Date(2021, 2, 17)));
  // National Day 2021: 2/9 and 3/9 (Labour Code 2019, first year with two days).
  CHECK(off(*cal, 2021, 9, 2));
  CHECK(off(*cal, 2021, 9, 3));
  CHECK(cal->is_working_day(Date(2021, 9, 1)));
  CHECK(cal->is_working_day(Date(2021, 9, 6)));
}

TEST_CASE("R09 the 2015-2018 notices and the Labour Code 2012's one-day National Day") {
  const auto cal = VietnamCalendar::builtin();
  // 2015: New Year swap (Friday 2/1 off, Saturday 27/12/2014 worked), Tết 15/2-23/2 with
  // Saturday 14/2 worked, Wednesday 29/4 off for Saturday 25/4.
  CHECK(off(*cal, 2015, 1, 2));
  CHECK(cal->is_working_day(Date(2014, 12, 27)));
  CHECK(cal->is_working_day(Date(2015, 2, 14)));
  check_off(*cal, Date(2015, 4, 28), Date(2015, 5, 3));
  CHECK(cal->is_working_day(Date(2015, 4, 25)));
  // 2015-2020: National Day is one day (Labour Code 2012); 2/9/2015 a Wednesday.
  CHECK(off(*cal, 2015, 9, 2));
  CHECK(cal->is_working_day(Date(2015, 9, 1)));
  CHECK(cal->is_working_day(Date(2015, 9, 3)));
  // 2/9/2018 a Sunday: compensatory Monday 3/9, Tuesday 4/9 worked.
  CHECK(off(*cal, 2018, 9, 3));
  CHECK(cal->is_working_day(Date(2018, 9, 4)));
  // 2016: Hùng Kings on Saturday 16/4 -> 18/4; 30/4 and 1/5 on the weekend -> 2/5 and 3/5.
  CHECK(off(*cal, 2016, 4, 18));
  CHECK(off(*cal, 2016, 5, 2));
  CHECK(off(*cal, 2016, 5, 3));
  CHECK(cal->is_working_day(Date(2016, 5, 4)));
  // 2017: Tết 26/1-1/2 (Công văn 9794/VPCP-KGVX); 2/2 a working day.
  check_off(*cal, Date(2017, 1, 26), Date(2017, 2, 1));
  CHECK(cal->is_working_day(Date(2017, 2, 2)));
  // 2018: Tết 14/2-20/2; the computed default would have kept 14/2 a working day.
  CHECK(off(*cal, 2018, 2, 14));
  CHECK(cal->is_working_day(Date(2018, 2, 21)));
}

TEST_CASE("R09 New Year 2026: Friday 2/1 off, Saturday 10/1 worked") {
  const auto cal = VietnamCalendar::builtin();
  check_off(*cal, Date(2026, 1, 1), Date(2026, 1, 4));
  CHECK(cal->is_working_day(Date(2026, 1, 10)));
  const auto makeups = cal->makeup_days(2026);
  REQUIRE(makeups.size() == 1);
  CHECK(makeups[0].citation.find("12729/VPCP-KGVX") != std::string::npos);
}

TEST_CASE("R09 a reply deadline on the built-in profiles skips Tết and keeps the Bồ Đề dates") {
  const Profile nat = builtin_profile("national-default");
  const Profile hn = builtin_profile("hanoi-2200");
  CHECK(nat.calendar == "vietnam");
  CHECK(hn.calendar == "vietnam");
  const auto cal = VietnamCalendar::builtin();
  // 30 days after 15/1/2021 end on Sunday 14/2/2021, inside Tết Tân Sửu; national-default ends
  // on the next working day (Civil Code art. 148): Wednesday 17/2, not Monday 15/2.
  REQUIRE(nat.deadlines.reply.end_rule == EndRule::next_working_day);
  CHECK(cal->deadline(Date(2021, 1, 15), nat.deadlines.reply) == Date(2021, 2, 17));
  CHECK(WeekendCalendar().deadline(Date(2021, 1, 15), nat.deadlines.reply) == Date(2021, 2, 15));
  // Bồ Đề (hanoi-2200, end rule keep): held 30/9/2022; notice by 10/10, replies by Sunday 30/10.
  REQUIRE(hn.deadlines.reply.end_rule == EndRule::keep);
  CHECK(cal->deadline(Date(2022, 9, 30), hn.deadlines.conclusion_notice) == Date(2022, 10, 10));
  CHECK(cal->deadline(Date(2022, 9, 30), hn.deadlines.reply) == Date(2022, 10, 30));
  const DeadlineExplanation x = cal->explain(Date(2022, 9, 30), hn.deadlines.reply);
  CHECK(x.kept_on_day_off);
  CHECK_FALSE(x.moved);
  CHECK(x.text_vi.find("giữ nguyên") != std::string::npos);
  CHECK(x.text_vi.find("Chủ nhật") != std::string::npos);
}

TEST_CASE("R09 explain names the calendar and rule and the days off that moved a deadline") {
  const auto cal = VietnamCalendar::builtin();
  const DeadlineRule rule{30, DayType::calendar, EndRule::next_working_day, "Bộ luật Dân sự 2015, điều 148"};
  const DeadlineExplanation x = cal->explain(Date(2021, 1, 15), rule);
  CHECK(x.calendar_name == "vietnam");
  CHECK(x.event == Date(2021, 1, 15));
  CHECK(x.first_day == Date(2021, 1, 16));
  CHECK(x.computed_end == Date(2021, 2, 14));
  CHECK(x.deadline == Date(2021, 2, 17));
  CHECK(x.deadline == cal->deadline(Date(2021, 1, 15), rule));
  CHECK(x.moved);
  CHECK(x.rule.citation == rule.citation);
  // Skipped: Sunday 14/2, Monday 15/2 and Tuesday 16/2, all of the Tết notice.
  REQUIRE(x.skipped.size() == 3);
  CHECK(x.skipped[0].date == Date(2021, 2, 14));
  CHECK(x.skipped[0].reason.find("Chủ nhật") != std::string::npos);
  CHECK(x.skipped[0].reason.find("Tân Sửu") != std::string::npos);
  CHECK(x.skipped[2].date == Date(2021, 2, 16));
  CHECK(x.skipped[2].citation.find("4875/TB-LĐTBXH") != std::string::npos);
  CHECK(x.text_vi.find("điều 148") != std::string::npos);
  CHECK(x.text_vi.find("17/02/2021") != std::string::npos);
  CHECK(x.text_vi.find("\"vietnam\"") != std::string::npos);
  // A holiday of the Labour Code names its article.
  const DayOffReason hung = cal->day_off_reason(Date(2024, 4, 18));
  CHECK(hung.reason.find("Hùng Vương") != std::string::npos);
  CHECK(hung.citation.find("điều 112") != std::string::npos);
  CHECK(cal->day_off_reason(Date(2024, 4, 17)).reason.empty());  // a working day
  // The weekend calendar by name; a subclass without a name is "custom".
  const DeadlineExplanation w = WeekendCalendar().explain(Date(2021, 1, 15), rule);
  CHECK(w.calendar_name == "weekend");
  CHECK(w.deadline == Date(2021, 2, 15));
  REQUIRE(w.skipped.size() == 1);
  CHECK(w.skipped[0].reason == "Chủ nhật, ngày nghỉ hằng tuần");
  CHECK(SlowCalendar(*cal).explain(Date(2021, 1, 15), rule).calendar_name == "custom");
  CHECK(SlowCalendar(*cal).explain(Date(2021, 1, 15), rule).deadline == Date(2021, 2, 17));
  // A deadline on a working day moves nothing and skips nothing.
  const DeadlineExplanation plain = cal->explain(Date(2021, 3, 1), rule);
  CHECK(plain.deadline == Date(2021, 3, 31));
  CHECK(plain.skipped.empty());
  CHECK_FALSE(plain.moved);
  CHECK(code_of([&] { cal->explain(Date(2021, 3, 1), {-1, DayType::calendar, EndRule::keep, ""}); }) ==
        ErrorCode::invalid_argument);
}

TEST_CASE("R12 an extension deadline explained: 15 working days from 5/2/2024 over Tết Giáp Thìn") {
  const auto cal = VietnamCalendar::builtin();
  const DeadlineRule extension{15, DayType::working, EndRule::next_working_day, "gia hạn (R12), thông báo bằng văn bản"};
  const DeadlineExplanation x = cal->explain(Date(2024, 2, 5), extension);
  // 6, 7 February, (8-14 off), 15, 16, 19-23, 26-29 February, 1 and 4 March: the 15th is 4/3.
  CHECK(x.computed_end == Date(2024, 3, 4));
  CHECK(x.deadline == Date(2024, 3, 4));
  CHECK_FALSE(x.moved);
  // Days off inside the period: the Tết block 8-14/2 (its weekend included), then the weekends
  // 17-18/2, 24-25/2 and 2-3/3.
  int tet = 0;
  for (const DayOffReason& s : x.skipped)
    if (s.citation.find("5015/TB-LĐTBXH") != std::string::npos) ++tet;
  CHECK(tet == 7);
  CHECK(x.skipped.size() == 13);
  CHECK(x.text_vi.find("ngày làm việc") != std::string::npos);
  CHECK(x.text_vi.find("gia hạn") != std::string::npos);
  // On the weekend calendar the same extension ends a week and a half earlier.
  CHECK(WeekendCalendar().deadline(Date(2024, 2, 5), extension) == Date(2024, 2, 26));
}
