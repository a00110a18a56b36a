// Signed checkpoints (issue 11): what issuing and verifying cost next to the plain chain walk.
// Builds a SQLite store of N RegisterPerson events (Sync::normal, in a temp directory), then
// times verify_rows (the chain walk), SqliteStore::verify (chain + replay cache), issuing
// 1,000 Ed25519 and 1,000 HMAC checkpoints, and verify_checkpoints with 1 and 1,000 of them.
// Usage: checkpoint_bench [events=200000]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "doithoai/doithoai.h"

using namespace doithoai;
using Clock_ = std::chrono::steady_clock;

static double secs(Clock_::time_point t0) { return std::chrono::duration<double>(Clock_::now() - t0).count(); }

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 200000;
  if (n < 1) {
    std::fprintf(stderr, "usage: checkpoint_bench [events>=1]\n");
    return 2;
  }
  std::string tmpl = (std::filesystem::temp_directory_path() / "doithoai-ckpt-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) return 1;
  const std::string path = tmpl + "/bench.db";
  {
    SqliteOptions so;
    so.sync = SqliteOptions::Sync::normal;
    Engine e(builtin_profile("hanoi-2200"), std::make_unique<SqliteStore>(path, so));
    for (long i = 0; i < n; ++i) e.execute(kSystemActor, cmd::RegisterPerson{"Người số " + std::to_string(i)});
  }
  SqliteStore s(path);
  const std::uint64_t last = s.last_seq();
  std::printf("rows: %llu\n", static_cast<unsigned long long>(last));
  auto t = Clock_::now();
  bool ok = verify_rows(s).ok;
  std::printf("verify_rows (the chain walk): %.3f s ok=%d\n", secs(t), ok);
  t = Clock_::now();
  ok = s.verify().ok;
  std::printf("SqliteStore::verify (chain + replay cache): %.3f s ok=%d\n", secs(t), ok);

  const CheckpointKey ed = CheckpointKey::generate_ed25519("bench-ed");
  const CheckpointKey mac = CheckpointKey::hmac_sha256("bench-mac", std::string(32, 'x'));
  std::vector<Checkpoint> eds, macs;
  t = Clock_::now();
  for (std::uint64_t i = 1; i <= 1000; ++i)
    eds.push_back(issue_checkpoint(s, ed, std::max<std::uint64_t>(1, last * i / 1000)));
  std::printf("issue 1,000 Ed25519 checkpoints: %.3f s\n", secs(t));
  t = Clock_::now();
  for (std::uint64_t i = 1; i <= 1000; ++i)
    macs.push_back(issue_checkpoint(s, mac, std::max<std::uint64_t>(1, last * i / 1000)));
  std::printf("issue 1,000 HMAC checkpoints: %.3f s\n", secs(t));
  const CheckpointKey pub = ed.public_only();
  t = Clock_::now();
  ok = verify_checkpoints(s, {eds.back()}, pub).ok;
  std::printf("verify_checkpoints, 1 Ed25519: %.3f s ok=%d\n", secs(t), ok);
  t = Clock_::now();
  ok = verify_checkpoints(s, eds, pub).ok;
  std::printf("verify_checkpoints, 1,000 Ed25519: %.3f s ok=%d\n", secs(t), ok);
  t = Clock_::now();
  ok = verify_checkpoints(s, macs, mac).ok;
  std::printf("verify_checkpoints, 1,000 HMAC: %.3f s ok=%d\n", secs(t), ok);
  std::error_code ec;
  std::filesystem::remove_all(tmpl, ec);
  return 0;
}
