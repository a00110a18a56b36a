#include "doithoai/calendar.h"

#include <cstdio>

#include "doithoai/error.h"

namespace doithoai {

namespace {

const char* const kWeekdayVi[] = {"Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"};

std::string dmy(const Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", static_cast<int>(d.day()), static_cast<int>(d.month()),
                static_cast<int>(d.year()));
  return buf;
}

std::string weekday_vi(const Date& d) { return kWeekdayVi[d.day_of_week().as_number()]; }

}  // namespace

Calendar::~Calendar() = default;

std::string Calendar::name() const { return "custom"; }

DayOffReason Calendar::day_off_reason(const Date& d) const {
  DayOffReason r{d, {}, {}};
  if (is_working_day(d)) return r;
  const int wd = d.day_of_week().as_number();
  if (wd == 0 || wd == 6) {
    r.reason = weekday_vi(d) + ", ngày nghỉ hằng tuần";
  } else {
    r.reason = weekday_vi(d) + ", ngày nghỉ theo lịch " + name();
  }
  return r;
}

DeadlineExplanation Calendar::explain(const Date& event, const DeadlineRule& rule) const {
  DeadlineExplanation x;
  x.event = event;
  x.rule = rule;
  x.calendar_name = name();
  x.deadline = deadline(event, rule);  // validates event and rule
  const boost::gregorian::date_duration one(1);
  x.first_day = event + one;
  x.computed_end = rule.day_type == DayType::working ? add_working_days(event, rule.days)
                                                     : event + boost::gregorian::date_duration(rule.days);
  x.moved = x.deadline != x.computed_end;
  if (rule.day_type == DayType::working)
    for (Date d = x.first_day; d <= x.computed_end; d += one)
      if (!is_working_day(d)) x.skipped.push_back(day_off_reason(d));
  for (Date d = x.computed_end; d < x.deadline; d += one)
    if (!is_working_day(d)) x.skipped.push_back(day_off_reason(d));
  x.kept_on_day_off = rule.end_rule == EndRule::keep && rule.days > 0 && !is_working_day(x.deadline);

  std::string t = "Thời hạn " + std::to_string(rule.days) +
                  (rule.day_type == DayType::working ? " ngày làm việc" : " ngày") + " kể từ ngày " +
                  dmy(event) + ", tính từ ngày tiếp theo " + dmy(x.first_day) +
                  " (Bộ luật Dân sự 2015, điều 147), theo lịch \"" + x.calendar_name + "\"";
  if (rule.days == 0) {
    t = "Thời hạn 0 ngày: hạn là chính ngày " + dmy(event) + ", theo lịch \"" + x.calendar_name + "\"";
  }
  if (rule.day_type == DayType::working && rule.days > 0) {
    t += "; không tính " + std::to_string(x.skipped.size()) + " ngày nghỉ xen giữa";
  }
  t += ": ngày cuối của thời hạn là " + weekday_vi(x.computed_end) + " " + dmy(x.computed_end);
  if (x.moved) {
    const DayOffReason why = day_off_reason(x.computed_end);
    t += ", là ngày nghỉ (" + why.reason + "), nên thời hạn kết thúc vào ngày làm việc tiếp theo, " +
         weekday_vi(x.deadline) + " " + dmy(x.deadline) + " (Bộ luật Dân sự 2015, điều 148)";
  } else if (x.kept_on_day_off) {
    const DayOffReason why = day_off_reason(x.deadline);
    t += ", là ngày nghỉ (" + why.reason + "); quy tắc giữ nguyên ngày cuối nên hạn vẫn là " + dmy(x.deadline);
  } else {
    t += "; hạn là ngày " + dmy(x.deadline);
  }
  t += ".";
  if (!x.skipped.empty()) {
    t += " Các ngày nghỉ đã bỏ qua:";
    for (size_t i = 0; i < x.skipped.size(); ++i) {
      const DayOffReason& s = x.skipped[i];
      t += (i ? "; " : " ") + dmy(s.date) + " (" + s.reason + (s.citation.empty() ? "" : ", theo " + s.citation) + ")";
    }
    t += ".";
  }
  if (!rule.citation.empty()) t += " Căn cứ thời hạn: " + rule.citation + ".";
  x.text_vi = std::move(t);
  return x;
}

Date Calendar::add_working_days(const Date& from, int n) const {
  if (n < 0) throw Error(ErrorCode::invalid_argument, "add_working_days: negative count");
  check_date(from, "add_working_days");
  Date d = from;
  const boost::gregorian::date_duration one(1);
  while (n > 0) {
    d += one;
    check_date(d, "add_working_days result");
    if (is_working_day(d)) --n;
  }
  return d;
}

int Calendar::working_days_between(const Date& from, const Date& to) const {
  check_date(from, "working_days_between");
  check_date(to, "working_days_between");
  if (to < from) return -working_days_between(to, from);
  int n = 0;
  const boost::gregorian::date_duration one(1);
  for (Date d = from + one; d <= to; d += one)
    if (is_working_day(d)) ++n;
  return n;
}

Date Calendar::next_working_day_on_or_after(const Date& d) const {
  Date r = d;
  const boost::gregorian::date_duration one(1);
  while (!is_working_day(r)) {
    r += one;
    check_date(r, "next working day");
  }
  return r;
}

Date Calendar::deadline(const Date& event, const DeadlineRule& rule) const {
  check_date(event, "deadline start");
  if (rule.days < 0) throw Error(ErrorCode::invalid_argument, "deadline rule: negative days");
  Date end;
  if (rule.day_type == DayType::working) {
    end = add_working_days(event, rule.days);
  } else {
    end = event + boost::gregorian::date_duration(rule.days);
    check_date(end, "deadline");
  }
  if (rule.end_rule == EndRule::next_working_day) end = next_working_day_on_or_after(end);
  return end;
}

int Calendar::days_late(const Date& deadline, const Date& done, DayType type) const {
  if (done <= deadline) return 0;
  if (type == DayType::working) return working_days_between(deadline, done);
  return static_cast<int>((done - deadline).days());
}

std::string WeekendCalendar::name() const { return "weekend"; }

bool WeekendCalendar::is_working_day(const Date& d) const {
  check_date(d, "is_working_day");
  const auto wd = d.day_of_week().as_number();  // 0 = Sunday
  return wd != 0 && wd != 6;
}

}  // namespace doithoai
