// bindings/json.cpp: nlohmann::json <-> Python objects (dicts, lists, str, int, float, bool,
// None), so every JSON form of the library reads and writes as plain Python data.
// Dates and aware datetimes inside Python data are written in the library's ISO forms.
#include "common.h"

#include <algorithm>

namespace dtpy {

namespace {

[[noreturn]] void too_deep() {
  invalid("JSON nested deeper than " + std::to_string(doithoai::kMaxJsonDepth) + " levels");
}

// A str as UTF-8; a str Python cannot encode (a lone surrogate) is InvalidArgument.
std::string utf8_of(PyObject* o) {
  Py_ssize_t n = 0;
  const char* s = PyUnicode_AsUTF8AndSize(o, &n);
  if (!s) {
    PyErr_Clear();
    invalid("a string is not valid Unicode (it holds a lone surrogate)");
  }
  return std::string(s, static_cast<std::size_t>(n));
}

// Depth-limited in both directions: a value the library reads is never deeper than
// kMaxJsonDepth, so recursion stays shallow whatever the caller passes.
py::object to_py(const nlohmann::json& j, std::size_t depth) {
  using T = nlohmann::json::value_t;
  switch (j.type()) {
    case T::null: return py::none();
    case T::boolean: return py::bool_(j.get<bool>());
    case T::number_integer: return py::int_(j.get<std::int64_t>());
    case T::number_unsigned: return py::int_(j.get<std::uint64_t>());
    case T::number_float: return py::float_(j.get<double>());
    case T::string: {
      const auto& s = j.get_ref<const std::string&>();
      PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "backslashreplace");
      if (!o) throw py::error_already_set();
      return py::reinterpret_steal<py::object>(o);
    }
    case T::array: {
      if (depth >= doithoai::kMaxJsonDepth) too_deep();
      py::list l(j.size());
      std::size_t i = 0;
      for (const auto& x : j) l[i++] = to_py(x, depth + 1);
      return std::move(l);
    }
    case T::object: {
      if (depth >= doithoai::kMaxJsonDepth) too_deep();
      py::dict d;
      for (auto it = j.begin(); it != j.end(); ++it) d[py::str(it.key())] = to_py(it.value(), depth + 1);
      return std::move(d);
    }
    default: return py::none();
  }
}

// `open` holds the containers being converted (the path from the root): meeting one again
// means the value contains itself.
nlohmann::json from_py(py::handle h, std::size_t depth, std::vector<PyObject*>& open) {
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
  if (PyUnicode_Check(o)) return utf8_of(o);
  const bool container = PyDict_Check(o) || PyList_Check(o) || PyTuple_Check(o);
  if (container || py::hasattr(h, "to_json")) {
    if (std::find(open.begin(), open.end(), o) != open.end()) invalid("a value cannot be expressed as JSON: it contains itself");
    if (depth >= doithoai::kMaxJsonDepth) too_deep();
  }
  struct Guard {
    std::vector<PyObject*>& v;
    ~Guard() { v.pop_back(); }
  };
  if (PyDict_Check(o)) {
    open.push_back(o);
    Guard g{open};
    nlohmann::json j = nlohmann::json::object();
    PyObject *k, *v;
    Py_ssize_t pos = 0;
    while (PyDict_Next(o, &pos, &k, &v)) {
      if (!PyUnicode_Check(k)) invalid("JSON object keys must be strings, got " + std::string(py::repr(k)));
      j[utf8_of(k)] = from_py(v, depth + 1, open);
    }
    return j;
  }
  if (PyList_Check(o) || PyTuple_Check(o)) {
    open.push_back(o);
    Guard g{open};
    nlohmann::json j = nlohmann::json::array();
    for (auto x : py::reinterpret_borrow<py::sequence>(h)) j.push_back(from_py(x, depth + 1, open));
    return j;
  }
  doithoai::Instant t;
  if (instant_from_py(h, t)) return doithoai::format_instant(t);
  doithoai::Date d;
  if (!h.is_none() && date_from_py(h, d)) return doithoai::format_date(d);
  if (py::hasattr(h, "to_json")) {
    open.push_back(o);
    Guard g{open};
    return from_py(h.attr("to_json")(), depth + 1, open);
  }
  throw doithoai::Error(doithoai::ErrorCode::invalid_argument,
                        "cannot express " + std::string(py::repr(py::type::handle_of(h))) + " as JSON");
}

}  // namespace

py::object json_to_py(const nlohmann::json& j) { return to_py(j, 0); }

nlohmann::json py_to_json(py::handle h) {
  std::vector<PyObject*> open;
  return from_py(h, 0, open);
}

void init_json(py::module_& m) {
  m.def("parse_json", [](std::string_view text) { return doithoai::parse_json(text); }, py::arg("text"),
        "Parses JSON text into Python data; bad JSON raises InvalidArgument.");
}

}  // namespace dtpy
