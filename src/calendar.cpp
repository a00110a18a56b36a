#include "doithoai/calendar.h"

#include "doithoai/error.h"

namespace doithoai {

Calendar::~Calendar() = default;

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

bool WeekendCalendar::is_working_day(const Date& d) const {
  check_date(d, "is_working_day");
  const auto wd = d.day_of_week().as_number();  // 0 = Sunday
  return wd != 0 && wd != 6;
}

}  // namespace doithoai
