// doithoai/calendar.h: which days count, and how deadlines are computed from them.
//
// A Calendar answers one question, is_working_day(date), for dates in
// [min_date(), max_date()]; deadline arithmetic is built on it. Deadlines follow the
// Civil Code 2015: a period of N days starts on the day after the event (art. 147), and,
// when the rule says so, a period whose last day is not a working day ends on the next
// working day (art. 148). Every number comes from a DeadlineRule, which profiles carry as
// data together with its citation.
// Thread safety: calendars are immutable after construction; share them freely.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

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

class DOITHOAI_API Calendar {
 public:
  virtual ~Calendar();
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
};

// Monday–Friday are working days; no holidays. The default when no calendar is given.
class DOITHOAI_API WeekendCalendar final : public Calendar {
 public:
  bool is_working_day(const Date& d) const override;
};

}  // namespace doithoai
