// Evidence attachments (issue 14): SHA-256, the directory and in-memory stores, and verify.
// Contract: include/doithoai/attachments.h. Rules on attachments: src/rules/evidence.cpp.
#include "doithoai/attachments.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <random>
#include <shared_mutex>
#include <unordered_map>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "doithoai/error.h"
#include "doithoai/state.h"
#include "state_access.h"
#include "state_impl.h"

namespace doithoai {

std::string sha256_hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md, &n, EVP_sha256(), nullptr) != 1 || n != 32)
    throw Error(ErrorCode::storage, "SHA-256 failed");
  static const char* hex = "0123456789abcdef";
  std::string out(64, '0');
  for (unsigned i = 0; i < 32; ++i) {
    out[2 * i] = hex[md[i] >> 4];
    out[2 * i + 1] = hex[md[i] & 15];
  }
  return out;
}

bool is_sha256_hex(std::string_view s) noexcept {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string_view to_string(AttachmentProblemKind k) noexcept {
  return k == AttachmentProblemKind::corrupt ? "corrupt" : "missing";
}

AttachmentStore::~AttachmentStore() = default;

namespace {
void check_hash(std::string_view h) {
  if (!is_sha256_hex(h))
    throw Error(ErrorCode::invalid_argument, "an attachment hash is 64 lowercase hex digits (SHA-256)");
}
void check_put(std::string_view bytes, std::uint64_t max) {
  if (bytes.empty()) throw Error(ErrorCode::invalid_argument, "an attachment holds at least one byte");
  if (bytes.size() > max)
    throw Error(ErrorCode::invalid_argument, "an attachment of " + std::to_string(bytes.size()) +
                                                 " bytes is over the store's limit of " + std::to_string(max));
}
[[noreturn]] void io_error(const std::string& what, const std::string& path) {
  throw Error(ErrorCode::storage, what + " " + path + ": " + std::strerror(errno));
}
void make_dir(const std::string& p) {
  if (::mkdir(p.c_str(), 0755) != 0 && errno != EEXIST) io_error("cannot create directory", p);
}
void sync_dir(const std::string& p) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort where directories cannot be opened
  ::fsync(fd);
  ::close(fd);
}
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};
}  // namespace

// ---- the directory store ----
DirectoryAttachmentStore::DirectoryAttachmentStore(std::string directory, std::uint64_t max_bytes)
    : dir_(std::move(directory)), max_bytes_(max_bytes) {
  if (dir_.empty()) throw Error(ErrorCode::invalid_argument, "an attachment directory needs a path");
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
  make_dir(dir_);
  make_dir(dir_ + "/tmp");
  // Temporary files of puts that crashed (older than an hour: a younger one may belong to a
  // put still running in another process).
  if (DIR* d = ::opendir((dir_ + "/tmp").c_str())) {
    const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    while (dirent* e = ::readdir(d)) {
      if (e->d_name[0] == '.') continue;
      const std::string p = dir_ + "/tmp/" + e->d_name;
      struct stat st {};
      if (::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && now - st.st_mtime > 3600) ::unlink(p.c_str());
    }
    ::closedir(d);
  }
}

std::string DirectoryAttachmentStore::path_of(std::string_view h) const {
  check_hash(h);
  return dir_ + "/" + std::string(h.substr(0, 2)) + "/" + std::string(h.substr(2, 2)) + "/" + std::string(h);
}

std::string DirectoryAttachmentStore::put(std::string_view bytes) {
  check_put(bytes, max_bytes_);
  const std::string h = sha256_hex(bytes);
  const std::string final_path = path_of(h);
  struct stat st {};
  if (::stat(final_path.c_str(), &st) == 0 && static_cast<std::uint64_t>(st.st_size) == bytes.size()) return h;
  // A unique temporary name: pid, a per-process counter and random bits.
  static std::atomic<std::uint64_t> counter{0};
  thread_local std::mt19937_64 rng(std::random_device{}());
  const std::string tmp = dir_ + "/tmp/" + h.substr(0, 16) + "." + std::to_string(::getpid()) + "." +
                          std::to_string(counter++) + "." + std::to_string(rng() & 0xffffffff);
  {
    Fd f;
    f.fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (f.fd < 0) io_error("cannot create", tmp);
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(f.fd, bytes.data() + done, bytes.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        const int e = errno;
        ::unlink(tmp.c_str());
        errno = e;
        io_error("cannot write", tmp);
      }
      done += static_cast<std::size_t>(n);
    }
    if (::fsync(f.fd) != 0) {
      const int e = errno;
      ::unlink(tmp.c_str());
      errno = e;
      io_error("cannot sync", tmp);
    }
  }
  const std::string d1 = dir_ + "/" + h.substr(0, 2), d2 = d1 + "/" + h.substr(2, 2);
  try {
    make_dir(d1);
    make_dir(d2);
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
  // Atomic: the final name holds no file or the whole content. Two writers of the same
  // content each rename identical bytes: either wins.
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    errno = e;
    io_error("cannot rename into", final_path);
  }
  sync_dir(d2);
  return h;
}

