// bindings/stores.cpp: event stores. The Python objects hold a shared_ptr to the store; an
// Engine opened on one wraps it (SharedStore, engine.h), so the same object can be read
// from Python. A new store kind adds one class here, derived from EventStore.
//
//   MemoryStore                      the log in process memory
//   DurableStore                     hash-chained rows (R20): verify, head_hash, JSON Lines
//     SqliteStore(path, ...)         one SQLite file (sqlite_store.h)
//     PostgresStore(conninfo, ...)   PostgreSQL, when built with doithoai::postgres
//   open_store(path_or_uri)          ":memory:", a path / "sqlite:PATH", or postgres:// URIs
//
// GIL: released around every call that does I/O (open, append through the engine, read,
// verify, export/import, waiting for notifications); none of them calls back into Python.
#include <chrono>
#include <fstream>
#include <optional>

#include "common.h"
#include "stores.h"

#ifdef DOITHOAI_PYTHON_POSTGRES
#include <doithoai/postgres_store.h>
#endif

namespace dtpy {
namespace {
using namespace doithoai;

std::string sync_name(SqliteOptions::Sync s) { return s == SqliteOptions::Sync::full ? "full" : "normal"; }
SqliteOptions::Sync parse_sync(const std::string& s) {
  if (s == "full") return SqliteOptions::Sync::full;
  if (s == "normal") return SqliteOptions::Sync::normal;
  invalid("unknown sync '" + s + "' (one of: full, normal)");
}
std::string check_name(SqliteOptions::OpenCheck c) {
  return c == SqliteOptions::OpenCheck::full ? "full" : "since_snapshot";
}
SqliteOptions::OpenCheck parse_check(const std::string& s) {
  if (s == "full") return SqliteOptions::OpenCheck::full;
  if (s == "since_snapshot") return SqliteOptions::OpenCheck::since_snapshot;
  invalid("unknown open_check '" + s + "' (one of: full, since_snapshot)");
}

[[maybe_unused]] bool is_postgres_uri(const std::string& s) {
  return s.rfind("postgres://", 0) == 0 || s.rfind("postgresql://", 0) == 0;
}

}  // namespace

std::string fspath(py::handle path) {
  return py::str(py::module_::import("os").attr("fspath")(path)).cast<std::string>();
}

static SqliteOptions sqlite_options(const std::optional<SqliteOptions>& base, py::object sync, py::object read_only,
                             py::object create, py::object open_check, py::object busy_timeout_ms,
                             py::object adopt = py::none()) {
  SqliteOptions o = base ? *base : SqliteOptions{};
  if (!adopt.is_none()) o.adopt = arg_cast<bool>(adopt, "adopt");
  if (!sync.is_none()) o.sync = parse_sync(arg_cast<std::string>(sync, "sync"));
  if (!read_only.is_none()) o.read_only = arg_cast<bool>(read_only, "read_only");
  if (!create.is_none()) o.create = arg_cast<bool>(create, "create");
  if (!open_check.is_none()) o.open_check = parse_check(arg_cast<std::string>(open_check, "open_check"));
  if (!busy_timeout_ms.is_none()) o.busy_timeout_ms = arg_cast<int>(busy_timeout_ms, "busy_timeout_ms");
  return o;
}

std::shared_ptr<EventStore> open_store_py(const std::string& uri, const SqliteOptions& o) {
#ifdef DOITHOAI_PYTHON_POSTGRES
  if (is_postgres_uri(uri)) {
    py::gil_scoped_release nogil;
    return std::make_shared<PostgresStore>(uri);
  }
#endif
  py::gil_scoped_release nogil;
  return std::shared_ptr<EventStore>(open_store(uri, o));
}

void init_stores(py::module_& m) {
  py::class_<EventStore, std::shared_ptr<EventStore>>(m, "EventStore",
                                                       "An append-only log of recorded events (R20).")
      .def_property_readonly("last_seq", [](const EventStore& s) {
        py::gil_scoped_release nogil;
        return s.last_seq();
      })
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

  ValueClass<VerifyReport> vr(m, "VerifyReport",
                              "What DurableStore.verify() found: ok when every row hashes and links correctly.");
  vr.def_readonly("ok", &VerifyReport::ok)
      .def_readonly("checked", &VerifyReport::checked, "Rows examined.")
      .def_property_readonly("first_bad", [](const VerifyReport& r) -> std::optional<std::uint64_t> {
        if (!r.first_bad) return std::nullopt;
        return r.first_bad;
      }, "The first sequence number that fails, or None when ok.")
      .def_readonly("problem", &VerifyReport::problem, "Why, for people ('' when ok).")
      .def_property_readonly("head", [](const VerifyReport& r) { return to_hex(r.head); },
                             "Hash of the last good row, lowercase hex.")
      .def("__bool__", [](const VerifyReport& r) { return r.ok; })
      .state("first_bad", &VerifyReport::first_bad).state("head", &VerifyReport::head);
  def_repr(vr, "VerifyReport", {"ok", "checked", "first_bad", "problem", "head"});

  ValueClass<SqliteOptions> so(m, "SqliteOptions",
                               "How a SqliteStore opens: sync 'full' | 'normal', read_only, create, "
                               "open_check 'full' | 'since_snapshot', busy_timeout_ms, adopt (add the store's "
                               "tables to a SQLite file that holds other tables; otherwise such a file is refused "
                               "with InvalidArgument and left untouched).");
  so.def(py::init([](std::string sync, bool read_only, bool create, std::string open_check, int busy, bool adopt) {
           SqliteOptions o;
           o.adopt = adopt;
           o.sync = parse_sync(sync);
           o.read_only = read_only;
           o.create = create;
           o.open_check = parse_check(open_check);
           o.busy_timeout_ms = busy;
           return o;
         }),
         py::kw_only(), py::arg("sync") = "full", py::arg("read_only") = false, py::arg("create") = true,
         py::arg("open_check") = "full", py::arg("busy_timeout_ms") = 10000, py::arg("adopt") = false)
      .def_property("sync", [](const SqliteOptions& o) { return sync_name(o.sync); },
                    [](SqliteOptions& o, const std::string& s) { o.sync = parse_sync(s); })
      .def_readwrite("read_only", &SqliteOptions::read_only)
      .def_readwrite("create", &SqliteOptions::create)
      .def_readwrite("adopt", &SqliteOptions::adopt)
      .def_property("open_check", [](const SqliteOptions& o) { return check_name(o.open_check); },
                    [](SqliteOptions& o, const std::string& s) { o.open_check = parse_check(s); })
      .def_readwrite("busy_timeout_ms", &SqliteOptions::busy_timeout_ms)
      .state_enum("sync", &SqliteOptions::sync).state_enum("open_check", &SqliteOptions::open_check);
  def_repr(so, "SqliteOptions", {"sync", "read_only", "create", "open_check", "busy_timeout_ms", "adopt"});

  py::class_<DurableStore, EventStore, std::shared_ptr<DurableStore>>(
      m, "DurableStore", "A store of hash-chained rows (SqliteStore, PostgresStore): verify, head hash, JSON Lines.")
      .def("verify", [](const DurableStore& s) {
        py::gil_scoped_release nogil;
        return s.verify();
      }, "Walks the whole chain (R20) and reports the first bad sequence number.")
      .def_property_readonly("head_hash", [](const DurableStore& s) {
        py::gil_scoped_release nogil;
        return to_hex(s.head_hash());
      }, "Hash of the last row, lowercase hex (64 zeros for an empty store). Publish it to make the log "
         "tamper-evident.")
      .def("export_jsonl", [](const DurableStore& s, py::object path) {
        const std::string p = fspath(path);
        py::gil_scoped_release nogil;
        std::ofstream out(p, std::ios::binary | std::ios::trunc);
        if (!out) throw Error(ErrorCode::storage, "cannot write " + p);
        const auto n = export_jsonl(s, out);
        out.flush();
        if (!out) throw Error(ErrorCode::storage, "cannot write " + p);
        return n;
      }, py::arg("path"), "Writes the log as JSON Lines (one event a line, with its hashes); returns the count.")
      .def("import_jsonl", [](DurableStore& s, py::object path) {
        const std::string p = fspath(path);
        py::gil_scoped_release nogil;
        std::ifstream in(p, std::ios::binary);
        if (!in) throw Error(ErrorCode::storage, "cannot read " + p);
        return import_jsonl(in, s);
      }, py::arg("path"),
      "Appends the events of a JSON Lines file (checking every hash and every event's fields as commands "
      "are checked; the store must hold exactly the file's prefix, usually nothing); returns the count. All or "
      "nothing: a bad line raises naming it and nothing is appended.");

  py::class_<SqliteStore, DurableStore, std::shared_ptr<SqliteStore>>(
      m, "SqliteStore",
      "The embedded durable store: one SQLite file in WAL mode. Opening walks the hash chain and raises "
      "CorruptionError on a broken one (unless read_only, for forensics: then call verify()).")
      .def(py::init([](py::object path, std::optional<SqliteOptions> options, py::object sync, py::object read_only,
                       py::object create, py::object open_check, py::object busy_timeout_ms, py::object adopt) {
             const std::string p = fspath(path);
             const SqliteOptions o =
                 sqlite_options(options, sync, read_only, create, open_check, busy_timeout_ms, adopt);
             py::gil_scoped_release nogil;
             return std::make_shared<SqliteStore>(p, o);
           }),
           py::arg("path"), py::arg("options") = py::none(), py::kw_only(), py::arg("sync") = py::none(),
           py::arg("read_only") = py::none(), py::arg("create") = py::none(), py::arg("open_check") = py::none(),
           py::arg("busy_timeout_ms") = py::none(), py::arg("adopt") = py::none(),
           "Opens (or creates) the store at path. Keywords override the fields of options. A SQLite file with "
           "other tables and no doithoai metadata raises InvalidArgument (unless adopt); a store whose events "
           "table is gone, or whose replay cache differs from its JSON events, raises CorruptionError.")
      .def_property_readonly("path", &SqliteStore::path)
      .def("__repr__", [](const SqliteStore& s) {
        std::uint64_t n;
        {
          py::gil_scoped_release nogil;
          n = s.last_seq();
        }
        return "SqliteStore(" + py::repr(py::str(s.path())).cast<std::string>() + ", last_seq=" + std::to_string(n) +
               ")";
      });

  m.attr("HAVE_POSTGRES") = py::bool_(
#ifdef DOITHOAI_PYTHON_POSTGRES
      true
#else
      false
#endif
  );
#ifdef DOITHOAI_PYTHON_POSTGRES
  py::class_<PostgresStore, DurableStore, std::shared_ptr<PostgresStore>>(
      m, "PostgresStore",
      "The store for many application servers sharing one PostgreSQL database (partitioned by top-level "
      "unit, one verifiable global order).")
      .def(py::init([](const std::string& conninfo, bool skip_open_check, int read_page) {
             PostgresOptions o;
             o.skip_open_check = skip_open_check;
             o.read_page = read_page;
             py::gil_scoped_release nogil;
             return std::make_shared<PostgresStore>(conninfo, o);
           }),
           py::arg("conninfo"), py::kw_only(), py::arg("skip_open_check") = false, py::arg("read_page") = 20000,
           "conninfo: a libpq connection string or URI. Raises StorageError when the server is unreachable, "
           "CorruptionError when the chain is broken.")
      .def("partition_seq", [](const PostgresStore& s, UnitId unit) {
        py::gil_scoped_release nogil;
        return s.partition_seq(unit);
      }, py::arg("unit"), "The last per-partition sequence of a top-level unit (0: none yet).")
      .def("wait_for_notification", [](PostgresStore& s, double timeout_seconds) {
        if (timeout_seconds < 0) invalid("timeout_seconds must be >= 0");
        const auto ms = std::chrono::milliseconds(static_cast<long long>(timeout_seconds * 1000.0));
        py::gil_scoped_release nogil;
        return s.wait_for_notification(ms);
      }, py::arg("timeout_seconds"),
      "Blocks (without the GIL) until another writer's commit is announced or the timeout passes; True when "
      "something was announced (then call Engine.catch_up()).")
      .def("__repr__", [](const PostgresStore& s) {
        std::uint64_t n;
        {
          py::gil_scoped_release nogil;
          n = s.last_seq();
        }
        return "PostgresStore(last_seq=" + std::to_string(n) + ")";
      });
#endif

  m.def("open_store", [](py::object path_or_uri, std::optional<SqliteOptions> options) {
    const std::string uri = py::isinstance<py::str>(path_or_uri) ? path_or_uri.cast<std::string>() : fspath(path_or_uri);
    return open_store_py(uri, options ? *options : SqliteOptions{});
  }, py::arg("path_or_uri"), py::arg("options") = py::none(),
  "':memory:' gives a MemoryStore; 'sqlite:PATH' or a path a SqliteStore; 'postgresql://...' a PostgresStore "
  "(when built with PostgreSQL).");
}

}  // namespace dtpy
