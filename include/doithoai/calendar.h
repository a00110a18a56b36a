// doithoai/calendar.h: which days count, and how deadlines are computed from them.
//
// A Calendar answers one question, is_working_day(date), for dates in
// [min_date(), max_date()]; deadline arithmetic is built on it. Deadlines follow the
// Civil Code 2015: a period of N days starts on the day after the event (art. 147), and,
// when the rule says so, a period whose last day is not a working day ends on the next
// working day (art. 148). Every number comes from a DeadlineRule, which profiles carry as
// data together with its citation.
// Calendar::explain says how a deadline was reached: which calendar (by name) and which rule
// produced it, and which days off were skipped, with the reason and the legal source of each, so
// an official can see why a reply is due on that day.
// Thread safety: calendars are immutable after construction; share them freely.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "doithoai/export.h"
#include "doithoai/time.h"

namespace doithoai {

// Persistent (appears in profiles and events): never renumber.
enum class DayType : std::uint8_t { calendar = 0, working = 1 };
enum class EndRule : std::uint8_t {
  keep = 0,              // the computed last day stands even if it is a rest day
  next_working_day = 1,  // Civil Code 2015 art. 148
};

struct DeadlineRule {
  int days = 0;
  DayType day_type = DayType::calendar;
  EndRule end_rule = EndRule::keep;
  std::string citation;  // where the number comes from, shown in reports
};

// A day that is not a working day, with why (e.g. "Chủ nhật, ngày nghỉ hằng tuần; Tết Âm lịch
// (mùng 1 tháng Giêng)") and the source of that day off (an article, an official notice).
struct DayOffReason {
  Date date;
  std::string reason;
  std::string citation;
};

// How Calendar::deadline reached its answer. Dates are local dates.
struct DeadlineExplanation {
  Date event;         // the day of the event the period follows
  Date first_day;     // the period's first day: the day after the event (Civil Code 2015 art. 147)
  Date computed_end;  // the last day of rule.days counted in rule.day_type
  Date deadline;      // the answer of deadline(): computed_end, or moved by art. 148
  std::string calendar_name;  // Calendar::name(): "vietnam", "weekend" or an integrator's name
  DeadlineRule rule;
  // Days off the count stepped over: for a working-day rule, every day off in
  // [first_day, computed_end]; with EndRule::next_working_day, every day off in
  // [computed_end, deadline). In date order, each with its reason.
  std::vector<DayOffReason> skipped;
  bool moved = false;           // deadline != computed_end (art. 148 moved it)
  bool kept_on_day_off = false; // EndRule::keep left the deadline on a day off
  std::string text_vi;          // one paragraph in Vietnamese saying all of the above
};

class DOITHOAI_API Calendar {
 public:
  virtual ~Calendar();
  // The calendar's name as profiles spell it ("vietnam", "weekend"); "custom" unless overridden.
  virtual std::string name() const;
  // Why d is not a working day (its weekly rest day, holiday, compensatory or arranged day off)
  // and the source; for a working day, an empty reason. Throws invalid_argument outside the range.
  // The default names Saturday and Sunday as weekly rest days and any other day off generically.
  virtual DayOffReason day_off_reason(const Date& d) const;
  // True when public servants work on d. Throws invalid_argument outside the range.
  virtual bool is_working_day(const Date& d) const = 0;
  // The n-th working day after `from` (n >= 0; n == 0 gives `from` itself).
  virtual Date add_working_days(const Date& from, int n) const;
  // Working days in the half-open interval (from, to]; negative when to < from.
  virtual int working_days_between(const Date& from, const Date& to) const;
  // The first working day on or after d.
  Date next_working_day_on_or_after(const Date& d) const;
  // The last day of a period of rule.days starting the day after `event`.
  Date deadline(const Date& event, const DeadlineRule& rule) const;
  // Days late of something done on `done` against an inclusive deadline (0 when on time),
  // counted in the rule's day type.
  int days_late(const Date& deadline, const Date& done, DayType type) const;
  // deadline(event, rule) with the reasons: the calendar, the rule, the days skipped and a text.
  // Throws as deadline() does.
  DeadlineExplanation explain(const Date& event, const DeadlineRule& rule) const;
};

// Monday–Friday are working days; no holidays. The default when no calendar is given.
class DOITHOAI_API WeekendCalendar final : public Calendar {
 public:
  bool is_working_day(const Date& d) const override;
  std::string name() const override;  // "weekend"
};

}  // namespace doithoai
