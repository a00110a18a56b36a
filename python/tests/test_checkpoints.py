"""Signed checkpoints from Python (R20, issue 11): an insider with the SQLite file deletes
the newest rows, or backdates a reply and recomputes every later hash (with hashlib, from
the format durable.h documents): DurableStore.verify() passes, verify_checkpoints() does not."""
from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import struct

import pytest

import doithoai as d
from conftest import D, at, hold_conference, make_world, raise_items, reply_fully


def history(path):
    w = make_world(store=d.SqliteStore(path))
    conf = hold_conference(w)
    items = raise_items(w, conf, ["Ngõ 64 ngập úng", "Lấn chiếm vỉa hè", "Chậm cấp sổ đỏ"])
    w.clock.set(at(D(2022, 10, 12)))
    for it in items:
        w.engine.assign(w.office, it, w.land)
    w.clock.set(at(D(2022, 11, 20)))  # late
    reply_fully(w, items[0], D(2022, 11, 20))
    return w


def event_hash(seq, at_us, actor, partition, type_, version, key, payload, prev):
    """durable.h's chain hash, written again from its documentation."""
    def lp(b: bytes) -> bytes:
        return struct.pack(">I", len(b)) + b
    data = (b"doithoai.event.v1" + struct.pack(">QqII", seq, at_us, actor, partition) + lp(type_.encode())
            + struct.pack(">I", version) + lp((key or "").encode()) + lp(payload.encode()) + prev)
    return hashlib.sha256(data).digest()


def rehash_from(con, seq):
    """Recomputes the hash of row seq and of every row after it (the insider's step)."""
    rows = con.execute("SELECT seq, at_us, actor, partition, type, version, idem_key, payload, prev_hash "
                       "FROM events WHERE seq >= ? ORDER BY seq", (seq,)).fetchall()
    prev = rows[0][8]
    for s, at_us, actor, part, type_, version, key, payload, _ in rows:
        h = event_hash(s, at_us, actor, part, type_, version, key, payload, prev)
        con.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, h, s))
        prev = h
    return len(rows)


def test_hashlib_reproduces_the_chain(tmp_path):
    path = tmp_path / "bode.db"
    history(path)
    con = sqlite3.connect(path)
    rows = con.execute("SELECT seq, at_us, actor, partition, type, version, idem_key, payload, prev_hash, hash "
                       "FROM events ORDER BY seq").fetchall()
    con.close()
    assert all(event_hash(*r[:9]) == r[9] for r in rows)


def test_R20_truncation_passes_verify_but_not_the_checkpoint(tmp_path):
    path = tmp_path / "bode.db"
    w = history(path)
    front = d.CheckpointKey.generate_ed25519("mttq-bode-2022")
    cp = d.issue_checkpoint(w.engine, front)  # dated by the engine's clock
    assert cp.seq == w.engine.last_seq and cp.head == w.engine.store.head_hash
    assert cp.issued_at == at(D(2022, 11, 20))
    last = cp.seq
    public = d.CheckpointKey.ed25519_public("mttq-bode-2022", front.public_key)
    assert d.verify_checkpoints(w.engine.store, [cp], public).ok
    del w

    con = sqlite3.connect(path)
    with con:
        con.execute("DELETE FROM events WHERE seq > ?", (last - 4,))
        con.execute("DELETE FROM replay WHERE seq > ?", (last - 4,))
    con.close()

    store = d.SqliteStore(path)  # opens cleanly
    assert store.verify().ok and store.last_seq == last - 4
    rep = d.verify_checkpoints(store, [cp], public)
    assert not rep and not rep.ok
    assert rep.problem == "truncated"
    assert rep.checkpoint_seq == last and rep.last_seq == last - 4 and rep.first_bad == last - 3
    assert rep.chain.ok and rep.confirmed_seq == 0
    assert "deleted" in rep.message and [f.problem for f in rep.findings] == ["truncated"]


def test_R20_a_backdated_reply_with_rehashed_chain_passes_verify_but_not_the_checkpoints(tmp_path):
    path = tmp_path / "bode.db"
    w = history(path)
    key = d.CheckpointKey.hmac_sha256("ubnd-bode", bytes(range(32)))
    con = sqlite3.connect(path)
    reply_seq, = con.execute("SELECT seq FROM events WHERE type = 'reply_written'").fetchone()
    con.close()
    early = d.issue_checkpoint(w.engine.store, key, seq=reply_seq - 1)
    late = d.issue_checkpoint(w.engine, key, issued_at=dt.datetime(2022, 11, 21, tzinfo=dt.timezone.utc))
    checkpoints = [late, early]  # any order
    assert d.verify_checkpoints(w.engine, checkpoints, key).confirmed_seq == late.seq
    del w

    # The insider moves the reply (and everything after it) back to 2022-10-12, before the
    # deadline, in the events table and the replay cache, then recomputes every later hash.
    new_us = d.to_micros(at(D(2022, 10, 12), 10))
    con = sqlite3.connect(path)
    with con:
        con.execute("UPDATE events SET at_us = ? WHERE seq >= ?", (new_us, reply_seq))
        con.execute("UPDATE replay SET at_us = ? WHERE seq >= ?", (new_us, reply_seq))
        assert rehash_from(con, reply_seq) > 1
    con.close()

    store = d.SqliteStore(path)  # opens cleanly
    assert store.verify().ok  # the chain alone sees nothing
    rep = d.verify_checkpoints(store, checkpoints, key)
    assert rep.problem == "rewritten" and rep.checkpoint_seq == late.seq and rep.first_bad == late.seq
    assert rep.confirmed_seq == early.seq  # rows up to the earlier checkpoint are as certified
    assert f"from {early.seq + 1} to {late.seq}" in rep.message


