// Reporting periods (R16): month, quarter, six and nine months, year, any range.
#include "doithoai/error.h"
#include "doithoai/views.h"

namespace doithoai {
namespace {
using boost::gregorian::date_duration;

Date first(int y, int m) {
  if (m < 1 || m > 12) throw Error(ErrorCode::invalid_argument, "month must be 1..12");
  Date d;
  try {
    d = Date(y, m, 1);
  } catch (const std::exception&) {
    throw Error(ErrorCode::invalid_argument, "year out of range");
  }
  check_date(d, "period");
  return d;
}
Date last(int y, int m) { return first(y, m).end_of_month(); }
Period make(PeriodKind k, Date a, Date b) {
  Period p;
  p.kind = k;
  p.from = a;
  p.to = b;
  return p;
}
}  // namespace

Period Period::month(int y, int m) { return make(PeriodKind::month, first(y, m), last(y, m)); }
Period Period::quarter(int y, int q) {
  if (q < 1 || q > 4) throw Error(ErrorCode::invalid_argument, "quarter must be 1..4");
  return make(PeriodKind::quarter, first(y, 3 * q - 2), last(y, 3 * q));
}
Period Period::six_months(int y) { return make(PeriodKind::six_months, first(y, 1), last(y, 6)); }
Period Period::nine_months(int y) { return make(PeriodKind::nine_months, first(y, 1), last(y, 9)); }
Period Period::year(int y) { return make(PeriodKind::year, first(y, 1), last(y, 12)); }
Period Period::range(Date a, Date b) {
  check_date(a, "from");
  check_date(b, "to");
  if (b < a) throw Error(ErrorCode::invalid_argument, "a period ends after it starts");
  return make(PeriodKind::range, a, b);
}

Period previous_period(const Period& p) {
  const int y = p.from.year(), m = p.from.month();
  switch (p.kind) {
    case PeriodKind::month: return m == 1 ? Period::month(y - 1, 12) : Period::month(y, m - 1);
    case PeriodKind::quarter: {
      const int q = (m - 1) / 3 + 1;
      return q == 1 ? Period::quarter(y - 1, 4) : Period::quarter(y, q - 1);
    }
    case PeriodKind::six_months: return Period::six_months(y - 1);
    case PeriodKind::nine_months: return Period::nine_months(y - 1);
    case PeriodKind::year: return Period::year(y - 1);
    case PeriodKind::range: break;
  }
  const auto len = (p.to - p.from).days() + 1;
  const Date to = p.from - date_duration(1);
  return make(PeriodKind::range, to - date_duration(len - 1), to);
}

std::string period_label(const Period& p, std::string_view lang) {
  const bool en = lang == "en";
  const std::string y = std::to_string(static_cast<int>(p.from.year()));
  const int m = p.from.month();
  static const char* roman[] = {"I", "II", "III", "IV"};
  switch (p.kind) {
    case PeriodKind::month: return en ? y + "-" + (m < 10 ? "0" : "") + std::to_string(m) : "Tháng " + std::to_string(m) + "/" + y;
    case PeriodKind::quarter: {
      const int q = (m - 1) / 3 + 1;
      return en ? "Q" + std::to_string(q) + " " + y : "Quý " + std::string(roman[q - 1]) + "/" + y;
    }
    case PeriodKind::six_months: return en ? "First six months of " + y : "6 tháng đầu năm " + y;
    case PeriodKind::nine_months: return en ? "First nine months of " + y : "9 tháng đầu năm " + y;
    case PeriodKind::year: return en ? "Year " + y : "Năm " + y;
    case PeriodKind::range: break;
  }
  auto dmy = [](const Date& d) {
    return std::to_string(static_cast<int>(d.day())) + "/" + std::to_string(static_cast<int>(d.month())) + "/" +
           std::to_string(static_cast<int>(d.year()));
  };
  return en ? format_date(p.from) + " to " + format_date(p.to) : "Từ " + dmy(p.from) + " đến " + dmy(p.to);
}

std::vector<Period> report_periods(const Profile& profile, int year) {
  std::vector<Period> v;
  if (!profile.reporting) return v;
  for (const auto& k : profile.reporting->periods) {
    if (k == "month") {
      for (int m = 1; m <= 12; ++m) v.push_back(Period::month(year, m));
    } else if (k == "quarter") {
      for (int q = 1; q <= 4; ++q) v.push_back(Period::quarter(year, q));
    } else if (k == "first_quarter") {
      v.push_back(Period::quarter(year, 1));
    } else if (k == "six_months") {
      v.push_back(Period::six_months(year));
    } else if (k == "nine_months") {
      v.push_back(Period::nine_months(year));
    } else if (k == "year") {
      v.push_back(Period::year(year));
    }
  }
  return v;
}

std::vector<std::string> report_recipients(const Profile& profile, std::string_view level) {
  if (profile.reporting)
    for (const auto& [l, who] : profile.reporting->recipients)
      if (l == level) return who;
  return {};
}

}  // namespace doithoai
