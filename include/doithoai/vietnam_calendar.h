// doithoai/vietnam_calendar.h: the Vietnamese working calendar of public servants.
//
// A VietnamCalendar knows, for every day of 1900-01-01..2199-12-31, whether public servants
// work. It starts from the computed defaults of the Labour Code 2019 (art. 112: 1 January,
// Tết, Hùng Kings' day 10/3 lunar, 30 April, 1 May, 2 September with one adjacent day; art.
// 111(3): a holiday falling on a weekly rest day gives a compensatory day on the next working
// day) and lays over them the arrangements the government fixes each year (the exact Tết days,
// swapped days off and make-up working days), read from a JSON document: the one shipped with
// the library (compiled in, from data/calendar/vn-arrangements.json) and/or one given by the
// caller. docs/calendar.md describes the defaults and the JSON format.
// Every answer comes from tables built once at construction (about 1 MB), so is_working_day,
// add_working_days and working_days_between take constant time.
// Thread safety: immutable after construction; share one instance between threads.
// Ownership: the factories return shared_ptr<const VietnamCalendar>; profiles and engines keep
// the pointer for as long as they use the calendar.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "doithoai/calendar.h"
#include "doithoai/export.h"
#include "doithoai/time.h"

namespace doithoai {

// Weekly rest days as a bit set over weekdays: bit 0 Sunday .. bit 6 Saturday.
using RestDays = std::uint8_t;
constexpr RestDays kSaturdaySunday = (1u << 0) | (1u << 6);
constexpr RestDays kSundayOnly = 1u << 0;

struct VietnamCalendarOptions {
  // The weekly rest days (default: Saturday and Sunday, the public servants' week).
  RestDays rest_days = kSaturdaySunday;
  // Apply the arrangements shipped with the library. They are made for the Saturday–Sunday
  // week; a calendar with another rest pattern usually sets this to false.
  bool builtin_arrangements = true;
};

// Why a day is off. Persistent (appears in reports): never renumber.
enum class DayOffKind : std::uint8_t {
  holiday = 0,       // a public holiday of the Labour Code (art. 112)
  compensatory = 1,  // nghỉ bù: a holiday fell on a weekly rest day (art. 111(3))
  arranged = 2,      // fixed by the year's official arrangement (Tết block, swapped day)
};

struct DayOff {
  Date date;
  DayOffKind kind = DayOffKind::holiday;
  std::string reason;    // e.g. "Tết Âm lịch (mùng 1 tháng Giêng)"
  std::string citation;  // the article or the official notice
};

struct MakeupDay {  // a weekly rest day worked instead of a swapped day off (ngày làm bù)
  Date date;
  std::string reason;
  std::string citation;
};

class DOITHOAI_API VietnamCalendar final : public Calendar {
 public:
  // Computed holidays, then (if options say so) the shipped arrangements.
  explicit VietnamCalendar(const VietnamCalendarOptions& options = {});
  // As above, then the arrangements in `arrangements` (the JSON format of docs/calendar.md).
  // A year present in the document replaces that year of the shipped data entirely.
  // Throws Error(invalid_argument) naming the problem when the document is malformed.
  explicit VietnamCalendar(const nlohmann::json& arrangements,
                           const VietnamCalendarOptions& options = {});
  ~VietnamCalendar() override;
  VietnamCalendar(const VietnamCalendar&) = delete;
  VietnamCalendar& operator=(const VietnamCalendar&) = delete;

  // The default calendar (computed holidays and shipped arrangements), built once and shared.
  static std::shared_ptr<const VietnamCalendar> builtin();
  static std::shared_ptr<const VietnamCalendar> from_json(const nlohmann::json& arrangements,
                                                          const VietnamCalendarOptions& options = {});
  // Reads a JSON arrangement file; throws invalid_argument if unreadable or malformed.
  static std::shared_ptr<const VietnamCalendar> from_file(const std::string& path,
                                                          const VietnamCalendarOptions& options = {});
  // The shipped arrangement document (data/calendar/vn-arrangements.json) as compiled in.
  static const nlohmann::json& builtin_arrangements();

  bool is_working_day(const Date& d) const override;
  Date add_working_days(const Date& from, int n) const override;
  int working_days_between(const Date& from, const Date& to) const override;
  std::string name() const override;  // "vietnam"
  // The weekly rest day, holiday, compensatory or arranged day off that d is, all of them when
  // several apply (a Tết day on a Sunday), with their citations.
  DayOffReason day_off_reason(const Date& d) const override;

  // Every day off of Gregorian year `year` other than ordinary weekly rest days, in date
  // order, with its reason; a holiday on a rest day is listed too (its compensatory day
  // follows). Throws invalid_argument outside 1900..2199.
  std::vector<DayOff> holidays(int year) const;
  // The make-up working days of `year`.
  std::vector<MakeupDay> makeup_days(int year) const;
  // The years the applied arrangements cover, ascending.
  std::vector<int> arranged_years() const;
  RestDays rest_days() const;

  struct Tables;  // opaque: the precomputed tables

 private:
  std::unique_ptr<const Tables> t_;
};

}  // namespace doithoai
