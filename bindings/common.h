// bindings/common.h: what every binding file of doithoai._core shares.
//
// Type casters that make the C++ vocabulary feel native in Python:
//   - ids (Id<Tag>)        <-> int, with 0 ("none") <-> None
//   - Date                 <-> datetime.date, not-a-date <-> None
//   - Instant (UTC ptime)  <-> timezone-aware datetime (naive datetimes are refused)
//   - model enums          <-> Python enum.Enum subclasses (str-valued, snake_case names
//                              equal to their JSON names); plain strings are accepted too
//   - nlohmann::json       <-> dict / list / str / int / float / bool / None
// and the init_xxx(m) entry points of the binding files, called once by module.cpp.
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <doithoai/doithoai.h>

namespace py = pybind11;

namespace dtpy {

// ---- init functions, one per binding file ----
void init_errors(py::module_& m);
void init_time(py::module_& m);
void init_calendar(py::module_& m);
void init_model(py::module_& m);
void init_profile(py::module_& m);
void init_commands(py::module_& m);
void init_events(py::module_& m);
void init_stores(py::module_& m);
void init_checkpoints(py::module_& m);
void init_engine(py::module_& m);
void init_bulk(py::module_& m);
void init_json(py::module_& m);
void init_views(py::module_& m);
void init_templates(py::module_& m);
void init_attachments(py::module_& m);  // issue 14
void init_outbox(py::module_& m);

// ---- JSON <-> Python ----
py::object json_to_py(const nlohmann::json& j);
nlohmann::json py_to_json(py::handle h);

// Raises doithoai.InvalidArgument (through the registered translator).
[[noreturn]] void invalid(const std::string& message);

[[noreturn]] inline void wrong_type(py::handle h, const char* param, const char* expected) {
  throw py::type_error(std::string(param) + ": expected " + expected + ", got " + Py_TYPE(h.ptr())->tp_name);
}

// h converted to T; a value of the wrong type raises TypeError naming `param` (a bare
// pybind11 cast would raise RuntimeError("Unable to cast ...")). Stricter than pybind11's
// own conversions, which would take any object for a bool (bool("no") is True), bytes for
// a str, and True for an int:
//   - bool: only True or False;
//   - str: only str (and subclasses); a str Python cannot encode as UTF-8 (a lone
//     surrogate) raises InvalidArgument;
//   - integers: an int or an object with __index__, not a bool; one out of T's range
//     raises InvalidArgument.
template <class T>
T arg_cast(py::handle h, const char* param) {
  PyObject* o = h.ptr();
  if constexpr (std::is_same_v<T, bool>) {
    if (!PyBool_Check(o)) wrong_type(h, param, "True or False");
    return o == Py_True;
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!PyUnicode_Check(o)) wrong_type(h, param, "a str");
    Py_ssize_t n = 0;
    const char* s = PyUnicode_AsUTF8AndSize(o, &n);
    if (!s) {
      PyErr_Clear();
      invalid(std::string(param) + ": not valid Unicode (it holds a lone surrogate)");
    }
    return std::string(s, static_cast<std::size_t>(n));
  } else if constexpr (std::is_integral_v<T>) {
    if (PyBool_Check(o) || !PyIndex_Check(o)) wrong_type(h, param, "an int");
    const py::object n = py::reinterpret_steal<py::object>(PyNumber_Index(o));
    if (!n) throw py::error_already_set();
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(n.ptr(), &overflow);
    if (!overflow) {
      if constexpr (std::is_signed_v<T>) {
        if (v >= static_cast<long long>(std::numeric_limits<T>::min()) &&
            v <= static_cast<long long>(std::numeric_limits<T>::max()))
          return static_cast<T>(v);
      } else if (v >= 0 && static_cast<unsigned long long>(v) <= std::numeric_limits<T>::max()) {
        return static_cast<T>(v);
      }
    } else if (overflow > 0 && !std::is_signed_v<T> && sizeof(T) == sizeof(unsigned long long)) {
      const unsigned long long u = PyLong_AsUnsignedLongLong(n.ptr());
      if (!PyErr_Occurred()) return static_cast<T>(u);
      PyErr_Clear();
    }
    invalid(std::string(param) + ": integer out of range: " + std::string(py::str(h)));
  } else {
    try {
      return h.cast<T>();
    } catch (const py::cast_error&) {
      throw py::type_error(std::string(param) + ": wrong type " + Py_TYPE(h.ptr())->tp_name);
    }
  }
}