std::string DirectoryAttachmentStore::get(std::string_view h) const {
  const std::string p = path_of(h);
  Fd f;
  f.fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (f.fd < 0) {
    if (errno == ENOENT) throw Error(ErrorCode::not_found, "no attachment " + std::string(h));
    io_error("cannot open", p);
  }
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      io_error("cannot read", p);
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

bool DirectoryAttachmentStore::has(std::string_view h) const { return size(h).has_value(); }

std::optional<std::uint64_t> DirectoryAttachmentStore::size(std::string_view h) const {
  const std::string p = path_of(h);
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    io_error("cannot stat", p);
  }
  if (!S_ISREG(st.st_mode)) return std::nullopt;
  return static_cast<std::uint64_t>(st.st_size);
}

// ---- the in-memory store ----
struct MemoryAttachmentStore::Impl {
  mutable std::shared_mutex m;
  std::unordered_map<std::string, std::string> blobs;
};
MemoryAttachmentStore::MemoryAttachmentStore() : impl_(new Impl) {}
MemoryAttachmentStore::~MemoryAttachmentStore() { delete impl_; }
std::string MemoryAttachmentStore::put(std::string_view bytes) {
  check_put(bytes, std::uint64_t(1) << 32);
  std::string h = sha256_hex(bytes);
  std::unique_lock<std::shared_mutex> l(impl_->m);
  impl_->blobs.emplace(h, std::string(bytes));
  return h;
}
std::string MemoryAttachmentStore::get(std::string_view h) const {
  check_hash(h);
  std::shared_lock<std::shared_mutex> l(impl_->m);
  auto it = impl_->blobs.find(std::string(h));
  if (it == impl_->blobs.end()) throw Error(ErrorCode::not_found, "no attachment " + std::string(h));
  return it->second;
}
bool MemoryAttachmentStore::has(std::string_view h) const { return size(h).has_value(); }
std::optional<std::uint64_t> MemoryAttachmentStore::size(std::string_view h) const {
  check_hash(h);
  std::shared_lock<std::shared_mutex> l(impl_->m);
  auto it = impl_->blobs.find(std::string(h));
  if (it == impl_->blobs.end()) return std::nullopt;
  return it->second.size();
}
// ---- verify (R20) ----
namespace detail {
// Every attachment the state refers to, in a stable order (opinions, replies, findings by key).
std::vector<AttachmentRef> attachment_refs(const State& state) {
  const StateImpl& s = StateAccess::impl(state);
  std::vector<AttachmentRef> out;
  auto walk = [&](const auto& table, const char* owner, bool by_item) {
    std::vector<std::uint32_t> keys;
    for (const auto& kv : table) keys.push_back(kv.first);
    std::sort(keys.begin(), keys.end());
    for (auto k : keys) {
      const auto& owned = table.at(k);
      for (const Attachment& a : owned.list) out.push_back({a, owner, by_item ? owned.item : k});
    }
  };
  walk(s.attachments.opinions, "opinion", false);
  walk(s.attachments.replies, "reply", true);
  walk(s.attachments.findings, "finding", true);
  return out;
}
}  // namespace detail

AttachmentReport verify_attachments(const State& state, const AttachmentStore& store) {
  return detail::verify_attachment_refs(detail::attachment_refs(state), store);
}

AttachmentReport detail::verify_attachment_refs(const std::vector<AttachmentRef>& refs, const AttachmentStore& store) {
  AttachmentReport rep;
  // hash -> verdict (0 ok, 1 missing, 2 corrupt), each distinct hash read once.
  std::map<std::string, int> verdict;
  auto check = [&](const Attachment& a, const char* owner, std::uint32_t id) {
    ++rep.references;
    auto it = verdict.find(a.sha256);
    if (it == verdict.end()) {
      int v = 0;
      if (!is_sha256_hex(a.sha256)) {
        v = 2;
      } else {
        try {
          const std::string bytes = store.get(a.sha256);
          if (bytes.size() != a.size || sha256_hex(bytes) != a.sha256) v = 2;
        } catch (const Error& e) {
          if (e.code() != ErrorCode::not_found) throw;
          v = 1;
        }
      }
      ++rep.checked;
      it = verdict.emplace(a.sha256, v).first;
    } else if (it->second == 0) {
      // The same content under another record: its recorded size must agree too.
      const auto sz = store.size(a.sha256);
      if (sz && *sz != a.size) {
        rep.problems.push_back({AttachmentProblemKind::corrupt, a.sha256, a.name, owner, id});
        return;
      }
    }
    if (it->second != 0)
      rep.problems.push_back({it->second == 1 ? AttachmentProblemKind::missing : AttachmentProblemKind::corrupt,
                              a.sha256, a.name, owner, id});
  };
  for (const auto& r : refs) check(r.attachment, r.owner, r.id);
  rep.ok = rep.problems.empty();
  return rep;
}

}  // namespace doithoai
