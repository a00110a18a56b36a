// tools/cli/progress.h: the progress line the `doithoai` command draws on stderr for long
// work, only when stderr is a terminal (and --no-progress was not given). A determinate
// bar when the total is known (rows, bytes, events), otherwise a spinner with the elapsed
// time. with_progress draws from a ticker thread around a call that reports its progress
// through a Meter (verify, replay at opening) or reports nothing (a report, an in-memory
// export: a spinner).
// Redraws at most 10 times a second; the line is erased when the work ends, so nothing of
// it stays in the terminal's scrollback and nothing at all reaches a pipe or a file.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

namespace doithoai_cli {

// Set once by main: stderr is a terminal and progress was not switched off.
inline bool& progress_enabled() {
  static bool on = false;
  return on;
}

class Progress {
 public:
  // total 0: unknown (a spinner with the count done).
  Progress(std::string label, std::uint64_t total) : label_(std::move(label)), total_(total) {}
  ~Progress() { clear(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // The total became known (or changed): a bar from now on (0: a spinner).
  void set_total(std::uint64_t total) { total_ = total; }

  void update(std::uint64_t done) {
    if (!progress_enabled()) return;
    const auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    draw(done);
  }
  void clear() {
    if (drawn_) std::fputs("\r\x1b[2K", stderr), std::fflush(stderr);
    drawn_ = false;
  }

 private:
  void draw(std::uint64_t done) {
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    char line[256];
    if (total_ > 0) {
      const double f = done >= total_ ? 1.0 : static_cast<double>(done) / static_cast<double>(total_);
      const int width = 30, fill = static_cast<int>(f * width);
      std::string bar(static_cast<std::size_t>(fill), '#');
      bar.append(static_cast<std::size_t>(width - fill), '.');
      std::snprintf(line, sizeof line, "\r\x1b[2K%s [%s] %3d%% %.1fs", label_.c_str(), bar.c_str(),
                    static_cast<int>(f * 100), secs);
    } else {
      static const char spin[] = "|/-\\";
      if (done > 0)
        std::snprintf(line, sizeof line, "\r\x1b[2K%s %c %llu %.1fs", label_.c_str(), spin[ticks_++ % 4],
                      static_cast<unsigned long long>(done), secs);
      else
        std::snprintf(line, sizeof line, "\r\x1b[2K%s %c %.1fs", label_.c_str(), spin[ticks_++ % 4], secs);
    }
    std::fputs(line, stderr);
    std::fflush(stderr);
    drawn_ = true;
  }

  std::string label_;
  std::uint64_t total_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_{};
  bool drawn_ = false;
  unsigned ticks_ = 0;
};

// What long work reports to the ticker of with_progress: rows done of a total (0: unknown,
// a spinner). Set from the working thread, drawn by the ticker.
class Meter {
 public:
  void set(std::uint64_t done, std::uint64_t total) {
    done_.store(done, std::memory_order_relaxed);
    total_.store(total, std::memory_order_relaxed);
  }
  std::uint64_t done() const { return done_.load(std::memory_order_relaxed); }
  std::uint64_t total() const { return total_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> done_{0}, total_{0};
};

// Runs f(meter) while a ticker thread draws a Progress line from the meter: a bar once f
// has set a total, a spinner before (after a 300 ms grace, so quick work draws nothing).
// Returns what f returns; f's exceptions propagate.
template <class F>
auto with_progress(const std::string& label, F&& f) -> decltype(f(std::declval<Meter&>())) {
  Meter meter;
  if (!progress_enabled()) return f(meter);
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  std::thread ticker([&] {
    Progress p(label, 0);
    std::unique_lock<std::mutex> lock(m);
    if (cv.wait_for(lock, std::chrono::milliseconds(300), [&] { return done; })) return;
    while (!cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return done; })) {
      p.set_total(meter.total());
      p.update(meter.done());
    }
  });
  struct Stop {
    std::mutex& m;
    std::condition_variable& cv;
    bool& done;
    std::thread& t;
    ~Stop() {
      {
        std::lock_guard<std::mutex> g(m);
        done = true;
      }
      cv.notify_all();
      t.join();
    }
  } stop{m, cv, done, ticker};
  return f(meter);
}

// with_progress for work that reports nothing: a spinner.
template <class F>
auto with_spinner(const std::string& label, F&& f) -> decltype(f()) {
  return with_progress(label, [&](Meter&) { return f(); });
}

}  // namespace doithoai_cli