// A number argument (coordinates, a radius in metres) as a double: an int or a float, not a
// bool (anything else is TypeError "<what>: expected a number (int or float), got <type>");
// an int too large for a double raises InvalidArgument "<what>: number out of range". NaN,
// infinities and the coordinate ranges are the engine's checks (invalid_argument), so every
// caller reports them alike. Shared by place arguments (commands.cpp) and the place queries
// (views.cpp).
inline double arg_number(py::handle h, const char* what) {
  if (PyBool_Check(h.ptr()) || !(PyFloat_Check(h.ptr()) || PyLong_Check(h.ptr())))
    throw py::type_error(std::string(what) + ": expected a number (int or float), got " + Py_TYPE(h.ptr())->tp_name);
  const double d = PyFloat_AsDouble(h.ptr());
  if (d == -1.0 && PyErr_Occurred()) {
    PyErr_Clear();
    invalid(std::string(what) + ": number out of range");
  }
  return d;
}

// ---- enums: a registry filled by init_model, read by the caster ----
template <class E>
struct EnumInfo {
  static inline PyObject* cls = nullptr;                       // the Python enum class
  static inline std::vector<std::pair<E, PyObject*>> members;  // value -> member (owned)
  static inline std::vector<std::pair<E, std::string>> names;  // value -> snake_case name
  static inline const char* py_name = "enum";

  static PyObject* member(E e) {
    for (const auto& p : members)
      if (p.first == e) return p.second;
    return nullptr;
  }
  static bool parse(std::string_view s, E& out) {
    for (const auto& p : names)
      if (p.second == s) {
        out = p.first;
        return true;
      }
    return false;
  }
  static std::string allowed() {
    std::string a;
    for (const auto& p : names) a += (a.empty() ? "" : ", ") + p.second;
    return a;
  }
};

// Creates the Python enum class `name` in module m (a StrEnum when available, so members
// compare equal to their JSON names) and registers its members for the caster.
template <class E>
void def_enum(py::module_& m, const char* name, std::vector<std::pair<E, std::string>> values,
              const char* doc) {
  py::module_ enum_mod = py::module_::import("enum");
  py::list pairs;
  for (const auto& v : values) pairs.append(py::make_tuple(v.second, v.second));
  py::object cls;
  if (py::hasattr(enum_mod, "StrEnum")) {
    cls = enum_mod.attr("StrEnum")(name, pairs, py::arg("module") = "doithoai", py::arg("qualname") = name);
  } else {
    cls = enum_mod.attr("Enum")(name, pairs, py::arg("module") = "doithoai", py::arg("qualname") = name,
                                py::arg("type") = py::reinterpret_borrow<py::object>((PyObject*)&PyUnicode_Type));
  }
  cls.attr("__doc__") = doc;
  m.attr(name) = cls;
  EnumInfo<E>::cls = cls.inc_ref().ptr();
  EnumInfo<E>::py_name = name;
  EnumInfo<E>::names = values;
  for (const auto& v : values)
    EnumInfo<E>::members.push_back({v.first, py::object(cls.attr(v.second.c_str())).release().ptr()});
}

template <class C>
void def_repr(C& cls, const char* type_name, std::initializer_list<const char*> fields) {
  std::vector<const char*> fs(fields);
  cls.def("__repr__", [type_name, fs](py::handle self) {
    std::string out = std::string(type_name) + "(";
    bool first = true;
    for (const char* f : fs) {
      if (!first) out += ", ";
      first = false;
      out += f;
      out += "=";
      out += py::repr(self.attr(f)).cast<std::string>();
    }
    return out + ")";
  });
}

