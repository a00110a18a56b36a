// The Vietnamese lunisolar calendar by Hồ Ngọc Đức's astronomical method
// (https://www.informatik.uni-leipzig.de/~duc/amlich/calrules.html): new moons after
// Meeus' series truncated as in that method, the sun's apparent longitude to the same
// precision, both reduced to local days of the given zone.
#include "doithoai/lunar.h"

#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "doithoai/error.h"

namespace doithoai {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kSynodicMonth = 29.530588853;
constexpr double kNewMoon1900 = 2415021.076998695;  // JD of the new moon of 1900-01-01
constexpr int kFirstLunarYear = 1899;  // covers 1900-01-01, in month 12 of 1899
constexpr int kLastLunarYear = 2200;   // covers 2199-12-31, in month 11 or 12 of 2199

long floor_to_long(double x) { return static_cast<long>(std::floor(x)); }

long jdn(int y, int m, int d) {
  const int a = (14 - m) / 12;
  const long yy = y + 4800 - a;
  const long mm = m + 12 * a - 3;
  return d + (153 * mm + 2) / 5 + 365 * yy + yy / 4 - yy / 100 + yy / 400 - 32045;
}

// Julian day (TT-corrected to UT) of the k-th new moon after the one of 1900-01-01.
double new_moon(long k) {
  const double T = k / 1236.85, T2 = T * T, T3 = T2 * T, dr = kPi / 180;
  double jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * T2 - 0.000000155 * T3;
  jd1 += 0.00033 * std::sin((166.56 + 132.87 * T - 0.009173 * T2) * dr);
  const double M = 359.2242 + 29.10535608 * k - 0.0000333 * T2 - 0.00000347 * T3;
  const double Mpr = 306.0253 + 385.81691806 * k + 0.0107306 * T2 + 0.00001236 * T3;
  const double F = 21.2964 + 390.67050646 * k - 0.0016528 * T2 - 0.00000239 * T3;
  double c1 = (0.1734 - 0.000393 * T) * std::sin(M * dr) + 0.0021 * std::sin(2 * dr * M);
  c1 = c1 - 0.4068 * std::sin(Mpr * dr) + 0.0161 * std::sin(dr * 2 * Mpr);
  c1 = c1 - 0.0004 * std::sin(dr * 3 * Mpr);
  c1 = c1 + 0.0104 * std::sin(dr * 2 * F) - 0.0051 * std::sin(dr * (M + Mpr));
  c1 = c1 - 0.0074 * std::sin(dr * (M - Mpr)) + 0.0004 * std::sin(dr * (2 * F + M));
  c1 = c1 - 0.0004 * std::sin(dr * (2 * F - M)) - 0.0006 * std::sin(dr * (2 * F + Mpr));
  c1 = c1 + 0.0010 * std::sin(dr * (2 * F - Mpr)) + 0.0005 * std::sin(dr * (2 * Mpr + M));
  double delta_t;
  if (T < -11)
    delta_t = 0.001 + 0.000839 * T + 0.0002261 * T2 - 0.00000845 * T3 - 0.000000081 * T * T3;
  else
    delta_t = -0.000278 + 0.000265 * T + 0.000262 * T2;
  return jd1 + c1 - delta_t;
}

// The sun's apparent longitude in radians [0, 2π) at Julian day jd.
double sun_longitude(double jd) {
  const double T = (jd - 2451545.0) / 36525, T2 = T * T, dr = kPi / 180;
  const double M = 357.52910 + 35999.05030 * T - 0.0001559 * T2 - 0.00000048 * T * T2;
  const double L0 = 280.46645 + 36000.76983 * T + 0.0003032 * T2;
  double DL = (1.914600 - 0.004817 * T - 0.000014 * T2) * std::sin(dr * M);
  DL += (0.019993 - 0.000101 * T) * std::sin(dr * 2 * M) + 0.000290 * std::sin(dr * 3 * M);
  double L = (L0 + DL) * dr;
  L -= kPi * 2 * std::floor(L / (kPi * 2));
  return L;
}

struct Zone {
  double hours;
  long new_moon_day(long k) const { return floor_to_long(new_moon(k) + 0.5 + hours / 24); }
  // Which of the 12 major-term sectors the sun is in at the start of local day `day`.
  int sun_sector(long day) const {
    return static_cast<int>(floor_to_long(sun_longitude(day - 0.5 - hours / 24) / kPi * 6));
  }
  // The first day of the lunar month holding the winter solstice of Gregorian year y.
  long month11(int y) const {
    const long off = jdn(y, 12, 31) - 2415021;
    const long k = floor_to_long(off / kSynodicMonth);
    long nm = new_moon_day(k);
    if (sun_sector(nm) >= 9) nm = new_moon_day(k - 1);
    return nm;
  }
  // In a 13-month span starting at month 11 `a11`, the offset of the first month that holds
  // no major solar term: that month is the leap month.
  int leap_offset(long a11) const {
    const long k = floor_to_long((a11 - kNewMoon1900) / kSynodicMonth + 0.5);
    int i = 1;
    int arc = sun_sector(new_moon_day(k + i));
    int last;
    do {
      last = arc;
      ++i;
      arc = sun_sector(new_moon_day(k + i));
    } while (arc != last && i < 14);
    return i - 1;
  }
};

struct Month {
  long start;  // JDN of day 1
  int year;
  int month;
  bool leap;
};

class LunarTable {
 public:
  explicit LunarTable(int zone_minutes) {
    const Zone z{zone_minutes / 60.0};
    long a11_prev = z.month11(kFirstLunarYear - 1);
    for (int y = kFirstLunarYear; y <= kLastLunarYear; ++y) {
      const long a11 = z.month11(y);
      const long k = floor_to_long((a11_prev - kNewMoon1900) / kSynodicMonth + 0.5);
      const bool has_leap = a11 - a11_prev > 365;
      const int leap_at = has_leap ? z.leap_offset(a11_prev) : -1;
      const int count = has_leap ? 13 : 12;
      for (int i = 0; i < count; ++i) {
        const long start = i == 0 ? a11_prev : z.new_moon_day(k + i);
        int month = i + 11;
        bool leap = false;
        if (has_leap && i >= leap_at) {
          month = i + 10;
          leap = i == leap_at;
        }
        if (month > 12) month -= 12;
        const int year = (month >= 11 && i < 4) ? y - 1 : y;
        months_.push_back({start, year, month, leap});
      }
      a11_prev = a11;
    }
    end_ = a11_prev;
    // Index of month 1 of each lunar year and the leap month of each year.
    first_.assign(kLastLunarYear - kFirstLunarYear + 2, -1);
    leap_.assign(first_.size(), 0);
    for (size_t i = 0; i < months_.size(); ++i) {
      const Month& m = months_[i];
      const int yi = m.year - kFirstLunarYear;
      if (yi < 0 || yi >= static_cast<int>(first_.size())) continue;
      if (m.month == 1 && !m.leap) first_[yi] = static_cast<int>(i);
      if (m.leap) leap_[yi] = m.month;
    }
  }

