// Lunar ↔ solar conversion checked against the published Vietnamese tables.
//
// Reference: Hồ Ngọc Đức, "Âm lịch Việt Nam" (https://www.informatik.uni-leipzig.de/~duc/amlich/),
// the year tables TK20, TK21 and TK22 of his amlich-hnd.js (lunar years 1900–2199, computed for
// UTC+7). Each entry packs one lunar year: bits 17.. the day of Tết counted from 1 January,
// bit 16 the length of the leap month (1 = 30 days), bits 4..15 the lengths of months 1..12
// (month 1 in bit 15), bits 0..3 the leap month (0 = none). The tables are reproduced here as
// data and decoded independently of the library.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <iterator>

#include "doithoai/doithoai.h"

using namespace doithoai;

namespace {

const unsigned kTK[300] = {
    // TK20: 1900-1999
    0x3c4bd8, 0x624ae0, 0x4ca570, 0x3854d5, 0x5cd260, 0x44d950, 0x315554, 0x5656a0, 0x409ad0, 0x2a55d2,
    0x504ae0, 0x3aa5b6, 0x60a4d0, 0x48d250, 0x33d255, 0x58b540, 0x42d6a0, 0x2cada2, 0x5295b0, 0x3f4977,
    0x644970, 0x4ca4b0, 0x36b4b5, 0x5c6a50, 0x466d50, 0x312b54, 0x562b60, 0x409570, 0x2c52f2, 0x504970,
    0x3a6566, 0x5ed4a0, 0x48ea50, 0x336a95, 0x585ad0, 0x442b60, 0x2f86e3, 0x5292e0, 0x3dc8d7, 0x62c950,
    0x4cd4a0, 0x35d8a6, 0x5ab550, 0x4656a0, 0x31a5b4, 0x5625d0, 0x4092d0, 0x2ad2b2, 0x50a950, 0x38b557,
    0x5e6ca0, 0x48b550, 0x355355, 0x584da0, 0x42a5b0, 0x2f4573, 0x5452b0, 0x3ca9a8, 0x60e950, 0x4c6aa0,
    0x36aea6, 0x5aab50, 0x464b60, 0x30aae4, 0x56a570, 0x405260, 0x28f263, 0x4ed940, 0x38db47, 0x5cd6a0,
    0x4896d0, 0x344dd5, 0x5a4ad0, 0x42a4d0, 0x2cd4b4, 0x52b250, 0x3cd558, 0x60b540, 0x4ab5a0, 0x3755a6,
    0x5c95b0, 0x4649b0, 0x30a974, 0x56a4b0, 0x40aa50, 0x29aa52, 0x4e6d20, 0x39ad47, 0x5eab60, 0x489370,
    0x344af5, 0x5a4970, 0x4464b0, 0x2c74a3, 0x50ea50, 0x3d6a58, 0x6256a0, 0x4aaad0, 0x3696d5, 0x5c92e0,
    // TK21: 2000-2099
    0x46c960, 0x2ed954, 0x54d4a0, 0x3eda50, 0x2a7552, 0x4e56a0, 0x38a7a7, 0x5ea5d0, 0x4a92b0, 0x32aab5,
    0x58a950, 0x42b4a0, 0x2cbaa4, 0x50ad50, 0x3c55d9, 0x624ba0, 0x4ca5b0, 0x375176, 0x5c5270, 0x466930,
    0x307934, 0x546aa0, 0x3ead50, 0x2a5b52, 0x504b60, 0x38a6e6, 0x5ea4e0, 0x48d260, 0x32ea65, 0x56d520,
    0x40daa0, 0x2d56a3, 0x5256d0, 0x3c4afb, 0x6249d0, 0x4ca4d0, 0x37d0b6, 0x5ab250, 0x44b520, 0x2edd25,
    0x54b5a0, 0x3e55d0, 0x2a55b2, 0x5049b0, 0x3aa577, 0x5ea4b0, 0x48aa50, 0x33b255, 0x586d20, 0x40ad60,
    0x2d4b63, 0x525370, 0x3e49e8, 0x60c970, 0x4c54b0, 0x3768a6, 0x5ada50, 0x445aa0, 0x2fa6a4, 0x54aad0,
    0x4052e0, 0x28d2e3, 0x4ec950, 0x38d557, 0x5ed4a0, 0x46d950, 0x325d55, 0x5856a0, 0x42a6d0, 0x2c55d4,
    0x5252b0, 0x3ca9b8, 0x62a930, 0x4ab490, 0x34b6a6, 0x5aad50, 0x4655a0, 0x2eab64, 0x54a570, 0x4052b0,
    0x2ab173, 0x4e6930, 0x386b37, 0x5e6aa0, 0x48ad50, 0x332ad5, 0x582b60, 0x42a570, 0x2e52e4, 0x50d160,
    0x3ae958, 0x60d520, 0x4ada90, 0x355aa6, 0x5a56d0, 0x462ae0, 0x30a9d4, 0x54a2d0, 0x3ed150, 0x28e952,
    // TK22: 2100-2199
    0x4eb520, 0x38d727, 0x5eada0, 0x4a55b0, 0x362db5, 0x5a45b0, 0x44a2b0, 0x2eb2b4, 0x54a950, 0x3cb559,
    0x626b20, 0x4cad50, 0x385766, 0x5c5370, 0x484570, 0x326574, 0x5852b0, 0x406950, 0x2a7953, 0x505aa0,
    0x3baaa7, 0x5ea6d0, 0x4a4ae0, 0x35a2e5, 0x5aa550, 0x42d2a0, 0x2de2a4, 0x52d550, 0x3e5abb, 0x6256a0,
    0x4c96d0, 0x3949b6, 0x5e4ab0, 0x46a8d0, 0x30d4b5, 0x56b290, 0x40b550, 0x2a6d52, 0x504da0, 0x3b9567,
    0x609570, 0x4a49b0, 0x34a975, 0x5a64b0, 0x446a90, 0x2cba94, 0x526b50, 0x3e2b60, 0x28ab61, 0x4c9570,
    0x384ae6, 0x5cd160, 0x46e4a0, 0x2eed25, 0x54da90, 0x405b50, 0x2c36d3, 0x502ae0, 0x3a93d7, 0x6092d0,
    0x4ac950, 0x32d556, 0x58b4a0, 0x42b690, 0x2e5d94, 0x5255b0, 0x3e25fa, 0x6425b0, 0x4e92b0, 0x36aab6,
    0x5c6950, 0x4674a0, 0x31b2a5, 0x54ad50, 0x4055a0, 0x2aab73, 0x522570, 0x3a5377, 0x6052b0, 0x4a6950,
    0x346d56, 0x585aa0, 0x42ab50, 0x2e56d4, 0x544ae0, 0x3ca570, 0x2864d2, 0x4cd260, 0x36eaa6, 0x5ad550,
    0x465aa0, 0x30ada5, 0x5695d0, 0x404ad0, 0x2aa9b3, 0x50a4d0, 0x3ad2b7, 0x5eb250, 0x48b540, 0x33d556,
};

struct PublishedYear {
  Date tet;
  int leap_month;
  int leap_length;
  int lengths[12];
};

PublishedYear decode(int year) {
  const unsigned k = kTK[year - 1900];
  PublishedYear p{Date(year, 1, 1) + boost::gregorian::days(k >> 17), static_cast<int>(k & 0xf),
                  (k >> 16) & 1 ? 30 : 29, {}};
  unsigned bits = k >> 4;
  for (int i = 11; i >= 0; --i, bits >>= 1) p.lengths[i] = bits & 1 ? 30 : 29;
  return p;
}

Error error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  FAIL("no error thrown");
  return Error(ErrorCode::unsupported, "");
}

}  // namespace

