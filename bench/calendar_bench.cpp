// Deadline computations per second on the Vietnamese working calendar: a mix of calendar-day
// and working-day rules, with and without art. 148, over random start dates 1990..2150.
// Usage: calendar_bench [iterations]   (Release build)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "doithoai/doithoai.h"

using namespace doithoai;

int main(int argc, char** argv) {
  const long iterations = argc > 1 ? std::atol(argv[1]) : 20000000;
  const auto cal = VietnamCalendar::builtin();
  const Calendar& c = *cal;

  std::mt19937 rng(42);
  std::uniform_int_distribution<int> day(0, 160 * 365);
  std::vector<Date> starts(1 << 16);
  for (Date& d : starts) d = Date(1990, 1, 1) + boost::gregorian::days(day(rng));
  const DeadlineRule rules[] = {
      {10, DayType::calendar, EndRule::keep, "R08"},
      {30, DayType::calendar, EndRule::next_working_day, "R09"},
      {5, DayType::working, EndRule::keep, ""},
      {45, DayType::working, EndRule::next_working_day, ""},
  };

  long checksum = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < iterations; ++i) {
    const Date d = c.deadline(starts[i & 0xffff], rules[i & 3]);
    checksum += d.day();
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%ld deadlines in %.3f s: %.1f million deadlines/s (checksum %ld)\n", iterations, secs,
              iterations / secs / 1e6, checksum);

  const auto t1 = std::chrono::steady_clock::now();
  long between = 0;
  for (long i = 0; i < iterations; ++i)
    between += c.working_days_between(starts[i & 0xffff], starts[(i + 7) & 0xffff]);
  const double secs2 = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  std::printf("%ld working_days_between in %.3f s: %.1f million/s (checksum %ld)\n", iterations, secs2,
              iterations / secs2 / 1e6, between);
  return 0;
}
