// tools/cli/csv_import.cpp: `doithoai import STORE FILE.csv`, opinions from a spreadsheet.
// The file is read by the library's CSV reader (src/csv_import.h), as Python's
// Engine.import_csv and the C ABI's import_csv read it: same format, all rows read first.
// The helpers below read the command-line options (--actor, --conference).
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>

#include "cli.h"
#include "csv_import.h"
#include "progress.h"

using namespace doithoai;

namespace doithoai_cli {

namespace {

[[noreturn]] void invalid(const std::string& m) { throw Error(ErrorCode::invalid_argument, m); }

template <class IdT>
IdT checked_id(const std::string& v, const char* column, std::size_t row) {
  std::uint64_t n = 0;
  bool ok = !v.empty() && v.size() <= 10;
  for (const char ch : v) {
    if (ch < '0' || ch > '9') ok = false;
    else n = n * 10 + static_cast<std::uint64_t>(ch - '0');
  }
  if (!ok || n >= std::numeric_limits<std::uint32_t>::max())
    invalid("CSV row " + std::to_string(row) + ", column '" + column +
            "': expected an id (an integer in 0..4294967294), got '" + v + "'");
  return IdT(static_cast<std::uint32_t>(n));
}

template <class IdT>
IdT id_or_code(const State& s, const std::string& v, const char* what, std::size_t row) {
  if (v.empty()) return IdT();
  if (v.find_first_not_of("0123456789") == std::string::npos && v.size() < 10) return checked_id<IdT>(v, what, row);
  std::optional<IdT> found;
  if constexpr (std::is_same_v<IdT, UnitId>) found = s.find_unit(v);
  else if constexpr (std::is_same_v<IdT, PersonId>) found = s.find_person(v);
  if (!found) throw Error(ErrorCode::not_found, "CSV row " + std::to_string(row) + ": no " + what + " with code '" + v + "'");
  return *found;
}

}  // namespace

int import_csv(const Args& a, Opened& o, const std::string& path) {
  Engine& en = *o.engine;
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(ErrorCode::not_found, "cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  // Defaults from the options; the rows are read by the library's CSV reader (src/csv_import.h,
  // the same as Python's Engine.import_csv and the C ABI's import_csv).
  PersonId actor = kSystemActor;
  detail::CsvDefaults defaults;
  en.read([&](const State& s) {
    if (auto v = a.get("--actor"); v && *v != "system") actor = id_or_code<PersonId>(s, *v, "person", 0);
    if (auto v = a.get("--conference")) defaults.conference = checked_id<ConferenceId>(*v, "--conference", 0);
    return 0;
  });
  if (auto v = a.get("--unit")) defaults.unit = unit_arg(en, *v, "--unit");
  if (auto v = a.get("--channel")) defaults.channel = parse_enum<Channel>(*v);
  if (auto v = a.get("--raised-on")) defaults.raised_on = date_arg(*v, "--raised-on");
  detail::CsvOpinions read = en.read([&](const State& s) { return detail::read_opinions_csv(s, ss.str(), defaults); });
  const std::vector<cmd::SubmitOpinion>& cmds = read.commands;
  const std::vector<std::size_t>& lines = read.lines;

  const bool keep_going = a.has("--keep-going");
  const std::string prefix = a.get("--key-prefix").value_or("");
  Progress progress("import", cmds.size());
  std::size_t submitted = 0, items = 0, failed = 0, replayed = 0;
  int first_failure = kOk;
  for (std::size_t i = 0; i < cmds.size(); ++i) {
    try {
      const Result r = en.execute(actor, cmds[i], prefix.empty() ? std::string() : prefix + std::to_string(lines[i]));
      ++submitted;
      items += r.items.size();
      replayed += r.replayed;
    } catch (const Error& e) {
      ++failed;
      if (first_failure == kOk) first_failure = exit_code(e.code());
      progress.clear();
      std::cerr << "doithoai: CSV row " << lines[i] << ": " << to_string(e.code()) << ": " << e.what() << "\n";
      if (!keep_going) {
        std::cout << "imported " << submitted << " opinions (" << items << " items) from " << path
                  << "; stopped at row " << lines[i] << " (the rows before it are committed; fix it and run again"
                  << (prefix.empty() ? " on the remaining rows)" : ": --key-prefix skips the committed ones)") << "\n";
        return first_failure;
      }
    }
    progress.update(i + 1);
  }
  progress.clear();
  std::cout << "imported " << submitted << " opinions (" << items << " items) from " << path;
  if (replayed) std::cout << "; " << replayed << " were already imported (same idempotency key)";
  if (failed) std::cout << "; " << failed << " rows failed";
  std::cout << "\n";
  return first_failure;
}

}  // namespace doithoai_cli
