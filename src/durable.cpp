#include "doithoai/durable.h"

#include <openssl/evp.h>

#include <algorithm>
#include <istream>
#include <limits>
#include <ostream>

#include "binary.h"
#include "doithoai/error.h"
#include "doithoai/json.h"
#include "doithoai/state.h"
#include "json_text.h"
#include "state_access.h"
#include "text.h"

namespace doithoai {

namespace {
void be(std::string& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void lp(std::string& out, std::string_view s) {
  be(out, s.size(), 4);
  out.append(s.data(), s.size());
}
}  // namespace

Hash event_hash(const StoredEvent& e) {
  thread_local std::string buf;
  buf.clear();
  buf.append("doithoai.event.v1");
  be(buf, e.seq, 8);
  be(buf, static_cast<std::uint64_t>(e.at_us), 8);
  be(buf, e.actor, 4);
  be(buf, e.partition, 4);
  lp(buf, e.type);
  be(buf, static_cast<std::uint32_t>(e.version), 4);
  lp(buf, e.idempotency_key);
  lp(buf, e.payload);
  buf.append(reinterpret_cast<const char*>(e.prev_hash.data()), e.prev_hash.size());
  // The digest fetched once and a context per thread: EVP_Digest with EVP_sha256() looks
  // the implementation up on every call, which cost as much as hashing a short row.
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  struct Ctx {
    EVP_MD_CTX* c = EVP_MD_CTX_new();
    ~Ctx() { EVP_MD_CTX_free(c); }
  };
  thread_local Ctx ctx;
  Hash h{};
  unsigned int n = 0;
  if (!md || !ctx.c || !EVP_DigestInit_ex2(ctx.c, md, nullptr) || !EVP_DigestUpdate(ctx.c, buf.data(), buf.size()) ||
      !EVP_DigestFinal_ex(ctx.c, h.data(), &n) || n != h.size())
    throw Error(ErrorCode::storage, "SHA-256 failed");
  return h;
}

std::string to_hex(const Hash& h) {
  static const char* d = "0123456789abcdef";
  std::string s;
  s.reserve(64);
  for (unsigned char c : h) {
    s.push_back(d[c >> 4]);
    s.push_back(d[c & 15]);
  }
  return s;
}

Hash hash_from_hex(std::string_view hex) {
  auto nib = [&](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw Error(ErrorCode::invalid_argument, "bad hex digit in hash");
  };
  if (hex.size() != 64) throw Error(ErrorCode::invalid_argument, "a hash is 64 hex digits");
  Hash h{};
  for (std::size_t i = 0; i < 32; ++i) h[i] = static_cast<unsigned char>(nib(hex[2 * i]) * 16 + nib(hex[2 * i + 1]));
  return h;
}

StoredEvent make_stored(const Recorded& r, UnitId partition, std::string_view key, const Hash& prev) {
  StoredEvent e;
  e.seq = r.seq;
  e.at_us = to_micros(r.at);
  e.actor = r.actor.value;
  e.partition = partition.value;
  e.type = std::string(event_type(r.event));
  e.version = event_schema_version(r.event);
  e.idempotency_key = std::string(key);
  e.payload = detail::event_json_text(r.event);
  e.prev_hash = prev;
  e.hash = event_hash(e);
  return e;
}

void group_rows(const std::vector<const Batch*>& batches, std::vector<StoredEvent>& rows,
                std::vector<std::string>& bins) {
  std::size_t n = 0;
  for (const Batch* b : batches) n += b->events.size();
  rows.clear();
  rows.reserve(n);
  bins.assign(n, std::string());
  for (const Batch* b : batches) {
    for (std::size_t i = 0; i < b->events.size(); ++i) {
      const Recorded& r = b->events[i];
      if (!rows.empty() && r.seq != rows.back().seq + 1)
        throw Error(ErrorCode::invalid_argument, "batch sequence numbers are not consecutive");
      rows.push_back(make_stored(r, b->partition, i == 0 ? std::string_view(b->idempotency_key) : std::string_view(),
                                 Hash{}));
      if (i == 0) rows.back().idempotency_digest = b->idempotency_digest;
      detail::encode_event(r.event, bins[rows.size() - 1]);
    }
  }
}

Recorded recorded_of(const StoredEvent& e) {
  Recorded r;
  r.seq = e.seq;
  r.at = from_micros(e.at_us);
  r.actor = PersonId(e.actor);
  try {
    r.event = event_from_json(e.type, e.version, parse_json(e.payload));
  } catch (const Error& x) {
    throw Error(ErrorCode::corruption, "event " + std::to_string(e.seq) + " has an unreadable payload: " + x.what());
  }
  return r;
}

void chain_rows(std::vector<StoredEvent>& rows, Hash prev) {
  for (auto& e : rows) {
    e.prev_hash = prev;
    e.hash = event_hash(e);
    prev = e.hash;
  }
}

void check_continues(const std::vector<StoredEvent>& rows, std::uint64_t last, Hash prev) {
  if (rows.empty()) return;
  if (rows.front().seq != last + 1)
    throw Error(ErrorCode::conflict, "import expected sequence " + std::to_string(last + 1) + ", got " +
                                         std::to_string(rows.front().seq));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const StoredEvent& e = rows[i];
    if (e.seq != last + 1 + i || e.prev_hash != prev || event_hash(e) != e.hash)
      throw Error(ErrorCode::corruption, "imported event " + std::to_string(e.seq) + " does not continue the chain");
    prev = e.hash;
  }
}

VerifyReport verify_rows(const DurableStore& store, std::uint64_t from, const Hash& prev_of_from,
                         const ProgressFn& progress) {
  VerifyReport rep;
  const std::uint64_t total = progress ? store.last_seq() : 0;
  Hash prev = prev_of_from;
  std::uint64_t expect = from;
  rep.head = prev;
  auto check = [&](const StoredEvent& e) {
    ++rep.checked;
    auto fail = [&](std::uint64_t seq, std::string why) {
      rep.ok = false;
      rep.first_bad = seq;
      rep.problem = std::move(why);
      return false;
    };
    if (e.seq != expect)
      return fail(expect, e.seq > expect ? "row " + std::to_string(expect) + " is missing (next is " +
                                               std::to_string(e.seq) + ")"
                                         : "row " + std::to_string(e.seq) + " is out of order");
    if (e.prev_hash != prev) return fail(e.seq, "row " + std::to_string(e.seq) + " does not link to the row before it");
    if (event_hash(e) != e.hash) return fail(e.seq, "row " + std::to_string(e.seq) + " does not match its hash");
    prev = e.hash;
    rep.head = prev;
    ++expect;
    if (progress && (rep.checked & 4095) == 0) progress(rep.checked, std::max(total, rep.checked));
    return true;
  };
  store.read_rows(from, check);
  // A shared store (PostgreSQL) may gain rows from other servers after the rows were read:
  // a head beyond the rows read is only a fault if reading again brings nothing new.
  while (rep.ok) {
    // Read after the rows: commits are atomic, so the head is never behind rows already read.
    const std::uint64_t last = store.last_seq();
    if (expect - 1 == last) break;
    const std::uint64_t before = expect;
    if (expect - 1 < last) store.read_rows(expect, check);  // rows other writers committed meanwhile
    if (rep.ok && (before - 1 > last || expect == before)) {  // rows past the head, or rows missing
      rep.ok = false;
      rep.first_bad = before;
      rep.problem = "the log ends at " + std::to_string(expect - 1) + " but the store reports " + std::to_string(last);
    }
  }
  if (progress) progress(rep.checked, std::max(total, rep.checked));
  return rep;
}

VerifyReport DurableStore::verify(const ProgressFn& progress) const { return verify_rows(*this, 1, Hash{}, progress); }

std::uint64_t export_jsonl(const DurableStore& from, std::ostream& out) {
  std::uint64_t n = 0;
  from.read_rows(1, [&](const StoredEvent& e) {
    nlohmann::json j;
    j["seq"] = e.seq;
    j["at"] = format_instant(from_micros(e.at_us));
    j["actor"] = PersonId(e.actor) == kSystemActor ? nlohmann::json("system") : nlohmann::json(e.actor);
    j["type"] = e.type;
    j["v"] = e.version;
    j["data"] = parse_json(e.payload);
    j["partition"] = e.partition;
    if (!e.idempotency_key.empty()) j["idempotency_key"] = e.idempotency_key;
    if (!e.idempotency_key.empty() && e.idempotency_digest.size() == 32) {
      Hash d;
      std::copy(e.idempotency_digest.begin(), e.idempotency_digest.end(), d.begin());
      j["idempotency_digest"] = to_hex(d);
    }
    j["prev_hash"] = to_hex(e.prev_hash);
    j["hash"] = to_hex(e.hash);
    out << j.dump() << '\n';
    ++n;
    return true;
  });
  out.flush();
  if (!out) throw Error(ErrorCode::storage, "writing the export failed");
  return n;
}

std::uint64_t import_jsonl(std::istream& in, DurableStore& to) {
  // All or nothing: every line is read and checked before anything is written, then the
  // rows go to the store in one append_rows (one transaction). The price is memory: the
  // whole import is held (about the size of its JSON text).
  std::vector<StoredEvent> rows;
  std::string line;
  std::uint64_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty()) continue;
    const std::string where = "line " + std::to_string(lineno);
    try {
      const nlohmann::json j = parse_json(line);
      // Only the fields export_jsonl writes: a misspelt one ("idempotency_kye") would
      // otherwise be dropped without a word.
      if (j.is_object())
        for (auto it = j.begin(); it != j.end(); ++it) {
          static const char* const known[] = {"seq", "at", "actor", "type", "v", "data", "partition",
                                              "idempotency_key", "idempotency_digest", "prev_hash", "hash"};
          if (std::none_of(std::begin(known), std::end(known), [&](const char* k) { return it.key() == k; }))
            throw Error(ErrorCode::invalid_argument, "unknown field '" + it.key() + "'");
        }
      // Validates the envelope and the event (types, fields, ids, enums, dates) as any
      // reader would, then the text rules commands obey (lengths, UTF-8, no control characters).
      const Recorded r = recorded_from_json(j);
      detail::check_event_fields(r.event);
      StoredEvent e;
      e.seq = r.seq;
      e.at_us = to_micros(r.at);
      e.actor = r.actor.value;
      if (!j.contains("partition") || !j["partition"].is_number_unsigned() ||
          j["partition"].get<std::uint64_t>() > 0xFFFFFFFFu)
        throw Error(ErrorCode::invalid_argument, "missing or invalid partition");
      e.partition = j["partition"].get<std::uint32_t>();
      e.type = j["type"].get<std::string>();
      e.version = j["v"].get<int>();
      if (j.contains("idempotency_key")) {
        if (!j["idempotency_key"].is_string()) throw Error(ErrorCode::invalid_argument, "idempotency_key is not a string");
        e.idempotency_key = j["idempotency_key"].get<std::string>();
        detail::check_text(e.idempotency_key, "idempotency_key", kMaxNameBytes, false);
      }
      if (j.contains("idempotency_digest")) {
        if (e.idempotency_key.empty() || !j["idempotency_digest"].is_string())
          throw Error(ErrorCode::invalid_argument, "idempotency_digest without an idempotency_key");
        const Hash d = hash_from_hex(j["idempotency_digest"].get<std::string>());
        e.idempotency_digest.assign(reinterpret_cast<const char*>(d.data()), d.size());
      }
      e.payload = j["data"].dump();
      if (!j.contains("prev_hash") || !j.contains("hash") || !j["prev_hash"].is_string() || !j["hash"].is_string())
        throw Error(ErrorCode::invalid_argument, "missing hashes");
      e.prev_hash = hash_from_hex(j["prev_hash"].get<std::string>());
      e.hash = hash_from_hex(j["hash"].get<std::string>());
      if (event_hash(e) != e.hash)
        throw Error(ErrorCode::corruption, "event " + std::to_string(e.seq) + " does not match its hash");
      rows.push_back(std::move(e));
    } catch (const Error& x) {
      throw Error(x.code(), where + ": " + x.what() + " (nothing was imported)");
    } catch (const std::exception& x) {  // nlohmann type errors on odd envelopes
      throw Error(ErrorCode::invalid_argument, where + ": " + x.what() + " (nothing was imported)");
    }
  }
  if (in.bad()) throw Error(ErrorCode::storage, "reading the import failed (nothing was imported)");
  // The hashes prove only that the lines agree with each other: anyone can compute them
  // (the format is documented). So the events must also follow one another: fold the
  // target's log, then every imported event, into a State, whose apply refuses an event
  // that cannot follow (an id that does not exist, a status it cannot follow, ...) with
  // Error(corruption) naming its sequence number. The chain is checked first, so a gap or
  // a broken link reports as before (conflict, corruption).
  if (!rows.empty()) {
    check_continues(rows, to.last_seq(), to.head_hash());
    State check;
    if (to.last_seq() > 0)
      to.read(1, [&](const Recorded& r, std::string_view) {
        detail::StateAccess::apply(check, r);
        return true;
      });
    for (const StoredEvent& e : rows) {
      try {
        detail::StateAccess::apply(check, recorded_of(e));
      } catch (const Error& x) {
        throw Error(x.code(), std::string(x.what()) + " (nothing was imported)");
      }
    }
  }
  to.append_rows(rows);
  return rows.size();
}

}  // namespace doithoai
