#include "doithoai/checkpoint.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <istream>
#include <limits>
#include <map>
#include <ostream>
#include <set>

#include <nlohmann/json.hpp>

#include "doithoai/engine.h"
#include "doithoai/error.h"
#include "doithoai/json.h"

namespace doithoai {

namespace {

constexpr std::string_view kFormat = "doithoai.checkpoint.v1";
constexpr std::size_t kMinSecret = 16;
constexpr std::size_t kMaxKeyId = 64;
constexpr std::uint64_t kMaxSeq = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

[[noreturn]] void invalid(const std::string& m) { throw Error(ErrorCode::invalid_argument, m); }

void check_key_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxKeyId)
    invalid("a checkpoint key id is 1 to " + std::to_string(kMaxKeyId) + " bytes");
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-' || c == ':' || c == '@' || c == '/';
    if (!ok) invalid("a checkpoint key id holds only A-Z a-z 0-9 . _ - : @ / (got '" + std::string(id) + "')");
  }
}

void be(std::string& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// OpenSSL failures leave entries on the thread's error queue: drop them (the caller gets an Error).
[[noreturn]] void crypto_failed(const char* what) {
  ERR_clear_error();
  throw Error(ErrorCode::storage, std::string("OpenSSL: ") + what + " failed");
}

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

const unsigned char* uc(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// Issue times lie in the library's dates (UTC 1900-01-01 to 2199-12-31), checked on the
// integer so that no out-of-range value reaches the date library.
bool instant_in_range(std::int64_t us) {
  static const std::int64_t lo = to_micros(Instant(min_date()));
  static const std::int64_t hi = to_micros(Instant(max_date() + boost::gregorian::days(1)));
  return us >= lo && us < hi;
}
void check_instant(std::int64_t us) {
  if (!instant_in_range(us)) invalid("a checkpoint's time must fall between 1900 and 2199 (UTC)");
}
std::string when(std::int64_t us) {
  return instant_in_range(us) ? format_instant(from_micros(us)) : "at " + std::to_string(us) + " us";
}

}  // namespace

struct CheckpointKey::Impl {
  CheckpointAlgorithm algorithm = CheckpointAlgorithm::ed25519;
  std::string key_id;
  std::string secret;  // hmac_sha256
  Pkey pkey;           // ed25519
  bool has_private = false;
  ~Impl() {
    if (!secret.empty()) OPENSSL_cleanse(secret.data(), secret.size());
  }
};

CheckpointKey::CheckpointKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

CheckpointKey CheckpointKey::hmac_sha256(std::string key_id, std::string_view secret) {
  check_key_id(key_id);
  if (secret.size() < kMinSecret)
    invalid("an HMAC-SHA256 checkpoint secret is at least " + std::to_string(kMinSecret) + " bytes (32 random bytes recommended)");
  auto i = std::make_shared<Impl>();
  i->algorithm = CheckpointAlgorithm::hmac_sha256;
  i->key_id = std::move(key_id);
  i->secret.assign(secret.data(), secret.size());
  i->has_private = true;
  return CheckpointKey(std::move(i));
}

CheckpointKey CheckpointKey::generate_ed25519(std::string key_id) {
  check_key_id(key_id);
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 || EVP_PKEY_keygen(ctx.get(), &raw) <= 0)
    crypto_failed("Ed25519 key generation");
  auto i = std::make_shared<Impl>();
  i->key_id = std::move(key_id);
  i->pkey.reset(raw);
  i->has_private = true;
  return CheckpointKey(std::move(i));
}

CheckpointKey CheckpointKey::ed25519_private(std::string key_id, std::string_view private_key) {
  check_key_id(key_id);
  if (private_key.size() != 32) invalid("an Ed25519 private key is 32 bytes");
  auto i = std::make_shared<Impl>();
  i->key_id = std::move(key_id);
  i->pkey.reset(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, uc(private_key), 32));
  if (!i->pkey) crypto_failed("Ed25519 private key import");
  i->has_private = true;
  return CheckpointKey(std::move(i));
}

