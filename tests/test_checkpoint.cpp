// Signed checkpoints (issue 11, R20): an insider who deletes the newest rows, or edits a
// row and recomputes every hash after it, passes verify() but not verify_checkpoints().
// The attacks are done with raw SQL on a real SQLite file, as an insider with the file would.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <sstream>

#include "binary.h"
#include "doithoai/checkpoint.h"
#include "store_support.h"

using namespace doithoai;
using namespace sx;

namespace {

Profile profile() { return builtin_profile("hanoi-2200"); }

// Attack 1: delete every row after `keep` and their replay cache rows (and any snapshot
// past them), so that the file opens cleanly as a shorter, valid chain.
void truncate_after(const std::string& path, std::uint64_t keep) {
  const std::string k = std::to_string(keep);
  raw_sql(path, "DELETE FROM events WHERE seq > " + k + "; DELETE FROM replay WHERE seq > " + k +
                    "; DELETE FROM snapshot_chunks WHERE seq > " + k + "; DELETE FROM snapshots WHERE seq > " + k +
                    ";");
}

// Attack 2: replace `from` by `to` in the payload of row `seq`, then recompute that row's
// hash and every hash after it (and the row's replay cache), all with raw SQL on the file:
// the chain is valid again and verify() finds nothing. Returns how many rows were rehashed.
std::uint64_t rewrite_row(const std::string& path, std::uint64_t seq, const std::string& from, const std::string& to) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  std::vector<StoredEvent> rows;
  {
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db,
                               "SELECT seq, partition, at_us, actor, type, version, idem_key, payload, prev_hash "
                               "FROM events WHERE seq >= ? ORDER BY seq",
                               -1, &st, nullptr) == SQLITE_OK);
    sqlite3_bind_int64(st, 1, static_cast<sqlite3_int64>(seq));
    while (sqlite3_step(st) == SQLITE_ROW) {
      StoredEvent e;
      e.seq = static_cast<std::uint64_t>(sqlite3_column_int64(st, 0));
      e.partition = static_cast<std::uint32_t>(sqlite3_column_int64(st, 1));
      e.at_us = sqlite3_column_int64(st, 2);
      e.actor = static_cast<std::uint32_t>(sqlite3_column_int64(st, 3));
      e.type = reinterpret_cast<const char*>(sqlite3_column_text(st, 4));
      e.version = sqlite3_column_int(st, 5);
      if (sqlite3_column_type(st, 6) != SQLITE_NULL)
        e.idempotency_key = reinterpret_cast<const char*>(sqlite3_column_text(st, 6));
      e.payload = reinterpret_cast<const char*>(sqlite3_column_text(st, 7));
      REQUIRE(sqlite3_column_bytes(st, 8) == 32);
      std::memcpy(e.prev_hash.data(), sqlite3_column_blob(st, 8), 32);
      rows.push_back(std::move(e));
    }
    sqlite3_finalize(st);
  }
  REQUIRE_FALSE(rows.empty());
  REQUIRE(rows.front().seq == seq);
  std::string& payload = rows.front().payload;
  const auto at = payload.find(from);
  REQUIRE(at != std::string::npos);
  payload.replace(at, from.size(), to);
  chain_rows(rows, rows.front().prev_hash);
  std::string bin;
  detail::encode_event(event_from_json(rows.front().type, rows.front().version, parse_json(payload)), bin);
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  sqlite3_stmt* up = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "UPDATE events SET payload = ?, prev_hash = ?, hash = ? WHERE seq = ?", -1, &up,
                             nullptr) == SQLITE_OK);
  for (const auto& e : rows) {
    sqlite3_bind_text(up, 1, e.payload.data(), static_cast<int>(e.payload.size()), SQLITE_TRANSIENT);
    sqlite3_bind_blob(up, 2, e.prev_hash.data(), 32, SQLITE_TRANSIENT);
    sqlite3_bind_blob(up, 3, e.hash.data(), 32, SQLITE_TRANSIENT);
    sqlite3_bind_int64(up, 4, static_cast<sqlite3_int64>(e.seq));
    REQUIRE(sqlite3_step(up) == SQLITE_DONE);
    sqlite3_reset(up);
  }
  sqlite3_finalize(up);
  sqlite3_stmt* rb = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "UPDATE replay SET bin = ? WHERE seq = ?", -1, &rb, nullptr) == SQLITE_OK);
  sqlite3_bind_blob(rb, 1, bin.data(), static_cast<int>(bin.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(rb, 2, static_cast<sqlite3_int64>(seq));
  REQUIRE(sqlite3_step(rb) == SQLITE_DONE);
  sqlite3_finalize(rb);
  REQUIRE(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  return rows.size();
}

// The seq of the first row whose payload holds `text`.
std::uint64_t row_with(const DurableStore& s, const std::string& text) {
  std::uint64_t found = 0;
  s.read_rows(1, [&](const StoredEvent& e) {
    if (e.payload.find(text) != std::string::npos) found = e.seq;
    return found == 0;
  });
  return found;
}

CheckpointKey hmac_key(const char* id = "ubnd-bode") {
  return CheckpointKey::hmac_sha256(id, "a secret only the integrator holds, 32+ bytes");
}

}  // namespace

TEST_CASE("R20 a truncated SQLite store passes verify() but not its signed checkpoint", "[checkpoint]") {
  TempDir dir;
  const std::string path = make_store(dir);
  const CheckpointKey front = CheckpointKey::generate_ed25519("mttq-bode-2024");
  std::uint64_t last = 0;
  std::vector<Checkpoint> kept;
  {
    SqliteStore s(path);
    last = s.last_seq();
    REQUIRE(last > 20);
    kept.push_back(issue_checkpoint(s, front, 10, at(2022, 11, 10, 10)));
    kept.push_back(issue_checkpoint(s, front, std::nullopt, at(2022, 11, 10, 17)));
    REQUIRE(kept.back().seq == last);
    REQUIRE(kept.back().head == s.head_hash());
    const CheckpointReport rep = verify_checkpoints(s, kept, front.public_only());
    INFO(rep.message);
    REQUIRE(rep.ok);
    REQUIRE(rep.problem == CheckpointProblem::none);
    REQUIRE(rep.confirmed_seq == last);
    REQUIRE(rep.checkpoints_valid == 2);
  }
  truncate_after(path, last - 3);

  SqliteStore s(path);  // opens cleanly: a shorter chain is a valid chain
  REQUIRE(s.last_seq() == last - 3);
  REQUIRE(s.verify().ok);
  // Only the public key: the verifier cannot forge, but can see the deletion.
  const CheckpointReport rep = verify_checkpoints(s, kept, front.public_only());
  INFO(rep.message);
  REQUIRE_FALSE(rep.ok);
  REQUIRE(rep.chain.ok);
  REQUIRE(rep.problem == CheckpointProblem::truncated);
  REQUIRE(rep.checkpoint_seq == last);
  REQUIRE(rep.last_seq == last - 3);
  REQUIRE(rep.first_bad == last - 2);
  REQUIRE(rep.confirmed_seq == 10);  // the earlier checkpoint still matches
  REQUIRE(rep.message.find("deleted") != std::string::npos);
  REQUIRE(rep.message.find(std::to_string(last - 3)) != std::string::npos);
  REQUIRE(rep.findings.size() == 1);
}

TEST_CASE("R20 a row edited with every later hash recomputed passes verify() but not the checkpoints", "[checkpoint]") {
  TempDir dir;
  const std::string path = make_store(dir);
  const CheckpointKey key = hmac_key();
  std::vector<Checkpoint> kept;
  std::uint64_t target = 0, last = 0;
  {
    SqliteStore s(path);
    last = s.last_seq();
    target = row_with(s, "Rác thải ngõ 1");
    REQUIRE(target > 5);
    REQUIRE(target < last);
    // Checkpoints before and after the row the insider will change, listed out of order.
    kept.push_back(issue_checkpoint(s, key, std::nullopt, at(2022, 11, 10, 18)));
    kept.push_back(issue_checkpoint(s, key, target - 2, at(2022, 11, 10, 12)));
    kept.push_back(issue_checkpoint(s, key, target + 1, at(2022, 11, 10, 15)));
    REQUIRE(verify_checkpoints(s, kept, key).ok);
  }
  const Hash before = SqliteStore(path).head_hash();
  REQUIRE(rewrite_row(path, target, "Rác thải ngõ 1", "Không có ý kiến") == last - target + 1);

  SqliteStore s(path);  // opens cleanly (chain and replay cache agree)
  REQUIRE(s.head_hash() != before);
  const VerifyReport plain = s.verify();
  INFO(plain.problem);
  REQUIRE(plain.ok);  // verify() alone sees nothing
  REQUIRE(row_with(s, "Không có ý kiến") == target);

  const CheckpointReport rep = verify_checkpoints(s, kept, key);
  INFO(rep.message);
  REQUIRE_FALSE(rep.ok);
  REQUIRE(rep.chain.ok);
  REQUIRE(rep.problem == CheckpointProblem::rewritten);
  REQUIRE(rep.checkpoint_seq == target + 1);  // the first checkpoint after the change
  REQUIRE(rep.first_bad == target + 1);
  REQUIRE(rep.confirmed_seq == target - 2);  // rows up to the earlier checkpoint are intact
  REQUIRE(rep.message.find("from " + std::to_string(target - 1) + " to " + std::to_string(target + 1)) !=
          std::string::npos);
  REQUIRE(rep.findings.size() == 2);  // the newest checkpoint differs too
  REQUIRE(rep.message.find("(and 1 more finding)") != std::string::npos);
  REQUIRE(rep.findings[1].problem == CheckpointProblem::rewritten);
  REQUIRE(rep.findings[1].checkpoint_seq == last);

  // The same through the engine the integrator holds.
  auto e = open_engine(profile(), path, options(sx::clock()));
  REQUIRE(verify_checkpoints(dynamic_cast<const DurableStore&>(e->store()), kept, key).problem ==
          CheckpointProblem::rewritten);
}

TEST_CASE("R20 an edit without recomputing the chain is reported as a chain break before the checkpoint",
          "[checkpoint]") {
  TempDir dir;
  const std::string path = make_store(dir);
  const CheckpointKey key = hmac_key();
  std::vector<Checkpoint> kept;
  {
    SqliteStore s(path);
    kept.push_back(issue_checkpoint(s, key, 30));
  }
  raw_sql(path, "UPDATE events SET payload = replace(payload, 'Hà Nội', 'Hà Nậi') WHERE seq = 1");
  SqliteOptions ro;
  ro.read_only = true;
  SqliteStore s(path, ro);
  const CheckpointReport rep = verify_checkpoints(s, kept, key);
  REQUIRE_FALSE(rep.ok);
  REQUIRE(rep.problem == CheckpointProblem::chain);
  REQUIRE(rep.first_bad == 1);
  REQUIRE(rep.confirmed_seq == 0);
}

TEST_CASE("R20 checkpoints: wrong key, forged signature, swapped kinds, unknown key", "[checkpoint]") {
  TempDir dir;
  const std::string path = make_store(dir, 1);
  SqliteStore s(path);
  const CheckpointKey ed = CheckpointKey::generate_ed25519("mttq");
  const CheckpointKey mac = CheckpointKey::hmac_sha256("mttq", "sixteen bytes!!!");
  const Checkpoint good = issue_checkpoint(s, ed);
  REQUIRE(verify_checkpoints(s, {good}, ed).ok);

  SECTION("another Ed25519 key with the same id") {
    const CheckpointReport rep = verify_checkpoints(s, {good}, CheckpointKey::generate_ed25519("mttq"));
    REQUIRE(rep.problem == CheckpointProblem::forged);
    REQUIRE(rep.checkpoint_seq == good.seq);
    REQUIRE(rep.checkpoints_valid == 0);
    REQUIRE(rep.chain.ok);
  }
  SECTION("a changed head, time, seq or key id with the old signature") {
    for (int field = 0; field < 4; ++field) {
      Checkpoint c = good;
      if (field == 0) c.head[0] ^= 1;
      if (field == 1) c.issued_at_us += 1;
      if (field == 2) c.seq -= 1;
      if (field == 3) c.key_id = "mttq2";
      // Both ids known, so a changed key id is a bad signature too.
      const std::vector<CheckpointKey> keys{ed, CheckpointKey::ed25519_public("mttq2", ed.public_key())};
      const CheckpointReport rep = verify_checkpoints(s, {c}, keys);
      INFO(field << ": " << rep.message);
      REQUIRE(rep.problem == CheckpointProblem::forged);
    }
  }
  SECTION("a flipped signature bit") {
    Checkpoint c = good;
    c.signature[5] = static_cast<char>(c.signature[5] ^ 0x10);
    REQUIRE(verify_checkpoints(s, {c}, ed.public_only()).problem == CheckpointProblem::forged);
    REQUIRE_FALSE(checkpoint_signature_ok(c, ed));
    REQUIRE(checkpoint_signature_ok(good, ed.public_only()));
  }
  SECTION("an HMAC checkpoint made by whoever holds a different secret") {
    const Checkpoint c = issue_checkpoint(s, CheckpointKey::hmac_sha256("mttq", "another secret of 16+ bytes"));
    REQUIRE(verify_checkpoints(s, {c}, mac).problem == CheckpointProblem::forged);
  }
  SECTION("swapped key kinds: the checkpoint says one algorithm, the key is the other") {
    const Checkpoint by_mac = issue_checkpoint(s, mac);
    CheckpointReport rep = verify_checkpoints(s, {by_mac}, ed);
    REQUIRE(rep.problem == CheckpointProblem::forged);
    REQUIRE(rep.message.find("hmac_sha256") != std::string::npos);
    REQUIRE(verify_checkpoints(s, {good}, mac).problem == CheckpointProblem::forged);
    // Relabelled: an HMAC tag presented as Ed25519 (and the reverse) never verifies.
    Checkpoint relabelled = by_mac;
    relabelled.algorithm = CheckpointAlgorithm::ed25519;
    relabelled.signature += relabelled.signature;  // 64 bytes
    REQUIRE(verify_checkpoints(s, {relabelled}, ed).problem == CheckpointProblem::forged);
  }
  SECTION("no key with the checkpoint's id") {
    const CheckpointReport rep = verify_checkpoints(s, {good}, CheckpointKey::generate_ed25519("someone-else"));
    REQUIRE(rep.problem == CheckpointProblem::unknown_key);
    REQUIRE(rep.first_bad == 0);
  }
  SECTION("a forged checkpoint beside a good one: the good one still confirms") {
    Checkpoint bad = good;
    bad.signature[0] = static_cast<char>(bad.signature[0] ^ 1);
    const CheckpointReport rep = verify_checkpoints(s, {bad, good}, ed);
    REQUIRE_FALSE(rep.ok);
    REQUIRE(rep.problem == CheckpointProblem::forged);
    REQUIRE(rep.confirmed_seq == good.seq);
    REQUIRE(rep.checkpoints_valid == 1);
  }
}

TEST_CASE("R20 Ed25519 keys: public-key-only verification, raw import/export, signing rules", "[checkpoint]") {
  TempDir dir;
  const std::string path = make_store(dir, 1);
  SqliteStore s(path);
  const CheckpointKey ed = CheckpointKey::generate_ed25519("mttq-bode");
  REQUIRE(ed.can_sign());
  REQUIRE(ed.algorithm() == CheckpointAlgorithm::ed25519);
  const std::string pub = ed.public_key(), priv = ed.private_key();
  REQUIRE(pub.size() == 32);
  REQUIRE(priv.size() == 32);
  REQUIRE(hex_to_bytes(bytes_to_hex(pub)) == pub);
  REQUIRE(bytes_to_hex(pub).size() == 64);

  // The private key imported again signs identically (Ed25519 is deterministic).
  const CheckpointKey again = CheckpointKey::ed25519_private("mttq-bode", hex_to_bytes(bytes_to_hex(priv)));
  REQUIRE(again.public_key() == pub);
  const Instant t = at(2022, 11, 10, 17);
  const Checkpoint c1 = issue_checkpoint(s, ed, std::nullopt, t);
  REQUIRE(issue_checkpoint(s, again, std::nullopt, t) == c1);
  REQUIRE(c1.signature.size() == 64);

  // A reader of the published results holds only the public key: verifies, cannot sign.
  const CheckpointKey reader = CheckpointKey::ed25519_public("mttq-bode", pub);
  REQUIRE_FALSE(reader.can_sign());
  REQUIRE(verify_checkpoints(s, {c1}, reader).ok);
  REQUIRE_ERROR(invalid_argument, issue_checkpoint(s, reader));
  REQUIRE_ERROR(invalid_argument, reader.sign("x"));
  REQUIRE_ERROR(invalid_argument, reader.private_key());
  REQUIRE(reader.public_only().public_key() == pub);

  // Bad keys and ids.
  REQUIRE_ERROR(invalid_argument, CheckpointKey::ed25519_public("k", std::string(31, 'a')));
  REQUIRE_ERROR(invalid_argument, CheckpointKey::ed25519_private("k", std::string(33, 'a')));
  REQUIRE_ERROR(invalid_argument, CheckpointKey::hmac_sha256("k", "too short"));
  REQUIRE_ERROR(invalid_argument, CheckpointKey::hmac_sha256("", "sixteen bytes!!!"));
  REQUIRE_ERROR(invalid_argument, CheckpointKey::hmac_sha256("có dấu", "sixteen bytes!!!"));
  REQUIRE_ERROR(invalid_argument, CheckpointKey::hmac_sha256(std::string(65, 'k'), "sixteen bytes!!!"));
  REQUIRE_ERROR(invalid_argument, CheckpointKey::hmac_sha256("a b", "sixteen bytes!!!"));
  REQUIRE_ERROR(invalid_argument, hmac_key().public_key());
  REQUIRE_ERROR(invalid_argument, hmac_key().public_only());
  REQUIRE_ERROR(invalid_argument, hex_to_bytes("abc"));
  REQUIRE_ERROR(invalid_argument, hex_to_bytes("zz"));
  // Two keys with one id is the caller's mistake, not tampering.
  REQUIRE_ERROR(invalid_argument, verify_checkpoints(s, {c1}, std::vector<CheckpointKey>{ed, reader}));
}

TEST_CASE("R20 the signed bytes are exactly as documented", "[checkpoint]") {
  Checkpoint c;
  c.seq = 0x0102030405060708ull;
  for (std::size_t i = 0; i < 32; ++i) c.head[i] = static_cast<unsigned char>(i);
  c.issued_at_us = -2;
  c.key_id = "k1";
  c.algorithm = CheckpointAlgorithm::hmac_sha256;
  std::string want = "doithoai.checkpoint.v1";
  want += '\x01';
  want += std::string("\x00\x00\x00\x02", 4) + "k1";
  want += "\x01\x02\x03\x04\x05\x06\x07\x08";
  for (int i = 0; i < 32; ++i) want += static_cast<char>(i);
  want += std::string(7, '\xff') + '\xfe';
  REQUIRE(checkpoint_signed_bytes(c) == want);
  // HMAC-SHA256 over those bytes, as any HMAC implementation computes it (this value from
  // Python's hmac module), and RFC 4231 test case 1.
  const CheckpointKey k = CheckpointKey::hmac_sha256("k1", "0123456789abcdef");
  REQUIRE(bytes_to_hex(k.sign(want)) == "80aac5c0efe90c28d3ac2150ef71d9ae574f25796f701b0188da778819a9b7cb");
  REQUIRE(bytes_to_hex(CheckpointKey::hmac_sha256("rfc", std::string(20, '\x0b')).sign("Hi There")) ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  c.algorithm = CheckpointAlgorithm::ed25519;
  REQUIRE(checkpoint_signed_bytes(c)[22] == '\x02');
  // RFC 8032 test 1: the secret key 9d61...7f60 has public key d75a...511a.
  const CheckpointKey rfc = CheckpointKey::ed25519_private(
      "rfc", hex_to_bytes("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  REQUIRE(bytes_to_hex(rfc.public_key()) == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  REQUIRE(bytes_to_hex(rfc.sign("")) ==
          "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595b"
          "be24655141438e7a100b");
}

TEST_CASE("R20 checkpoints in any order, beyond the end, of an empty store", "[checkpoint]") {
  TempDir dir;
  const std::string path = make_store(dir, 2);
  const CheckpointKey key = hmac_key();
  SqliteStore s(path);
  const std::uint64_t last = s.last_seq();
  std::vector<Checkpoint> all;
  for (std::uint64_t q : {last, std::uint64_t{1}, last / 2, std::uint64_t{7}, last / 2})
    all.push_back(issue_checkpoint(s, key, q));
  const CheckpointReport rep = verify_checkpoints(s, all, key);
  REQUIRE(rep.ok);
  REQUIRE(rep.confirmed_seq == last);
  REQUIRE(rep.checkpoints_valid == 5);
  REQUIRE(verify_checkpoints(s, {}, key).ok);

  // Issuing beyond the end, at 0, or on an empty store is refused.
  REQUIRE_ERROR(invalid_argument, issue_checkpoint(s, key, last + 1));
  REQUIRE_ERROR(invalid_argument, issue_checkpoint(s, key, 0));
  REQUIRE_ERROR(invalid_argument, issue_checkpoint(s, key, std::nullopt, Instant(Date(1899, 12, 31))));
  SqliteStore empty(dir.file("empty.db"));
  REQUIRE_ERROR(invalid_argument, issue_checkpoint(empty, key));
  // An empty store with no checkpoints is fine; with any, every row was deleted.
  REQUIRE(verify_checkpoints(empty, {}, key).ok);
  const CheckpointReport gone = verify_checkpoints(empty, {all[1], all[0]}, key);
  REQUIRE(gone.problem == CheckpointProblem::truncated);
  REQUIRE(gone.checkpoint_seq == 1);
  REQUIRE(gone.first_bad == 1);
  REQUIRE(gone.last_seq == 0);
  REQUIRE(gone.findings.size() == 2);

  // A (validly signed) checkpoint beyond the end of this store: another store's, or rows deleted.
  Checkpoint beyond = all[0];
  beyond.seq = last + 5;
  beyond.signature = key.sign(checkpoint_signed_bytes(beyond));
  const CheckpointReport b = verify_checkpoints(s, {all[1], beyond}, key);
  REQUIRE(b.problem == CheckpointProblem::truncated);
  REQUIRE(b.checkpoint_seq == last + 5);
  REQUIRE(b.last_seq == last);
  REQUIRE(b.confirmed_seq == 1);

  // A memory engine has no chain to checkpoint; a durable one does, dated by its clock.
  Engine mem(profile());
  REQUIRE_ERROR(unsupported, issue_checkpoint(mem, key));
  auto c = sx::clock();
  auto e = open_engine(profile(), dir.file("e.db"), options(c));
  build_directory(*e);
  c->set(at(2023, 1, 2, 8));
  const Checkpoint ec = issue_checkpoint(*e, key);
  REQUIRE(ec.seq == e->last_seq());
  REQUIRE(ec.issued_at() == at(2023, 1, 2, 8));
  REQUIRE(verify_checkpoints(dynamic_cast<const DurableStore&>(e->store()), {ec}, key).ok);
}

TEST_CASE("R20 checkpoint text: round trip, files, strict parsing of malformed lines", "[checkpoint]") {
  TempDir dir;
  const std::string path = make_store(dir, 1);
  SqliteStore s(path);
  const CheckpointKey ed = CheckpointKey::generate_ed25519("mttq-bode-2024");
  const Checkpoint a = issue_checkpoint(s, ed, 5, at(2022, 11, 10, 9));
  const Checkpoint b = issue_checkpoint(s, hmac_key(), std::nullopt,
                                        Instant(Date(2022, 11, 10), boost::posix_time::microseconds(123456789)));
  const std::string line = checkpoint_to_line(a);
  REQUIRE(line.find('\n') == std::string::npos);
  REQUIRE(
      line.rfind("{\"format\":\"doithoai.checkpoint.v1\",\"alg\":\"ed25519\",\"key_id\":\"mttq-bode-2024\",\"seq\":5,"
                 "\"head\":\"" +
                     to_hex(a.head) + "\",\"issued_at\":\"2022-11-10T02:00:00.000000Z\",\"sig\":\"",
                 0) == 0);
  REQUIRE(checkpoint_from_line(line) == a);
  REQUIRE(checkpoint_from_line(checkpoint_to_line(b)) == b);

  // Files: appended, read back, verified.
  const std::string file = dir.file("checkpoints.jsonl");
  REQUIRE_ERROR(not_found, read_checkpoint_file(file));
  append_checkpoint_file(file, {a});
  append_checkpoint_file(file, {b});
  const auto back = read_checkpoint_file(file);
  REQUIRE(back == std::vector<Checkpoint>{a, b});
  REQUIRE(verify_checkpoints(s, back, {ed.public_only(), hmac_key()}).ok);
  std::stringstream ss;
  write_checkpoints(ss, {a, b});
  REQUIRE(ss.str() == line + "\n" + checkpoint_to_line(b) + "\n");

  // Malformed lines: each one Error(invalid_argument).
  auto with = [&](const std::string& from, const std::string& to) {
    std::string l = line;
    const auto at = l.find(from);
    REQUIRE(at != std::string::npos);
    return l.replace(at, from.size(), to);
  };
  const std::string hex_head = to_hex(a.head), hex_sig = bytes_to_hex(a.signature);
  const std::vector<std::string> bad = {
      "",
      "[]",
      "{}",
      "not json",
      line.substr(0, line.size() - 1),
      with("\"format\":\"doithoai.checkpoint.v1\"", "\"format\":\"doithoai.checkpoint.v2\""),
      with("\"alg\":\"ed25519\"", "\"alg\":\"rsa\""),
      with("\"alg\":\"ed25519\"", "\"alg\":\"hmac_sha256\""),  // a 64-byte signature for HMAC
      with("\"seq\":5", "\"seq\":0"),
      with("\"seq\":5", "\"seq\":-5"),
      with("\"seq\":5", "\"seq\":5.0"),
      with("\"seq\":5", "\"seq\":\"5\""),
      with("\"seq\":5", "\"seq\":9223372036854775808"),
      with("\"seq\":5", "\"seq\":99999999999999999999999"),
      with(hex_head, hex_head.substr(0, 62)),
      with(hex_head, "g" + hex_head.substr(1)),
      with(hex_sig, hex_sig.substr(0, 126)),
      with(hex_sig, hex_sig + "00"),
      with(hex_sig, hex_sig.substr(0, 127)),
      with(hex_sig, "x" + hex_sig.substr(1)),
      with("2022-11-10T02:00:00.000000Z", "2022-11-10T02:00:00Z"),
      with("2022-11-10T02:00:00.000000Z", "2022-11-10T09:00:00.000000+07:00"),
      with("2022-11-10T02:00:00.000000Z", "2022-13-10T02:00:00.000000Z"),
      with("2022-11-10T02:00:00.000000Z", "1800-11-10T02:00:00.000000Z"),
      with("\"key_id\":\"mttq-bode-2024\"", "\"key_id\":\"mttq bode\""),
      with("\"key_id\":\"mttq-bode-2024\"", "\"key_id\":\"\""),
      with("\"key_id\":\"mttq-bode-2024\"", "\"key_id\":\"m\xff\""),      // invalid UTF-8
      with("\"key_id\":\"mttq-bode-2024\"", "\"key_id\":\"m\xc3\xa1\""),  // valid UTF-8, not a key id
      with("\"key_id\":\"mttq-bode-2024\"", "\"key_id\":7"),
      with("\"seq\":5", "\"seq\":5,\"extra\":1"),
      with("\"seq\":5", "\"seq\":5,\"seq\":6"),
      with(",\"seq\":5", ""),
      with("{",
           "{\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
           "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],"),
  };
  for (const std::string& l : bad) {
    INFO(l);
    REQUIRE_ERROR(invalid_argument, checkpoint_from_line(l));
  }
  // A bad line in a file names its number; nothing is returned.
  std::istringstream in(line + "\n\n" + with("\"seq\":5", "\"seq\":0") + "\n");
  try {
    read_checkpoints(in);
    FAIL("no error");
  } catch (const Error& e) {
    REQUIRE(e.code() == ErrorCode::invalid_argument);
    REQUIRE(std::string(e.what()).find("line 3") != std::string::npos);
  }
  // Writing refuses a checkpoint that could not be read back.
  Checkpoint odd = a;
  odd.key_id = "has space";
  std::stringstream none;
  REQUIRE_ERROR(invalid_argument, write_checkpoints(none, {a, odd}));
  REQUIRE(none.str().empty());
}