  LunarDate to_lunar(long jd) const {
    long i = static_cast<long>((jd - months_.front().start) / kSynodicMonth);
    if (i < 0) i = 0;
    const long n = static_cast<long>(months_.size());
    if (i >= n) i = n - 1;
    while (i > 0 && months_[i].start > jd) --i;
    while (i + 1 < n && months_[i + 1].start <= jd) ++i;
    const Month& m = months_[i];
    return {m.year, m.month, static_cast<int>(jd - m.start + 1), m.leap};
  }

  // Index of the month (year, month, leap) in months_, throwing when it does not exist.
  size_t find(int year, int month, bool leap) const {
    if (year < kFirstLunarYear || year > kLastLunarYear || first_[year - kFirstLunarYear] < 0)
      throw Error(ErrorCode::invalid_argument,
                  "lunar year " + std::to_string(year) + " is outside the supported range");
    if (month < 1 || month > 12)
      throw Error(ErrorCode::invalid_argument, "lunar month must be 1..12, got " + std::to_string(month));
    const int lm = leap_[year - kFirstLunarYear];
    if (leap && lm != month)
      throw Error(ErrorCode::invalid_argument,
                  "lunar year " + std::to_string(year) + " has no leap month " + std::to_string(month) +
                      (lm ? " (its leap month is " + std::to_string(lm) + ")" : " (it has no leap month)"));
    size_t i = static_cast<size_t>(first_[year - kFirstLunarYear]) + (month - 1);
    if (lm && (month > lm || (month == lm && leap))) ++i;
    if (i >= months_.size() || months_[i].year != year || months_[i].month != month ||
        months_[i].leap != leap)
      throw Error(ErrorCode::invalid_argument,
                  "lunar month " + std::to_string(month) + " of " + std::to_string(year) +
                      " is outside the supported range");
    return i;
  }
  long start(size_t i) const { return months_[i].start; }
  int length(size_t i) const {
    const long next = i + 1 < months_.size() ? months_[i + 1].start : end_;
    return static_cast<int>(next - months_[i].start);
  }
  int leap_month(int year) const {
    if (year < kFirstLunarYear || year > kLastLunarYear)
      throw Error(ErrorCode::invalid_argument,
                  "lunar year " + std::to_string(year) + " is outside the supported range");
    return leap_[year - kFirstLunarYear];
  }

