// Internal: idempotency keys. The digest kept with a key, so that a key reused for a
// different request is told apart from a retry of the same one, and the engine's window of
// recent keys.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "doithoai/commands.h"
#include "doithoai/events.h"
#include "doithoai/ids.h"
#include "doithoai/store.h"

namespace doithoai::detail {

// SHA-256 (32 raw bytes) of "doithoai.request.v1", the actor (u32, big-endian) and the
// command's canonical JSON (command_to_json(c).dump(): keys sorted, no spaces).
// Throws Error(invalid_argument) when c holds text that is not valid UTF-8 (no digest, and
// no command, can be made of it).
std::string request_digest(PersonId actor, const Command& c);

// An idempotency key is an identifier kept in the log and written to JSON exports: at most
// kMaxNameBytes bytes of valid UTF-8 with no control character. Throws Error(invalid_argument).
void check_idempotency_key(std::string_view key);

// The Result a committed batch stands for (the same whether fresh or replayed). From the log
// alone it is rebuilt from the batch's first event, the one carrying the key (every command
// appends one event today, so last_seq is first_seq + the batch's length - 1 = first_seq).
Result result_of(const std::vector<Recorded>& events);

// The engine's memory of idempotency keys: the `capacity` keys most recently committed,
// replayed from the log or looked up, each with its first Result and request digest. A key
// that is not held is looked up in the store (EventStore::find_idempotency_key) and its
// Result rebuilt from its event, so the answer is the same whatever the window; it is then
// held again. Memory: about 200 bytes a key plus the key's bytes beyond 15 (design-notes,
// "Idempotency window"); size() never exceeds capacity. Not synchronized: the engine calls
// it under its exclusive lock (results(), const, under the shared lock).
class IdempotencyWindow {
 public:
  explicit IdempotencyWindow(std::size_t capacity) : capacity_(capacity) {}

  // The result of the command first executed under key (replayed = true), or nullopt when
  // the key is new. Keys the store holds past `known_last` (appended by another writer since
  // the engine caught up) are not taken: the command then meets that writer's events and
  // the engine catches up. Throws Error(conflict) naming the key when it was first used for
  // another request (a key kept without a digest matches any).
  std::optional<Result> replay(const EventStore& store, std::string_view key, const std::string& digest,
                               std::uint64_t known_last);
  // A key just committed with its request digest, or (digest null) met in the log: its
  // digest is then read from the store when needed.
  void remember(std::string_view key, const Result& result, const std::string* digest);

  std::size_t size() const { return keys_.size(); }
  std::size_t capacity() const { return capacity_; }
  // Snapshots keep the keys held (not their digests, which the store keeps).
  std::unordered_map<std::string, Result> results() const;
  // The keys of a snapshot (the newest `capacity` of them, by sequence), replacing those held.
  void restore(std::unordered_map<std::string, Result> results);

 private:
  enum class Digest : std::uint8_t { unknown, none, known };
  struct Entry {
    Result result;
    std::array<char, 32> digest{};
    Digest state = Digest::unknown;
  };
  using Map = std::unordered_map<std::string, Entry>;
  Map::iterator insert(std::string_view key, const Result& result);
  void set_digest(Entry& e, const std::string& digest);

  std::size_t capacity_;
  Map keys_;
  std::deque<const std::string*> order_;  // keys_' keys, oldest first (node keys never move)
  // True while every key of the log is held (the log was replayed from its start and
  // nothing was dropped): a key not held is then new without asking the store.
  bool complete_ = true;
};

}  // namespace doithoai::detail
