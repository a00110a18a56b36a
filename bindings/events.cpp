// bindings/events.cpp: recorded events (doithoai.Event) and subscriptions.
//
// An Event is what the log holds: seq, at (aware UTC datetime), actor, type, version and the
// type's data in its JSON form (a dict). Subscribers are Python callables called after each
// commit, in sequence order, on the engine's delivery thread (asynchronously: see engine.h),
// with the GIL re-acquired for the call; an exception they raise is caught in C++ with the
// GIL held, counted and kept as text, and never reaches the engine or the caller of execute.
// Unsubscribing waits for a call in progress, so close() releases the GIL first.
#include "events.h"

#include "engine.h"

namespace dtpy {

namespace {
// One Python thread state for the whole life of a delivery thread. Without it, pybind11's
// gil_scoped_acquire on a thread Python does not know creates a thread state for every call
// and destroys it after (PyThreadState_New, a fresh frame stack mmap'd, then munmap'd), all
// under the GIL: about 100 µs an event, with a GIL handoff each time. A Python thread running
// commands then waited for that on every command (1,200 commands: 0.05-0.15 s instead of
// 0.002 s whenever the delivery thread ran on another core). Taken with PyGILState_Ensure
// (which pybind11's acquire finds and reuses), released at the thread's exit: the threads
// that stop a delivery thread (Subscription.close, ~Engine) release the GIL before joining.
struct DeliveryThreadState {
  bool held = false;
  PyGILState_STATE gstate{};
  PyThreadState* ts = nullptr;
  void ensure() {  // GIL not held
    if (held) return;
    gstate = PyGILState_Ensure();
    held = true;
    ts = PyEval_SaveThread();
  }
  ~DeliveryThreadState() {
    // At interpreter shutdown the interpreter frees it (taking the GIL then would hang).
    if (!held || !Py_IsInitialized() || interpreter_finalizing()) return;
    PyEval_RestoreThread(ts);
    PyGILState_Release(gstate);
  }
};
}  // namespace

std::function<void(const doithoai::Recorded&)> python_subscriber(std::shared_ptr<SubscriberState> st) {
  return [st](const doithoai::Recorded& r) {
    // The delivery thread must not take the GIL of an interpreter shutting down (it would
    // hang or be ended there).
    if (!Py_IsInitialized() || interpreter_finalizing()) return;
    static thread_local DeliveryThreadState thread_state;
    thread_state.ensure();
    bool failed = false;
    {
      py::gil_scoped_acquire gil;
      st->calls.fetch_add(1);
      struct Delivering {  // close() of this engine from the callback refuses instead of waiting for itself
        const PyEngine* saved;
        explicit Delivering(const PyEngine* e) : saved(delivering_for()) { delivering_for() = e; }
        ~Delivering() { delivering_for() = saved; }
      } delivering(st->owner);
      try {
        st->callback(py::cast(r));
      } catch (py::error_already_set& e) {
        failed = true;
        st->errors.fetch_add(1);
        std::lock_guard<std::mutex> g(st->m);
        st->last_error = e.what();
        // e is destroyed here, with the GIL still held; the Python error state is clear.
      } catch (const std::exception& e) {
        failed = true;
        st->errors.fetch_add(1);
        std::lock_guard<std::mutex> g(st->m);
        st->last_error = e.what();
      }
    }
    // Let the engine count it as well (Engine.callback_errors); it catches everything.
    if (failed) throw std::runtime_error("python subscriber raised");
  };
}

void init_events(py::module_& m) {
  using namespace doithoai;
  ValueClass<Recorded> ev(m, "Event", "An event as recorded in the log (R20).");
  ev.def_readonly("seq", &Recorded::seq, "Global sequence number, gap-free from 1.")
      .def_readonly("at", &Recorded::at, "When it was recorded (aware UTC datetime).")
      .def_readonly("actor", &Recorded::actor, "The person who acted (SYSTEM for the integrator).")
      .def_property_readonly("type", [](const Recorded& r) { return std::string(event_type(r.event)); },
                             "The frozen type name, e.g. \"item_assigned\".")
      .def_property_readonly("version", [](const Recorded& r) { return event_schema_version(r.event); })
      .def_property_readonly("data", [](const Recorded& r) { return event_to_json(r.event); },
                             "The event's fields in their JSON form (dates as \"YYYY-MM-DD\").")
      .def_property_readonly("item", [](const Recorded& r) { return subjects_of(r.event).item; })
      .def_property_readonly("opinion", [](const Recorded& r) { return subjects_of(r.event).opinion; })
      .def_property_readonly("conference", [](const Recorded& r) { return subjects_of(r.event).conference; })
      .def_property_readonly("unit", [](const Recorded& r) { return subjects_of(r.event).unit; })
      .def("to_dict", [](const Recorded& r) { return recorded_to_json(r); },
           "{seq, at, actor, type, v, data}: the library's JSON form of a recorded event.")
      .whole_state([](const Recorded& r) { return json_to_py(recorded_to_json(r)); },
                   [](py::handle h) { return recorded_from_json(py_to_json(h)); });
  def_repr(ev, "Event", {"seq", "type", "actor", "at"});
  m.def("event_from_dict", [](const nlohmann::json& j) { return recorded_from_json(j); }, py::arg("event"),
        "Decodes a recorded event's JSON form.");

  py::class_<PySubscription>(m, "Subscription",
                             "Keeps a subscription alive; close() (or leaving a with block) unsubscribes.")
      .def("close", [](PySubscription& s) {
        py::gil_scoped_release nogil;  // waits for a call in progress, which needs the GIL
        s.sub.reset();
      }, "Unsubscribes: when it returns the callback is not running and will not be called again "
         "(called from inside the callback: it just gets no further events).")
      .def_property_readonly("calls", [](const PySubscription& s) { return s.state->calls.load(); })
      .def_property_readonly("errors", [](const PySubscription& s) { return s.state->errors.load(); },
                             "How many calls raised an exception (caught; the engine is unaffected).")
      .def_property_readonly("last_error", [](PySubscription& s) -> py::object {
        std::lock_guard<std::mutex> g(s.state->m);
        if (s.state->last_error.empty()) return py::none();
        return py::str(s.state->last_error);
      })
      .def("__enter__", [](py::handle self) { return self; })
      .def("__exit__", [](PySubscription& s, py::args) {
        {
          py::gil_scoped_release nogil;
          s.sub.reset();
        }
        return false;
      })
      .def("__repr__", [](const PySubscription& s) {
        return "Subscription(calls=" + std::to_string(s.state->calls.load()) +
               ", errors=" + std::to_string(s.state->errors.load()) + ")";
      });
}

}  // namespace dtpy