// ---- value classes: equality, hashing, pickling and repr from one list of fields ----
//
// Every value a query returns (Unit, Item, Accounting, Report, ...) is declared with
// ValueClass<T> instead of py::class_<T>. It forwards the usual def* calls and records each
// def_readonly / def_readwrite field (and hidden state fields that have no attribute of their
// own: state()); when the declaration goes out of scope it adds
//   - __eq__: same class and every state field equal (NotImplemented for another class);
//   - __hash__: the hash of the state with lists turned into tuples and dicts into frozensets,
//     consistent with __eq__; a class with a writable attribute (def_readwrite, def_property:
//     option objects) is mutable and gets __hash__ = None, as Python's own mutable values do;
//   - pickling (so copy.copy / copy.deepcopy too): the state is a dict {field: value};
//     unpickling refuses an unknown field (InvalidArgument) and leaves a missing one at its
//     C++ default, so a pickle survives a later release that adds a field;
//   - __repr__ with every field, unless the class defined its own.
// whole_state(get, set) replaces the field list by one value (a JSON form the library can
// read back: an Event's, a Profile's, a Checkpoint's line).
template <class T, class Holder = std::unique_ptr<T>>
class ValueClass {
 public:
  using Cls = py::class_<T, Holder>;
  struct Field {
    std::string name;
    std::function<py::object(const T&)> get;
    std::function<void(T&, py::handle)> set;
  };

  template <class... Extra>
  ValueClass(py::handle scope, const char* name, const Extra&... extra)
      : cls_(scope, name, extra...), name_(name) {}
  ValueClass(const ValueClass&) = delete;
  ValueClass& operator=(const ValueClass&) = delete;
  ~ValueClass() noexcept(false) {
    if (std::uncaught_exceptions() == 0) finish();
  }

  Cls& cls() { return cls_; }

  template <class F, class... Extra>
  ValueClass& def_readonly(const char* name, F T::*pm, const Extra&... extra) {
    cls_.def_readonly(name, pm, extra...);
    add_member(name, pm);
    return *this;
  }
  template <class F, class... Extra>
  ValueClass& def_readwrite(const char* name, F T::*pm, const Extra&... extra) {
    cls_.def_readwrite(name, pm, extra...);
    add_member(name, pm);
    mutable_ = true;
    return *this;
  }
  template <class... A>
  ValueClass& def_property(A&&... a) {
    cls_.def_property(std::forward<A>(a)...);
    mutable_ = true;
    return *this;
  }
  template <class... A>
  ValueClass& def_property_readonly(A&&... a) {
    cls_.def_property_readonly(std::forward<A>(a)...);
    return *this;
  }
  template <class... A>
  ValueClass& def_static(A&&... a) {
    cls_.def_static(std::forward<A>(a)...);
    return *this;
  }
  template <class... A>
  ValueClass& def(const char* name, A&&... a) {
    if (std::string_view(name) == "__repr__") has_repr_ = true;
    cls_.def(name, std::forward<A>(a)...);
    return *this;
  }
  template <class A0, class... A, std::enable_if_t<!std::is_convertible_v<A0, const char*>, int> = 0>
  ValueClass& def(A0&& a0, A&&... a) {  // py::init(...)
    cls_.def(std::forward<A0>(a0), std::forward<A>(a)...);
    return *this;
  }
  // A state field with no attribute of its own (or a different one): a member whose type
  // converts both ways...
  template <class F>
  ValueClass& state(const char* name, F T::*pm) {
    add_member(name, pm);
    return *this;
  }
  // ... or any getter and setter.
  ValueClass& state(const char* name, std::function<py::object(const T&)> get,
                    std::function<void(T&, py::handle)> set) {
    fields_->push_back(Field{name, std::move(get), std::move(set)});
    return *this;
  }
  // An enum member without a Python enum: its number.
  template <class E>
  ValueClass& state_enum(const char* name, E T::*pm) {
    return state(name, [pm](const T& t) -> py::object { return py::int_(static_cast<long long>(t.*pm)); },
                 [pm, name](T& t, py::handle h) { t.*pm = static_cast<E>(arg_cast<int>(h, name)); });
  }
  ValueClass& whole_state(std::function<py::object(const T&)> get, std::function<T(py::handle)> make) {
    whole_get_ = std::move(get);
    whole_make_ = std::move(make);
    return *this;
  }

 private:
  template <class F>
  void add_member(const char* name, F T::*pm) {
    using V = std::remove_const_t<F>;
    fields_->push_back(Field{
        name, [pm](const T& t) -> py::object { return py::cast(t.*pm); },
        [pm, name](T& t, py::handle h) {
          try {
            const_cast<V&>(t.*pm) = h.cast<V>();
          } catch (const py::cast_error&) {
            throw py::type_error(std::string("state field ") + name + ": wrong type " + Py_TYPE(h.ptr())->tp_name);
          }
        }});
  }

