#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>

#include "doithoai/doithoai.h"

using namespace doithoai;

TEST_CASE("instants round-trip through ISO 8601 and microseconds") {
  const Instant t = parse_instant("2022-09-30T07:15:00.123456Z");
  CHECK(format_instant(t) == "2022-09-30T07:15:00.123456Z");
  CHECK(from_micros(to_micros(t)) == t);
  CHECK(parse_instant("2022-09-30T14:15:00.123456+07:00") == t);
  CHECK(local_date(parse_instant("2022-09-30T18:00:00Z"), 420) == Date(2022, 10, 1));
}

TEST_CASE("from_micros refuses what an instant cannot hold instead of overflowing (fuzz_snapshot)") {
  // A damaged snapshot image held 9223372036854771441 us; the seconds/microseconds split
  // overflowed (UBSan) and boost's arithmetic would have wrapped.
  const auto bad = {std::numeric_limits<std::int64_t>::max() - 4366, std::numeric_limits<std::int64_t>::max(),
                    std::numeric_limits<std::int64_t>::min(), std::int64_t(253402300800LL * 1000000),
                    std::int64_t(-17987443200LL * 1000000 - 1)};
  for (const std::int64_t us : bad) {
    INFO(us);
    REQUIRE_THROWS_MATCHES(from_micros(us), Error, Catch::Predicate<Error>([](const Error& e) {
                             return e.code() == ErrorCode::invalid_argument;
                           }));
  }
  CHECK(format_instant(from_micros(253402300800LL * 1000000 - 1)) == "9999-12-31T23:59:59.999999Z");
  CHECK(format_instant(from_micros(-17987443200LL * 1000000)) == "1400-01-01T00:00:00.000000Z");
  CHECK(to_micros(from_micros(-1)) == -1);
}

TEST_CASE("naive or malformed instants and dates are refused with invalid_argument") {
  for (const char* s : {"2022-09-30T07:15:00", "2022-13-01T00:00:00Z", "x", "2022-09-30T25:00:00Z"}) {
    try {
      parse_instant(s);
      FAIL("accepted " << s);
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::invalid_argument);
    }
  }
  CHECK_THROWS_AS(parse_date("2022-02-30"), Error);
  CHECK_THROWS_AS(parse_date("1899-12-31"), Error);
  CHECK_THROWS_AS(parse_date("2200-01-01"), Error);
  CHECK(parse_date("2199-12-31") == Date(2199, 12, 31));
}

TEST_CASE("deadlines count from the day after the event (Civil Code art. 147)") {
  WeekendCalendar cal;
  // Bồ Đề: held 30/9/2022, notice by 10/10/2022, replies by 30/10/2022.
  CHECK(cal.deadline(Date(2022, 9, 30), {10, DayType::calendar, EndRule::keep, ""}) == Date(2022, 10, 10));
  CHECK(cal.deadline(Date(2022, 9, 30), {30, DayType::calendar, EndRule::keep, ""}) == Date(2022, 10, 30));
  // 30/10/2022 is a Sunday: art. 148 moves the end to Monday 31/10.
  CHECK(cal.deadline(Date(2022, 9, 30), {30, DayType::calendar, EndRule::next_working_day, ""}) ==
        Date(2022, 10, 31));
  // 5 working days after Friday 30/9/2022 is Friday 7/10/2022.
  CHECK(cal.deadline(Date(2022, 9, 30), {5, DayType::working, EndRule::keep, ""}) == Date(2022, 10, 7));
  CHECK(cal.working_days_between(Date(2022, 9, 30), Date(2022, 10, 7)) == 5);
  CHECK(cal.days_late(Date(2022, 10, 30), Date(2022, 11, 2), DayType::calendar) == 3);
  CHECK(cal.days_late(Date(2022, 10, 30), Date(2022, 10, 30), DayType::calendar) == 0);
}
