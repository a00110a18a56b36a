// bindings/time.cpp: dates (datetime.date), instants (aware datetime.datetime, UTC inside),
// and the injected clocks (SystemClock, ManualClock). The only file that includes datetime.h.
#include "common.h"

#include <datetime.h>

namespace dtpy {
namespace {

void need_datetime() {
  if (!PyDateTimeAPI) {
    PyDateTime_IMPORT;
    if (!PyDateTimeAPI) throw py::error_already_set();
  }
}

boost::posix_time::time_duration duration_from_py(py::handle td) {
  need_datetime();
  if (!PyDelta_Check(td.ptr())) throw py::type_error("expected a datetime.timedelta");
  PyObject* o = td.ptr();
  const long long us = (static_cast<long long>(PyDateTime_DELTA_GET_DAYS(o)) * 86400 +
                        PyDateTime_DELTA_GET_SECONDS(o)) * 1000000LL +
                       PyDateTime_DELTA_GET_MICROSECONDS(o);
  return boost::posix_time::microseconds(us);
}

}  // namespace

bool date_from_py(py::handle src, doithoai::Date& out) {
  need_datetime();
  if (src.is_none()) {
    out = doithoai::Date();
    return true;
  }
  PyObject* p = src.ptr();
  if (!PyDate_Check(p)) return false;
  if (PyDateTime_Check(p))
    invalid("expected a datetime.date, got the datetime " + std::string(py::str(src)) +
            ": pass its .date() (dates are local dates of the profile's zone)");
  try {
    out = doithoai::Date(PyDateTime_GET_YEAR(p), PyDateTime_GET_MONTH(p), PyDateTime_GET_DAY(p));
  } catch (const std::exception& e) {
    invalid(std::string("date out of range: ") + e.what());
  }
  return true;
}

PyObject* date_to_py(const doithoai::Date& d) {
  if (d.is_special()) Py_RETURN_NONE;
  need_datetime();
  const auto ymd = d.year_month_day();
  return PyDate_FromDate(ymd.year, ymd.month, ymd.day);
}

bool instant_from_py(py::handle src, doithoai::Instant& out) {
  need_datetime();
  PyObject* p = src.ptr();
  if (!PyDateTime_Check(p)) return false;
  py::object offset = py::reinterpret_borrow<py::object>(src).attr("utcoffset")();
  if (offset.is_none())
    invalid("naive datetime " + std::string(py::str(src)) +
            " refused: instants must be timezone-aware (for example tzinfo=datetime.timezone.utc)");
  try {
    const doithoai::Date d(PyDateTime_GET_YEAR(p), PyDateTime_GET_MONTH(p), PyDateTime_GET_DAY(p));
    const doithoai::Instant local(
        d, boost::posix_time::hours(PyDateTime_DATE_GET_HOUR(p)) +
               boost::posix_time::minutes(PyDateTime_DATE_GET_MINUTE(p)) +
               boost::posix_time::seconds(PyDateTime_DATE_GET_SECOND(p)) +
               boost::posix_time::microseconds(PyDateTime_DATE_GET_MICROSECOND(p)));
    out = local - duration_from_py(offset);
  } catch (const std::out_of_range& e) {
    invalid(std::string("datetime out of range: ") + e.what());
  }
  return true;
}

PyObject* instant_to_py(const doithoai::Instant& t) {
  if (t.is_special()) Py_RETURN_NONE;
  need_datetime();
  const auto d = t.date().year_month_day();
  const auto tod = t.time_of_day();
  return PyDateTimeAPI->DateTime_FromDateAndTime(
      d.year, d.month, d.day, static_cast<int>(tod.hours()), static_cast<int>(tod.minutes()),
      static_cast<int>(tod.seconds()), static_cast<int>(tod.total_microseconds() % 1000000),
      PyDateTime_TimeZone_UTC, PyDateTimeAPI->DateTimeType);
}

void init_time(py::module_& m) {
  using namespace doithoai;
  m.def("min_date", &min_date, "The first date the library handles (1900-01-01).");
  m.def("max_date", &max_date, "The last date the library handles (2199-12-31).");
  m.def("format_date", &format_date, py::arg("d"), "ISO form \"YYYY-MM-DD\".");
  m.def("parse_date", &parse_date, py::arg("s"), "Parses \"YYYY-MM-DD\"; InvalidArgument otherwise.");
  m.def("format_instant", &format_instant, py::arg("t"), "ISO 8601 UTC form with microseconds and Z.");
  m.def("parse_instant", &parse_instant, py::arg("s"), "Parses an ISO 8601 instant with Z or +hh:mm.");
  m.def("local_date", &local_date, py::arg("t"), py::arg("offset_minutes") = 420,
        "The local date of instant t in a zone offset_minutes east of UTC (Vietnam: 420).");
  m.def("to_micros", &to_micros, py::arg("t"), "Microseconds since the Unix epoch.");
  m.def("from_micros", &from_micros, py::arg("us"), "The instant us microseconds after the Unix epoch.");

  py::class_<Clock, std::shared_ptr<Clock>>(m, "Clock", "Where the engine reads the time (injected).")
      .def("now", &Clock::now, "The current instant (UTC, timezone-aware).");
  py::class_<SystemClock, Clock, std::shared_ptr<SystemClock>>(m, "SystemClock", "The system's clock.")
      .def(py::init<>())
      .def("__repr__", [](const SystemClock&) { return std::string("SystemClock()"); });
  py::class_<ManualClock, Clock, std::shared_ptr<ManualClock>>(
      m, "ManualClock", "A clock that only moves when told to (tests, simulations, replays). Thread-safe.")
      .def(py::init<Instant>(), py::arg("start"))
      .def("set", &ManualClock::set, py::arg("t"), "Moves the clock to instant t (an aware datetime).")
      .def("advance", [](ManualClock& c, py::handle td) { c.advance(duration_from_py(td)); }, py::arg("delta"),
           "Moves the clock forward by a datetime.timedelta.")
      .def("__repr__", [](const ManualClock& c) { return "ManualClock(" + format_instant(c.now()) + ")"; });
}

}  // namespace dtpy
