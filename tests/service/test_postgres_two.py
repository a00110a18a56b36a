"""Two doithoaid processes on one PostgreSQL database under load from both (issue 13).

Both get commands at once: distinct idempotency keys, identical keys sent to both, and commands
on the same items from both sides (so their appends conflict and the engine decides again).
Then nothing is lost or duplicated (every 2xx command's effect is in the log once, every key
replays on the other process with the same answer), both event logs are identical, both answer
reads the same once caught up (config catch_up_ms), and a long poll on one process is woken by a
commit on the other. PostgreSQL is started for the module (pg.py), stopped at the end.
"""
import http.client
import json
import threading
import time

import pytest

import pg
import world


@pytest.fixture(scope="module")
def postgres():
    server = pg.PgServer()
    yield server
    server.stop()


def post(conn, body, key):
    conn.request("POST", "/v1/commands", body=json.dumps(body).encode(),
                 headers={"X-Api-Key": world.WARD_KEY, "Content-Type": "application/json", "Idempotency-Key": key})
    r = conn.getresponse()
    return r.status, json.loads(r.read())


def events(svc, start=1):
    out = []
    while True:
        r = svc.get("/v1/events?from=%d&limit=1000" % start, key=world.BOOT_KEY)
        assert r.status == 200, r
        page = r.json()
        out += page["events"]
        if not page["events"]:
            return out
        start = page["next"]


def events_seq(svc):
    for line in svc.get("/metrics").body.decode().splitlines():
        if line.startswith("doithoaid_events_seq "):
            return int(float(line.split()[1]))
    raise AssertionError("no doithoaid_events_seq in /metrics")


