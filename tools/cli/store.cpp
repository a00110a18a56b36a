// tools/cli/store.cpp: opening a store with the profile it remembers (docs/store.md,
// "Settings"), the clock of --today, and the argument forms shared by the subcommands.
#include <sys/stat.h>

#include <cstdlib>
#include <iostream>

#include "cli.h"
#include "progress.h"

using namespace doithoai;

namespace doithoai_cli {

namespace {

bool is_builtin(const std::string& name) {
  for (const auto& n : builtin_profile_names())
    if (n == name) return true;
  return false;
}

bool exists(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0;
}

// A profile from what a store keeps: a built-in name, or the profile's JSON.
Profile profile_from_setting(const std::string& value) {
  if (!value.empty() && value[0] == '{') return load_profile(parse_json(value));
  return builtin_profile(value);
}

}  // namespace

Profile profile_from_arg(const std::string& v) {
  if (is_builtin(v)) return builtin_profile(v);
  if (exists(v)) return load_profile_file(v);
  std::string names;
  for (const auto& n : builtin_profile_names()) names += (names.empty() ? "" : ", ") + n;
  throw Error(ErrorCode::not_found, "profile '" + v + "' is neither a built-in profile (" + names + ") nor a file");
}

std::string profile_setting_value(const std::string& v, const Profile& p) {
  return is_builtin(v) ? v : profile_to_json(p).dump();
}

Date date_arg(const std::string& v, const char* what) {
  try {
    const Date d = parse_date(v);
    check_date(d, what);
    return d;
  } catch (const Error&) {
    throw;
  } catch (const std::exception&) {
    throw Error(ErrorCode::invalid_argument, std::string(what) + ": '" + v + "' is not a date (YYYY-MM-DD)");
  }
}

std::optional<Instant> manual_now(const Args& a) {
  std::string v;
  if (auto t = a.get("--today")) v = *t;
  else if (const char* env = std::getenv("DOITHOAI_TODAY"); env && *env) v = env;
  else return std::nullopt;
  if (v.size() == 10) {
    // A date: the start of that day in Vietnam's zone (UTC+7), the zone of every built-in
    // profile.
    const Date d = date_arg(v, "--today");
    return Instant(d, boost::posix_time::hours(0)) - boost::posix_time::hours(7);
  }
  try {
    return parse_instant(v);
  } catch (const Error&) {
    throw;
  } catch (const std::exception&) {
    throw Error(ErrorCode::invalid_argument,
                "--today: '" + v + "' is not a date (2022-09-30) or an instant (2022-09-30T14:00:00+07:00)");
  }
}

Opened open_engine_on(const Args& a, const std::string& path) {
  if (!exists(path))
    throw Error(ErrorCode::not_found, "no store at " + path + " (create one with: doithoai init " + path +
                                          " --profile NAME)");
  SqliteOptions so;
  so.create = false;
  auto store = std::make_unique<SqliteStore>(path, so);
  const std::optional<std::string> kept = store->setting(kProfileSetting);
  Profile profile;
  if (auto given = a.get("--profile")) {
    profile = profile_from_arg(*given);
    if (kept && profile_to_json(profile) != profile_to_json(profile_from_setting(*kept)))
      std::cerr << "doithoai: warning: --profile " << *given << " differs from the profile store " << path
                << " was created with; using " << *given << " for this run\n";
  } else if (kept) {
    profile = profile_from_setting(*kept);
  } else {
    throw UsageError{"store " + path + " records no profile: run doithoai init " + path +
                     " --profile NAME, or give --profile"};
  }
  Opened o;
  o.store = store.get();
  EngineOptions eo;
  if (const auto now = manual_now(a)) {
    o.manual_clock = std::make_shared<ManualClock>(*now);
    eo.clock = o.manual_clock;
  }
  // A snapshot every 10,000 events, so that a large store opens from its latest image
  // instead of replaying the whole log at every command.
  eo.snapshot_every = 10000;
  // A spinner while the snapshot loads, then a bar over the events replayed after it.
  o.engine = with_progress("opening " + path, [&](Meter& m) {
    eo.replay_progress = [&m](std::uint64_t done, std::uint64_t total) { m.set(done, total); };
    return std::make_unique<Engine>(std::move(profile), std::move(store), eo);
  });
  return o;
}

UnitId unit_arg(const Engine& e, const std::string& v, const char* what) {
  if (!v.empty() && v.size() < 10 && v.find_first_not_of("0123456789") == std::string::npos) {
    const UnitId id(static_cast<std::uint32_t>(std::stoul(v)));
    (void)e.unit(id);  // not_found for an unknown id
    return id;
  }
  const auto found = e.read([&](const State& s) { return s.find_unit(v); });
  if (!found) throw Error(ErrorCode::not_found, std::string(what) + ": no unit with code '" + v + "'");
  return *found;
}

}  // namespace doithoai_cli