 private:
  std::vector<Month> months_;
  long end_ = 0;
  std::vector<int> first_;
  std::vector<int> leap_;
};

const LunarTable& table(int zone_minutes) {
  if (zone_minutes == kVietnamZoneMinutes) {
    static const LunarTable vietnam(kVietnamZoneMinutes);
    return vietnam;
  }
  if (zone_minutes < -12 * 60 || zone_minutes > 14 * 60)
    throw Error(ErrorCode::invalid_argument,
                "zone offset must be within -720..840 minutes, got " + std::to_string(zone_minutes));
  static std::mutex mu;
  static std::map<int, std::unique_ptr<const LunarTable>> others;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = others[zone_minutes];
  if (!slot) slot = std::make_unique<const LunarTable>(zone_minutes);
  return *slot;
}

Date date_of_jdn(long jd) {
  static const long base = Date(1900, 1, 1).julian_day();
  return Date(1900, 1, 1) + boost::gregorian::date_duration(jd - base);
}

}  // namespace

LunarDate to_lunar(const Date& d, int zone_minutes) {
  check_date(d, "to_lunar");
  return table(zone_minutes).to_lunar(static_cast<long>(d.julian_day()));
}

Date from_lunar(const LunarDate& l, int zone_minutes) {
  const LunarTable& t = table(zone_minutes);
  const size_t i = t.find(l.year, l.month, l.leap);
  const int len = t.length(i);
  if (l.day < 1 || l.day > len)
    throw Error(ErrorCode::invalid_argument,
                "lunar " + std::string(l.leap ? "leap " : "") + "month " + std::to_string(l.month) +
                    " of " + std::to_string(l.year) + " has " + std::to_string(len) +
                    " days; there is no day " + std::to_string(l.day));
  const long jd = t.start(i) + l.day - 1;
  if (jd < Date(1900, 1, 1).julian_day() || jd > Date(2199, 12, 31).julian_day())
    throw Error(ErrorCode::invalid_argument,
                "lunar date falls outside the supported range 1900-01-01..2199-12-31");
  return date_of_jdn(jd);
}

Date lunar_new_year(int lunar_year, int zone_minutes) {
  return from_lunar({lunar_year, 1, 1, false}, zone_minutes);
}

int lunar_leap_month(int lunar_year, int zone_minutes) {
  return table(zone_minutes).leap_month(lunar_year);
}

int lunar_month_length(int lunar_year, int month, bool leap, int zone_minutes) {
  const LunarTable& t = table(zone_minutes);
  return t.length(t.find(lunar_year, month, leap));
}

}  // namespace doithoai