CheckpointKey CheckpointKey::ed25519_public(std::string key_id, std::string_view public_key) {
  check_key_id(key_id);
  if (public_key.size() != 32) invalid("an Ed25519 public key is 32 bytes");
  auto i = std::make_shared<Impl>();
  i->key_id = std::move(key_id);
  i->pkey.reset(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, uc(public_key), 32));
  if (!i->pkey) {
    ERR_clear_error();
    invalid("not an Ed25519 public key");
  }
  return CheckpointKey(std::move(i));
}

const std::string& CheckpointKey::key_id() const { return impl_->key_id; }
CheckpointAlgorithm CheckpointKey::algorithm() const { return impl_->algorithm; }
bool CheckpointKey::can_sign() const { return impl_->has_private; }

std::string CheckpointKey::public_key() const {
  if (impl_->algorithm != CheckpointAlgorithm::ed25519) invalid("an HMAC key has no public key");
  std::string out(32, '\0');
  std::size_t n = out.size();
  if (EVP_PKEY_get_raw_public_key(impl_->pkey.get(), reinterpret_cast<unsigned char*>(out.data()), &n) != 1 || n != 32)
    crypto_failed("Ed25519 public key export");
  return out;
}

std::string CheckpointKey::private_key() const {
  if (impl_->algorithm != CheckpointAlgorithm::ed25519) invalid("an HMAC key has no private key to export");
  if (!impl_->has_private) invalid("key '" + impl_->key_id + "' holds only a public key");
  std::string out(32, '\0');
  std::size_t n = out.size();
  if (EVP_PKEY_get_raw_private_key(impl_->pkey.get(), reinterpret_cast<unsigned char*>(out.data()), &n) != 1 || n != 32)
    crypto_failed("Ed25519 private key export");
  return out;
}

CheckpointKey CheckpointKey::public_only() const {
  if (impl_->algorithm != CheckpointAlgorithm::ed25519) invalid("an HMAC key has no public half");
  return ed25519_public(impl_->key_id, public_key());
}

std::string CheckpointKey::sign(std::string_view bytes) const {
  if (!impl_->has_private) invalid("key '" + impl_->key_id + "' holds only a public key: it cannot sign");
  if (impl_->algorithm == CheckpointAlgorithm::hmac_sha256) {
    std::string out(32, '\0');
    unsigned int n = 0;
    if (!HMAC(EVP_sha256(), impl_->secret.data(), static_cast<int>(impl_->secret.size()), uc(bytes), bytes.size(),
              reinterpret_cast<unsigned char*>(out.data()), &n) ||
        n != 32)
      crypto_failed("HMAC-SHA256");
    return out;
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  std::string out(64, '\0');
  std::size_t n = out.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, impl_->pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n, uc(bytes), bytes.size()) != 1 ||
      n != 64)
    crypto_failed("Ed25519 signing");
  return out;
}

bool CheckpointKey::verify(std::string_view bytes, std::string_view sig) const {
  if (impl_->algorithm == CheckpointAlgorithm::hmac_sha256) {
    if (sig.size() != 32) return false;
    const std::string mac = sign(bytes);
    return CRYPTO_memcmp(mac.data(), sig.data(), 32) == 0;
  }
  if (sig.size() != 64) return false;
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, impl_->pkey.get()) != 1)
    crypto_failed("Ed25519 verification");
  const int rc = EVP_DigestVerify(ctx.get(), uc(sig), sig.size(), uc(bytes), bytes.size());
  ERR_clear_error();  // a bad signature queues an error
  return rc == 1;
}

std::string_view to_string(CheckpointAlgorithm a) noexcept {
  switch (a) {
    case CheckpointAlgorithm::hmac_sha256: return "hmac_sha256";
    case CheckpointAlgorithm::ed25519: return "ed25519";
  }
  return "unknown";
}

std::string_view to_string(CheckpointProblem p) noexcept {
  switch (p) {
    case CheckpointProblem::none: return "none";
    case CheckpointProblem::chain: return "chain";
    case CheckpointProblem::truncated: return "truncated";
    case CheckpointProblem::rewritten: return "rewritten";
    case CheckpointProblem::forged: return "forged";
    case CheckpointProblem::unknown_key: return "unknown_key";
  }
  return "unknown";
}

