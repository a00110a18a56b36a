// bindings/errors.cpp: doithoai.Error and one subclass per ErrorCode, registered once.
//
// The translator maps doithoai::Error to a Python class by its code, never by its message,
// and sets `.code` on the instance to the snake_case code ("not_found", ...).
#include "common.h"

#include <cstring>

namespace dtpy {
namespace {

struct ErrorClass {
  doithoai::ErrorCode code;
  const char* name;
  PyObject* extra_base;  // a builtin it also derives from, or null
  const char* doc;
  PyObject* cls = nullptr;
};

PyObject* g_error = nullptr;
std::vector<ErrorClass>& classes() {
  static std::vector<ErrorClass> v = {
      {doithoai::ErrorCode::not_found, "NotFound", PyExc_LookupError, "An id or code that names nothing."},
      {doithoai::ErrorCode::permission_denied, "PermissionDenied", nullptr,
       "The actor does not hold the role the action needs (R19). Nothing changed."},
      {doithoai::ErrorCode::invalid_transition, "InvalidTransition", nullptr,
       "The action is not allowed in the entity's current state. Nothing changed."},
      {doithoai::ErrorCode::invalid_argument, "InvalidArgument", PyExc_ValueError,
       "Malformed input: empty or oversized text, bad dates, naive datetimes, bad JSON."},
      {doithoai::ErrorCode::conflict, "Conflict", nullptr,
       "A concurrent writer or a duplicate; retry after catching up."},
      {doithoai::ErrorCode::storage, "StorageError", PyExc_OSError, "The store failed (I/O, full disk, lost connection)."},
      {doithoai::ErrorCode::corruption, "CorruptionError", nullptr,
       "Stored data fails verification (hash chain, checksum)."},
      {doithoai::ErrorCode::unsupported, "Unsupported", nullptr, "A valid request this build or store cannot serve."},
  };
  return v;
}

PyObject* class_for(doithoai::ErrorCode code) {
  for (const auto& c : classes())
    if (c.code == code) return c.cls;
  return g_error;
}

}  // namespace

void invalid(const std::string& message) {
  throw doithoai::Error(doithoai::ErrorCode::invalid_argument, message);
}

void raise_error(doithoai::ErrorCode code, const char* message) {
  PyObject* cls = class_for(code);
  // Messages are valid UTF-8 (doithoai::Error escapes what is not); decoding still never
  // fails, so a message can never turn into a UnicodeDecodeError.
  py::object text = py::reinterpret_steal<py::object>(
      PyUnicode_DecodeUTF8(message, static_cast<Py_ssize_t>(std::strlen(message)), "backslashreplace"));
  if (!text) return;
  py::object exc = py::reinterpret_steal<py::object>(PyObject_CallFunctionObjArgs(cls, text.ptr(), nullptr));
  if (!exc) return;  // the call set its own error
  exc.attr("code") = py::str(std::string(doithoai::to_string(code)));
  PyErr_SetObject(cls, exc.ptr());
}

void init_errors(py::module_& m) {
  py::dict ns;
  g_error = PyErr_NewExceptionWithDoc(
      "doithoai.Error",
      "Base of every doithoai error. `.code` is the stable snake_case error code "
      "(never match on the message, which may change).",
      PyExc_Exception, nullptr);
  PyObject_SetAttrString(g_error, "code", Py_None);
  m.attr("Error") = py::reinterpret_borrow<py::object>(g_error);
  for (auto& c : classes()) {
    py::tuple bases = c.extra_base ? py::make_tuple(py::handle(g_error), py::handle(c.extra_base))
                                   : py::make_tuple(py::handle(g_error));
    const std::string qual = std::string("doithoai.") + c.name;
    c.cls = PyErr_NewExceptionWithDoc(qual.c_str(), c.doc, bases.ptr(), nullptr);
    if (!c.cls) throw py::error_already_set();
    py::str code(std::string(doithoai::to_string(c.code)));
    PyObject_SetAttrString(c.cls, "code", code.ptr());
    m.attr(c.name) = py::reinterpret_borrow<py::object>(c.cls);
  }
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const doithoai::Error& e) {
      raise_error(e.code(), e.what());
    } catch (const py::cast_error& e) {
      // A Python value of the wrong type met a C++ conversion: TypeError, as for any
      // argument of the wrong type (pybind11 would raise RuntimeError).
      PyErr_SetString(PyExc_TypeError, doithoai::printable_message(e.what()).c_str());
    } catch (const nlohmann::json::exception& e) {
      // No JSON exception of the library's own escapes as such; this is the last guard.
      raise_error(doithoai::ErrorCode::invalid_argument, e.what());
    }
  });
  m.def("error_class", [](doithoai::ErrorCode code) { return py::reinterpret_borrow<py::object>(class_for(code)); },
        py::arg("code"), "The exception class raised for an error code.");
}

}  // namespace dtpy
