// bindings/bulk.cpp: bulk import of opinions for scripts (last year's spreadsheet, a portal
// export). The loop runs in C++ with the GIL released; the GIL is taken back only to call
// progress(done, total) every `every` rows. Each row is its own command (all-or-nothing per
// row, as everywhere): with on_error="raise" the import stops at the first failing row,
// whose number the error names, and the rows before it stay committed; with "skip" the
// failures are listed in the report and the import goes on.
#include <chrono>
#include <optional>
#include <fstream>
#include <limits>
#include <sstream>

#include "csv_import.h"
#include "engine.h"

namespace dtpy {
namespace {
using namespace doithoai;

struct ImportReport {
  std::size_t rows = 0;
  std::size_t submitted = 0;
  std::size_t failed = 0;
  std::size_t items = 0;
  bool cancelled = false;
  std::size_t resume_row = 0;  // the row to pass as start_row to go on (0: nothing left)
  double seconds = 0;
  std::vector<std::uint32_t> opinions;
  std::vector<std::tuple<std::size_t, std::string, std::string>> errors;  // (row, code, message)
};

// A bulk import is resumable, not all-or-nothing: each row is one command, committed on
// its own. When a row fails (on_error="raise") the rows before it stay committed, nothing
// from it on is, and the exception says where: .row (the failing row), .resume_row (the row
// to pass as start_row: the same), .report (the ImportReport of what was committed).
struct ImportStopped {
  Error error;
  std::size_t row;
  ImportReport report;
};

[[noreturn]] void raise_stopped(const ImportStopped& s) {
  const py::object cls = py::module_::import("doithoai._core").attr("error_class")(s.error.code());
  py::object exc = cls(std::string(s.error.what()));
  exc.attr("code") = py::str(std::string(to_string(s.error.code())));
  exc.attr("row") = s.row;
  exc.attr("resume_row") = s.row;
  exc.attr("report") = py::cast(s.report);
  PyErr_SetObject(cls.ptr(), exc.ptr());
  throw py::error_already_set();
}

// Runs the import without the GIL; a stopped import is raised with the GIL held.
template <class F>
ImportReport run_released(F&& f) {
  std::optional<ImportStopped> stopped;
  ImportReport rep;
  {
    py::gil_scoped_release nogil;
    try {
      rep = f();
    } catch (ImportStopped& s) {
      stopped.emplace(std::move(s));
    }
  }
  if (stopped) raise_stopped(*stopped);
  return rep;
}

// Runs the commands; calls progress with the GIL every `every` rows. Called without the GIL.
ImportReport run_import(Engine& en, PersonId actor, const std::vector<cmd::SubmitOpinion>& cmds,
                        const std::vector<std::size_t>& row_numbers, const py::object& progress, std::size_t every,
                        bool skip, const std::string& key_prefix, std::size_t start_row) {
  ImportReport rep;
  std::size_t begin = 0;  // rows before start_row were done by an earlier run
  while (begin < cmds.size() && row_numbers[begin] < start_row) ++begin;
  rep.rows = cmds.size() - begin;
  rep.opinions.reserve(cmds.size());
  const auto t0 = std::chrono::steady_clock::now();
  std::string key;
  for (std::size_t i = begin; i < cmds.size(); ++i) {
    try {
      if (!key_prefix.empty()) key = key_prefix + std::to_string(row_numbers[i]);
      const Result r = en.execute(actor, cmds[i], key);
      rep.opinions.push_back(r.id);
      rep.items += r.items.size();
      ++rep.submitted;
    } catch (const Error& e) {
      ++rep.failed;
      if (!skip) {
        rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        rep.resume_row = row_numbers[i];
        const std::string msg = "row " + std::to_string(row_numbers[i]) + ": " + e.what() + " (" +
                                std::to_string(rep.submitted) + " rows before it are committed, nothing from it on;"
                                " fix it and resume with start_row=" + std::to_string(row_numbers[i]) + ")";
        throw ImportStopped{Error(e.code(), msg), row_numbers[i], rep};
      }
      rep.errors.emplace_back(row_numbers[i], std::string(to_string(e.code())), e.what());
    }
    const std::size_t done = i + 1 - begin;
    if (!progress.is_none() && (done % every == 0 || done == rep.rows)) {
      py::gil_scoped_acquire gil;
      py::object r = progress(done, rep.rows);  // an exception propagates and stops the import
      if (!r.is_none() && !r.cast<bool>()) {
        rep.cancelled = true;
        if (i + 1 < cmds.size()) rep.resume_row = row_numbers[i + 1];
        break;
      }
    }
  }
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

// A dict row: the SubmitOpinion fields, with either "items" or a single "text" (+ "topic").
// Read straight from the dict (no Python-level constructor call per row: this is the hot path
// of imports from spreadsheets).
cmd::SubmitOpinion from_dict(const py::dict& d) {
  cmd::SubmitOpinion c;
  py::handle text, item_list, topic, place, withhold;
  PyObject *k, *v;
  Py_ssize_t pos = 0;
  while (PyDict_Next(d.ptr(), &pos, &k, &v)) {
    Py_ssize_t n = 0;
    const char* key = PyUnicode_Check(k) ? PyUnicode_AsUTF8AndSize(k, &n) : nullptr;
    if (!key) throw py::type_error("row keys must be strings");
    const std::string_view f(key, static_cast<std::size_t>(n));
    const py::handle h(v);
    if (f == "unit") c.unit = arg_cast<UnitId>(h, "unit");
    else if (f == "conference") c.conference = arg_cast<ConferenceId>(h, "conference");
    else if (f == "channel") c.channel = arg_cast<Channel>(h, "channel");
    else if (f == "raised_by") c.raised_by = arg_cast<PersonId>(h, "raised_by");
    else if (f == "raised_by_org") c.raised_by_org = arg_cast<OrganizationId>(h, "raised_by_org");
    else if (f == "raised_on") c.raised_on = arg_cast<Date>(h, "raised_on");
    else if (f == "topic") topic = h;
    else if (f == "text") text = h;
    else if (f == "items") item_list = h;
    else if (f == "place") place = h;
    else if (f == "withhold_name") withhold = h;
    else
      throw py::type_error("unknown row field '" + std::string(f) +
                           "' (unit, conference, channel, raised_by, raised_by_org, raised_on, topic, text, items, "
                           "place, withhold_name)");
  }
  if (topic) c.topic = arg_cast<std::string>(topic, "topic");
  if (text) {
    if (item_list) invalid("a row has either \"items\" or \"text\", not both");
    c.items.push_back(ItemSpec{c.topic, arg_cast<std::string>(text, "text")});
  } else if (item_list) {
    c.items = py::type::of<cmd::SubmitOpinion>()(py::arg("unit") = py::none(), py::arg("items") = item_list)
                  .cast<const cmd::SubmitOpinion&>()
                  .items;
  }
  if (place || withhold) {  // issue 14: converted as SubmitOpinion's own fields are (same checks, same errors)
    py::dict kw;
    kw["unit"] = py::none();
    kw["items"] = py::list();
    if (place) kw["place"] = place;
    if (withhold) kw["withhold_name"] = withhold;
    const py::object o = py::type::of<cmd::SubmitOpinion>()(**kw);
    const auto& parsed = o.cast<const cmd::SubmitOpinion&>();
    c.place = parsed.place;
    c.withhold_name = parsed.withhold_name;
  }
  return c;
}

}  // namespace

void init_bulk(py::module_& m) {
  ValueClass<ImportReport> r(m, "ImportReport", "What a bulk import did.");
  r.def_readonly("rows", &ImportReport::rows).def_readonly("submitted", &ImportReport::submitted)
      .def_readonly("failed", &ImportReport::failed).def_readonly("items", &ImportReport::items)
      .def_readonly("cancelled", &ImportReport::cancelled).def_readonly("seconds", &ImportReport::seconds)
      .def_readonly("resume_row", &ImportReport::resume_row,
                    "The row to pass as start_row to go on after a cancel or a failed row (0: none left).")
      .def_readonly("opinions", &ImportReport::opinions, "Ids of the opinions created, in row order.")
      .def_readonly("errors", &ImportReport::errors, "(row, code, message) of each skipped row.");
  def_repr(r, "ImportReport", {"rows", "submitted", "failed", "items", "cancelled", "seconds"});

  auto engine = py::reinterpret_borrow<py::class_<PyEngine>>(m.attr("Engine"));
  engine.def("import_opinions", [](PyEngine& en, PersonId actor, py::iterable rows, py::object progress,
                                   std::size_t every, const std::string& on_error, std::string key_prefix,
                                   std::size_t start_row) {
    if (on_error != "raise" && on_error != "skip") invalid("on_error is \"raise\" or \"skip\"");
    if (every == 0) invalid("every must be positive");
    std::vector<cmd::SubmitOpinion> cmds;
    std::vector<std::size_t> numbers;
    if (py::hasattr(rows, "__len__")) cmds.reserve(py::len(rows));
    std::size_t n = 0;
    for (auto row : rows) {
      ++n;
      try {
        if (PyDict_Check(row.ptr())) {
          cmds.push_back(from_dict(py::reinterpret_borrow<py::dict>(row)));
        } else {
          py::detail::make_caster<cmd::SubmitOpinion> caster;
          if (!caster.load(row, false)) throw py::type_error("a row is a SubmitOpinion or a dict");
          cmds.push_back(py::detail::cast_op<const cmd::SubmitOpinion&>(caster));
        }
      } catch (const Error& e) {
        throw Error(e.code(), "row " + std::to_string(n) + ": " + e.what());
      }
      numbers.push_back(n);
    }
    return run_released(
        [&] { return run_import(*en.use(), actor, cmds, numbers, progress, every, on_error == "skip", key_prefix, start_row); });
  }, py::arg("actor"), py::arg("rows"), py::kw_only(), py::arg("progress") = py::none(), py::arg("every") = 1000,
  py::arg("on_error") = "raise", py::arg("idempotency_prefix") = "", py::arg("start_row") = 1,
  "Submits many opinions: rows are SubmitOpinion objects or dicts of its fields (a dict may give \"topic\" and "
  "\"text\" for a one-item opinion). progress(done, total) is called every `every` rows; returning False "
"cancels. idempotency_prefix makes re-running an import safe (row n gets key prefix+n). Rows are checked "
  "(fields, types) before any is submitted; then each row is one command, committed on its own: an import is "
  "resumable, not all-or-nothing. A failing row raises with .row, .resume_row and .report (the rows before it "
  "are committed, none from it on); pass start_row=resume_row to go on.");

  engine.def("import_csv", [](PyEngine& en, PersonId actor, std::string path, UnitId unit, ConferenceId conference,
                              Channel channel, Date raised_on, py::object progress, std::size_t every,
                              const std::string& on_error, std::string key_prefix, std::size_t start_row) {
    if (on_error != "raise" && on_error != "skip") invalid("on_error is \"raise\" or \"skip\"");
    if (every == 0) invalid("every must be positive");
    const PyEngine::Use use = en.use();  // the import holds the engine open (close() waits for it)
    return run_released([&] {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw Error(ErrorCode::not_found, "cannot open CSV file " + path);
    std::stringstream ss;
    ss << f.rdbuf();
    // src/csv_import.h: the reading shared with the C ABI (codes resolved on the state as it is).
    const detail::CsvDefaults defaults{unit, conference, channel, raised_on};
    const detail::CsvOpinions read =
        use->read([&](const State& s) { return detail::read_opinions_csv(s, ss.str(), defaults); });
    const auto& cmds = read.commands;
    const auto& numbers = read.lines;
    return run_import(*use, actor, cmds, numbers, progress, every, on_error == "skip", key_prefix, start_row);
    });
  }, py::arg("actor"), py::arg("path"), py::kw_only(), py::arg("unit") = py::none(),
  py::arg("conference") = py::none(), py::arg("channel") = Channel::letter, py::arg("raised_on") = py::none(),
  py::arg("progress") = py::none(), py::arg("every") = 1000, py::arg("on_error") = "raise",
  py::arg("idempotency_prefix") = "", py::arg("start_row") = 1,
  "Imports opinions from a UTF-8 CSV file with a header row. Columns: topic, text (required); unit, conference, "
  "channel, raised_by (id or person code), raised_by_org, raised_on, opinion (consecutive rows with the same "
  "non-empty opinion key become items of one opinion), lat, long, address (the row's item's own place), "
  "withhold_name (true/false/1/0). Missing columns take the keyword defaults. Parsing "
  "and the loop run without the GIL. The whole file is read and every row converted before any is submitted "
  "(a row that cannot be read imports nothing); then each opinion is committed on its own, resumable as in "
  "import_opinions (rows are the file's line numbers, the header being line 1).");
}

}  // namespace dtpy
