// bindings/engine.h: the Python-side engine: doithoai::Engine plus the shared objects it was
// opened with (store, clock, calendar), so Python can read them back.
#pragma once

#include <memory>

#include "common.h"

namespace dtpy {

// Forwards to a store Python also holds (the Engine wants to own its store).
class SharedStore final : public doithoai::EventStore {
 public:
  explicit SharedStore(std::shared_ptr<doithoai::EventStore> s) : s_(std::move(s)) {}
  std::uint64_t last_seq() const override { return s_->last_seq(); }
  void append(const doithoai::Batch& b) override { s_->append(b); }
  void append_group(const std::vector<const doithoai::Batch*>& g) override { s_->append_group(g); }
  bool appends_groups() const override { return s_->appends_groups(); }
  void read(std::uint64_t from, const Visitor& visit) const override { s_->read(from, visit); }
  bool idempotency_digest(std::string_view key, std::string& digest) const override {
    return s_->idempotency_digest(key, digest);
  }
  bool find_idempotency_key(std::string_view key, std::uint64_t& seq, std::string& digest) const override {
    return s_->find_idempotency_key(key, seq, digest);
  }
  // Snapshots go to the real store (SQLite and PostgreSQL keep them; MemoryStore drops them).
  bool load_snapshot(std::uint64_t& seq, std::string& image) const override { return s_->load_snapshot(seq, image); }
  void save_snapshot(std::uint64_t seq, const std::string& image) override { s_->save_snapshot(seq, image); }

 private:
  std::shared_ptr<doithoai::EventStore> s_;
};

struct PyEngine : doithoai::Engine {
  PyEngine(doithoai::Profile p, std::shared_ptr<doithoai::EventStore> store, doithoai::EngineOptions o)
      : doithoai::Engine(std::move(p), std::make_unique<SharedStore>(store), o),
        store_ref(std::move(store)),
        clock_ref(std::const_pointer_cast<doithoai::Clock>(o.clock)),
        calendar_ref(std::const_pointer_cast<doithoai::Calendar>(o.calendar)) {}
  // The delivery thread may need the GIL to finish a callback or drain the queue while the
  // destructor waits for it: stop it with the GIL released.
  ~PyEngine() {
    if (Py_IsInitialized() && PyGILState_Check()) {
      py::gil_scoped_release nogil;
      close_subscribers();
    } else {
      close_subscribers();
    }
  }
  std::shared_ptr<doithoai::EventStore> store_ref;
  std::shared_ptr<doithoai::Clock> clock_ref;
  std::shared_ptr<doithoai::Calendar> calendar_ref;
};

}  // namespace dtpy
