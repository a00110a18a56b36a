// bindings/events.h: subscriptions of Python callables to an engine's committed events.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "common.h"

namespace dtpy {

class PyEngine;

// What a Python subscription shares with its C++ hook: the callable and error counters.
// Destroyed with the GIL held whichever thread drops the last reference.
struct SubscriberState {
  py::object callback;
  const PyEngine* owner = nullptr;  // the engine subscribed to (close() refuses from its callbacks)
  std::atomic<std::uint64_t> calls{0};
  std::atomic<std::uint64_t> errors{0};
  std::mutex m;
  std::string last_error;  // repr of the last exception the callback raised
  ~SubscriberState() {
    if (callback && Py_IsInitialized()) {
      py::gil_scoped_acquire gil;
      callback = py::object();
    } else {
      callback.release();  // interpreter gone: leak rather than touch it
    }
  }
};

inline bool interpreter_finalizing() {
#if PY_VERSION_HEX >= 0x030D0000
  return Py_IsFinalizing();
#else
  return _Py_IsFinalizing();
#endif
}

struct PySubscription {
  doithoai::Subscription sub;
  std::shared_ptr<SubscriberState> state;
  PySubscription() = default;
  PySubscription(const PySubscription&) = delete;
  PySubscription& operator=(const PySubscription&) = delete;
  // Unsubscribing waits for a call in progress, which needs the GIL: release it first.
  ~PySubscription() {
    if (Py_IsInitialized() && PyGILState_Check()) {
      py::gil_scoped_release nogil;
      sub.reset();
    } else {
      sub.reset();
    }
  }
};

// The C++ callback that runs a Python callable: takes the GIL, calls it, and turns a Python
// exception into a counted C++ one (the engine counts it too) without leaking it.
std::function<void(const doithoai::Recorded&)> python_subscriber(std::shared_ptr<SubscriberState> st);

}  // namespace dtpy