  void finish() {
    auto fields = fields_;
    auto whole_get = whole_get_;
    auto whole_make = whole_make_;
    const std::string name = name_;
    // The state as a dict (fields) or the one whole value.
    auto state_of = [fields, whole_get](const T& t) -> py::object {
      if (whole_get) return whole_get(t);
      py::dict d;
      for (const auto& f : *fields) d[py::str(f.name)] = f.get(t);
      return std::move(d);
    };
    cls_.def("__eq__", [state_of](py::handle self, py::handle other) -> py::object {
      if (Py_TYPE(self.ptr()) != Py_TYPE(other.ptr())) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
      return py::bool_(state_of(self.cast<const T&>()).equal(state_of(other.cast<const T&>())));
    }, py::arg("other"));
    if (mutable_) {
      cls_.attr("__hash__") = py::none();
    } else {
      cls_.def("__hash__", [state_of](const T& t) { return py::hash(frozen(state_of(t))); });
    }
    cls_.def(py::pickle(
        [state_of](const T& t) { return state_of(t); },
        [fields, whole_make, name](py::object s) {
          if (whole_make) return whole_make(s);
          if (!py::isinstance<py::dict>(s)) throw py::type_error(name + ".__setstate__: expected a dict");
          T t{};
          for (auto kv : py::reinterpret_borrow<py::dict>(s)) {
            const std::string k = arg_cast<std::string>(kv.first, "state field");
            auto it = std::find_if(fields->begin(), fields->end(), [&](const Field& f) { return f.name == k; });
            if (it == fields->end()) invalid(name + ": unknown state field '" + k + "'");
            it->set(t, kv.second);
          }
          return t;
        }));
    if (!has_repr_ && !fields->empty()) {
      cls_.def("__repr__", [fields, name](const T& t) {
        std::string out = name + "(";
        for (std::size_t i = 0; i < fields->size(); ++i)
          out += (i ? ", " : "") + (*fields)[i].name + "=" + py::repr((*fields)[i].get(t)).template cast<std::string>();
        return out + ")";
      });
    }
  }

  // lists -> tuples, dicts -> frozensets of (key, value), recursively: a hashable image.
  static py::object frozen(py::handle h) {
    if (py::isinstance<py::list>(h) || py::isinstance<py::tuple>(h)) {
      py::list out;
      for (auto x : py::reinterpret_borrow<py::sequence>(h)) out.append(frozen(x));
      return py::tuple(out);
    }
    if (py::isinstance<py::dict>(h)) {
      py::list out;
      for (auto kv : py::reinterpret_borrow<py::dict>(h)) out.append(py::make_tuple(kv.first, frozen(kv.second)));
      return py::reinterpret_steal<py::object>(PyFrozenSet_New(out.ptr()));
    }
    return py::reinterpret_borrow<py::object>(h);
  }

  Cls cls_;
  std::string name_;
  std::shared_ptr<std::vector<Field>> fields_ = std::make_shared<std::vector<Field>>();
  std::function<py::object(const T&)> whole_get_;
  std::function<T(py::handle)> whole_make_;
  bool mutable_ = false;
  bool has_repr_ = false;
};

// Date and instant conversions (time.cpp). from_py returns false for a wrong type and
// raises InvalidArgument for a datetime where a date is wanted, or a naive datetime.
bool date_from_py(py::handle src, doithoai::Date& out);
PyObject* date_to_py(const doithoai::Date& d);
bool instant_from_py(py::handle src, doithoai::Instant& out);
PyObject* instant_to_py(const doithoai::Instant& t);

}  // namespace dtpy

