// bindings/json.cpp: nlohmann::json <-> Python objects (dicts, lists, str, int, float, bool,
// None), so every JSON form of the library reads and writes as plain Python data.
// Dates and aware datetimes inside Python data are written in the library's ISO forms.
#include "common.h"

namespace dtpy {

py::object json_to_py(const nlohmann::json& j) {
  using T = nlohmann::json::value_t;
  switch (j.type()) {
    case T::null: return py::none();
    case T::boolean: return py::bool_(j.get<bool>());
    case T::number_integer: return py::int_(j.get<std::int64_t>());
    case T::number_unsigned: return py::int_(j.get<std::uint64_t>());
    case T::number_float: return py::float_(j.get<double>());
    case T::string: return py::str(j.get_ref<const std::string&>());
    case T::array: {
      py::list l(j.size());
      std::size_t i = 0;
      for (const auto& x : j) l[i++] = json_to_py(x);
      return std::move(l);
    }
    case T::object: {
      py::dict d;
      for (auto it = j.begin(); it != j.end(); ++it) d[py::str(it.key())] = json_to_py(it.value());
      return std::move(d);
    }
    default: return py::none();
  }
}

nlohmann::json py_to_json(py::handle h) {
  PyObject* o = h.ptr();
  if (o == Py_None) return nullptr;
  if (PyBool_Check(o)) return o == Py_True;
  if (PyLong_Check(o)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (!overflow) return v;
    unsigned long long u = PyLong_AsUnsignedLongLong(o);
    if (PyErr_Occurred()) {
      PyErr_Clear();
      invalid("integer too large for JSON: " + std::string(py::str(h)));
    }
    return u;
  }
  if (PyFloat_Check(o)) return PyFloat_AsDouble(o);
  if (PyUnicode_Check(o)) {
    Py_ssize_t n = 0;
    const char* s = PyUnicode_AsUTF8AndSize(o, &n);
    if (!s) throw py::error_already_set();
    return std::string(s, static_cast<std::size_t>(n));
  }
  if (PyDict_Check(o)) {
    nlohmann::json j = nlohmann::json::object();
    PyObject *k, *v;
    Py_ssize_t pos = 0;
    while (PyDict_Next(o, &pos, &k, &v)) {
      if (!PyUnicode_Check(k)) invalid("JSON object keys must be strings, got " + std::string(py::repr(k)));
      j[py::handle(k).cast<std::string>()] = py_to_json(v);
    }
    return j;
  }
  if (PyList_Check(o) || PyTuple_Check(o)) {
    nlohmann::json j = nlohmann::json::array();
    for (auto x : py::reinterpret_borrow<py::sequence>(h)) j.push_back(py_to_json(x));
    return j;
  }
  doithoai::Instant t;
  if (instant_from_py(h, t)) return doithoai::format_instant(t);
  doithoai::Date d;
  if (!h.is_none() && date_from_py(h, d)) return doithoai::format_date(d);
  if (py::hasattr(h, "to_json")) return py_to_json(h.attr("to_json")());
  throw doithoai::Error(doithoai::ErrorCode::invalid_argument,
                        "cannot express " + std::string(py::repr(py::type::handle_of(h))) + " as JSON");
}

void init_json(py::module_& m) {
  m.def("parse_json", [](std::string_view text) { return doithoai::parse_json(text); }, py::arg("text"),
        "Parses JSON text into Python data; bad JSON raises InvalidArgument.");
}

}  // namespace dtpy
