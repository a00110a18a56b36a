// bindings/engine.cpp: doithoai.Engine (commands, queries, history, state as of a date,
// subscriptions) and doithoai.State (a past state rebuilt from the log, same queries).
//
// GIL: released around every call that takes an engine lock, even the cheap point queries
// (item, item_status, ...): a thread holding the GIL must never wait for an engine lock,
// since a lock holder may need the GIL (an import's progress callback, a subscriber being
// unsubscribed or drained). That costs about 0.12 µs per call. The engine calls back into
// Python only from subscriptions, which re-acquire the GIL on the engine's delivery thread
// (events.cpp) and hold no engine lock; so closing a subscription, waiting for subscribers
// and destroying the engine release the GIL.
#include "engine.h"

#include "commands.h"
#include "events.h"
#include "stores.h"

namespace dtpy {
namespace {
using namespace doithoai;

doithoai::ItemQuery make_query(UnitId unit, std::optional<ItemStatus> status, std::optional<Standing> standing,
                               Date as_of, AgencyId agency, std::string topic, ConferenceId conference,
                               PersonId raised_by, PersonId visible_to, ItemId after, std::optional<std::size_t> limit) {
  ItemQuery q;
  q.unit = unit;
  q.status = status;
  q.standing = standing;
  q.as_of = as_of;
  q.agency = agency;
  q.topic = std::move(topic);
  q.conference = conference;
  q.raised_by = raised_by;
  q.visible_to = visible_to;
  q.after = after;
  if (limit) q.limit = *limit;
  return q;
}

#define DTPY_QUERY_ARGS                                                                              \
  py::kw_only(), py::arg("unit") = py::none(), py::arg("status") = py::none(),                       \
      py::arg("standing") = py::none(), py::arg("as_of") = py::none(), py::arg("agency") = py::none(), \
      py::arg("topic") = "", py::arg("conference") = py::none(), py::arg("raised_by") = py::none(),    \
      py::arg("visible_to") = py::none(), py::arg("after") = py::none()

template <class O>
struct Run;
// run: on the owner's state as it is. run_as_of: as of the end of day d (unset: as it is);
// the engine rebuilds a past day from the log, a State refuses a day before its last event.
template <>
struct Run<PyEngine> {
  template <class F>
  static auto run(const PyEngine& e, F&& f) {
    // Never wait for the shared lock holding the GIL (callers may already have released it).
    std::optional<py::gil_scoped_release> nogil;
    if (PyGILState_Check()) nogil.emplace();
    return e.use()->read(std::forward<F>(f));
  }
  template <class F>
  static auto run_as_of(const PyEngine& e, Date d, F&& f) {
    const PyEngine::Use u = e.use();
    if (d.is_special()) return u->read(std::forward<F>(f));
    return u->read_as_of(d, std::forward<F>(f));
  }
};
template <>
struct Run<State> {
  template <class F>
  static auto run(const State& s, F&& f) {
    return f(s);
  }
  template <class F>
  static auto run_as_of(const State& s, Date, F&& f) {
    return f(s);
  }
};

// Pages through items matching a query: fetches page_size ids and their Items under one
// shared lock (GIL released), then hands them out one by one.
template <class Owner>
struct Pages {
  py::object owner_ref;
  const Owner* owner;
  ItemQuery q;
  std::size_t page;
  std::vector<Item> buf;
  std::size_t pos = 0;
  bool done = false;
  Item next() {
    if (pos == buf.size()) {
      if (done) throw py::stop_iteration();
      buf.clear();
      pos = 0;
      {
        py::gil_scoped_release nogil;
        Run<Owner>::run_as_of(*owner, q.as_of, [&](const State& s) {
          ItemQuery qq = q;
          qq.limit = std::min(page, q.limit);
          for (ItemId id : s.items(qq)) buf.push_back(s.item(id));
          return 0;
        });
      }
      if (buf.size() < std::min(page, q.limit)) done = true;
      if (!buf.empty()) {
        q.after = buf.back().id;
        if (q.limit != std::numeric_limits<std::size_t>::max()) q.limit -= std::min(q.limit, buf.size());
        if (q.limit == 0) done = true;
      }
      if (buf.empty()) throw py::stop_iteration();
    }
    return std::move(buf[pos++]);
  }
};

// The queries Engine and State share. `past_aware` leaves accounting to the engine's own
// binding (which rebuilds past states from the log).
template <class Owner, class Cls>
void def_queries(Cls& cls, bool define_accounting) {
  using R = Run<Owner>;
  cls.def("unit", [](const Owner& o, UnitId id) { return R::run(o, [&](const State& s) { return s.unit(id); }); },
          py::arg("id"))
      .def("find_unit", [](const Owner& o, std::string_view code) {
        return R::run(o, [&](const State& s) { return s.find_unit(code); });
      }, py::arg("code"), "The unit with this portal code, or None.")
      .def("units", [](const Owner& o) { return R::run(o, [&](const State& s) { return s.units(); }); })
      .def("children", [](const Owner& o, UnitId id) { return R::run(o, [&](const State& s) { return s.children(id); }); },
           py::arg("unit"))
      .def("in_subtree", [](const Owner& o, UnitId u, UnitId root) {
        return R::run(o, [&](const State& s) { return s.in_subtree(u, root); });
      }, py::arg("unit"), py::arg("root"))
      .def("agency", [](const Owner& o, AgencyId id) { return R::run(o, [&](const State& s) { return s.agency(id); }); },
           py::arg("id"))
      .def("find_agency", [](const Owner& o, std::string_view code) {
        return R::run(o, [&](const State& s) { return s.find_agency(code); });
      }, py::arg("code"))
      .def("agencies", [](const Owner& o, UnitId u) { return R::run(o, [&](const State& s) { return s.agencies(u); }); },
           py::arg("unit"))
      .def("organization", [](const Owner& o, OrganizationId id) {
        return R::run(o, [&](const State& s) { return s.organization(id); });
      }, py::arg("id"))
      .def("organizations", [](const Owner& o, UnitId u) {
        return R::run(o, [&](const State& s) { return s.organizations(u); });
      }, py::arg("unit"))
      .def("person", [](const Owner& o, PersonId id) { return R::run(o, [&](const State& s) { return s.person(id); }); },
           py::arg("id"))
      .def("find_person", [](const Owner& o, std::string_view code) {
        return R::run(o, [&](const State& s) { return s.find_person(code); });
      }, py::arg("code"))
      .def("roles_of", [](const Owner& o, PersonId id) { return R::run(o, [&](const State& s) { return s.roles_of(id); }); },
           py::arg("person"))
      .def("holders", [](const Owner& o, Role role, UnitId u) {
        return R::run(o, [&](const State& s) { return s.holders(role, u); });
      }, py::arg("role"), py::arg("unit"))
      .def("conference", [](const Owner& o, ConferenceId id) {
        return R::run(o, [&](const State& s) { return s.conference(id); });
      }, py::arg("id"))
      .def("conferences", [](const Owner& o, UnitId u) {
        return R::run(o, [&](const State& s) { return s.conferences(u); });
      }, py::arg("unit") = py::none(), "Conference ids of a unit subtree (None: all).")
      .def("opinion", [](const Owner& o, OpinionId id) { return R::run(o, [&](const State& s) { return s.opinion(id); }); },
           py::arg("id"))
      .def_property_readonly("opinion_count", [](const Owner& o) {
        return R::run(o, [&](const State& s) { return s.opinion_count(); });
      })
      .def("item", [](const Owner& o, ItemId id) { return R::run(o, [&](const State& s) { return s.item(id); }); },
           py::arg("id"))
      .def_property_readonly("item_count", [](const Owner& o) {
        return R::run(o, [&](const State& s) { return s.item_count(); });
      })
      .def("item_status", [](const Owner& o, ItemId id) {
        return R::run(o, [&](const State& s) { return s.status(id); });
      }, py::arg("id"), "The item's status: the cheapest query (one look-up under the shared lock).")
      .def("standing", [](const Owner& o, ItemId id, Date as_of) {
        if constexpr (std::is_same_v<Owner, PyEngine>) {
          const PyEngine::Use u = o.use();
          py::gil_scoped_release nogil;  // a past day may be rebuilt from the log
          return u->standing(id, as_of);
        } else {
          return o.standing(id, as_of);
        }
      }, py::arg("item"), py::arg("as_of"),
      "R15 bucket of an item as of the end of a day (on the engine: any day, exactly; on a State: a day "
      "on or after its last event).")
      .def("items", [](const Owner& o, UnitId unit, std::optional<ItemStatus> status, std::optional<Standing> standing,
                       Date as_of, AgencyId agency, std::string topic, ConferenceId conference, PersonId raised_by,
                       PersonId visible_to, ItemId after, std::optional<std::size_t> limit) {
        const ItemQuery q = make_query(unit, status, standing, as_of, agency, std::move(topic), conference, raised_by,
                                       visible_to, after, limit);
        py::gil_scoped_release nogil;
        return R::run_as_of(o, q.as_of, [&](const State& s) { return s.items(q); });
      }, DTPY_QUERY_ARGS, py::arg("limit") = py::none(),
      "Ids of the items matching every given filter; with as_of, every filter applies to the state of that day.")
      .def("iter_items", [](py::object self, UnitId unit, std::optional<ItemStatus> status,
                            std::optional<Standing> standing, Date as_of, AgencyId agency, std::string topic,
                            ConferenceId conference, PersonId raised_by, PersonId visible_to, ItemId after,
                            std::optional<std::size_t> limit, std::size_t page_size) {
        if (page_size == 0) invalid("page_size must be positive");
        if constexpr (std::is_same_v<Owner, PyEngine>) self.cast<const PyEngine&>().use();  // refuses when closed
        Pages<Owner> p{self, &self.cast<const Owner&>(),
                       make_query(unit, status, standing, as_of, agency, std::move(topic), conference, raised_by,
                                  visible_to, after, limit),
                       page_size, {}, 0, false};
        return p;
      }, DTPY_QUERY_ARGS, py::arg("limit") = py::none(), py::arg("page_size") = 1000,
      "Iterates the matching Items page by page (for large results).")
      .def("overdue", [](const Owner& o, Date as_of, std::size_t limit) {
        py::gil_scoped_release nogil;
        return R::run_as_of(o, as_of, [&](const State& s) { return s.overdue(as_of, limit); });
      }, py::arg("as_of"), py::arg("limit") = 100, "Outstanding items past their deadline, earliest first.")
      .def("due_between", [](const Owner& o, Date from, Date to, std::size_t limit) {
        py::gil_scoped_release nogil;
        return R::run_as_of(o, from, [&](const State& s) { return s.due_between(from, to, limit); });
      }, py::arg("start"), py::arg("end"), py::arg("limit") = 1000,
      "Outstanding items whose deadline falls in [start, end], earliest first.")
      .def("reconciliation", [](const Owner& o, ConferenceId id) {
        return R::run(o, [&](const State& s) { return s.reconciliation(id); });
      }, py::arg("conference"))
      .def("can_view", [](const Owner& o, PersonId viewer, ItemId id) {
        return R::run(o, [&](const State& s) { return s.can_view(viewer, id); });
      }, py::arg("person"), py::arg("item"), "R19: may this person see this item?");
  if (define_accounting)
    cls.def("accounting", [](const Owner& o, UnitId unit, Date as_of) {
      py::gil_scoped_release nogil;
      return R::run(o, [&](const State& s) { return s.accounting(unit, as_of); });
    }, py::arg("unit"), py::arg("as_of"), "R15 status accounting of a unit subtree as of a date.");
}


struct EventPages {
  py::object owner_ref;
  const PyEngine* engine;
  std::uint64_t next_seq;
  std::size_t page;
  std::vector<Recorded> buf;
  std::size_t pos = 0;
  bool done = false;
  Recorded next() {
    if (pos == buf.size()) {
      if (done) throw py::stop_iteration();
      {
        py::gil_scoped_release nogil;
        buf = engine->use()->events(next_seq, page);
      }
      pos = 0;
      if (buf.size() < page) done = true;
      if (buf.empty()) throw py::stop_iteration();
      next_seq = buf.back().seq + 1;
    }
    return std::move(buf[pos++]);
  }
};

std::unique_ptr<PyEngine> make_engine(py::object profile, py::object store_arg, std::shared_ptr<Clock> clock,
                                      std::shared_ptr<Calendar> calendar, int max_conflict_retries,
                                      std::uint64_t snapshot_every, std::size_t idempotency_window,
                                      std::shared_ptr<AttachmentStore> attachments = nullptr) {
  Profile p = py::isinstance<py::str>(profile) ? builtin_profile(arg_cast<std::string>(profile, "profile"))
                                               : arg_cast<const Profile&>(profile, "profile");
  EngineOptions o;
  o.clock = clock ? std::shared_ptr<const Clock>(clock) : std::make_shared<SystemClock>();
  o.calendar = calendar ? std::shared_ptr<const Calendar>(calendar) : calendar_for(p);
  o.max_conflict_retries = max_conflict_retries;
  o.snapshot_every = snapshot_every;
  o.idempotency_window = idempotency_window;
  o.attachments = std::move(attachments);  // issue 14
  std::shared_ptr<EventStore> store;
  if (store_arg.is_none())
    store = std::make_shared<MemoryStore>();
  else if (py::isinstance<EventStore>(store_arg))
    store = store_arg.cast<std::shared_ptr<EventStore>>();
  else
    store = open_store_py(fspath(store_arg), SqliteOptions{});  // a path or URI
  py::gil_scoped_release nogil;  // opening replays the store
  return std::make_unique<PyEngine>(std::move(p), std::move(store), o);
}

thread_local std::vector<const PyEngine*> t_in_call;  // engines this thread has a call in progress on

}  // namespace

const PyEngine*& delivering_for() {
  thread_local const PyEngine* engine = nullptr;
  return engine;
}

PyEngine::Use::Use(const PyEngine& e) : owner_(e), e_(nullptr) {
  {
    std::lock_guard<std::mutex> g(e.m_);
    if (e.closing_) throw Error(ErrorCode::invalid_transition, "the engine is closed");
    ++e.active_;
    e_ = e.engine_.get();
  }
  t_in_call.push_back(&e);
}

PyEngine::Use::~Use() {
  for (auto it = t_in_call.end(); it != t_in_call.begin();) {
    --it;
    if (*it == &owner_) {
      t_in_call.erase(it);
      break;
    }
  }
  std::lock_guard<std::mutex> g(owner_.m_);
  if (--owner_.active_ == 0) owner_.cv_.notify_all();
}

bool PyEngine::closed() const {
  std::lock_guard<std::mutex> g(m_);
  return closing_;
}

void PyEngine::close() {
  if (delivering_for() == this)
    throw Error(ErrorCode::invalid_transition,
                "close() from a subscriber of this engine would wait for itself: close it from another thread");
  if (std::find(t_in_call.begin(), t_in_call.end(), this) != t_in_call.end())
    throw Error(ErrorCode::invalid_transition,
                "close() from inside a call on this engine (a progress callback) would wait for itself");
  std::unique_ptr<Engine> engine;
  std::shared_ptr<EventStore> store;
  {
    std::unique_lock<std::mutex> l(m_);
    if (closing_) {  // another close: wait until it has finished
      cv_.wait(l, [&] { return closed_; });
      return;
    }
    closing_ = true;
    cv_.wait(l, [&] { return active_ == 0; });
    engine = std::move(engine_);
    store = std::move(store_ref);
  }
  // ~Engine delivers what was committed, stops the delivery thread and drops its store.
  engine.reset();
  store.reset();
  {
    std::lock_guard<std::mutex> g(m_);
    closed_ = true;
  }
  cv_.notify_all();
}

void init_engine(py::module_& m) {
  py::class_<Pages<PyEngine>>(m, "_EngineItemIterator")
      .def("__iter__", [](py::handle self) { return self; })
      .def("__next__", &Pages<PyEngine>::next);
  py::class_<Pages<State>>(m, "_StateItemIterator")
      .def("__iter__", [](py::handle self) { return self; })
      .def("__next__", &Pages<State>::next);
  py::class_<EventPages>(m, "_EventIterator")
      .def("__iter__", [](py::handle self) { return self; })
      .def("__next__", &EventPages::next);

  ValueClass<DeadlineBasis> db(m, "DeadlineBasis",
                               "Why an item's deadline falls on its day (R09, R12): Engine.explain_deadline(item).");
  db.def_readonly("item", &DeadlineBasis::item).def_readonly("deadline", &DeadlineBasis::deadline)
      .def_readonly("original_deadline", &DeadlineBasis::original_deadline)
      .def_readonly("source", &DeadlineBasis::source, "'conference', 'intake', 'escalation', 'assignment', "
                    "'extension', 'reopen', 'merged', or '' when the item has no deadline.")
      .def_readonly("rule", &DeadlineBasis::rule, "The profile rule when computed ('reply', 'reopen'), else ''.")
      .def_readonly("given", &DeadlineBasis::given, "True when an official gave the date.")
      .def_property_readonly("event", [](const DeadlineBasis& b) -> std::optional<Date> {
        return b.event.is_special() ? std::nullopt : std::optional<Date>(b.event);
      }, "The day the period runs from, or the day the date was given.")
      .def_readonly("notice_number", &DeadlineBasis::notice_number)
      .def_readonly("follows", &DeadlineBasis::follows)
      .def_readonly("computation", &DeadlineBasis::computation, "The calendar's DeadlineExplanation, when computed.")
      .def_readonly("text_vi", &DeadlineBasis::text_vi)
      .state("event", &DeadlineBasis::event);
  def_repr(db, "DeadlineBasis", {"item", "deadline", "source", "rule", "given"});

  py::class_<State> st(m, "State",
                       "A state rebuilt from the log (Engine.state_as_of): the same queries as the engine, "
                       "frozen at a past instant.");
  st.def_property_readonly("last_seq", &State::last_seq)
      .def_property_readonly("last_at", &State::last_at)
      .def_property_readonly("last_date", [](const State& s) -> std::optional<Date> {
        const Date d = s.last_date();
        return d.is_special() ? std::nullopt : std::optional<Date>(d);
      }, "The local date of the last event (None when empty): date queries answer for it and later days.")
      .def("answers_for", &State::answers_for, py::arg("d"),
           "True when queries as of day d are exact on this state (d on or after last_date).")
      .def("__repr__", [](const State& s) {
        return "State(last_seq=" + std::to_string(s.last_seq()) + ", items=" + std::to_string(s.item_count()) + ")";
      });
  def_queries<State>(st, true);

  py::class_<PyEngine> e(m, "Engine",
                         "The workflow engine. Commands either succeed whole or raise a doithoai.Error and change "
                         "nothing. Thread-safe: queries run concurrently, commands are serialized.");
  e.def(py::init([](py::object profile, py::object store, std::shared_ptr<Clock> clock,
                    std::shared_ptr<Calendar> calendar, int max_conflict_retries, std::uint64_t snapshot_every,
                    std::size_t idempotency_window, std::shared_ptr<AttachmentStore> attachments) {
          return make_engine(profile, store, clock, calendar, max_conflict_retries, snapshot_every,
                             idempotency_window, std::move(attachments));
        }),
        py::arg("profile") = "hanoi-2200", py::kw_only(), py::arg("store") = py::none(),
        py::arg("clock") = py::none(), py::arg("calendar") = py::none(), py::arg("max_conflict_retries") = 16,
        py::arg("snapshot_every") = 0, py::arg("idempotency_window") = EngineOptions{}.idempotency_window,
        py::arg("attachments") = py::none(),
        "profile: a Profile or a built-in profile's name. store: an EventStore, or a path / URI opened with "
        "open_store (a SQLite file, ':memory:', 'postgresql://...'); default a new MemoryStore. The store's "
        "events are replayed first (from its newest snapshot when it keeps them). clock: default the system "
        "clock. calendar: default the one the profile names. snapshot_every: write a snapshot after every "
        "this many events (0: only when snapshot() is called). idempotency_window: how many idempotency keys "
        "are kept in memory with their first result; older keys are looked up in the store, with the same "
        "answer (about 200 bytes a key). attachments: an AttachmentStore for evidence bytes (issue 14); with "
        "one, a command naming bytes it lacks raises NotFound.")
      .def_static("open", [](py::object path, py::object profile, std::shared_ptr<Clock> clock,
                             std::shared_ptr<Calendar> calendar, int max_conflict_retries,
                             std::uint64_t snapshot_every, std::size_t idempotency_window) {
        return make_engine(profile, path, clock, calendar, max_conflict_retries, snapshot_every, idempotency_window);
      }, py::arg("path"), py::kw_only(), py::arg("profile") = "hanoi-2200", py::arg("clock") = py::none(),
      py::arg("calendar") = py::none(), py::arg("max_conflict_retries") = 16, py::arg("snapshot_every") = 0,
      py::arg("idempotency_window") = EngineOptions{}.idempotency_window,
      "An engine on the store at path (a SQLite file, created when missing) or URI: "
      "Engine.open('bode.db', profile='hanoi-2200').")
      // ---- evidence attachments (issue 14) ----
      .def_property_readonly("attachment_store", [](const PyEngine& en) { return en.use()->attachment_store(); },
                             "The AttachmentStore given as attachments=, or None.")
      .def("verify_attachments", [](const PyEngine& en) {
        const PyEngine::Use u = en.use();
        py::gil_scoped_release nogil;
        return u->verify_attachments();
      }, "R20: reads every attachment the state refers to and checks its size and SHA-256 (Unsupported without "
         "an attachment store).")
      .def("public_attachment", [](const PyEngine& en, py::handle sha) {
        const std::string k = arg_cast<std::string>(sha, "sha256");
        std::string out;
        {
          const PyEngine::Use u = en.use();
          py::gil_scoped_release nogil;
          out = u->public_attachment(k);
        }
        return py::bytes(out);
      }, py::arg("sha256"), "R13: the bytes of an attachment marked publishable whose reply was published; "
                            "NotFound for anything else.")
      .def("snapshot", [](PyEngine& en) {
        py::gil_scoped_release nogil;
        return en.use()->snapshot();
      }, "Writes the current state to the store as a snapshot so that opening replays only the events after "
         "it; returns the sequence it stands for (MemoryStore drops it).")
      .def_property_readonly("profile", [](const PyEngine& en) { return std::make_shared<Profile>(en.use()->profile()); })
      .def_property_readonly("store", [](const PyEngine& en) {
        const PyEngine::Use u = en.use();
        return en.store_ref;
      })
      .def_property_readonly("clock", [](const PyEngine& en) {
        const PyEngine::Use u = en.use();
        return en.clock_ref;
      })
      .def_property_readonly("calendar", [](const PyEngine& en) {
        const PyEngine::Use u = en.use();
        return en.calendar_ref;
      })
      .def("today", [](const PyEngine& en) { return en.use()->today(); }, "The local date of the engine's clock in the profile's zone.")
      .def_property_readonly("last_seq", [](const PyEngine& en) {
        py::gil_scoped_release nogil;
        return en.use()->last_seq();
      })
      .def_property_readonly("callback_errors", [](const PyEngine& en) { return en.use()->callback_errors(); },
                             "How many subscriber calls raised (caught; the engine is unaffected).")
      .def("wait_for_subscribers", [](PyEngine& en, std::optional<double> timeout) {
        if (timeout && !(*timeout >= 0)) invalid("timeout must be a non-negative number of seconds");
        py::gil_scoped_release nogil;  // the callbacks it waits for need the GIL
        if (!timeout) {
          en.use()->flush_subscribers();
          return true;
        }
        return en.use()->flush_subscribers(std::chrono::milliseconds(static_cast<long long>(*timeout * 1000.0)));
      }, py::arg("timeout") = py::none(),
      "Waits until every event committed before the call has been delivered to every subscriber "
      "(delivery is asynchronous). Returns False on timeout (seconds; None: no limit), and at once "
      "when called from inside a subscriber (it would wait for itself).")
      .def_property_readonly("undelivered", [](const PyEngine& en) { return en.use()->undelivered(); },
                             "Events committed but not yet delivered to subscribers.")
      .def("catch_up", [](PyEngine& en) {
        py::gil_scoped_release nogil;
        en.use()->catch_up();
      }, "Reads events other writers appended to a shared store.")
      .def("execute", [](PyEngine& en, PersonId actor, const Command& c, py::object key_arg) {
        const std::string key = key_arg.is_none() ? std::string() : arg_cast<std::string>(key_arg, "idempotency_key");
        py::gil_scoped_release nogil;
        return en.use()->execute(actor, c, key);
      }, py::arg("actor"), py::arg("command"), py::kw_only(), py::arg("idempotency_key") = py::none(),
      "Executes a command object (Assign(...), SubmitOpinion(...), ...) as actor (a person id or SYSTEM).")
      .def("execute_json", [](PyEngine& en, const nlohmann::json& request) {
        nlohmann::json out;
        {
          py::gil_scoped_release nogil;
          out = en.use()->execute_json(request);
        }
        return out;
      }, py::arg("request"),
      "{\"actor\": id | \"system\", \"idempotency_key\"?: str, \"command\": {\"type\": ..., ...}} -> the Result "
      "as a dict.")
      .def("subscribe", [](PyEngine& en, py::function callback) {
        auto state = std::make_shared<SubscriberState>();
        state->callback = callback;
        state->owner = &en;
        auto sub = std::make_unique<PySubscription>();
        sub->state = state;
        auto hook = python_subscriber(state);
        {
          py::gil_scoped_release nogil;  // takes the engine's shared lock
          sub->sub = en.use()->subscribe(std::move(hook));
        }
        return sub;
      }, py::arg("callback"),
      "Calls callback(event) for every event committed after this call, once, in sequence order, on the "
      "engine's delivery thread: asynchronously, so commands never wait for it (wait_for_subscribers() "
      "waits until it caught up). It may query and execute. Exceptions it raises are caught and counted "
      "(Subscription.errors); keep the returned Subscription alive, close() it to stop.")
      .def("explain_deadline", [](const PyEngine& en, ItemId item) {
        py::gil_scoped_release nogil;  // reads the item's history from the store
        return en.use()->explain_deadline(item);
      }, py::arg("item"),
      "R09, R12: why the item's deadline falls on its day: what set it, the calendar, the rule and its "
      "citation, the days off skipped, or that an official gave the date.")
      .def("history", [](const PyEngine& en, ItemId item, OpinionId opinion, ConferenceId conference) {
        const int given = (item ? 1 : 0) + (opinion ? 1 : 0) + (conference ? 1 : 0);
        if (given != 1) invalid("history needs exactly one of item=, opinion=, conference=");
        py::gil_scoped_release nogil;
        if (item) return en.use()->history(item);
        if (opinion) return en.use()->history(opinion);
        return en.use()->history(conference);
      }, py::kw_only(), py::arg("item") = py::none(), py::arg("opinion") = py::none(),
      py::arg("conference") = py::none(), "R20: every event concerning the entity, in order.")
      .def("events", [](const PyEngine& en, std::uint64_t from, std::size_t limit) {
        py::gil_scoped_release nogil;
        return en.use()->events(from, limit);
      }, py::arg("from_seq") = 1, py::arg("limit") = 1000, "Events with seq >= from_seq, at most limit.")
      .def("iter_events", [](py::object self, std::uint64_t from, std::size_t page_size) {
        if (page_size == 0) invalid("page_size must be positive");
        self.cast<const PyEngine&>().use();  // refuses when closed
        return EventPages{self, &self.cast<const PyEngine&>(), from, page_size, {}, 0, false};
      }, py::arg("from_seq") = 1, py::arg("page_size") = 1000, "Iterates the log page by page.")
      .def("state_as_of", [](const PyEngine& en, Instant t) {
        py::gil_scoped_release nogil;
        return en.use()->state_as_of(t);
      }, py::arg("t"), "The whole state as it was at instant t (events with at <= t), rebuilt from the log.")
      .def("state_as_of", [](const PyEngine& en, Date d) {
        py::gil_scoped_release nogil;
        return en.use()->state_as_of(d);
      }, py::arg("d"), "The state at the end of local day d.")
      .def("accounting", [](const PyEngine& en, UnitId unit, Date as_of) {
        py::gil_scoped_release nogil;
        return en.use()->accounting(unit, as_of);
      }, py::arg("unit"), py::arg("as_of"),
      "R15 status accounting of a unit subtree as of any date (a past date is computed on the state rebuilt "
      "from the log).")
      .def("overdue", [](const PyEngine& en, Date as_of, std::size_t limit) {
        py::gil_scoped_release nogil;
        return en.use()->overdue(as_of, limit);
      }, py::arg("as_of"), py::arg("limit") = 100)
      .def("due_within", [](const PyEngine& en, Date from, int days, std::size_t limit) {
        py::gil_scoped_release nogil;
        return en.use()->due_within(from, days, limit);
      }, py::arg("start"), py::arg("days"), py::arg("limit") = 1000,
      "Outstanding items due in [start, start + days], earliest first.")
      .def("similar_items", [](const PyEngine& en, UnitId unit, py::handle text, py::handle limit) {
        const std::string t = arg_cast<std::string>(text, "text");
        const auto n = arg_cast<std::size_t>(limit, "limit");
        py::gil_scoped_release nogil;
        return en.use()->similar_items(unit, t, n);
      }, py::arg("unit"), py::arg("text"), py::arg("limit") = 10,
      "R07 at intake: the open items of the unit most like text (words compared without case or diacritics, "
      "weighted by rarity), best first, at most limit (1..100): candidates for MergeDuplicate.")
      // The notification outbox (issue 15; doithoai/outbox.h).
      .def("outbox_fetch", [](PyEngine& en, py::handle limit, py::handle lease_seconds) {
        const auto n = std::max<std::int64_t>(0, arg_cast<std::int64_t>(limit, "limit"));
        const auto l = arg_cast<std::int64_t>(lease_seconds, "lease_seconds");
        py::gil_scoped_release nogil;
        return en.use()->outbox_fetch(static_cast<std::size_t>(n), std::chrono::seconds(l));
      }, py::arg("limit") = 10, py::arg("lease_seconds") = 60,
      "Up to limit (1..1000) pending notices, oldest first, each leased for lease_seconds (1..86400): no other "
      "fetch hands it out while the lease is live. At least once: a notice not acknowledged 'delivered' comes "
      "back when its lease ends or the process restarts.")
      .def("outbox_ack", [](PyEngine& en, NoticeId notice, py::handle outcome, py::handle detail, Date on) {
        const std::string o = arg_cast<std::string>(outcome, "outcome");
        const std::string d = arg_cast<std::string>(detail, "detail");
        py::gil_scoped_release nogil;
        return en.use()->outbox_ack(notice, o, d, on);
      }, py::arg("notice"), py::arg("outcome"), py::kw_only(), py::arg("detail") = "", py::arg("on") = py::none(),
      "Records a delivery attempt: 'delivered' (done) or 'failed' (pending again when the lease ends). "
      "Acknowledging a delivered notice again records nothing (first_seq 0).")
      .def("outbox", [](const PyEngine& en, Date as_of, py::handle status, UnitId unit, NoticeId after,
                        py::handle limit) {
        OutboxQuery q;
        q.as_of = as_of;
        q.status = arg_cast<std::string>(status, "status");
        q.unit = unit;
        q.after = after;
        q.limit = static_cast<std::size_t>(std::max<std::int64_t>(0, arg_cast<std::int64_t>(limit, "limit")));
        py::gil_scoped_release nogil;
        return en.use()->outbox(q);
      }, py::kw_only(), py::arg("as_of") = py::none(), py::arg("status") = "", py::arg("unit") = py::none(),
      py::arg("after") = py::none(), py::arg("limit") = 1000,
      "Notices as of the end of a day (None: now), oldest first; status '', 'pending', 'delivered', 'late' or "
      "'failed'; unit: the recipients' units in its subtree.")
      .def("outbox_counts", [](const PyEngine& en, Date as_of, UnitId unit) {
        py::gil_scoped_release nogil;
        return en.use()->outbox_counts(unit, as_of);
      }, py::arg("as_of"), py::kw_only(), py::arg("unit") = py::none(),
      "Issued, delivered, late and pending notices as of the end of a day.")
      .def("track", [](const PyEngine& en, py::handle code, py::handle as_of) {
        const std::string c = arg_cast<std::string>(code, "code");
        const std::optional<Date> d = as_of.is_none() ? std::nullopt : std::optional<Date>(arg_cast<Date>(as_of, "as_of"));
        py::gil_scoped_release nogil;
        return track(*en.use(), c, d);
      }, py::arg("code"), py::kw_only(), py::arg("as_of") = py::none(),
      "R04, R13: the public status of the opinion whose tracking code (Opinion.tracking_code) is `code` (either "
      "case), redacted like the public feed; as_of: the end of a past day. InvalidArgument for a malformed code, "
      "NotFound for an unknown one.")
      .def("close", [](PyEngine& en) {
        py::gil_scoped_release nogil;  // the calls it waits for and the subscribers it drains need the GIL
        en.close();
      }, "Closes the engine: refuses new calls (InvalidTransition, code 'invalid_transition'), waits for the "
         "calls in progress in other threads, delivers what was committed to subscribers and stops them, and "
         "releases the store (a SQLite file opened from a path is closed; a store object you hold stays open). "
         "Idempotent. Raises InvalidTransition when called from a subscriber of this engine or from inside one "
         "of its calls (a progress callback): it would wait for itself.")
      .def_property_readonly("closed", &PyEngine::closed, "True once close() has begun.")
      .def("__enter__", [](py::object self) {
        self.cast<const PyEngine&>().use();  // a closed engine cannot be entered
        return self;
      })
      .def("__exit__", [](PyEngine& en, py::object, py::object, py::object) {
        {
          py::gil_scoped_release nogil;
          en.close();
        }
        return false;
      }, py::arg("exc_type"), py::arg("exc_value"), py::arg("traceback"), "Closes the engine (close()).")
      .def("__repr__", [](const PyEngine& en) {
        try {
          const PyEngine::Use u = en.use();
          std::uint64_t last = 0;
          {
            py::gil_scoped_release nogil;
            last = u->last_seq();
          }
          return "Engine(profile=" + u->profile().name + ", last_seq=" + std::to_string(last) + ")";
        } catch (const Error&) {
          return std::string("Engine(closed)");
        }
      });
  def_queries<PyEngine>(e, false);

  // One method per command: engine.assign(actor, item, agency, *, deadline=None, idempotency_key=None).
  for (const auto& entry : command_registry()) {
    auto build = entry.build;
    std::string doc = "Executes " + entry.class_name + "(" ;
    std::string req, opt;
    for (std::size_t i = 0; i < entry.fields.size(); ++i) {
      std::string& names = entry.required[i] ? req : opt;
      names += (names.empty() ? "" : ", ") + entry.fields[i];
    }
    doc += req + (opt.empty() ? "" : ", *, " + opt);
    doc += ") as actor: required fields positional or by keyword, optional ones keyword-only; idempotency_key= "
           "makes a retry return the first result. Same path as execute().";
    e.def(entry.method.c_str(), [build](PyEngine& en, PersonId actor, py::args args, py::kwargs kw) {
      std::string key;
      if (kw.contains("idempotency_key")) {
        py::object k = kw["idempotency_key"];
        if (!k.is_none()) key = arg_cast<std::string>(k, "idempotency_key");
        PyDict_DelItemString(kw.ptr(), "idempotency_key");
      }
      const Command c = build(std::move(args), std::move(kw));
      py::gil_scoped_release nogil;
      return en.use()->execute(actor, c, key);
    }, py::arg("actor"), doc.c_str());
  }

  m.def("open_engine", [](py::object profile, py::object path, std::shared_ptr<Clock> clock,
                          std::shared_ptr<Calendar> calendar, int max_conflict_retries, std::uint64_t snapshot_every,
                          std::size_t idempotency_window) {
    return make_engine(profile, path, clock, calendar, max_conflict_retries, snapshot_every, idempotency_window);
  }, py::arg("profile"), py::arg("path"), py::kw_only(), py::arg("clock") = py::none(),
  py::arg("calendar") = py::none(), py::arg("max_conflict_retries") = 16, py::arg("snapshot_every") = 0,
  py::arg("idempotency_window") = EngineOptions{}.idempotency_window,
  "An engine on open_store(path) (the C++ open_engine): open_engine('hanoi-2200', 'bode.db').");
}

}  // namespace dtpy
