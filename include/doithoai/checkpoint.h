// doithoai/checkpoint.h: signed checkpoints of a durable store's hash chain (R20).
//
// The chain (durable.h) shows a change to a row only while the rows after it are not
// rewritten too: an insider with the file can delete the newest rows, or edit a row and
// recompute every hash after it, and verify() still says ok. A checkpoint closes that gap:
// a signed statement "row `seq` had hash `head`, issued at `issued_at` with key `key_id`",
// kept apart from the store (a file on another machine, the Front's own system, printed
// in published conference results). verify_checkpoints() then finds
//   - truncation: a checkpointed row is gone (the store ends before it);
//   - rewrite: the row at a checkpoint no longer has the checkpointed hash (some row at or
//     before it was changed, with or without recomputing the chain);
//   - forgery: a checkpoint whose signature does not verify.
// Rows after the newest checkpoint are covered only by the chain: issue checkpoints often
// (every conference, every day) and keep every one.
//
// Two kinds of key (OpenSSL libcrypto):
//   hmac_sha256  a secret shared by whoever issues and verifies (at least 16 bytes; 32
//                random bytes recommended). Whoever can verify can also forge.
//   ed25519      a private key signs; the 32-byte public key only verifies. Give the public
//                key to the Front, to auditors, print it in published results: they can
//                verify checkpoints but not make them.
//
// The signed bytes (format "doithoai.checkpoint.v1", integers big-endian):
//
//   "doithoai.checkpoint.v1"      22 ASCII bytes, no terminator
//   u8  algorithm                 1: hmac_sha256, 2: ed25519
//   u32 len | key id bytes
//   u64 seq                       >= 1
//   head                          32 bytes: the chain hash of row seq (durable.h)
//   i64 issued_at_us              UTC microseconds since 1970-01-01, two's complement
//
// HMAC-SHA256(secret, bytes) is 32 bytes; Ed25519 (RFC 8032, pure, no prehash) is 64 bytes.
// Anyone can check an Ed25519 checkpoint without this library: rebuild the bytes
// (checkpoint_signed_bytes) and verify with any Ed25519 implementation, e.g.
// `openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in bytes -sigfile sig`.
//
// Text form: one JSON object per line (JSON Lines), fields in this order, no others:
//   {"format":"doithoai.checkpoint.v1","alg":"ed25519","key_id":"mttq-bode-2024","seq":1234,
//    "head":"<64 hex>","issued_at":"2024-07-01T02:00:00.000000Z","sig":"<128 hex>"}
// Reading is strict: a missing, unknown or repeated field, a wrong type, bad hex, a wrong
// length, seq 0 or beyond 2^63-1, an instant not in exactly that form, an invalid key id
// or invalid UTF-8 is Error(invalid_argument) naming the line.
// Key ids: 1 to 64 bytes of A-Z a-z 0-9 and . _ - : @ / (printable, no spaces).
//
// Thread safety: free functions are thread-safe; a CheckpointKey is immutable after
// construction and may be shared between threads.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doithoai/durable.h"
#include "doithoai/export.h"
#include "doithoai/time.h"

namespace doithoai {

class Engine;

// Persistent: the byte in the signed form.
enum class CheckpointAlgorithm : std::uint8_t { hmac_sha256 = 1, ed25519 = 2 };
DOITHOAI_API std::string_view to_string(CheckpointAlgorithm a) noexcept;  // "hmac_sha256", "ed25519"

struct Checkpoint {
  std::uint64_t seq = 0;
  Hash head{};                 // the chain hash of row seq
  std::int64_t issued_at_us = 0;
  std::string key_id;
  CheckpointAlgorithm algorithm = CheckpointAlgorithm::ed25519;
  std::string signature;       // raw bytes: 32 (hmac_sha256) or 64 (ed25519)

  Instant issued_at() const { return from_micros(issued_at_us); }
  bool operator==(const Checkpoint& o) const {
    return seq == o.seq && head == o.head && issued_at_us == o.issued_at_us && key_id == o.key_id &&
           algorithm == o.algorithm && signature == o.signature;
  }
  bool operator!=(const Checkpoint& o) const { return !(*this == o); }
};

// A key that signs and verifies checkpoints, or (an Ed25519 public key) only verifies.
// Copies share the key material; secrets are wiped when the last copy goes.
// Constructors throw Error(invalid_argument) for a bad key id, a short secret or a key of
// the wrong length.
class DOITHOAI_API CheckpointKey {
 public:
  // secret: raw bytes, at least 16.
  static CheckpointKey hmac_sha256(std::string key_id, std::string_view secret);
  // A fresh Ed25519 key pair from the system's random source.
  static CheckpointKey generate_ed25519(std::string key_id);
  // Ed25519 from its raw 32-byte private key (RFC 8032 seed); signs and verifies.
  static CheckpointKey ed25519_private(std::string key_id, std::string_view private_key);
  // Ed25519 from its raw 32-byte public key: verifies only.
  static CheckpointKey ed25519_public(std::string key_id, std::string_view public_key);

  const std::string& key_id() const;
  CheckpointAlgorithm algorithm() const;
  bool can_sign() const;  // false for an Ed25519 public key and for public_only()
  // Ed25519: the raw 32-byte keys. private_key() throws Error(invalid_argument) on a
  // public-only key; both throw Error(invalid_argument) on an HMAC key (no public half).
  std::string public_key() const;
  std::string private_key() const;
  // The verifying half of an Ed25519 key (what to hand out). Error(invalid_argument) for HMAC.
  CheckpointKey public_only() const;

  // The signature of `bytes` (checkpoint_signed_bytes); Error(invalid_argument) when the key
  // cannot sign.
  std::string sign(std::string_view bytes) const;
  // True when sig is this key's valid signature of bytes (constant time for HMAC).
  bool verify(std::string_view bytes, std::string_view sig) const;

