// long_read_bench: command latency while a long past-date read runs (issue 16, "Long reads
// do not stall the engine").
//   long_read_bench [items=1000000] [seconds per run=10] [--no-sqlite] [--no-memory]
// A province of 100 wards (bench/lifecycle.h) gets `items` items over 100 days (every other
// one assigned); a later day then starts. One thread runs past-date accountings of the
// province (as of a day after every item, before the last event: each rebuilds the whole log,
// EngineOptions::past_states_cached = 0) back to back, while a client executes a command (a
// letter, then its assignment) at a steady pace (every 1 ms in memory, 4 ms on SQLite); we
// report the median, p99 and worst command latency, measured from when each command was
// due, side by side in one process for:
//  - quiet:    no long read (the floor);
//  - old path: the accounting rebuilt as before this change, the log scanned inside
//              Engine::read (the shared lock held for the whole scan);
//  - new path: Engine::accounting as it is (no engine lock during the scan on SQLite; in
//              slices of 1,024 events under the lock on the in-memory log).
// On the in-memory engine, and on a SqliteStore (WAL, synchronous=NORMAL) whose log is built
// once into /tmp/doithoai-long-read-<items>.db and reused (delete it to rebuild).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "doithoai/doithoai.h"
#include "lifecycle.h"
#include "state_access.h"

using namespace doithoai;
namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

