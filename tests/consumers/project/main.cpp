#include <doithoai/doithoai.h>

#include <iostream>

int main() {
  doithoai::WeekendCalendar cal;
  doithoai::DeadlineRule rule{30, doithoai::DayType::calendar, doithoai::EndRule::keep, "test"};
  const auto due = cal.deadline(doithoai::Date(2022, 9, 30), rule);
  if (doithoai::format_date(due) != "2022-10-30") return 1;
  std::cout << "consumer ok\n";
  return 0;
}