  struct Impl;

 private:
  explicit CheckpointKey(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

// Lowercase hex of any bytes, and back (either case; Error(invalid_argument) on an odd
// length or a non-hex digit).
DOITHOAI_API std::string bytes_to_hex(std::string_view bytes);
DOITHOAI_API std::string hex_to_bytes(std::string_view hex);

// The exact bytes a checkpoint's signature covers (see above).
DOITHOAI_API std::string checkpoint_signed_bytes(const Checkpoint& c);

// A checkpoint of row `seq` of the store (default: its last row), signed with key and dated
// `issued_at` (default: the system clock). Reads that one row and checks it matches its own
// hash (Error(corruption) if not); it does not walk the chain: verify_checkpoints() against
// the checkpoints already kept before issuing, so as not to certify a log already changed.
// Error(invalid_argument): an empty store, seq 0 or beyond the last row, a key that cannot
// sign, an instant outside the supported dates.
DOITHOAI_API Checkpoint issue_checkpoint(const DurableStore& store, const CheckpointKey& key,
                                         std::optional<std::uint64_t> seq = std::nullopt,
                                         std::optional<Instant> issued_at = std::nullopt);
// The same for the engine's store, dated by the engine's clock by default.
// Error(unsupported) when the engine's store is not a DurableStore (MemoryStore).
DOITHOAI_API Checkpoint issue_checkpoint(const Engine& engine, const CheckpointKey& key,
                                         std::optional<std::uint64_t> seq = std::nullopt,
                                         std::optional<Instant> issued_at = std::nullopt);

// What verify_checkpoints found. Problems, most serious first within a kind of finding.
enum class CheckpointProblem : std::uint8_t {
  none = 0,
  chain = 1,        // the chain walk failed (VerifyReport in `chain`)
  truncated = 2,    // a checkpointed row is gone: the store ends before the checkpoint
  rewritten = 3,    // the row at a checkpoint no longer has the checkpointed hash
  forged = 4,       // the signature does not verify with the key of that id (or the key is
                    // of another algorithm)
  unknown_key = 5,  // no key with the checkpoint's key id was given
};
DOITHOAI_API std::string_view to_string(CheckpointProblem p) noexcept;

struct CheckpointFinding {
  CheckpointProblem problem = CheckpointProblem::none;
  std::uint64_t checkpoint_seq = 0;  // the checkpoint concerned (0: the chain finding)
  std::uint64_t first_bad = 0;       // as in CheckpointReport
  std::string message;
};

struct CheckpointReport {
  bool ok = true;
  // The first finding: a store problem (chain, truncated, rewritten: the one with the
  // lowest first_bad; chain on a tie) before a checkpoint problem (forged, unknown_key).
  CheckpointProblem problem = CheckpointProblem::none;
  // chain: the first row that fails the walk. truncated: the store's last seq + 1 (the
  // first missing row). rewritten: the checkpoint's seq (its row's hash differs: some row
  // from confirmed_seq + 1 to it was changed; which one, only a copy of the log can tell).
  // forged / unknown_key: 0.
  std::uint64_t first_bad = 0;
  std::uint64_t checkpoint_seq = 0;  // the checkpoint of the first finding (0: none, chain)
  std::uint64_t last_seq = 0;        // the store's last row when verified
  // Rows 1..confirmed_seq are exactly as the highest valid, matching checkpoint (below any
  // rewrite) certified, and the chain links them (0: nothing confirmed).
  std::uint64_t confirmed_seq = 0;
  std::uint64_t checkpoints_valid = 0;  // checkpoints whose signature verified
  VerifyReport chain;                    // the chain walk
  std::vector<CheckpointFinding> findings;  // every problem, in checkpoint order (chain first)
  std::string message;                   // the first finding, or a summary when ok
};

// Walks the store's chain (verify_rows: links and hashes of every row) and checks every
// checkpoint, in any order: its signature against the key with its key id (and algorithm),
// that the store still has its row, and that the row still has its hash. Tampering is
// reported, never thrown; Error(invalid_argument) only for two keys with the same id.
// Forged checkpoints and ones of unknown keys are not compared with the store. SqliteStore's
// replay cache checks are not repeated (SqliteStore::verify()).
DOITHOAI_API CheckpointReport verify_checkpoints(const DurableStore& store, const std::vector<Checkpoint>& checkpoints,
                                                 const std::vector<CheckpointKey>& keys);
DOITHOAI_API CheckpointReport verify_checkpoints(const DurableStore& store, const std::vector<Checkpoint>& checkpoints,
                                                 const CheckpointKey& key);
// True when c's signature verifies with key (same key id and algorithm).
DOITHOAI_API bool checkpoint_signature_ok(const Checkpoint& c, const CheckpointKey& key);

// The text form (one line, no newline) and back (strict, see above).
DOITHOAI_API std::string checkpoint_to_line(const Checkpoint& c);
DOITHOAI_API Checkpoint checkpoint_from_line(std::string_view line);
// JSON Lines: one checkpoint a line. Reading skips empty lines; a bad line is
// Error(invalid_argument) naming its number, and nothing is returned.
DOITHOAI_API void write_checkpoints(std::ostream& out, const std::vector<Checkpoint>& checkpoints);
DOITHOAI_API std::vector<Checkpoint> read_checkpoints(std::istream& in);
// Files of them: append (creating the file) and read all. Error(storage) on I/O failure,
// Error(not_found) when the file to read does not exist.
DOITHOAI_API void append_checkpoint_file(const std::string& path, const std::vector<Checkpoint>& checkpoints);
DOITHOAI_API std::vector<Checkpoint> read_checkpoint_file(const std::string& path);

}  // namespace doithoai
