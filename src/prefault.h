// Internal: fault in fresh memory on a second thread while this one fills it.
//
// Fresh pages are zeroed by the kernel on first touch, and on a virtual machine that cost
// dominated restoring large snapshots. Prefault asks the kernel to populate a range
// (MADV_POPULATE_WRITE, Linux 5.14+: the contents are not changed) from a helper thread,
// 2 MiB at a time from the start, so the filling thread mostly finds its pages ready.
// The destructor stops the helper and waits for it. Without the call (older kernels, other
// systems) or without a thread to be had it does nothing, and the filler faults as before.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <system_error>
#include <thread>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace doithoai::detail {

class Prefault {
 public:
  Prefault(const void* p, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
    constexpr std::size_t kMin = std::size_t(64) << 20;  // below this a thread costs more than it saves
    if (!p || bytes < kMin) return;
    const std::size_t page = 4096, step = std::size_t(2) << 20;
    const auto begin = (reinterpret_cast<std::uintptr_t>(p) + page - 1) & ~(page - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(page - 1);
    try {
      thread_ = std::thread([this, begin, end, step] {
        for (std::uintptr_t a = begin; a < end && !stop_.load(std::memory_order_relaxed); a += step) {
          const std::size_t n = end - a < step ? end - a : step;
          if (madvise(reinterpret_cast<void*>(a), n, MADV_POPULATE_WRITE) != 0) return;  // unsupported: stop
        }
      });
    } catch (const std::system_error&) {
    }
#else
    (void)p;
    (void)bytes;
#endif
  }
  Prefault(const Prefault&) = delete;
  Prefault& operator=(const Prefault&) = delete;
  ~Prefault() {
    stop_.store(true, std::memory_order_relaxed);
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace doithoai::detail
