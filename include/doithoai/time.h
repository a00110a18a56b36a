// doithoai/time.h: dates, instants and the injected clock.
//
// An Instant is a UTC point in time (microsecond resolution, stored as int64 microseconds
// since 1970-01-01). A Date is a local calendar date of the profile's zone (Vietnam: UTC+7,
// no DST); deadlines are Dates and are inclusive. The engine never reads the system clock
// itself: it asks the Clock it was given. ManualClock is for tests and simulations.
// Thread safety: SystemClock and ManualClock may be used from many threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include <boost/date_time/gregorian/gregorian_types.hpp>
#include <boost/date_time/posix_time/posix_time_types.hpp>

#include "doithoai/export.h"

namespace doithoai {

using Date = boost::gregorian::date;
using Instant = boost::posix_time::ptime;

// The supported range of dates everywhere in the library (the calendar's range).
DOITHOAI_API Date min_date();  // 1900-01-01
DOITHOAI_API Date max_date();  // 2199-12-31
// Throws Error(invalid_argument) naming `what` when d is not a valid date in range.
DOITHOAI_API void check_date(const Date& d, const char* what);

DOITHOAI_API std::int64_t to_micros(const Instant& t);  // microseconds since the Unix epoch
// Error(invalid_argument) outside 1400-01-01..9999-12-31 UTC (what an Instant can hold).
DOITHOAI_API Instant from_micros(std::int64_t us);
// The local date of instant t in a zone `offset_minutes` east of UTC.
DOITHOAI_API Date local_date(const Instant& t, int offset_minutes);
// ISO 8601 forms: "2022-09-30" and "2022-09-30T03:00:00.000000Z".
DOITHOAI_API std::string format_date(const Date& d);
DOITHOAI_API Date parse_date(const std::string& s);  // throws invalid_argument
DOITHOAI_API std::string format_instant(const Instant& t);
DOITHOAI_API Instant parse_instant(const std::string& s);  // requires the trailing Z or +hh:mm

class DOITHOAI_API Clock {
 public:
  virtual ~Clock();
  virtual Instant now() const = 0;
};

class DOITHOAI_API SystemClock final : public Clock {
 public:
  Instant now() const override;
};

// A clock that only moves when told to. Thread-safe.
class DOITHOAI_API ManualClock final : public Clock {
 public:
  explicit ManualClock(Instant start);
  Instant now() const override;
  void set(Instant t);
  void advance(boost::posix_time::time_duration d);

 private:
  std::atomic<std::int64_t> micros_;
};

}  // namespace doithoai
