// bindings/checkpoints.cpp: signed checkpoints of a durable store's chain (checkpoint.h, R20).
//
//   CheckpointKey        hmac_sha256(key_id, secret: bytes), generate_ed25519(key_id),
//                        ed25519_private / ed25519_public(key_id, raw 32 bytes)
//   Checkpoint           seq, head (hex), issued_at (aware datetime), key_id, algorithm,
//                        signature (bytes); to_line() / from_line(str)
//   CheckpointReport     what verify_checkpoints found (tampering is reported, not raised)
//   issue_checkpoint(store_or_engine, key, *, seq=None, issued_at=None)
//   verify_checkpoints(store_or_engine, checkpoints, keys)
//   append_checkpoints(path, checkpoints), read_checkpoints(path)
//
// Keys are raw bytes in Python (bytes.fromhex / .hex() for the hex form). Bad arguments
// raise InvalidArgument, wrong types TypeError naming the parameter.
// GIL: released around store reads (issue, verify) and file I/O.
#include <optional>

#include <pybind11/operators.h>

#include <doithoai/checkpoint.h>

#include "common.h"
#include "engine.h"
#include "stores.h"

namespace dtpy {
namespace {
using namespace doithoai;

std::string bytes_arg(py::handle h, const char* param) {
  if (!py::isinstance<py::bytes>(h))
    throw py::type_error(std::string(param) + ": expected bytes, got " + Py_TYPE(h.ptr())->tp_name +
                         " (use bytes.fromhex() for hex text)");
  return h.cast<std::string>();
}

// A DurableStore, or the durable store of an Engine (its clock too, for the default time).
struct Source {
  std::shared_ptr<DurableStore> store;
  const PyEngine* engine = nullptr;
};
Source source_arg(py::handle h, const char* param) {
  Source s;
  if (py::isinstance<DurableStore>(h)) {
    s.store = h.cast<std::shared_ptr<DurableStore>>();
  } else if (py::isinstance<PyEngine>(h)) {
    s.engine = &h.cast<const PyEngine&>();
    const PyEngine::Use u = s.engine->use();  // a closed engine has no store
    s.store = std::dynamic_pointer_cast<DurableStore>(s.engine->store_ref);
    if (!s.store) throw Error(ErrorCode::unsupported, "the engine's store is not durable: it has no hash chain to checkpoint");
  } else {
    throw py::type_error(std::string(param) + ": expected a DurableStore or an Engine, got " + Py_TYPE(h.ptr())->tp_name);
  }
  return s;
}

std::vector<Checkpoint> checkpoints_arg(py::handle h, const char* param) {
  if (py::isinstance<py::str>(h) || py::isinstance<py::bytes>(h) || !py::hasattr(h, "__iter__"))
    throw py::type_error(std::string(param) + ": expected an iterable of Checkpoint, got " + Py_TYPE(h.ptr())->tp_name);
  std::vector<Checkpoint> out;
  for (py::handle item : h) out.push_back(arg_cast<Checkpoint>(item, param));
  return out;
}

std::vector<CheckpointKey> keys_arg(py::handle h) {
  if (py::isinstance<CheckpointKey>(h)) return {h.cast<CheckpointKey>()};
  if (py::isinstance<py::str>(h) || py::isinstance<py::bytes>(h) || !py::hasattr(h, "__iter__"))
    throw py::type_error(std::string("keys: expected a CheckpointKey or an iterable of them, got ") +
                         Py_TYPE(h.ptr())->tp_name);
  std::vector<CheckpointKey> out;
  for (py::handle item : h) out.push_back(arg_cast<CheckpointKey>(item, "keys"));
  return out;
}

std::optional<std::uint64_t> opt_nonzero(std::uint64_t v) {
  if (!v) return std::nullopt;
  return v;
}

}  // namespace

void init_checkpoints(py::module_& m) {
  py::class_<CheckpointKey> key(
      m, "CheckpointKey",
      "A key that signs and verifies checkpoints (HMAC-SHA256 secret or Ed25519 private key), or an Ed25519 "
      "public key that only verifies. Build it with the static methods.");
  key.def_static("hmac_sha256", [](const std::string& key_id, py::object secret) {
        return CheckpointKey::hmac_sha256(key_id, bytes_arg(secret, "secret"));
      }, py::arg("key_id"), py::arg("secret"),
      "A shared secret (bytes, at least 16; 32 random bytes recommended). Whoever verifies can also sign.")
      .def_static("generate_ed25519", &CheckpointKey::generate_ed25519, py::arg("key_id"),
                  "A fresh Ed25519 key pair from the system's random source.")
      .def_static("ed25519_private", [](const std::string& key_id, py::object private_key) {
        return CheckpointKey::ed25519_private(key_id, bytes_arg(private_key, "private_key"));
      }, py::arg("key_id"), py::arg("private_key"), "An Ed25519 key from its raw 32-byte private key.")
      .def_static("ed25519_public", [](const std::string& key_id, py::object public_key) {
        return CheckpointKey::ed25519_public(key_id, bytes_arg(public_key, "public_key"));
      }, py::arg("key_id"), py::arg("public_key"),
      "An Ed25519 verifying key from its raw 32-byte public key (cannot sign).")
      .def_property_readonly("key_id", &CheckpointKey::key_id)
      .def_property_readonly("algorithm", [](const CheckpointKey& k) { return std::string(to_string(k.algorithm())); },
                             "'hmac_sha256' or 'ed25519'.")
      .def_property_readonly("can_sign", &CheckpointKey::can_sign)
      .def_property_readonly("public_key", [](const CheckpointKey& k) { return py::bytes(k.public_key()); },
                             "Ed25519: the raw 32-byte public key (InvalidArgument for an HMAC key).")
      .def_property_readonly("private_key", [](const CheckpointKey& k) { return py::bytes(k.private_key()); },
                             "Ed25519: the raw 32-byte private key (InvalidArgument for a public-only or HMAC key).")
      .def("public_only", &CheckpointKey::public_only, "The verifying half of an Ed25519 key (what to hand out).")
      .def("__repr__", [](const CheckpointKey& k) {  // never the secret
        return "CheckpointKey(key_id=" + py::repr(py::str(k.key_id())).cast<std::string>() + ", algorithm='" +
               std::string(to_string(k.algorithm())) + "', can_sign=" + (k.can_sign() ? "True" : "False") + ")";
      });

  ValueClass<Checkpoint> cp(m, "Checkpoint",
                            "A signed statement that row seq of a store had hash head (R20). Keep it apart from "
                            "the store; verify with verify_checkpoints().");
  cp.def_readonly("seq", &Checkpoint::seq)
      .def_property_readonly("head", [](const Checkpoint& c) { return to_hex(c.head); }, "Lowercase hex.")
      .def_property_readonly("issued_at", &Checkpoint::issued_at, "When it was issued (aware UTC datetime).")
      .def_readonly("key_id", &Checkpoint::key_id)
      .def_property_readonly("algorithm", [](const Checkpoint& c) { return std::string(to_string(c.algorithm)); })
      .def_property_readonly("signature", [](const Checkpoint& c) { return py::bytes(c.signature); })
      .def("to_line", &checkpoint_to_line, "The JSON Lines form (one line, no newline).")
      .def_static("from_line", [](const std::string& line) { return checkpoint_from_line(line); }, py::arg("line"),
                  "Parses one line strictly (InvalidArgument when malformed).")
      .def("signed_bytes", [](const Checkpoint& c) { return py::bytes(checkpoint_signed_bytes(c)); },
           "The exact bytes the signature covers (to verify with other tools).")
      .whole_state([](const Checkpoint& c) -> py::object { return py::str(checkpoint_to_line(c)); },
                   [](py::handle h) { return checkpoint_from_line(arg_cast<std::string>(h, "Checkpoint state")); });
  def_repr(cp, "Checkpoint", {"seq", "head", "issued_at", "key_id", "algorithm"});

  ValueClass<CheckpointFinding> cf(m, "CheckpointFinding", "One problem verify_checkpoints found.");
  cf.def_property_readonly("problem", [](const CheckpointFinding& f) { return std::string(to_string(f.problem)); },
                           "'chain' | 'truncated' | 'rewritten' | 'forged' | 'unknown_key'.")
      .def_property_readonly("checkpoint_seq", [](const CheckpointFinding& f) { return opt_nonzero(f.checkpoint_seq); },
                             "The checkpoint concerned (None for the chain finding).")
      .def_property_readonly("first_bad", [](const CheckpointFinding& f) { return opt_nonzero(f.first_bad); })
      .def_readonly("message", &CheckpointFinding::message)
      .state_enum("problem", &CheckpointFinding::problem)
      .state("checkpoint_seq", &CheckpointFinding::checkpoint_seq)
      .state("first_bad", &CheckpointFinding::first_bad);
  def_repr(cf, "CheckpointFinding", {"problem", "checkpoint_seq", "first_bad", "message"});

  ValueClass<CheckpointReport> cr(
      m, "CheckpointReport",
      "What verify_checkpoints found: ok, or the first problem ('chain', 'truncated', 'rewritten', 'forged', "
      "'unknown_key') with every finding.");
  cr.def_readonly("ok", &CheckpointReport::ok)
      .def_property_readonly("problem", [](const CheckpointReport& r) -> std::optional<std::string> {
        if (r.problem == CheckpointProblem::none) return std::nullopt;
        return std::string(to_string(r.problem));
      }, "The first finding's kind, or None when ok.")
      .def_property_readonly("first_bad", [](const CheckpointReport& r) { return opt_nonzero(r.first_bad); },
                             "chain: the first failing row; truncated: the first missing row; rewritten: the "
                             "checkpoint's row; else None.")
      .def_property_readonly("checkpoint_seq", [](const CheckpointReport& r) { return opt_nonzero(r.checkpoint_seq); },
                             "The checkpoint of the first finding (None: none, or the chain).")
      .def_readonly("last_seq", &CheckpointReport::last_seq, "The store's last row when verified.")
      .def_readonly("confirmed_seq", &CheckpointReport::confirmed_seq,
                    "Rows 1..confirmed_seq are exactly as a valid checkpoint certified (0: none).")
      .def_readonly("checkpoints_valid", &CheckpointReport::checkpoints_valid)
      .def_readonly("chain", &CheckpointReport::chain, "The chain walk (a VerifyReport).")
      .def_readonly("findings", &CheckpointReport::findings)
      .def_readonly("message", &CheckpointReport::message)
      .state_enum("problem", &CheckpointReport::problem)
      .state("first_bad", &CheckpointReport::first_bad)
      .state("checkpoint_seq", &CheckpointReport::checkpoint_seq)
      .def("__bool__", [](const CheckpointReport& r) { return r.ok; });
  def_repr(cr, "CheckpointReport", {"ok", "problem", "first_bad", "checkpoint_seq", "last_seq", "confirmed_seq"});

  m.def("issue_checkpoint", [](py::object store, const CheckpointKey& key, py::object seq, py::object issued_at) {
    const Source src = source_arg(store, "store");
    std::optional<std::uint64_t> s;
    if (!seq.is_none()) s = arg_cast<std::uint64_t>(seq, "seq");
    std::optional<Instant> at;
    if (!issued_at.is_none()) at = arg_cast<Instant>(issued_at, "issued_at");
    py::gil_scoped_release nogil;
    if (!at && src.engine) at = src.engine->use()->clock().now();
    return issue_checkpoint(*src.store, key, s, at);
  }, py::arg("store"), py::arg("key"), py::kw_only(), py::arg("seq") = py::none(), py::arg("issued_at") = py::none(),
  "A checkpoint of row seq (default: the last) of a DurableStore or an Engine's store, signed with key and dated "
  "issued_at (default: the engine's clock, else now).");

  m.def("verify_checkpoints", [](py::object store, py::object checkpoints, py::object keys) {
    const Source src = source_arg(store, "store");
    const std::vector<Checkpoint> cps = checkpoints_arg(checkpoints, "checkpoints");
    const std::vector<CheckpointKey> ks = keys_arg(keys);
    py::gil_scoped_release nogil;
    return verify_checkpoints(*src.store, cps, ks);
  }, py::arg("store"), py::arg("checkpoints"), py::arg("keys"),
  "Walks the chain and checks every checkpoint (any order): signature, that its row still exists (else "
  "'truncated'), that the row still has its hash (else 'rewritten'). keys: a CheckpointKey or several (by key id).");

  m.def("append_checkpoints", [](py::object path, py::object checkpoints) {
    const std::string p = fspath(path);
    const std::vector<Checkpoint> cps = checkpoints_arg(checkpoints, "checkpoints");
    py::gil_scoped_release nogil;
    append_checkpoint_file(p, cps);
  }, py::arg("path"), py::arg("checkpoints"), "Appends checkpoints to a JSON Lines file (created when missing).");

  m.def("read_checkpoints", [](py::object path) {
    const std::string p = fspath(path);
    py::gil_scoped_release nogil;
    return read_checkpoint_file(p);
  }, py::arg("path"), "Every checkpoint of a JSON Lines file (NotFound when missing; InvalidArgument naming a bad line).");
}

}  // namespace dtpy
