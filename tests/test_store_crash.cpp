// Crash safety of the SQLite store, in the manner of SQLite's own crash tests: a child
// process appends in a loop and is killed with SIGKILL at a random moment; the parent then
// opens the file and checks that every append the child reported (after commit returned)
// is there, that no batch is partly there, and that the chain verifies.
// DOITHOAI_CRASH_ITERATIONS=5000 runs a stress mode (default 200).
// The engine's group commit gets the same treatment: a child runs writer threads on one
// engine, each reporting every acknowledged command through the pipe; after the kill every
// reported command must be in the log under its key.
// A SIGKILL kills the process, not the machine: this proves atomicity and that an
// acknowledged commit is in the file; surviving power loss is fsync's job (Sync::full).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <map>
#include <random>
#include <thread>
#include <vector>

#include "store_support.h"

using namespace doithoai;

using namespace sx;

namespace {

// "s<first seq>-<part>/<parts>": which batch an event belongs to and how big it was.
std::string mark(std::uint64_t first, std::size_t part, std::size_t parts) {
  return "s" + std::to_string(first) + "-" + std::to_string(part) + "/" + std::to_string(parts);
}

[[noreturn]] void child(const std::string& path, const SqliteOptions& options, int out) {
  try {
    SqliteStore store(path, options);
    std::uint64_t n = 0;
    for (;;) {
      const std::uint64_t first = store.last_seq() + 1;
      const std::size_t parts = 1 + (first + n++) % 4;  // batches of 1..4 events
      Batch b;
      b.partition = UnitId(1 + static_cast<std::uint32_t>(first % 3));
      b.idempotency_key = "k" + std::to_string(first);
      for (std::size_t j = 1; j <= parts; ++j)
        b.events.push_back(Recorded{first + j - 1, at(2022, 11, 10), kSystemActor,
                                    ev::UnitRenamed{UnitId(1), mark(first, j, parts), Date(2022, 11, 10)}});
      store.append(b);
      const std::uint64_t acked = first + parts - 1;
      if (write(out, &acked, sizeof acked) != sizeof acked) _exit(3);
    }
  } catch (...) {
    _exit(2);
  }
}

void crash_loop(const SqliteOptions& options, int iterations) {
  if (const char* env = std::getenv("DOITHOAI_CRASH_ITERATIONS")) iterations = std::max(1, std::atoi(env));
  TempDir dir;
  const std::string path = dir.file("crash.db");
  std::mt19937 rng(20221110);
  std::uint64_t acked_total = 0;
  int killed_mid_run = 0;
  for (int it = 0; it < iterations; ++it) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      close(fds[0]);
      child(path, options, fds[1]);
    }
    close(fds[1]);
    std::uint64_t acked = 0, v = 0;
    // Kill at a random moment: one child in four at any time (often while opening), the
    // others after their first acknowledged append, so that most kills land in the middle of
    // appends however slowly a loaded machine starts the child.
    if (it % 4 != 0) {
      pollfd p{fds[0], POLLIN, 0};
      if (poll(&p, 1, 10000) == 1 && read(fds[0], &v, sizeof v) == static_cast<ssize_t>(sizeof v)) acked = v;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, 30000)(rng)));
    REQUIRE(kill(pid, SIGKILL) == 0);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    // The child must have died of the kill, not of an error of its own.
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(WTERMSIG(status) == SIGKILL);
    while (read(fds[0], &v, sizeof v) == static_cast<ssize_t>(sizeof v)) acked = std::max(acked, v);
    close(fds[0]);
    if (acked > 0) ++killed_mid_run;  // this child had committed at least one append
    acked_total = std::max(acked_total, acked);

    SqliteStore store(path, options);  // verifies the chain; throws corruption otherwise
    INFO("iteration " << it << ", acknowledged " << acked_total << ", in file " << store.last_seq());
    REQUIRE(store.last_seq() >= acked_total);
    // The last batch in the file is whole (earlier ones were checked when they were last).
    std::uint64_t expect_first = 0;
    std::size_t expect_parts = 0, next_part = 1;
    const std::uint64_t from = store.last_seq() > 8 ? store.last_seq() - 8 : 1;
    bool started = false;
    store.read(from, [&](const Recorded& r, std::string_view key) {
      const auto& name = std::get<ev::UnitRenamed>(r.event).name;
      unsigned long long first = 0;
      unsigned part = 0, parts = 0;
      REQUIRE(std::sscanf(name.c_str(), "s%llu-%u/%u", &first, &part, &parts) == 3);
      if (!started) {
        if (part != 1) return true;  // skip to a batch start
        started = true;
      }
      if (part == 1) {
        REQUIRE(next_part == expect_parts + 1);  // the previous batch was complete
        REQUIRE(first == r.seq);
        REQUIRE(key == "k" + std::to_string(first));
        expect_first = first;
        expect_parts = parts;
        next_part = 1;
      }
      REQUIRE(first == expect_first);
      REQUIRE(part == next_part);
      ++next_part;
      return true;
    });
    if (started) REQUIRE(next_part == expect_parts + 1);  // the last batch is complete
    acked_total = std::max(acked_total, store.last_seq());  // committed but unreported counts too now
  }
  SqliteStore store(path, options);
  REQUIRE(store.verify().ok);
  // The kills landed while appends were running, not only before the first one.
  INFO(killed_mid_run << " of " << iterations << " children were killed after committing");
  REQUIRE(killed_mid_run > iterations / 4);
}