namespace {

const Date kFirstDay(2023, 1, 2);
const Date kPastDay(2023, 5, 1);   // after every item (100 days from kFirstDay)
const Date kLiveDay(2023, 6, 1);   // the day commands run on

Instant at(Date d, int hour_local) { return Instant(d, boost::posix_time::hours(hour_local - 7)); }

// The province and `items` items, every other one assigned, then one event on kLiveDay.
benchlife::Province build(Engine& e, ManualClock& clock, std::size_t items) {
  clock.set(at(kFirstDay - boost::gregorian::date_duration(1), 9));
  const benchlife::Province p = benchlife::build_province(e);
  cmd::SubmitOpinion submit{UnitId(), ConferenceId(), Channel::online_portal, PersonId(), OrganizationId(), Date(), "",
                            {{"land", ""}}};
  const std::size_t per_day = std::max<std::size_t>(1, items / 100);
  for (std::size_t i = 0; i < items; ++i) {
    if (i % per_day == 0) clock.set(at(kFirstDay + boost::gregorian::date_duration(static_cast<int>(i / per_day)), 8));
    const benchlife::Ward& w = p.wards[i % p.wards.size()];
    submit.unit = w.unit;
    submit.raised_by = w.resident;
    submit.items[0].text = "Kiến nghị số " + std::to_string(i);
    const ItemId item = e.execute(w.resident, submit).items[0];
    if (i % 2 == 0) e.execute(w.office, cmd::Assign{item, w.agency, std::nullopt});
  }
  clock.set(at(kLiveDay, 9));
  const benchlife::Ward& w = p.wards[0];
  submit.unit = w.unit;
  submit.raised_by = w.resident;
  submit.items[0].text = "Kiến nghị ngày mới";
  e.execute(w.resident, submit);
  return p;
}

// The accounting as of kPastDay the way the engine computed it before this change: the log
// scanned into a fresh state under the engine's shared lock (Engine::read).
Accounting old_path_accounting(const Engine& e, UnitId unit) {
  return e.read([&](const State&) {
    State s;
    s.set_zone_offset_minutes(e.profile().zone_offset_minutes);
    const Instant end = Instant(kPastDay + boost::gregorian::date_duration(1)) -
                        boost::posix_time::minutes(e.profile().zone_offset_minutes) -
                        boost::posix_time::microseconds(1);
    e.store().read(1, [&](const Recorded& r, std::string_view) {
      if (r.at > end) return false;
      detail::StateAccess::apply(s, r);
      return true;
    });
    return s.accounting(unit, kPastDay);
  });
}

struct Figures {
  std::size_t commands = 0;
  double p50 = 0, p99 = 0, worst = 0;  // ms
  std::size_t reads = 0;
  double read_s = 0;  // mean seconds per long read
  std::uint64_t items = 0;
};

enum class Mode { quiet, old_path, new_path };

// The offered load: a command every millisecond on the in-memory engine, every 4 on SQLite
// (a durable commit takes about a millisecond on the 2-core machine, more when it is busy).
std::chrono::microseconds interval_for(const EventStore& s) {
  return std::chrono::microseconds(s.reads_while_appending() ? 4000 : 1000);
}

Figures run(Engine& e, const benchlife::Province& p, Mode mode, double seconds) {
  Figures f;
  std::atomic<bool> started{mode == Mode::quiet};
  std::vector<double> reads_s;
  std::thread reader;
  const auto begin = SteadyClock::now();
  const auto end = begin + std::chrono::duration<double>(seconds);
  if (mode != Mode::quiet) {
    // Reads start until the run's time is up (a command delayed past it still runs, and
    // still counts from when it was due).
    reader = std::thread([&] {
      while (SteadyClock::now() < end) {
        const auto t0 = SteadyClock::now();
        started = true;
        const Accounting a =
            mode == Mode::old_path ? old_path_accounting(e, p.unit) : e.accounting(p.unit, kPastDay);
        reads_s.push_back(std::chrono::duration<double>(SteadyClock::now() - t0).count());
        f.items = a.items;
      }
    });
  }
  while (!started) std::this_thread::yield();
  std::vector<double> lat;
  lat.reserve(1 << 16);
  cmd::SubmitOpinion submit{UnitId(), ConferenceId(), Channel::letter, PersonId(), OrganizationId(), Date(), "",
                            {{"land", "Thư trong lúc đọc"}}};
  // A client paced at one command every kInterval: each latency is measured from the time the
  // command was due (not from when a stalled client got round to sending it), so a stall
  // counts for every command it delayed (no coordinated omission).
  std::size_t k = 0;
  ItemId item;
  const auto interval = interval_for(e.store());
  for (auto due = begin; due < end; due += interval, ++k) {
    std::this_thread::sleep_until(due);
    const benchlife::Ward& w = p.wards[(k / 2) % p.wards.size()];
    if (k % 2 == 0) {
      submit.unit = w.unit;
      submit.raised_by = w.resident;
      item = e.execute(w.office, submit).items[0];
    } else {
      e.execute(w.office, cmd::Assign{item, w.agency, std::nullopt});
    }
    lat.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - due).count());
  }
  if (reader.joinable()) reader.join();
  std::sort(lat.begin(), lat.end());
  f.commands = lat.size();
  if (!lat.empty()) {
    f.p50 = lat[lat.size() / 2];
    f.p99 = lat[std::min(lat.size() - 1, lat.size() * 99 / 100)];
    f.worst = lat.back();
  }
  f.reads = reads_s.size();
  for (double r : reads_s) f.read_s += r / static_cast<double>(reads_s.size());
  return f;
}