def test_keys_signatures_and_kinds(tmp_path):
    path = tmp_path / "bode.db"
    w = history(path)
    store = w.engine.store
    ed = d.CheckpointKey.generate_ed25519("mttq")
    assert ed.algorithm == "ed25519" and ed.can_sign and len(ed.public_key) == 32 and len(ed.private_key) == 32
    again = d.CheckpointKey.ed25519_private("mttq", bytes.fromhex(ed.private_key.hex()))
    assert again.public_key == ed.public_key
    reader = ed.public_only()
    assert not reader.can_sign and "secret" not in repr(reader)
    with pytest.raises(d.InvalidArgument):
        reader.private_key
    with pytest.raises(d.InvalidArgument):
        d.issue_checkpoint(store, reader)
    cp = d.issue_checkpoint(store, ed)
    assert len(cp.signature) == 64 and cp.algorithm == "ed25519" and cp.key_id == "mttq"
    assert d.verify_checkpoints(store, [cp], reader).ok

    mac = d.CheckpointKey.hmac_sha256("mttq", b"0123456789abcdef")
    assert d.verify_checkpoints(store, [cp], mac).problem == "forged"  # swapped kinds
    assert d.verify_checkpoints(store, [d.issue_checkpoint(store, mac)], ed).problem == "forged"
    other = d.CheckpointKey.generate_ed25519("mttq")
    assert d.verify_checkpoints(store, [cp], other).problem == "forged"  # wrong key
    rep = d.verify_checkpoints(store, [cp], [d.CheckpointKey.generate_ed25519("khac")])
    assert rep.problem == "unknown_key" and rep.first_bad is None
    sig = bytearray(cp.signature)
    sig[0] ^= 1
    forged = d.Checkpoint.from_line(cp.to_line().replace(cp.signature.hex(), bytes(sig).hex()))
    assert forged != cp
    assert d.verify_checkpoints(store, [forged, cp], reader).problem == "forged"

    # Bad arguments raise; tampering never does.
    with pytest.raises(TypeError, match="secret"):
        d.CheckpointKey.hmac_sha256("k", "a str is not bytes, even long")
    with pytest.raises(d.InvalidArgument):
        d.CheckpointKey.hmac_sha256("k", b"short")
    with pytest.raises(d.InvalidArgument):
        d.CheckpointKey.ed25519_public("k", b"\x00" * 31)
    with pytest.raises(d.InvalidArgument):
        d.CheckpointKey.hmac_sha256("có dấu", b"0123456789abcdef")
    with pytest.raises(TypeError, match="store"):
        d.issue_checkpoint("bode.db", ed)
    with pytest.raises(TypeError, match="keys"):
        d.verify_checkpoints(store, [cp], "mttq")
    with pytest.raises(TypeError, match="checkpoints"):
        d.verify_checkpoints(store, [cp.to_line()], ed)
    with pytest.raises(d.InvalidArgument):
        d.issue_checkpoint(store, ed, seq=store.last_seq + 1)
    with pytest.raises(d.InvalidArgument):
        d.issue_checkpoint(store, ed, issued_at=dt.datetime(2022, 11, 21))  # naive
    with pytest.raises(d.Unsupported):
        d.issue_checkpoint(d.Engine("hanoi-2200"), ed)
    with pytest.raises(d.InvalidArgument):
        d.issue_checkpoint(d.SqliteStore(tmp_path / "empty.db"), ed)


def test_checkpoint_lines_and_files(tmp_path):
    path = tmp_path / "bode.db"
    w = history(path)
    ed = d.CheckpointKey.generate_ed25519("mttq-bode-2022")
    a = d.issue_checkpoint(w.engine, ed, seq=3)
    b = d.issue_checkpoint(w.engine, ed)
    line = a.to_line()
    assert "\n" not in line and d.Checkpoint.from_line(line) == a
    assert line.startswith('{"format":"doithoai.checkpoint.v1","alg":"ed25519","key_id":"mttq-bode-2022","seq":3,')
    assert a.issued_at.tzinfo is not None and isinstance(a.signed_bytes(), bytes)
    assert a.signed_bytes().startswith(b"doithoai.checkpoint.v1\x02")
    f = tmp_path / "checkpoints.jsonl"
    with pytest.raises(d.NotFound):
        d.read_checkpoints(f)
    d.append_checkpoints(f, [a])
    d.append_checkpoints(f, [b])
    assert d.read_checkpoints(f) == [a, b]
    assert d.verify_checkpoints(w.engine, d.read_checkpoints(f), ed.public_only()).ok
    for bad in ["", "{}", line.replace('"seq":3', '"seq":0'), line.replace('"seq":3', '"seq":3,"x":1'),
                line.replace(a.head, a.head[:-2]), line.replace(a.signature.hex(), a.signature.hex() + "00"),
                line.replace(".000000Z", "Z")]:
        with pytest.raises(d.InvalidArgument):
            d.Checkpoint.from_line(bad)
    f.write_text(line + "\n" + line.replace('"seq":3', '"seq":-3') + "\n", encoding="utf-8")
    with pytest.raises(d.InvalidArgument, match="line 2"):
        d.read_checkpoints(f)
    f.write_bytes(line.replace("mttq-bode-2022", "mttq\xff").encode("latin-1") + b"\n")
    with pytest.raises(d.InvalidArgument):
        d.read_checkpoints(f)