namespace pybind11 {
namespace detail {

// ---- Id<Tag> <-> int | None ----
template <class Tag>
struct type_caster<doithoai::Id<Tag>> {
  PYBIND11_TYPE_CASTER(doithoai::Id<Tag>, const_name("int | None"));
  bool load(handle src, bool convert) {
    if (src.is_none()) {
      value = doithoai::Id<Tag>();
      return true;
    }
    if (!PyLong_Check(src.ptr()) || PyBool_Check(src.ptr())) {
      (void)convert;
      return false;
    }
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(src.ptr(), &overflow);
    if (overflow || v < 0 || v > 0xffffffffLL) {
      PyErr_Clear();
      dtpy::invalid("id out of range: " + std::string(py::str(src)));
    }
    value = doithoai::Id<Tag>(static_cast<std::uint32_t>(v));
    return true;
  }
  static handle cast(doithoai::Id<Tag> id, return_value_policy, handle) {
    if (!id) return none().release();
    return PyLong_FromUnsignedLong(id.value);
  }
};

// ---- Date <-> datetime.date | None;  Instant <-> aware datetime.datetime ----
// (implemented in time.cpp, the one file that includes datetime.h)
template <>
struct type_caster<boost::gregorian::date> {
  PYBIND11_TYPE_CASTER(boost::gregorian::date, const_name("datetime.date | None"));
  bool load(handle src, bool) { return dtpy::date_from_py(src, value); }
  static handle cast(const boost::gregorian::date& d, return_value_policy, handle) {
    return dtpy::date_to_py(d);
  }
};
template <>
struct type_caster<boost::posix_time::ptime> {
  PYBIND11_TYPE_CASTER(boost::posix_time::ptime, const_name("datetime.datetime"));
  bool load(handle src, bool) { return dtpy::instant_from_py(src, value); }
  static handle cast(const boost::posix_time::ptime& t, return_value_policy, handle) {
    return dtpy::instant_to_py(t);
  }
};

// ---- model enums <-> Python enums ----
template <class E>
struct dt_enum_caster {
  PYBIND11_TYPE_CASTER(E, const_name("enum"));
  bool load(handle src, bool) {
    if (!PyUnicode_Check(src.ptr())) return false;  // members are str instances
    Py_ssize_t n = 0;
    const char* s = PyUnicode_AsUTF8AndSize(src.ptr(), &n);
    if (!s) {  // a lone surrogate: not a name of anything
      PyErr_Clear();
      dtpy::invalid("a " + std::string(dtpy::EnumInfo<E>::py_name) + " name is not valid Unicode (a lone surrogate)");
    }
    if (!dtpy::EnumInfo<E>::parse(std::string_view(s, static_cast<std::size_t>(n)), value))
      dtpy::invalid("unknown " + std::string(dtpy::EnumInfo<E>::py_name) + " '" + std::string(s, n) +
                    "' (one of: " + dtpy::EnumInfo<E>::allowed() + ")");
    return true;
  }
  static handle cast(E e, return_value_policy, handle) {
    PyObject* m = dtpy::EnumInfo<E>::member(e);
    if (!m) return PyLong_FromLong(static_cast<long>(e));
    Py_INCREF(m);
    return m;
  }
};

#define DTPY_ENUM_CASTER(E) \
  template <>               \
  struct type_caster<E> : dt_enum_caster<E> {};
DTPY_ENUM_CASTER(doithoai::Role)
DTPY_ENUM_CASTER(doithoai::UnitStatus)
DTPY_ENUM_CASTER(doithoai::ConferenceKind)
DTPY_ENUM_CASTER(doithoai::ConferenceFormat)
DTPY_ENUM_CASTER(doithoai::ConferenceStatus)
DTPY_ENUM_CASTER(doithoai::Channel)
DTPY_ENUM_CASTER(doithoai::ItemStatus)
DTPY_ENUM_CASTER(doithoai::Standing)
DTPY_ENUM_CASTER(doithoai::Recipient)
DTPY_ENUM_CASTER(doithoai::Outcome)
DTPY_ENUM_CASTER(doithoai::Supervisor)
DTPY_ENUM_CASTER(doithoai::Satisfaction)
DTPY_ENUM_CASTER(doithoai::DayType)
DTPY_ENUM_CASTER(doithoai::EndRule)
DTPY_ENUM_CASTER(doithoai::DayOffKind)
DTPY_ENUM_CASTER(doithoai::ErrorCode)
#undef DTPY_ENUM_CASTER

// ---- nlohmann::json <-> Python objects ----
template <>
struct type_caster<nlohmann::json> {
  PYBIND11_TYPE_CASTER(nlohmann::json, const_name("Any"));
  bool load(handle src, bool) {
    value = dtpy::py_to_json(src);
    return true;
  }
  static handle cast(const nlohmann::json& j, return_value_policy, handle) {
    return dtpy::json_to_py(j).release();
  }
};

}  // namespace detail
}  // namespace pybind11
