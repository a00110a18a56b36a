// doithoai/lunar.h: the Vietnamese lunisolar calendar (âm lịch), converted to and from
// Gregorian dates.
//
// Months begin on the local day of the astronomical new moon and the leap month is the first
// month of a 13-month year without a major solar term, all computed for a zone east of UTC
// (Vietnam: UTC+7, 420 minutes). This is Hồ Ngọc Đức's method; computed for UTC+8 it gives
// the Chinese calendar, which differs in some years (Tết 1985 and 2007). Lunar years 1899..2199
// are tabulated once per zone on first use, so every call afterwards is a table look-up.
// Dates outside 1900-01-01..2199-12-31 and lunar dates that do not exist (a 30th day in a
// 29-day month, a leap month the year lacks) throw Error(invalid_argument).
// Thread safety: every function may be called from many threads; the tables are immutable.
#pragma once

#include "doithoai/export.h"
#include "doithoai/time.h"

namespace doithoai {

// Minutes east of UTC of the official Vietnamese calendar.
constexpr int kVietnamZoneMinutes = 420;

struct LunarDate {
  int year = 0;       // the lunar year that begins with Tết (mostly the Gregorian year)
  int month = 0;      // 1..12; a leap month repeats the number of the month before it
  int day = 0;        // 1..29 or 1..30
  bool leap = false;  // true in the leap month (tháng nhuận)
};

inline bool operator==(const LunarDate& a, const LunarDate& b) {
  return a.year == b.year && a.month == b.month && a.day == b.day && a.leap == b.leap;
}
inline bool operator!=(const LunarDate& a, const LunarDate& b) { return !(a == b); }

// The lunar date of a Gregorian date.
DOITHOAI_API LunarDate to_lunar(const Date& d, int zone_minutes = kVietnamZoneMinutes);
// The Gregorian date of a lunar date; throws invalid_argument when it does not exist.
DOITHOAI_API Date from_lunar(const LunarDate& l, int zone_minutes = kVietnamZoneMinutes);
// Tết Nguyên đán: the first day of lunar year `lunar_year` (1900..2199).
DOITHOAI_API Date lunar_new_year(int lunar_year, int zone_minutes = kVietnamZoneMinutes);
// The leap month of lunar year `lunar_year` (1..12), or 0 when the year has none.
DOITHOAI_API int lunar_leap_month(int lunar_year, int zone_minutes = kVietnamZoneMinutes);
// Days in the given month (29 or 30); throws when the month does not exist.
DOITHOAI_API int lunar_month_length(int lunar_year, int month, bool leap = false,
                                    int zone_minutes = kVietnamZoneMinutes);

}  // namespace doithoai
