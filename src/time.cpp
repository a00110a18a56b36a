#include "doithoai/time.h"

#include <cstdio>
#include <cstring>

#include "doithoai/error.h"

namespace doithoai {

namespace pt = boost::posix_time;
namespace gr = boost::gregorian;

static const Instant kEpoch(gr::date(1970, 1, 1));

Date min_date() { return Date(1900, 1, 1); }
Date max_date() { return Date(2199, 12, 31); }

void check_date(const Date& d, const char* what) {
  if (d.is_special() || d < min_date() || d > max_date())
    throw Error(ErrorCode::invalid_argument,
                std::string(what) + ": date out of the supported range 1900-01-01..2199-12-31");
}

std::int64_t to_micros(const Instant& t) { return (t - kEpoch).total_microseconds(); }
Instant from_micros(std::int64_t us) {
  // Boost's instants run from 1400-01-01 to 9999-12-31; beyond them its arithmetic overflows
  // (a damaged row or snapshot image can hold any 64-bit value).
  constexpr std::int64_t kMin = -17987443200LL * 1000000;  // 1400-01-01T00:00:00Z
  constexpr std::int64_t kEnd = 253402300800LL * 1000000;  // 10000-01-01T00:00:00Z
  if (us < kMin || us >= kEnd)
    throw Error(ErrorCode::invalid_argument,
                "instant out of range (1400-01-01..9999-12-31 UTC): " + std::to_string(us) + " us since 1970");
  // Split to avoid overflow of the 32-bit-long seconds path on some platforms.
  const std::int64_t s = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
  const std::int64_t rem = us - s * 1000000;
  return kEpoch + pt::seconds(static_cast<long>(s)) + pt::microseconds(rem);
}

Date local_date(const Instant& t, int offset_minutes) {
  return (t + pt::minutes(offset_minutes)).date();
}

std::string format_date(const Date& d) {
  if (d.is_special()) return "";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(d.year()),
                static_cast<int>(d.month()), static_cast<int>(d.day()));
  return buf;
}

static bool digits(const std::string& s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

Date parse_date(const std::string& s) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 0, 4, y) || !digits(s, 5, 2, m) ||
      !digits(s, 8, 2, d))
    throw Error(ErrorCode::invalid_argument, "not a date of the form YYYY-MM-DD: '" + s + "'");
  try {
    Date r(y, m, d);
    check_date(r, "date");
    return r;
  } catch (const Error&) {
    throw;
  } catch (const std::exception&) {
    throw Error(ErrorCode::invalid_argument, "no such date: '" + s + "'");
  }
}

std::string format_instant(const Instant& t) {
  if (t.is_special()) return "";
  const Date d = t.date();
  const pt::time_duration td = t.time_of_day();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%06dZ", format_date(d).c_str(),
                static_cast<int>(td.hours()), static_cast<int>(td.minutes()),
                static_cast<int>(td.seconds()), static_cast<int>(td.fractional_seconds()));
  return buf;
}

Instant parse_instant(const std::string& s) {
  // YYYY-MM-DDTHH:MM:SS[.ffffff](Z|+hh:mm|-hh:mm)
  auto bad = [&]() {
    return Error(ErrorCode::invalid_argument,
                 "not an instant of the form YYYY-MM-DDTHH:MM:SS[.ffffff]Z: '" + s + "'");
  };
  if (s.size() < 20 || (s[10] != 'T' && s[10] != ' ')) throw bad();
  const Date d = parse_date(s.substr(0, 10));
  int hh, mm, ss;
  if (!digits(s, 11, 2, hh) || s[13] != ':' || !digits(s, 14, 2, mm) || s[16] != ':' ||
      !digits(s, 17, 2, ss) || hh > 23 || mm > 59 || ss > 59)
    throw bad();
  size_t pos = 19;
  std::int64_t frac = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (n < 6) frac = frac * 10 + (s[pos] - '0');
      ++n;
      ++pos;
    }
    if (n == 0) throw bad();
    for (; n < 6; ++n) frac *= 10;
  }
  int offset = 0;
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || s.size() < pos + 6 || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, om))
      throw bad();
    offset = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    throw bad();  // naive instants are ambiguous; the library refuses them
  }
  if (pos != s.size()) throw bad();
  return Instant(d, pt::hours(hh) + pt::minutes(mm) + pt::seconds(ss) + pt::microseconds(frac)) -
         pt::minutes(offset);
}

Clock::~Clock() = default;

Instant SystemClock::now() const { return pt::microsec_clock::universal_time(); }

ManualClock::ManualClock(Instant start) : micros_(to_micros(start)) {}
Instant ManualClock::now() const { return from_micros(micros_.load()); }
void ManualClock::set(Instant t) { micros_.store(to_micros(t)); }
void ManualClock::advance(pt::time_duration d) { micros_.fetch_add(d.total_microseconds()); }

}  // namespace doithoai