void report(const char* store, Engine& e, const benchlife::Province& p, double seconds) {
  const char* names[] = {"quiet (no long read)", "old path (lock held)", "new path"};
  std::printf("\n%s, %llu events; each run %.1f s\n", store, static_cast<unsigned long long>(e.last_seq()), seconds);
  std::printf("  %-22s %9s %9s %9s %9s %7s %9s\n", "", "commands", "p50 ms", "p99 ms", "worst ms", "reads",
              "read s");
  run(e, p, Mode::quiet, 1);  // warm-up, not reported (a fresh store's first commits are slow)
  for (Mode m : {Mode::quiet, Mode::old_path, Mode::new_path}) {
    const Figures f = run(e, p, m, seconds);
    std::printf("  %-22s %9zu %9.3f %9.3f %9.1f %7zu %9.2f\n", names[static_cast<int>(m)], f.commands, f.p50,
                f.p99, f.worst, f.reads, f.read_s);
    std::fflush(stdout);
    if (m != Mode::quiet && f.items == 0) {
      std::fprintf(stderr, "the past-date accounting found no items\n");
      std::exit(1);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t items = 1000000;
  double seconds = 10;
  bool sqlite = true, memory = true;
  int positional = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--no-sqlite") == 0) sqlite = false;
    else if (std::strcmp(argv[i], "--no-memory") == 0) memory = false;
    else if (positional++ == 0) items = std::strtoull(argv[i], nullptr, 10);
    else seconds = std::atof(argv[i]);
  }
  auto clock = std::make_shared<ManualClock>(at(kFirstDay, 9));
  EngineOptions options;
  options.clock = clock;
  options.past_states_cached = 0;  // every accounting rebuilds from the log
  const fs::path file = fs::temp_directory_path() / ("doithoai-long-read-" + std::to_string(items) + ".db");
  const bool have_file = fs::exists(file);
  benchlife::Province province;
  if (memory || (sqlite && !have_file)) {
    Engine e(builtin_profile("hanoi-2200"), options);
    const auto t0 = SteadyClock::now();
    province = build(e, *clock, items);
    std::printf("built %zu items (%llu events) in memory in %.1f s\n", items,
                static_cast<unsigned long long>(e.last_seq()),
                std::chrono::duration<double>(SteadyClock::now() - t0).count());
    if (sqlite && !have_file) {
      // The log into the SQLite file, many commands per transaction (the events of each
      // command as its own batch; keys none), then a snapshot so that reopening is quick.
      const auto t1 = SteadyClock::now();
      SqliteOptions so;
      so.sync = SqliteOptions::Sync::normal;
      {
        SqliteStore out((file.string() + ".part"), so);
        std::uint64_t from = 1;
        for (;;) {
          const std::vector<Recorded> ev = e.events(from, 20000);
          if (ev.empty()) break;
          std::vector<Batch> batches(ev.size());
          std::vector<const Batch*> group;
          for (std::size_t i = 0; i < ev.size(); ++i) {
            batches[i].events.push_back(ev[i]);
            group.push_back(&batches[i]);
          }
          out.append_group(group);
          from = ev.back().seq + 1;
        }
      }
      {  // a snapshot, so that opening replays nothing
        Engine kept(builtin_profile("hanoi-2200"), std::make_unique<SqliteStore>(file.string() + ".part", so), options);
        kept.snapshot();
      }
      fs::rename(file.string() + ".part", file);
      std::error_code ec;
      fs::remove(file.string() + ".part-wal", ec);
      fs::remove(file.string() + ".part-shm", ec);
      std::printf("wrote %s in %.1f s\n", file.c_str(),
                  std::chrono::duration<double>(SteadyClock::now() - t1).count());
    }
    if (memory) report("in-memory engine (MemoryStore)", e, province, seconds);
  }
  if (sqlite) {
    SqliteOptions so;
    so.sync = SqliteOptions::Sync::normal;
    // A copy per run: the commands the runs add do not grow the kept file.
    const fs::path copy = file.string() + ".run";
    std::error_code ec;
    fs::remove(copy.string() + "-wal", ec);  // a run killed earlier leaves its WAL behind
    fs::remove(copy.string() + "-shm", ec);
    fs::copy_file(file, copy, fs::copy_options::overwrite_existing);
    {
      clock->set(at(kLiveDay, 9));
      const auto t0 = SteadyClock::now();
      Engine e(builtin_profile("hanoi-2200"), std::make_unique<SqliteStore>(copy.string(), so), options);
      std::printf("opened %s (%llu events) in %.1f s\n", copy.c_str(), static_cast<unsigned long long>(e.last_seq()),
                  std::chrono::duration<double>(SteadyClock::now() - t0).count());
      // The province's ids are the same as in the log it was built into.
      if (province.wards.empty()) {
        EngineOptions o;
        o.clock = std::make_shared<ManualClock>(at(kFirstDay, 9));
        Engine scratch(builtin_profile("hanoi-2200"), o);
        province = benchlife::build_province(scratch);
      }
      report("engine on SQLite (WAL, synchronous=NORMAL)", e, province, seconds);
    }
    fs::remove(copy, ec);
    fs::remove(copy.string() + "-wal", ec);
    fs::remove(copy.string() + "-shm", ec);
  }
  return 0;
}
