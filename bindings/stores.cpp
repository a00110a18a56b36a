// bindings/stores.cpp: event stores. The Python objects hold a shared_ptr to the store; an
// Engine opened on one wraps it (SharedStore, engine.cpp), so the same object can be read
// from Python. A new store kind (SQLite, PostgreSQL) adds one class here, derived from
// EventStore, and nothing else.
#include "common.h"

namespace dtpy {

void init_stores(py::module_& m) {
  using namespace doithoai;
  py::class_<EventStore, std::shared_ptr<EventStore>>(m, "EventStore",
                                                       "An append-only log of recorded events (R20).")
      .def_property_readonly("last_seq", &EventStore::last_seq)
      .def("read", [](const EventStore& s, std::uint64_t from, std::size_t limit) {
        std::vector<Recorded> out;
        {
          py::gil_scoped_release nogil;
          if (limit)
            s.read(from, [&](const Recorded& r, std::string_view) {
              out.push_back(r);
              return out.size() < limit;
            });
        }
        return out;
      }, py::arg("from_seq") = 1, py::arg("limit") = 1000, "Events with seq >= from_seq, at most limit of them.");
  py::class_<MemoryStore, EventStore, std::shared_ptr<MemoryStore>>(
      m, "MemoryStore", "The log in process memory (tests, simulations, benchmarks). Lost when the process ends.")
      .def(py::init<>())
      .def_property_readonly("bytes", &MemoryStore::bytes, "Memory held by the encoded log.")
      .def("__repr__", [](const MemoryStore& s) {
        return "MemoryStore(last_seq=" + std::to_string(s.last_seq()) + ", bytes=" + std::to_string(s.bytes()) + ")";
      });
}

}  // namespace dtpy