// Before 1968 Vietnamese almanacs followed the 120°E meridian (UTC+8); North Vietnam's
// calendar reform of 1967 moved them to UTC+7 from 1968 on. The published table encodes that.
int table_zone(int year) { return year < 1968 ? 480 : 420; }

// Years where the table (computed with a more precise ephemeris) and the series of the
// standard method disagree on the day of one new moon, each falling within minutes of local
// midnight (e.g. 2054, 2175, 2199: about 2 minutes). The day differs by one, nothing else.
const int kBorderlineYears[] = {1906, 1914, 1915, 1916, 1920, 1924, 1925, 1967, 2054,
                                2072, 2077, 2130, 2150, 2159, 2174, 2175, 2198, 2199};

TEST_CASE("every Tết, leap month and month length 1900-2199 matches Hồ Ngọc Đức's table") {
  int exact_years = 0, leap_years = 0;
  for (int y = 1900; y <= 2199; ++y) {
    const PublishedYear p = decode(y);
    const int zone = table_zone(y);
    INFO("lunar year " << y);
    REQUIRE(lunar_leap_month(y, zone) == p.leap_month);
    const bool borderline = std::find(std::begin(kBorderlineYears), std::end(kBorderlineYears), y) !=
                            std::end(kBorderlineYears);
    int differing_months = 0;
    for (int m = 1; m <= 12; ++m) {
      const int len = lunar_month_length(y, m, false, zone);
      if (len != p.lengths[m - 1]) ++differing_months;
    }
    if (p.leap_month && lunar_month_length(y, p.leap_month, true, zone) != p.leap_length)
      ++differing_months;
    const long tet_shift = (lunar_new_year(y, zone) - p.tet).days();
    if (borderline) {
      // One boundary moved by a day: at most two month lengths (or Tết and one length) change.
      CHECK(std::abs(tet_shift) <= 1);
      CHECK(differing_months + std::abs(tet_shift) >= 1);
      CHECK(differing_months <= 2);
    } else {
      REQUIRE(tet_shift == 0);
      REQUIRE(differing_months == 0);
      ++exact_years;
    }
    if (p.leap_month) ++leap_years;
  }
  CHECK(exact_years == 300 - 18);
  CHECK(leap_years > 100);  // about 7 leap years in 19
  // Tết itself differs only in 2175 and 2199 (a new moon 2 minutes from midnight).
  CHECK(lunar_new_year(2175) == decode(2175).tet + boost::gregorian::days(1));
  CHECK(lunar_new_year(2199) == decode(2199).tet + boost::gregorian::days(1));
  for (int y = 1968; y <= 2174; ++y) REQUIRE(lunar_new_year(y) == decode(y).tet);
}