std::string bytes_to_hex(std::string_view bytes) {
  static const char* d = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    s.push_back(d[c >> 4]);
    s.push_back(d[c & 15]);
  }
  return s;
}

std::string hex_to_bytes(std::string_view hex) {
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    invalid("bad hex digit");
  };
  if (hex.size() % 2) invalid("hex text has an odd number of digits");
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<char>(nib(hex[2 * i]) * 16 + nib(hex[2 * i + 1]));
  return out;
}

std::string checkpoint_signed_bytes(const Checkpoint& c) {
  std::string b;
  b.reserve(kFormat.size() + 1 + 4 + c.key_id.size() + 8 + 32 + 8);
  b.append(kFormat.data(), kFormat.size());
  b.push_back(static_cast<char>(c.algorithm));
  be(b, c.key_id.size(), 4);
  b.append(c.key_id);
  be(b, c.seq, 8);
  b.append(reinterpret_cast<const char*>(c.head.data()), c.head.size());
  be(b, static_cast<std::uint64_t>(c.issued_at_us), 8);
  return b;
}

bool checkpoint_signature_ok(const Checkpoint& c, const CheckpointKey& key) {
  return c.key_id == key.key_id() && c.algorithm == key.algorithm() &&
         key.verify(checkpoint_signed_bytes(c), c.signature);
}

// ---- issuing ----

Checkpoint issue_checkpoint(const DurableStore& store, const CheckpointKey& key, std::optional<std::uint64_t> seq,
                            std::optional<Instant> issued_at) {
  if (!key.can_sign()) invalid("key '" + key.key_id() + "' holds only a public key: it cannot issue checkpoints");
  const Instant at = issued_at ? *issued_at : SystemClock().now();
  if (at.is_special()) invalid("a checkpoint needs a valid time");
  const std::int64_t at_us = to_micros(at);
  check_instant(at_us);
  const std::uint64_t last = store.last_seq();
  if (last == 0) invalid("the store is empty: there is nothing to checkpoint");
  const std::uint64_t target = seq ? *seq : last;
  if (target == 0 || target > last)
    invalid("no row " + std::to_string(target) + " to checkpoint (the store's rows are 1 to " + std::to_string(last) + ")");
  bool found = false;
  Checkpoint c;
  store.read_rows(target, [&](const StoredEvent& e) {
    if (e.seq == target) {
      if (event_hash(e) != e.hash)
        throw Error(ErrorCode::corruption, "row " + std::to_string(target) + " does not match its hash: not checkpointed");
      c.head = e.hash;
      found = true;
    }
    return false;
  });
  if (!found) throw Error(ErrorCode::corruption, "row " + std::to_string(target) + " is missing: not checkpointed");
  c.seq = target;
  c.issued_at_us = at_us;
  c.key_id = key.key_id();
  c.algorithm = key.algorithm();
  c.signature = key.sign(checkpoint_signed_bytes(c));
  return c;
}

Checkpoint issue_checkpoint(const Engine& engine, const CheckpointKey& key, std::optional<std::uint64_t> seq,
                            std::optional<Instant> issued_at) {
  const auto* durable = dynamic_cast<const DurableStore*>(&engine.store());
  if (!durable) throw Error(ErrorCode::unsupported, "the engine's store is not durable: it has no hash chain to checkpoint");
  return issue_checkpoint(*durable, key, seq, issued_at ? issued_at : std::optional<Instant>(engine.clock().now()));
}

// ---- verifying ----

namespace {

// Forwards the chain walk to the real store and keeps the stored hash of the rows at the
// checkpoints' sequence numbers (the walk itself is verify_rows, unchanged).
class HashRecorder final : public DurableStore {
 public:
  HashRecorder(const DurableStore& inner, const std::set<std::uint64_t>& wanted) : inner_(inner), wanted_(wanted) {}
  std::uint64_t last_seq() const override { return inner_.last_seq(); }
  void append(const Batch&) override { throw Error(ErrorCode::unsupported, "read only"); }
  void read(std::uint64_t from, const Visitor& visit) const override { inner_.read(from, visit); }
  void read_rows(std::uint64_t from, const RowVisitor& visit) const override {
    inner_.read_rows(from, [&](const StoredEvent& e) {
      if (wanted_.count(e.seq)) seen[e.seq] = e.hash;
      return visit(e);
    });
  }
  void append_rows(const std::vector<StoredEvent>&) override { throw Error(ErrorCode::unsupported, "read only"); }
  Hash head_hash() const override { return inner_.head_hash(); }
  mutable std::map<std::uint64_t, Hash> seen;

