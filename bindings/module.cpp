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
  dtpy::init_engine(m);
  dtpy::init_checkpoints(m);
  dtpy::init_bulk(m);
  dtpy::init_views(m);
}
