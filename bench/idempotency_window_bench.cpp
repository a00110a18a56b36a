// idempotency_window_bench: memory the engine's idempotency window holds per key (docs/design-notes.md,
// "Idempotency window"), measured with glibc's mallinfo2 over 100,000 keys of 8 and 36 bytes.
#include <malloc.h>
#include <cstdio>
#include <string>
#include "idempotency.h"
#include "doithoai/store.h"
using namespace doithoai;
int main() {
  const std::size_t n = 100000;
  for (int len : {8, 36}) {
    malloc_trim(0);
    const auto before = mallinfo2().uordblks;
    {
      detail::IdempotencyWindow w(n);
      const std::string digest(32, 'x');
      for (std::size_t k = 0; k < n; ++k) {
        Result r;
        r.first_seq = r.last_seq = k + 1;
        r.id = static_cast<std::uint32_t>(k);
        r.items.push_back(ItemId(static_cast<std::uint32_t>(k)));  // a letter: one item
        std::string key = std::to_string(k);
        key.insert(0, static_cast<std::size_t>(len) - key.size(), 'k');
        w.remember(key, r, &digest);
      }
      const auto after = mallinfo2().uordblks;
      std::printf("keys of %d bytes: %zu keys, %.1f bytes a key, %.1f MB\n", len, w.size(),
                  double(after - before) / double(n), double(after - before) / 1e6);
    }
  }
}