 private:
  const DurableStore& inner_;
  const std::set<std::uint64_t>& wanted_;
};

}  // namespace

CheckpointReport verify_checkpoints(const DurableStore& store, const std::vector<Checkpoint>& checkpoints,
                                    const std::vector<CheckpointKey>& keys) {
  std::map<std::string, const CheckpointKey*> by_id;
  for (const auto& k : keys)
    if (!by_id.emplace(k.key_id(), &k).second) invalid("two keys have the id '" + k.key_id() + "'");

  // Signatures first: only valid checkpoints say anything about the store.
  std::vector<const Checkpoint*> order;
  for (const auto& c : checkpoints) order.push_back(&c);
  std::stable_sort(order.begin(), order.end(), [](const Checkpoint* a, const Checkpoint* b) { return a->seq < b->seq; });
  CheckpointReport rep;
  std::vector<CheckpointFinding> key_findings;
  std::vector<const Checkpoint*> valid;
  std::set<std::uint64_t> wanted;
  for (const Checkpoint* c : order) {
    const auto k = by_id.find(c->key_id);
    const std::string name = "checkpoint " + std::to_string(c->seq) + " (key '" + c->key_id + "')";
    if (k == by_id.end()) {
      key_findings.push_back({CheckpointProblem::unknown_key, c->seq, 0, name + ": no key with that id was given"});
    } else if (k->second->algorithm() != c->algorithm) {
      key_findings.push_back({CheckpointProblem::forged, c->seq, 0,
                              name + ": says " + std::string(to_string(c->algorithm)) + " but the key is " +
                                  std::string(to_string(k->second->algorithm()))});
    } else if (!k->second->verify(checkpoint_signed_bytes(*c), c->signature)) {
      key_findings.push_back({CheckpointProblem::forged, c->seq, 0, name + ": the signature does not verify"});
    } else {
      valid.push_back(c);
      wanted.insert(c->seq);
    }
  }
  rep.checkpoints_valid = valid.size();

  HashRecorder rec(store, wanted);
  rep.chain = verify_rows(rec, 1, Hash{});
  rep.last_seq = store.last_seq();

  std::vector<CheckpointFinding> store_findings;
  if (!rep.chain.ok)
    store_findings.push_back({CheckpointProblem::chain, 0, rep.chain.first_bad, "the chain breaks: " + rep.chain.problem});
  std::vector<std::uint64_t> matching;  // valid checkpoints whose row still has their hash, ascending
  for (const Checkpoint* c : valid) {
    const std::string name = "checkpoint " + std::to_string(c->seq) + " (key '" + c->key_id + "', issued " + when(c->issued_at_us) + ")";
    if (c->seq > rep.last_seq) {
      store_findings.push_back({CheckpointProblem::truncated, c->seq, rep.last_seq + 1,
                                "rows were deleted: " + name + " certifies row " + std::to_string(c->seq) +
                                    " but the store ends at " + std::to_string(rep.last_seq)});
      continue;
    }
    const auto s = rec.seen.find(c->seq);
    if (s == rec.seen.end()) continue;  // beyond a broken chain: the chain finding covers it
    if (s->second == c->head) {
      matching.push_back(c->seq);
      continue;
    }
    store_findings.push_back({CheckpointProblem::rewritten, c->seq, c->seq, name});  // message completed below
  }
  // A matching checkpoint confirms the rows up to it only where the chain links them.
  const std::uint64_t chain_limit = rep.chain.ok ? std::numeric_limits<std::uint64_t>::max() : rep.chain.first_bad;
  auto confirmed_below = [&](std::uint64_t limit) {
    std::uint64_t best = 0;
    for (std::uint64_t s : matching)
      if (s < limit && s < chain_limit) best = s;
    return best;
  };
  std::uint64_t lowest = std::numeric_limits<std::uint64_t>::max();
  for (auto& f : store_findings) {
    lowest = std::min(lowest, f.first_bad);
    if (f.problem != CheckpointProblem::rewritten) continue;
    const std::uint64_t after = confirmed_below(f.checkpoint_seq);
    f.message = "rows were changed: row " + std::to_string(f.checkpoint_seq) + " no longer has the hash " + f.message +
                " certifies, so a row from " + std::to_string(after + 1) + " to " + std::to_string(f.checkpoint_seq) +
                " was rewritten" + (after ? " (checkpoint " + std::to_string(after) + " still matches)" : "");
  }
  rep.confirmed_seq = confirmed_below(lowest);

  // The first finding: the store problem with the lowest first_bad (chain on a tie, it is
  // first in the list), then checkpoint problems.
  const CheckpointFinding* first = nullptr;
  for (const auto& f : store_findings)
    if (!first || f.first_bad < first->first_bad) first = &f;
  if (!first && !key_findings.empty()) first = &key_findings.front();
  rep.findings = store_findings;
  rep.findings.insert(rep.findings.end(), key_findings.begin(), key_findings.end());
  std::stable_sort(rep.findings.begin() + (rep.chain.ok ? 0 : 1), rep.findings.end(),
                   [](const CheckpointFinding& a, const CheckpointFinding& b) { return a.checkpoint_seq < b.checkpoint_seq; });
  if (first) {
    rep.ok = false;
    rep.problem = first->problem;
    rep.first_bad = first->first_bad;
    rep.checkpoint_seq = first->checkpoint_seq;
    rep.message = first->message;
    if (rep.findings.size() > 1) rep.message += " (and " + std::to_string(rep.findings.size() - 1) + " more findings)";
  } else {
    rep.message = "the chain of " + std::to_string(rep.chain.checked) + " rows is intact and " +
                  (valid.empty() ? std::string("no checkpoint was given")
                                 : std::to_string(valid.size()) + (valid.size() > 1 ? " checkpoints match" : " checkpoint matches") +
                                       " (rows 1 to " + std::to_string(rep.confirmed_seq) + " as certified)");
  }
  return rep;
}