// What a child's writer thread reports after execute returned (written whole: < PIPE_BUF).
struct Ack {
  std::uint32_t thread = 0, k = 0;
  std::uint64_t first_seq = 0;
};

std::string crash_key(int it, std::uint32_t t, std::uint32_t k) {
  return "c" + std::to_string(it) + "-" + std::to_string(t) + "-" + std::to_string(k);
}

[[noreturn]] void engine_child(const std::string& path, const Directory& d, int it, int out) {
  try {
    auto e = open_engine(builtin_profile("hanoi-2200"), path, options(sx::clock()));
    std::vector<std::thread> threads;
    for (std::uint32_t t = 0; t < 8; ++t)
      threads.emplace_back([&, t] {
        try {
          for (std::uint32_t k = 0;; ++k) {
            const std::string key = crash_key(it, t, k);
            const Result r = e->execute(d.office,
                                        cmd::SubmitOpinion{d.ward, ConferenceId(), Channel::letter, d.resident,
                                                           OrganizationId(), Date(), "", {{"land", key}}},
                                        key);
            const Ack a{t, k, r.first_seq};
            if (write(out, &a, sizeof a) != sizeof a) _exit(3);
          }
        } catch (...) {
          _exit(2);
        }
      });
    for (auto& th : threads) th.join();
  } catch (...) {
    _exit(2);
  }
  _exit(4);
}

}  // namespace

TEST_CASE("engine crash: SIGKILL during grouped commits from 8 threads loses no acknowledged command") {
  int iterations = 24;
  if (const char* env = std::getenv("DOITHOAI_CRASH_ITERATIONS")) iterations = std::max(1, std::atoi(env) / 8);
  TempDir dir;
  const std::string path = dir.file("engine-crash.db");
  Directory d;
  {
    auto e = open_engine(builtin_profile("hanoi-2200"), path, options(sx::clock()));
    d = build_directory(*e);
  }
  std::mt19937 rng(20261202);
  int killed_mid_run = 0;
  std::size_t acked_total = 0;
  for (int it = 0; it < iterations; ++it) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      close(fds[0]);
      engine_child(path, d, it, fds[1]);
    }
    close(fds[1]);
    std::vector<Ack> acks;
    Ack a;
    // After the first acknowledgement (the engine is open and committing), at a random moment.
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, 10000) == 1 && read(fds[0], &a, sizeof a) == static_cast<ssize_t>(sizeof a)) acks.push_back(a);
    std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, 40000)(rng)));
    REQUIRE(kill(pid, SIGKILL) == 0);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(WTERMSIG(status) == SIGKILL);
    while (read(fds[0], &a, sizeof a) == static_cast<ssize_t>(sizeof a)) acks.push_back(a);
    close(fds[0]);
    if (!acks.empty()) ++killed_mid_run;
    acked_total += acks.size();

    SqliteStore store(path);  // verifies the chain
    std::map<std::uint64_t, std::string> keys;
    store.read(1, [&](const Recorded& r, std::string_view key) {
      if (!key.empty()) keys[r.seq] = std::string(key);
      return true;
    });
    for (const Ack& x : acks) {
      INFO("iteration " << it << ": thread " << x.thread << " command " << x.k << " at " << x.first_seq);
      const auto found = keys.find(x.first_seq);
      REQUIRE(found != keys.end());
      REQUIRE(found->second == crash_key(it, x.thread, x.k));
    }
    // Reopening replays the log into an engine that agrees with it.
    auto e = open_engine(builtin_profile("hanoi-2200"), path, options(sx::clock()));
    REQUIRE(e->last_seq() == store.last_seq());
  }
  INFO(killed_mid_run << " of " << iterations << " children killed after committing; " << acked_total << " acknowledged");
  REQUIRE(killed_mid_run > iterations / 2);
  REQUIRE(acked_total > static_cast<std::size_t>(iterations));
}

TEST_CASE("sqlite crash: every acknowledged append survives SIGKILL and no batch is partly there") {
  crash_loop(SqliteOptions{}, 200);
}

TEST_CASE("sqlite crash with Sync::normal: a killed process loses no acknowledged append either") {
  // What normal gives up is surviving a power cut or OS crash (the WAL is not synced at
  // each commit); a process crash leaves the commit in the OS's cache, so it is kept.
  SqliteOptions normal;
  normal.sync = SqliteOptions::Sync::normal;
  crash_loop(normal, 100);
}
