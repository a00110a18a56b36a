// bindings/module.cpp: the doithoai._core extension module. Each area lives in its own file
// with an init_xxx(m); the order matters only where a file uses types another registers
// (errors first: every later file may raise; model enums before anything that returns them).
#include "common.h"

PYBIND11_MODULE(_core, m) {
  m.doc() = "doithoai._core: the C++ engine of dialogue conferences (use the doithoai package)";
  m.attr("__version__") = DOITHOAI_VERSION;
  dtpy::init_errors(m);
  dtpy::init_json(m);
  dtpy::init_model(m);
  dtpy::init_time(m);
  dtpy::init_calendar(m);
  dtpy::init_profile(m);
  dtpy::init_commands(m);
  dtpy::init_events(m);
  dtpy::init_stores(m);
  dtpy::init_attachments(m);
  dtpy::init_outbox(m);
  dtpy::init_engine(m);
  dtpy::init_checkpoints(m);
  dtpy::init_bulk(m);
  dtpy::init_views(m);
  dtpy::init_templates(m);
  // Ids are ints at runtime; the stub types each kind apart (typing.NewType), and the same
  // names exist here so that annotations and ItemId(7) work at runtime too.
  py::object new_type = py::module_::import("typing").attr("NewType");
  for (const char* name : {"UnitId", "AgencyId", "OrganizationId", "PersonId", "ConferenceId", "OpinionId", "ItemId", "NoticeId"}) {
    py::object t = new_type(name, py::reinterpret_borrow<py::object>(reinterpret_cast<PyObject*>(&PyLong_Type)));
    t.attr("__module__") = "doithoai";
    m.attr(name) = t;
  }
}