CheckpointReport verify_checkpoints(const DurableStore& store, const std::vector<Checkpoint>& checkpoints,
                                    const CheckpointKey& key) {
  return verify_checkpoints(store, checkpoints, std::vector<CheckpointKey>{key});
}

// ---- text ----

std::string checkpoint_to_line(const Checkpoint& c) {
  check_key_id(c.key_id);
  check_instant(c.issued_at_us);
  if (c.seq == 0 || c.seq > kMaxSeq) invalid("a checkpoint's seq is 1 to 2^63-1");
  if (c.signature.size() != (c.algorithm == CheckpointAlgorithm::hmac_sha256 ? 32u : 64u))
    invalid("a checkpoint's signature has the wrong length for " + std::string(to_string(c.algorithm)));
  std::string s = "{\"format\":\"";
  s.append(kFormat);
  s += "\",\"alg\":\"";
  s += to_string(c.algorithm);
  s += "\",\"key_id\":\"" + c.key_id + "\",\"seq\":" + std::to_string(c.seq) + ",\"head\":\"" + to_hex(c.head) +
       "\",\"issued_at\":\"" + format_instant(c.issued_at()) + "\",\"sig\":\"" + bytes_to_hex(c.signature) + "\"}";
  return s;
}

Checkpoint checkpoint_from_line(std::string_view line) {
  parse_json(line);  // nesting depth and syntax first (Error(invalid_argument))
  std::size_t keys = 0;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line.begin(), line.end(), [&](int, nlohmann::json::parse_event_t ev, nlohmann::json&) {
      if (ev == nlohmann::json::parse_event_t::key) ++keys;
      return true;
    });
  } catch (const nlohmann::json::exception& e) {
    invalid(std::string("malformed JSON: ") + e.what());
  }
  if (!j.is_object()) invalid("a checkpoint line is a JSON object");
  static const char* const fields[] = {"format", "alg", "key_id", "seq", "head", "issued_at", "sig"};
  for (const auto& item : j.items())
    if (std::find_if(std::begin(fields), std::end(fields), [&](const char* f) { return item.key() == f; }) ==
        std::end(fields))
      invalid("unknown checkpoint field '" + item.key() + "'");
  if (keys != j.size()) invalid("a checkpoint field is repeated");
  auto str = [&](const char* f) -> std::string {
    if (!j.contains(f)) invalid(std::string("checkpoint field '") + f + "' is missing");
    if (!j[f].is_string()) invalid(std::string("checkpoint field '") + f + "' is not a string");
    return j[f].get<std::string>();
  };
  if (str("format") != kFormat) invalid("not a " + std::string(kFormat) + " checkpoint");
  Checkpoint c;
  const std::string alg = str("alg");
  if (alg == "hmac_sha256")
    c.algorithm = CheckpointAlgorithm::hmac_sha256;
  else if (alg == "ed25519")
    c.algorithm = CheckpointAlgorithm::ed25519;
  else
    invalid("unknown checkpoint algorithm '" + alg + "' (hmac_sha256 or ed25519)");
  c.key_id = str("key_id");
  check_key_id(c.key_id);
  if (!j.contains("seq")) invalid("checkpoint field 'seq' is missing");
  if (!j["seq"].is_number_unsigned() || j["seq"].get<std::uint64_t>() == 0 || j["seq"].get<std::uint64_t>() > kMaxSeq)
    invalid("checkpoint field 'seq' is not an integer from 1 to 2^63-1");
  c.seq = j["seq"].get<std::uint64_t>();
  const std::string head = str("head");
  if (head.size() != 64) invalid("checkpoint field 'head' is not 64 hex digits");
  c.head = hash_from_hex(head);
  const std::string at = str("issued_at");
  const Instant t = parse_instant(at);
  if (format_instant(t) != at) invalid("checkpoint field 'issued_at' is not of the form YYYY-MM-DDTHH:MM:SS.ffffffZ");
  c.issued_at_us = to_micros(t);
  check_instant(c.issued_at_us);
  c.signature = hex_to_bytes(str("sig"));
  const std::size_t want = c.algorithm == CheckpointAlgorithm::hmac_sha256 ? 32 : 64;
  if (c.signature.size() != want)
    invalid("checkpoint field 'sig' is not " + std::to_string(want) + " bytes (" + std::to_string(2 * want) +
            " hex digits) for " + alg);
  return c;
}