def test_two_services_on_one_postgres_lose_nothing_and_converge(make_service, postgres):
    uri = postgres.createdb("two_services")
    start = lambda: make_service(engine={"store": uri}, keys=world.KEYS, default_keys=False, access_log="",
                                 catch_up_ms=100)
    a = start()
    world.build_directory(world.Client(a.host, a.port, world.BOOT_KEY))
    shared_items = world.submit(world.Client(a.host, a.port, world.WARD_KEY), 0, per_opinion=5)
    b = start()  # opens the store A wrote: replays it
    sides = {"a": a, "b": b}
    answers = []  # (side, key, body, status, reply)
    lock = threading.Lock()

    def client(side, t):
        svc = sides[side]
        conn = http.client.HTTPConnection(svc.host, svc.port, timeout=30)
        for n in range(25):
            own = "%s%d-%d" % (side, t, n)
            jobs = [(own, {"command": {"type": "submit_opinion", "unit": world.BD, "channel": "letter",
                                       "raised_by": world.CITIZEN, "items": [{"topic": "land", "text": "Thư " + own}]}})]
            # The same key and command sent to both processes: one effect, the other a replay.
            jobs.append(("shared-%d-%d" % (t, n), {"command": {"type": "submit_opinion", "unit": world.BD,
                                                               "channel": "letter", "raised_by": world.CITIZEN,
                                                               "items": [{"topic": "land", "text": "Chung %d-%d" % (t, n)}]}}))
            # The same items from both sides: the assignment, reply and deliveries race.
            item = shared_items[(t + n) % len(shared_items)]
            jobs.append(("%s%d-%d-assign" % (side, t, n), {"command": {"type": "assign", "item": item,
                                                                       "agency": world.AGENCY}}))
            jobs.append(("%s%d-%d-deliver" % (side, t, n), {"command": {"type": "record_delivery", "item": item,
                                                                        "recipient": "party_head"}}))
            for key, body in jobs:
                status, reply = post(conn, body, key)
                with lock:
                    answers.append((side, key, body, status, reply))
        conn.close()

    threads = [threading.Thread(target=client, args=(side, t)) for side in "ab" for t in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert not any(th.is_alive() for th in threads)

    # Every answer is a success or the engine's refusal of a transition; never a 5xx.
    for side, key, body, status, reply in answers:
        assert status in (200, 201, 400, 409), (side, key, status, reply)
    ok = [x for x in answers if x[3] in (200, 201)]
    assert len([x for x in ok if x[1].startswith("shared-")]) == 2 * 2 * 25  # both sides' answers
    # Each key has one effect: every 2xx answer of a key names the same seqs, and exactly one of
    # them is not a replay (a shared key: one process committed, the other replayed).
    by_key = {}
    for side, key, body, status, reply in ok:
        by_key.setdefault(key, []).append((status, reply))
    for key, replies in by_key.items():
        assert len({(r["first_seq"], r["last_seq"]) for _, r in replies}) == 1, (key, replies)
        assert sum(1 for _, r in replies if not r["replayed"]) == 1, (key, replies)

    # Both catch up, then hold the same log.
    deadline = time.monotonic() + 10
    while events_seq(a) != events_seq(b) and time.monotonic() < deadline:
        time.sleep(0.05)
    log_a, log_b = events(a), events(b)
    assert log_a == log_b
    assert [e["seq"] for e in log_a] == list(range(1, len(log_a) + 1))
    # Every acknowledged command is in the log once, at the seqs its answer named.
    by_seq = {e["seq"]: e for e in log_a}
    claimed = {}
    for key, replies in by_key.items():
        r = replies[0][1]
        for seq in range(r["first_seq"], r["last_seq"] + 1):
            assert seq in by_seq, (key, seq)
            assert claimed.setdefault(seq, key) == key, "seq %d claimed by %s and %s" % (seq, claimed[seq], key)
    texts = [e["data"]["items"][0]["text"] for e in log_a if e["type"] == "opinion_submitted"]
    assert len(texts) == len(set(texts)), "an opinion was recorded twice"
    for key in by_key:
        if not key.endswith(("-assign", "-deliver")):
            want = ("Chung " + key[len("shared-"):]) if key.startswith("shared-") else "Thư " + key
            assert texts.count(want) == 1, key
    # A key answered by one process replays on the other with the same answer.
    conns = {s: http.client.HTTPConnection(sides[s].host, sides[s].port, timeout=30) for s in "ab"}
    for side, key, body, status, reply in ok[::7]:
        other = "b" if side == "a" else "a"
        st, again = post(conns[other], body, key)
        assert st == 200 and again["replayed"] and again["first_seq"] == reply["first_seq"], (key, st, again)

    # Same answers to reads.
    for path in ["/v1/units/3/accounting", "/v1/items?unit=3&limit=1000", "/v1/public/feed?unit=3&limit=1000",
                 "/v1/items/%d" % shared_items[0], "/v1/items/%d/history" % shared_items[1]]:
        ra, rb = a.get(path, key=world.WARD_KEY), b.get(path, key=world.WARD_KEY)
        assert ra.status == rb.status == 200, (path, ra, rb)
        assert ra.json() == rb.json(), path

    # A long poll on B is woken by a commit on A (B's catch-up feeds its event hub).
    nxt = events_seq(b) + 1
    got = {}
    poll = threading.Thread(target=lambda: got.setdefault(
        "r", b.get("/v1/events?from=%d&wait=20" % nxt, key=world.BOOT_KEY, timeout=30)))
    poll.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    st, r = post(conns["a"], {"command": {"type": "submit_opinion", "unit": world.BD, "channel": "letter",
                                          "raised_by": world.CITIZEN, "items": [{"topic": "land", "text": "Thư cuối"}]}},
                 "last-one")
    assert st == 201
    poll.join(25)
    waited = time.monotonic() - t0
    page = got["r"].json()
    assert [e["seq"] for e in page["events"]] == [r["first_seq"]], page
    assert waited < 5, waited
    for c in conns.values():
        c.close()


def test_catch_up_ms_is_checked(tmp_path):
    import subprocess
    from conftest import DOITHOAID
    for bad in (-5, "100", 3600001):
        path = tmp_path / "c.json"
        path.write_text(json.dumps({"engine": {"store": ":memory:"}, "listen": "127.0.0.1:0", "catch_up_ms": bad}))
        r = subprocess.run([DOITHOAID, "--config", str(path)], capture_output=True, timeout=30)
        assert r.returncode == 2 and b"catch_up_ms" in r.stderr, (bad, r.returncode, r.stderr)
