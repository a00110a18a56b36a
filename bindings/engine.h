// bindings/engine.h: the Python-side engine: doithoai::Engine plus the shared objects it was
// opened with (store, clock, calendar), so Python can read them back.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>

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
  // The engine's long reads then hold no lock on SQLite and PostgreSQL (engine.h, "Long reads").
  bool reads_while_appending() const override { return s_->reads_while_appending(); }
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

// The Python Engine: a doithoai::Engine that close() can release before the Python object
// goes, with the shared objects it was opened with (store, clock, calendar).
//
// Every method reaches the engine through use(), a guard counting the calls in progress.
// close() refuses new calls (Error invalid_transition "the engine is closed"), waits for the
// calls in progress to return, then destroys the engine: its delivery thread delivers what
// was committed and stops (subscriptions get nothing more; a callback that calls the engine
// meanwhile gets the closed error), and the engine's store is released (a SQLite file the
// engine opened from a path is closed; a store object Python holds stays open until it goes).
// use() never blocks, so taking it with the GIL held is safe; close() is called without the
// GIL (the calls it waits for and the subscribers it drains may need it).
class PyEngine {
 public:
  PyEngine(doithoai::Profile p, std::shared_ptr<doithoai::EventStore> store, doithoai::EngineOptions o)
      : store_ref(std::move(store)),
        clock_ref(std::const_pointer_cast<doithoai::Clock>(o.clock)),
        calendar_ref(std::const_pointer_cast<doithoai::Calendar>(o.calendar)),
        engine_(std::make_unique<doithoai::Engine>(std::move(p), std::make_unique<SharedStore>(store_ref), o)) {}
  PyEngine(const PyEngine&) = delete;
  PyEngine& operator=(const PyEngine&) = delete;
  // The delivery thread may need the GIL to finish a callback or drain the queue while the
  // engine is destroyed: close with the GIL released.
  ~PyEngine() {
    try {
      if (Py_IsInitialized() && PyGILState_Check()) {
        py::gil_scoped_release nogil;
        close();
      } else {
        close();
      }
    } catch (...) {
    }
  }

  // A call in progress: the engine stays open until it ends.
  class Use {
   public:
    explicit Use(const PyEngine& e);
    ~Use();
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;
    doithoai::Engine* operator->() const { return e_; }
    doithoai::Engine& operator*() const { return *e_; }

   private:
    const PyEngine& owner_;
    doithoai::Engine* e_;
  };
  // Throws Error(invalid_transition) once close() has begun.
  Use use() const { return Use(*this); }

  // Idempotent; a second caller waits until the first has finished. Raises
  // Error(invalid_transition) when called from inside a call on this engine (a progress
  // callback) or from a subscriber of this engine: it would wait for itself.
  void close();
  bool closed() const;

  std::shared_ptr<doithoai::EventStore> store_ref;
  std::shared_ptr<doithoai::Clock> clock_ref;
  std::shared_ptr<doithoai::Calendar> calendar_ref;

 private:
  std::unique_ptr<doithoai::Engine> engine_;
  mutable std::mutex m_;
  mutable std::condition_variable cv_;
  mutable std::size_t active_ = 0;  // calls in progress (Use objects alive)
  bool closing_ = false;            // close() has begun: no new calls
  bool closed_ = false;             // the engine is gone
};

// The engine whose subscriber the current thread is running a callback for (events.cpp),
// so that close() from inside it refuses instead of waiting for itself.
const PyEngine*& delivering_for();

}  // namespace dtpy
