// tools/cli/cli.h: what the parts of the `doithoai` command share: the parsed command
// line, the exit codes, and opening a store with the profile it remembers.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "doithoai/doithoai.h"

namespace doithoai_cli {

// Exit codes (docs/cli.md; `doithoai --help` prints them). One per ErrorCode, plus usage
// and internal. Persistent: scripts test them.
enum Exit : int {
  kOk = 0,
  kInternal = 1,      // a bug or an unexpected failure (out of memory ...)
  kUsage = 2,         // bad command line
  kNotFound = 3,      // not_found: a store, file, id or code that names nothing
  kPermission = 4,    // permission_denied: the actor lacks the role (R19)
  kInvalid = 5,       // invalid_argument: malformed input (JSON, CSV, dates, text)
  kTransition = 6,    // invalid_transition: not allowed in the current state
  kConflict = 7,      // conflict: a reused idempotency key, another writer, a different profile
  kStorage = 8,       // storage: I/O, full disk, a file that is not SQLite, output not written
  kCorruption = 9,    // corruption: the hash chain or a checksum fails (verify)
  kUnsupported = 10,  // unsupported
};
int exit_code(doithoai::ErrorCode code);

// A command-line mistake: exit 2 with the message and a hint to --help.
struct UsageError {
  std::string message;
};

struct Args {
  std::string command;                       // "report", "calendar deadline", ...
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // "--unit" -> "3"; flags map to ""
  bool has(const std::string& o) const { return options.count(o) != 0; }
  std::optional<std::string> get(const std::string& o) const {
    auto it = options.find(o);
    return it == options.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
};

// An engine on a SQLite store file, with the profile the store remembers (or --profile).
struct Opened {
  doithoai::SqliteStore* store = nullptr;  // owned by engine
  std::unique_ptr<doithoai::Engine> engine;
  std::shared_ptr<doithoai::ManualClock> manual_clock;  // set when --today / DOITHOAI_TODAY
};

// The setting a store keeps its profile under (docs/store.md).
inline constexpr const char* kProfileSetting = "profile";

// A built-in profile name, or a JSON file.
doithoai::Profile profile_from_arg(const std::string& name_or_file);
// What init records: the name of a built-in profile, or the profile's JSON.
std::string profile_setting_value(const std::string& name_or_file, const doithoai::Profile& p);
// --today / DOITHOAI_TODAY: a date (the start of that local day) or an instant; nullopt: none.
std::optional<doithoai::Instant> manual_now(const Args& a);
Opened open_engine_on(const Args& a, const std::string& path);
// A unit given by id or code.
doithoai::UnitId unit_arg(const doithoai::Engine& e, const std::string& v, const char* what);
doithoai::Date date_arg(const std::string& v, const char* what);

// report.cpp
std::string report_text(const doithoai::Report& r);
std::string report_csv(const doithoai::Report& r);
// Pads or cuts UTF-8 text to n characters.
std::string cut(const std::string& s, std::size_t n);

// csv_import.cpp: the opinion import of `doithoai import STORE FILE.csv`.
int import_csv(const Args& a, Opened& o, const std::string& file);

}  // namespace doithoai_cli