TEST_CASE("Tết Mậu Thân 1968 was a day apart in the UTC+7 and UTC+8 calendars") {
  CHECK(lunar_new_year(1968) == Date(1968, 1, 29));
  CHECK(lunar_new_year(1968, 480) == Date(1968, 1, 30));
}

TEST_CASE("every day 1900-2199 round-trips through the lunar calendar and days advance by one") {
  const Date first(1900, 1, 1), last(2199, 12, 31);
  LunarDate prev = to_lunar(first);
  CHECK(prev == LunarDate{1899, 12, 1, false});  // 1900-01-01 is 1/12 Kỷ Hợi
  for (Date d = first + boost::gregorian::days(1); d <= last; d += boost::gregorian::days(1)) {
    const LunarDate l = to_lunar(d);
    if (l.day != prev.day + 1) {
      // A new month begins: day 1, and the month is the next one (or its leap repeat).
      REQUIRE(l.day == 1);
      REQUIRE((prev.day == 29 || prev.day == 30));
      const bool leap_repeat = l.leap && l.month == prev.month && l.year == prev.year;
      const bool next_month = !l.leap && (l.month == prev.month % 12 + 1);
      REQUIRE((leap_repeat || next_month));
      if (l.month == 1 && !l.leap) REQUIRE(l.year == prev.year + 1);
    } else {
      REQUIRE((l.month == prev.month && l.leap == prev.leap && l.year == prev.year));
    }
    if (l.day == 1 || d.day() == 1) REQUIRE(from_lunar(l) == d);  // sampled to keep it quick
    prev = l;
  }
}

TEST_CASE("known Vietnamese dates: Tết, Hùng Kings' day and the leap month of 2023") {
  CHECK(lunar_new_year(2024) == Date(2024, 2, 10));
  CHECK(lunar_new_year(2025) == Date(2025, 1, 29));
  CHECK(lunar_new_year(2026) == Date(2026, 2, 17));
  CHECK(lunar_new_year(2000) == Date(2000, 2, 5));
  // Giỗ Tổ Hùng Vương, 10/3 âm lịch: 18/4/2024, 7/4/2025.
  CHECK(from_lunar({2024, 3, 10, false}) == Date(2024, 4, 18));
  CHECK(from_lunar({2025, 3, 10, false}) == Date(2025, 4, 7));
  // 2023 (Quý Mão) had a leap 2nd month; 2025 (Ất Tỵ) a leap 6th month.
  CHECK(lunar_leap_month(2023) == 2);
  CHECK(lunar_leap_month(2025) == 6);
  CHECK(from_lunar({2023, 2, 1, true}) == Date(2023, 3, 22));
  CHECK(to_lunar(Date(2023, 3, 22)) == LunarDate{2023, 2, 1, true});
  // Official notices: 8/2/2024 is 29 tháng Chạp Quý Mão; 14/2/2026 is 27 tháng Chạp Ất Tỵ.
  CHECK(to_lunar(Date(2024, 2, 8)) == LunarDate{2023, 12, 29, false});
  CHECK(to_lunar(Date(2026, 2, 14)) == LunarDate{2025, 12, 27, false});
  CHECK(to_lunar(Date(2026, 2, 22)) == LunarDate{2026, 1, 6, false});
}

