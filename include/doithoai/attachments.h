// doithoai/attachments.h: where the bytes of evidence attachments live (issue 14).
//
// Events carry only an attachment's metadata (doithoai::Attachment: name, media type, size,
// SHA-256, publishable); its bytes live in an AttachmentStore the integrator chooses and
// hands to the engine (EngineOptions::attachments). Stores are content-addressed: the key
// of some bytes is their SHA-256 as 64 lowercase hex digits, so the same content is stored
// once, and a file name given by a user is never used to find or write anything.
//
// Contract for every implementation:
//   - put(bytes) returns sha256_hex(bytes). Once it returns, get() of that hash gives the
//     bytes, in this process and in any other using the same backing (durability: as
//     durable as the backing's sync: the directory store fsyncs the file and its directory).
//     Putting content already present is a no-op that returns the same hash.
//   - A reader never sees part of a put: get() returns the whole content or not_found.
//   - Thread safety: every method may be called from many threads (and, for the stores
//     here, many processes sharing the directory or the database) at once.
//   - Errors are doithoai::Error: invalid_argument (a hash that is not 64 lowercase hex
//     digits; bytes over the store's max_bytes), not_found (get of absent content),
//     storage (I/O, a lost connection). No other exception escapes.
//   - get() returns what the backing holds; it does not check it (verify() does).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doithoai/export.h"
#include "doithoai/ids.h"
#include "doithoai/model.h"

namespace doithoai {

class State;

// SHA-256 of the bytes as 64 lowercase hex digits.
DOITHOAI_API std::string sha256_hex(std::string_view bytes);
// True for exactly 64 characters of 0-9a-f.
DOITHOAI_API bool is_sha256_hex(std::string_view s) noexcept;

class DOITHOAI_API AttachmentStore {
 public:
  virtual ~AttachmentStore();
  // Stores the bytes (at least one byte); returns their SHA-256. Existing content: no-op.
  virtual std::string put(std::string_view bytes) = 0;
  // The bytes stored under the hash. Error(not_found) when there are none.
  virtual std::string get(std::string_view sha256) const = 0;
  virtual bool has(std::string_view sha256) const = 0;
  // The size in bytes of the content stored under the hash; none when absent.
  virtual std::optional<std::uint64_t> size(std::string_view sha256) const = 0;
};

// The default store: a directory. Content with hash h is the file <dir>/h[0..1]/h[2..3]/h
// (two levels of fan-out: 65,536 directories at most, a few files each up to millions of
// attachments). put writes a unique temporary file in <dir>/tmp, fsyncs it, renames it into
// place (atomic: a reader sees no file or the whole file, never a torn one; two processes
// putting the same content race harmlessly, the rename of identical bytes), and fsyncs the
// directory. A crash mid-put leaves at most a temporary file, which the next
// DirectoryAttachmentStore on the directory removes when it is older than an hour (a
// concurrent put in another process may still be writing a younger one).
class DOITHOAI_API DirectoryAttachmentStore final : public AttachmentStore {
 public:
  // Creates the directory if missing. Error(storage) if it cannot. max_bytes bounds a put.
  explicit DirectoryAttachmentStore(std::string directory, std::uint64_t max_bytes = kDefaultMaxBytes);
  static constexpr std::uint64_t kDefaultMaxBytes = 64ull << 20;
  std::string put(std::string_view bytes) override;
  std::string get(std::string_view sha256) const override;
  bool has(std::string_view sha256) const override;
  std::optional<std::uint64_t> size(std::string_view sha256) const override;
  const std::string& directory() const { return dir_; }
  // The path content with this hash has (or would have); invalid_argument for a bad hash.
  std::string path_of(std::string_view sha256) const;

 private:
  std::string dir_;
  std::uint64_t max_bytes_;
};

// In memory (tests, demos): thread-safe, lost with the object.
class DOITHOAI_API MemoryAttachmentStore final : public AttachmentStore {
 public:
  MemoryAttachmentStore();
  ~MemoryAttachmentStore() override;
  std::string put(std::string_view bytes) override;
  std::string get(std::string_view sha256) const override;
  bool has(std::string_view sha256) const override;
  std::optional<std::uint64_t> size(std::string_view sha256) const override;

 private:
  struct Impl;
  Impl* impl_;
};

// Where an attachment is referred to, and what verify found wrong with it.
enum class AttachmentProblemKind : std::uint8_t {
  missing = 1,  // the store has no content under the hash
  corrupt = 2,  // the stored bytes do not hash to it (or have another size than recorded)
};
DOITHOAI_API std::string_view to_string(AttachmentProblemKind k) noexcept;  // "missing", "corrupt"

struct AttachmentProblem {
  AttachmentProblemKind kind = AttachmentProblemKind::missing;
  std::string sha256;
  std::string name;
  // What refers to it: "opinion", "reply" or "finding", with the opinion or item id.
  std::string owner;
  std::uint32_t id = 0;
};

struct AttachmentReport {
  bool ok = true;               // no problems
  std::uint64_t checked = 0;    // distinct hashes checked
  std::uint64_t references = 0; // attachments referred to by the state (with repeats)
  std::vector<AttachmentProblem> problems;
};

// R20: reads every attachment the state refers to (opinions, replies, including replies an
// item no longer shows after a reopening or a return, findings) from the store and checks
// its size and SHA-256. Each distinct hash is read once.
DOITHOAI_API AttachmentReport verify_attachments(const State& state, const AttachmentStore& store);

}  // namespace doithoai