void write_checkpoints(std::ostream& out, const std::vector<Checkpoint>& checkpoints) {
  std::string text;
  for (const auto& c : checkpoints) text += checkpoint_to_line(c) + '\n';  // all checked before writing
  out << text;
  out.flush();
  if (!out) throw Error(ErrorCode::storage, "writing checkpoints failed");
}

std::vector<Checkpoint> read_checkpoints(std::istream& in) {
  std::vector<Checkpoint> out;
  std::string line;
  std::uint64_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line == "\r") continue;
    try {
      out.push_back(checkpoint_from_line(line));
    } catch (const Error& e) {
      throw Error(e.code(), "checkpoint line " + std::to_string(n) + ": " + e.what());
    }
  }
  if (in.bad()) throw Error(ErrorCode::storage, "reading checkpoints failed");
  return out;
}

void append_checkpoint_file(const std::string& path, const std::vector<Checkpoint>& checkpoints) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  if (!out) throw Error(ErrorCode::storage, "cannot open '" + path + "' to append checkpoints");
  try {
    write_checkpoints(out, checkpoints);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::storage) throw;
    throw Error(ErrorCode::storage, "writing checkpoints to '" + path + "' failed");
  }
}

std::vector<Checkpoint> read_checkpoint_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error(ErrorCode::not_found, "no checkpoint file '" + path + "'");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::storage, "cannot read '" + path + "'");
  return read_checkpoints(in);
}

}  // namespace doithoai