TEST_CASE("Tết 1985 differs between UTC+7 and UTC+8") {
  // Vietnam celebrated Tết Ất Sửu on 21/1/1985, China its New Year on 20/2/1985.
  CHECK(lunar_new_year(1985) == Date(1985, 1, 21));
  CHECK(lunar_new_year(1985, 480) == Date(1985, 2, 20));
  // The difference comes from month 11 of 1984: the new moon fell just before midnight at UTC+7.
  CHECK(to_lunar(Date(1985, 1, 21)) == LunarDate{1985, 1, 1, false});
  CHECK(to_lunar(Date(1985, 1, 21), 480).year == 1984);
}

TEST_CASE("Tết 2007 differs between UTC+7 and UTC+8") {
  // The new moon of 17/2/2007 was at 16:14 UTC: 23:14 in Hà Nội, 00:14 on the 18th in Beijing.
  CHECK(lunar_new_year(2007) == Date(2007, 2, 17));
  CHECK(lunar_new_year(2007, 480) == Date(2007, 2, 18));
  CHECK(to_lunar(Date(2007, 2, 17), 480) == LunarDate{2006, 12, 30, false});
}

TEST_CASE("Tết 2030 differs between UTC+7 and UTC+8") {
  CHECK(lunar_new_year(2030) == Date(2030, 2, 2));
  CHECK(lunar_new_year(2030, 480) == Date(2030, 2, 3));
}

TEST_CASE("UTC+8 agrees with the Chinese calendar on ordinary years") {
  // Chinese New Year dates (published widely): 2000-02-05, 2020-01-25, 2024-02-10, 2033-01-31.
  CHECK(lunar_new_year(2000, 480) == Date(2000, 2, 5));
  CHECK(lunar_new_year(2020, 480) == Date(2020, 1, 25));
  CHECK(lunar_new_year(2024, 480) == Date(2024, 2, 10));
  CHECK(lunar_new_year(2033, 480) == Date(2033, 1, 31));
}

TEST_CASE("nonexistent lunar dates and out-of-range dates are refused with invalid_argument") {
  // Month 1 of 2024 has 29 days (the table above): no 30th.
  REQUIRE(lunar_month_length(2024, 1) == 29);
  CHECK(error_of([] { from_lunar({2024, 1, 30, false}); }).code() == ErrorCode::invalid_argument);
  CHECK(from_lunar({2024, 2, 30, false}) == Date(2024, 4, 8));
  // 2024 has no leap month; 2023 has a leap 2nd month but no leap 3rd.
  CHECK(error_of([] { from_lunar({2024, 4, 1, true}); }).code() == ErrorCode::invalid_argument);
  CHECK(error_of([] { from_lunar({2023, 3, 1, true}); }).code() == ErrorCode::invalid_argument);
  CHECK(error_of([] { from_lunar({2024, 13, 1, false}); }).code() == ErrorCode::invalid_argument);
  CHECK(error_of([] { from_lunar({2024, 1, 0, false}); }).code() == ErrorCode::invalid_argument);
  CHECK(error_of([] { from_lunar({1850, 1, 1, false}); }).code() == ErrorCode::invalid_argument);
  CHECK(error_of([] { from_lunar({2300, 1, 1, false}); }).code() == ErrorCode::invalid_argument);
  // Lunar 1/1 of 1899 is a date of 1899: outside the library's range.
  CHECK(error_of([] { lunar_new_year(1899); }).code() == ErrorCode::invalid_argument);
  CHECK(error_of([] { to_lunar(Date(1899, 12, 31)); }).code() == ErrorCode::invalid_argument);
  CHECK(error_of([] { to_lunar(Date(2200, 1, 1)); }).code() == ErrorCode::invalid_argument);
  CHECK(error_of([] { to_lunar(Date(boost::gregorian::not_a_date_time)); }).code() ==
        ErrorCode::invalid_argument);
  CHECK(error_of([] { to_lunar(Date(2024, 1, 1), 24 * 60); }).code() == ErrorCode::invalid_argument);
  CHECK(error_of([] { lunar_leap_month(1800); }).code() == ErrorCode::invalid_argument);
}
