"""The transport and operations of doithoaid: health, metrics, keys, limits, malformed HTTP,
TLS, shutdown, the event stream (docs/service.md)."""

import json
import signal
import socket
import ssl
import subprocess
import threading
import time

import pytest

from conftest import ADMIN_KEY, DOITHOAID, PLAIN_KEY, sha256


# ---- operations ----

def test_healthz_readyz_metrics(service):
    r = service.get("/healthz")
    assert r.status == 200 and r.json() == {"status": "ok"}
    r = service.get("/readyz")
    assert r.status == 200 and r.json() == {"status": "ready"}
    assert service.request("HEAD", "/healthz").status == 200
    assert service.post("/healthz").status == 405
    m = service.get("/metrics")
    assert m.status == 200
    assert m.headers["content-type"].startswith("text/plain")
    text = m.body.decode()
    assert 'doithoaid_requests_total{route="/healthz",method="GET",status="2xx"} 2' in text
    assert 'doithoaid_requests_total{route="/readyz",method="GET",status="2xx"} 1' in text
    for name in ("doithoaid_request_duration_seconds_bucket{le=\"+Inf\"}", "doithoaid_requests_in_flight",
                 "doithoaid_connections ", "doithoaid_rate_limited_total", "doithoaid_events_seq"):
        assert name in text, name


def test_unknown_path_is_404_json(service):
    r = service.get("/no/such/thing", key=ADMIN_KEY)
    assert r.status == 404
    assert r.json()["error"]["code"] == "no_route"


def test_access_log_lines_have_no_query_and_no_key(make_service):
    svc = make_service(access_log="-")
    secret = "personal-name-Nguyen"
    svc.get("/healthz?who=" + secret)
    svc.get("/nothing/here?api_key=" + ADMIN_KEY)
    svc.get("/healthz", key=PLAIN_KEY)
    assert svc.stop() == 0
    log = svc.access_log()
    assert len(log) == 3
    for line in log:
        assert set(line) >= {"time", "method", "route", "status", "duration_ms", "key", "bytes"}
    assert log[0]["route"] == "/healthz" and log[0]["status"] == 200 and log[0]["key"] is None
    assert log[1]["route"] == "unmatched" and log[1]["status"] == 404 and log[1]["key"] == "admin"
    assert log[2]["key"] == "plain"
    text = svc.stderr()
    assert secret not in text and ADMIN_KEY not in text and "?" not in text


# ---- keys ----

def test_key_sources(service):
    # No key: the event stream needs one.
    assert service.get("/v1/events").status == 401
    # An unknown key is 401 everywhere, also on open routes.
    for path in ("/v1/events", "/healthz", "/nothing"):
        r = service.get(path, key="not-a-key")
        assert r.status == 401, path
        assert r.json()["error"]["code"] == "unauthenticated"
    # Header, bearer token, query parameter, form field.
    assert service.get("/v1/events", key=ADMIN_KEY).status == 200
    assert service.get("/v1/events", headers={"Authorization": "Bearer " + ADMIN_KEY}).status == 200
    assert service.get("/v1/events", headers={"Authorization": "Bearer wrong"}).status == 401
    assert service.get("/v1/events?api_key=" + ADMIN_KEY).status == 200
    assert service.get("/v1/events?api_key=wrong").status == 401
    # The query parameter is taken out before the route sees it (events refuses unknown ones).
    assert service.get("/v1/events?api_key=%s&from=1" % ADMIN_KEY).status == 200
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    r = service.post("/nothing", body="a=1&api_key=" + ADMIN_KEY, headers=form)
    assert r.status == 404  # known key: routed (no route here)
    r = service.post("/nothing", body="a=1&api_key=wrong", headers=form)
    assert r.status == 401
    # A key without the events scope.
    r = service.get("/v1/events", key=PLAIN_KEY)
    assert r.status == 403 and r.json()["error"]["code"] == "forbidden"


def test_hash_key_subcommand():
    out = subprocess.run([DOITHOAID, "hash-key"], input=b"s3cret\n", capture_output=True, check=True)
    assert out.stdout.decode().strip() == sha256("s3cret")
    empty = subprocess.run([DOITHOAID, "hash-key"], input=b"", capture_output=True)
    assert empty.returncode == 2


@pytest.mark.parametrize("config, field", [
    ({"listen": "127.0.0.1:0", "bogus": 1}, "bogus"),
    ({"listen": 8080}, "listen"),
    ({"listen": "nohost"}, "listen"),
    ({"listen": "127.0.0.1:70000"}, "listen"),
    ({"limits": {"max_body_bytes": "big"}}, "limits.max_body_bytes"),
    ({"limits": {"max_bodybytes": 1}}, "limits.max_bodybytes"),
    ({"worker_threads": 0}, "worker_threads"),
    ({"inline_reads": "yes"}, "inline_reads"),
    ({"keys": [{"name": "x"}]}, "keys[0].sha256"),
    ({"keys": [{"name": "x", "sha256": "abc"}]}, "keys[0].sha256"),
    ({"keys": [{"name": "x", "sha256": "a" * 64, "units": ["1"]}]}, "keys[0].units[0]"),
    ({"keys": [{"name": "x", "sha256": "a" * 64, "events": 1}]}, "keys[0].events"),
    ({"keys": [{"name": "x", "sha256": "a" * 64, "color": 1}]}, "keys[0].color"),
    ({"tls": {"cert": "c.pem"}}, "tls.key"),
    ({"engine": []}, "engine"),
])
def test_bad_config_exits_2_naming_the_field(tmp_path, config, field):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(config))
    out = subprocess.run([DOITHOAID, "--config", str(path)], capture_output=True, timeout=30)
    assert out.returncode == 2
    assert ("'%s'" % field) in out.stderr.decode(), out.stderr


def test_usage_errors_exit_2(tmp_path):
    assert subprocess.run([DOITHOAID], capture_output=True).returncode == 2
    assert subprocess.run([DOITHOAID, "--config"], capture_output=True).returncode == 2
    assert subprocess.run([DOITHOAID, "--config", str(tmp_path / "missing.json")],
                          capture_output=True).returncode == 2
    (tmp_path / "bad.json").write_text("{not json")
    assert subprocess.run([DOITHOAID, "--config", str(tmp_path / "bad.json")],
                          capture_output=True).returncode == 2


# ---- limits ----

def test_oversized_body_is_413(make_service):
    svc = make_service(limits={"max_body_bytes": 1000})
    r = svc.post("/nothing", body=b"x" * 5000, key=ADMIN_KEY)
    assert r.status == 413 and r.json()["error"]["code"] == "too_large"
    # Announced but not sent: refused from the header alone.
    reply = svc.raw(b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 100000000\r\n\r\n", timeout=5)
    assert reply.startswith(b"HTTP/1.1 413")
    assert svc.get("/healthz").status == 200


def test_oversized_headers_refused(make_service):
    svc = make_service(limits={"max_header_bytes": 2048})
    r = svc.get("/healthz", headers={"X-Big": "y" * 4000})
    assert r.status in (413, 431)
    assert svc.get("/healthz").status == 200


def test_slowloris_is_closed_within_the_timeout_while_others_are_served(make_service):
    svc = make_service(limits={"request_timeout_ms": 1000})
    s = socket.create_connection((svc.host, svc.port), timeout=10)
    start = time.monotonic()
    closed_after = None
    request = b"GET /healthz HTTP/1.1\r\nHost: a\r\nX-Slow: " + b"z" * 100
    try:
        for i in range(len(request)):
            s.sendall(request[i:i + 1])
            # Others are served meanwhile.
            if i % 10 == 0:
                assert svc.get("/healthz", timeout=2).status == 200
            time.sleep(0.05)
            if time.monotonic() - start > 6:
                break
    except (BrokenPipeError, ConnectionResetError):
        closed_after = time.monotonic() - start
    if closed_after is None:
        s.settimeout(5)
        try:
            data = s.recv(100)
            assert data == b"" or data.startswith(b"HTTP/1.1 408")
        except ConnectionResetError:
            pass
        closed_after = time.monotonic() - start
    s.close()
    assert closed_after < 4, closed_after
    assert svc.alive()
    assert metric(svc, "doithoaid_timeouts_total") == 1


def test_idle_keep_alive_connection_is_closed(make_service):
    svc = make_service(limits={"idle_timeout_ms": 300})
    conn = svc.connection()
    conn.request("GET", "/healthz")
    assert conn.getresponse().read()
    sock = conn.sock
    sock.settimeout(5)
    start = time.monotonic()
    assert sock.recv(10) == b""
    assert time.monotonic() - start < 3
    conn.close()


def test_keep_alive_serves_many_requests_on_one_connection(service):
    conn = service.connection()
    for _ in range(50):
        conn.request("GET", "/healthz")
        r = conn.getresponse()
        assert r.status == 200 and r.read() == b'{"status":"ok"}'
    conn.close()


def test_too_many_connections_are_refused(make_service):
    svc = make_service(limits={"max_connections": 3})
    held = []
    for _ in range(3):
        c = svc.connection()
        c.request("GET", "/healthz")
        assert c.getresponse().read()
        held.append(c)
    extra = socket.create_connection((svc.host, svc.port), timeout=5)
    data = b""
    try:
        extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")
        while True:
            chunk = extra.recv(4096)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, BrokenPipeError):
        pass
    extra.close()
    assert data == b"" or data.startswith(b"HTTP/1.1 503")
    for c in held:
        c.close()
    # Capacity comes back once they close.
    deadline = time.monotonic() + 5
    while True:
        try:
            if svc.get("/healthz", timeout=2).status == 200:
                break
        except (ConnectionError, http_errors()):
            pass
        assert time.monotonic() < deadline
        time.sleep(0.05)
    # At least the one above (retries while the held connections were closing may add more).
    assert metric(svc, "doithoaid_connections_refused_total") >= 1


def metric(svc, name):
    for line in svc.get("/metrics").body.decode().splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError("no metric " + name)


def http_errors():
    import http.client
    return http.client.HTTPException


def test_rate_limit_per_key_and_per_address(make_service):
    svc = make_service(keys=[{"name": "slow", "key": "slow-key", "events": True, "rate_per_second": 1, "burst": 3}],
                       limits={"ip_rate_per_second": 1, "ip_burst": 2})
    codes = [svc.get("/v1/events", key="slow-key").status for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    r = svc.get("/v1/events", key="slow-key")
    assert r.status == 429 and int(r.headers["retry-after"]) >= 1
    assert r.json()["error"]["code"] == "rate_limited"
    # Another key is not affected.
    assert svc.get("/v1/events", key=ADMIN_KEY).status == 200
    # Keyless requests share the address's bucket; operations endpoints are exempt.
    keyless = [svc.get("/nothing").status for _ in range(4)]
    assert keyless[:2] == [404, 404] and 429 in keyless[2:]
    assert svc.get("/healthz").status == 200
    assert "doithoaid_rate_limited_total" in svc.get("/metrics").body.decode()


# ---- malformed HTTP ----

@pytest.mark.parametrize("data", [
    b"GARBAGE\r\n\r\n",
    b"\x00\x01\x02\xff\r\n\r\n",
    b"GET /healthz HTTP/9.9\r\n\r\n",
    b"GET /healthz HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
    b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello",
    b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
    b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nhello\r\n0\r\n\r\n",
    b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n",
    b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    b"GET /v1/\xff\xfe%ZZ HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    b"GET /v1/%ff%fe HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    b"GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n",
])
def test_malformed_requests_get_4xx_or_close_and_the_service_lives(service, data):
    reply = service.raw(data, timeout=3)
    if reply:
        status = int(reply.split(b" ", 2)[1])
        assert 400 <= status < 500, reply[:200]
    assert service.alive()
    assert service.get("/healthz").status == 200


def test_chunked_body_over_the_limit_is_413(make_service):
    svc = make_service(limits={"max_body_bytes": 100})
    chunk = b"c8\r\n" + b"x" * 200 + b"\r\n0\r\n\r\n"
    reply = svc.raw(b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk, timeout=3)
    assert reply.startswith(b"HTTP/1.1 413")
    assert svc.alive()


# ---- TLS ----

def test_tls_round_trip(make_service, tls_files):
    cert, key = tls_files
    svc = make_service(tls={"cert": cert, "key": key})
    assert svc.url.startswith("https://")
    r = svc.get("/healthz")
    assert r.status == 200 and r.json() == {"status": "ok"}
    assert svc.get("/v1/events", key=ADMIN_KEY).json() == {"events": [], "next": 1}
    # The certificate is the one configured.
    context = ssl.create_default_context(cafile=cert)
    with socket.create_connection((svc.host, svc.port)) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            assert tls.recv(100).startswith(b"HTTP/1.1 200")
    # Plain HTTP on the TLS port gets nothing useful, and the service lives.
    svc.raw(b"GET /healthz HTTP/1.1\r\n\r\n", timeout=2)
    assert svc.alive() and svc.get("/healthz").status == 200


def test_bad_tls_files_exit_2(make_service, tmp_path):
    (tmp_path / "c.json").write_text(json.dumps({"listen": "127.0.0.1:0",
                                                 "tls": {"cert": str(tmp_path / "no.pem"),
                                                         "key": str(tmp_path / "no.key")}}))
    out = subprocess.run([DOITHOAID, "--config", str(tmp_path / "c.json")], capture_output=True, timeout=30)
    assert out.returncode == 2 and b"tls.cert" in out.stderr


# ---- shutdown ----

def test_sigterm_while_a_long_poll_waits_exits_0(make_service):
    svc = make_service()
    result = {}

    def poll():
        result["r"] = svc.get("/v1/events?from=1&wait=20", key=ADMIN_KEY, timeout=30)

    t = threading.Thread(target=poll)
    t.start()
    time.sleep(0.5)
    start = time.monotonic()
    assert svc.stop() == 0
    t.join(10)
    assert time.monotonic() - start < 5
    assert result["r"].status == 200 and result["r"].json()["events"] == []


def test_sigint_exits_0(make_service):
    svc = make_service()
    assert svc.get("/healthz").status == 200
    assert svc.stop(signal.SIGINT) == 0
    assert "stopped" in svc.stderr()



def test_sigterm_drains_in_flight_commands(make_service, tmp_path):
    # Four clients commit as fast as they can on a durable store; SIGTERM lands mid-stream.
    # Every command that was answered 201 is committed, and nothing was committed unanswered:
    # the in-flight ones finished and were answered before the engine closed.
    store = str(tmp_path / "drain.db")
    svc = make_service(engine={"store": store})
    answered = []
    answered_while_draining = []  # in flight when the signal came: finished, answered, then closed
    refused = []
    lock = threading.Lock()

    def client(n):
        conn = svc.connection(timeout=30)
        i = 0
        while True:
            body = json.dumps({"actor": "system", "command": {"type": "register_person", "name": "P%d-%d" % (n, i)}})
            try:
                conn.request("POST", "/v1/commands", body=body,
                             headers={"X-Api-Key": ADMIN_KEY, "Content-Type": "application/json"})
                r = conn.getresponse()
                data = r.read()
            except (OSError, http_errors()):
                return
            closing = r.getheader("connection", "").lower() == "close"
            with lock:
                if r.status == 201:
                    answered.append(json.loads(data)["first_seq"])
                    if closing:
                        answered_while_draining.append(1)
                else:
                    refused.append(r.status)
            if r.status != 201 or r.getheader("connection", "").lower() == "close":
                return
            i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 10
    while len(answered) < 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert svc.stop() == 0
    for t in threads:
        t.join(10)
    assert answered and all(status == 503 for status in refused)
    assert answered_while_draining
    # Reopen the store: exactly the answered commands are there.
    again = make_service(engine={"store": store})
    events = again.get("/v1/events?limit=1000", key=ADMIN_KEY).json()["events"]
    assert sorted(e["seq"] for e in events) == sorted(answered)


# ---- events ----

def register(svc, name="Nguyen Van An", key=ADMIN_KEY, **fields):
    command = {"type": "register_person", "name": name}
    command.update(fields)
    r = svc.post("/v1/commands", key=key, json={"actor": "system", "command": command})
    assert r.status == 201, r
    return r.json()["first_seq"]


def test_events_pages_and_next(service):
    seqs = [register(service, "P%d" % i) for i in range(3)]
    r = service.get("/v1/events?from=1", key=ADMIN_KEY)
    assert r.status == 200
    page = r.json()
    assert [e["seq"] for e in page["events"]] == seqs and page["next"] == seqs[-1] + 1
    assert all(e["type"] == "person_registered" for e in page["events"])
    one = service.get("/v1/events?from=2&limit=1", key=ADMIN_KEY).json()
    assert [e["seq"] for e in one["events"]] == [2] and one["next"] == 3
    empty = service.get("/v1/events?from=100", key=ADMIN_KEY).json()
    assert empty == {"events": [], "next": 100}
    for bad in ("from=0", "from=x", "limit=0", "limit=1001", "wait=-1", "wait=abc", "color=red"):
        r = service.get("/v1/events?" + bad, key=ADMIN_KEY)
        assert r.status == 400 and r.json()["error"]["code"] == "invalid_argument", bad
    assert service.post("/v1/events", key=ADMIN_KEY).status == 405
    metrics = service.get("/metrics").body.decode()
    assert "doithoaid_events_seq 3" in metrics


def test_long_poll_wakes_on_commit(service):
    register(service)
    result = {}

    def poll():
        start = time.monotonic()
        result["r"] = service.get("/v1/events?from=2&wait=20", key=ADMIN_KEY, timeout=30)
        result["t"] = time.monotonic() - start

    t = threading.Thread(target=poll)
    t.start()
    time.sleep(0.5)
    assert "r" not in result
    register(service, "Tran Thi Binh")
    t.join(10)
    assert result["r"].status == 200
    page = result["r"].json()
    assert [e["seq"] for e in page["events"]] == [2] and page["next"] == 3
    assert result["t"] < 5


def test_long_poll_times_out_empty_and_is_capped(make_service):
    svc = make_service(limits={"events_max_wait_ms": 300})
    start = time.monotonic()
    r = svc.get("/v1/events?from=1&wait=30", key=ADMIN_KEY, timeout=30)
    took = time.monotonic() - start
    assert r.status == 200 and r.json() == {"events": [], "next": 1}
    assert 0.25 <= took < 3


def test_long_polls_do_not_hold_worker_threads(make_service):
    svc = make_service(worker_threads=1)
    results = []

    def poll():
        results.append(svc.get("/v1/events?from=1&wait=5", key=ADMIN_KEY, timeout=30))

    polls = [threading.Thread(target=poll) for _ in range(8)]
    for t in polls:
        t.start()
    time.sleep(0.5)
    # Eight waiters, one worker thread: a command is still served at once, and wakes them all.
    start = time.monotonic()
    register(svc)
    assert time.monotonic() - start < 2
    for t in polls:
        t.join(10)
    assert len(results) == 8
    assert all([e["seq"] for e in r.json()["events"]] == [1] for r in results)


def read_sse_event(resp):
    """The next event of a text/event-stream (fields dict), skipping comments; None at the end."""
    fields = {}
    comments = []
    while True:
        line = resp.readline()
        if not line:
            return None
        line = line.decode().rstrip("\n")
        if line == "":
            if fields:
                fields["comments"] = comments
                return fields
            continue
        if line.startswith(":"):
            comments.append(line)
            if "heartbeat" in line:
                return {"heartbeat": True}
            continue
        name, _, value = line.partition(": ")
        fields[name] = value


def open_sse(svc, path="/v1/events", headers=None, timeout=10):
    conn = svc.connection(timeout=timeout)
    h = {"Accept": "text/event-stream", "X-Api-Key": ADMIN_KEY}
    h.update(headers or {})
    conn.request("GET", path, headers=h)
    resp = conn.getresponse()
    return conn, resp


def test_sse_streams_history_then_live_events_and_resumes(make_service):
    svc = make_service(limits={"sse_heartbeat_ms": 300})
    register(svc, "A")
    register(svc, "B")
    conn, resp = open_sse(svc, "/v1/events?from=1")
    assert resp.status == 200
    assert resp.getheader("content-type").startswith("text/event-stream")
    e1 = read_sse_event(resp)
    e2 = read_sse_event(resp)
    assert (e1["id"], e1["event"]) == ("1", "person_registered")
    assert json.loads(e1["data"])["data"]["name"] == "A"
    assert e2["id"] == "2"
    register(svc, "C")
    e3 = read_sse_event(resp)
    while e3.get("heartbeat"):
        e3 = read_sse_event(resp)
    assert e3["id"] == "3" and json.loads(e3["data"])["seq"] == 3
    # Idle: heartbeats as comments.
    assert read_sse_event(resp) == {"heartbeat": True}
    assert "doithoaid_event_streams 1" in svc.get("/metrics").body.decode()
    conn.close()
    # Resume after Last-Event-ID (it wins over from).
    conn, resp = open_sse(svc, "/v1/events?from=1", headers={"Last-Event-ID": "2"})
    assert read_sse_event(resp)["id"] == "3"
    conn.close()
    # A key without the events scope is refused before any stream starts.
    conn, resp = open_sse(svc, headers={"X-Api-Key": PLAIN_KEY})
    assert resp.status == 403
    conn.close()


def test_sse_stream_ends_on_sigterm(make_service):
    svc = make_service()
    conn, resp = open_sse(svc)
    assert resp.status == 200
    time.sleep(0.2)
    start = time.monotonic()
    assert svc.stop() == 0
    assert time.monotonic() - start < 5
    assert read_sse_event(resp) is None
    conn.close()


def test_slow_sse_reader_is_disconnected(make_service):
    # A reader that takes nothing: the service keeps at most one batch for it and drops it when
    # a write has not completed within write_timeout_ms, rather than buffering the log.
    svc = make_service(limits={"write_timeout_ms": 500, "sse_batch_events": 1000})
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect((svc.host, svc.port))
    s.sendall(b"GET /v1/events HTTP/1.1\r\nHost: a\r\nAccept: text/event-stream\r\nX-Api-Key: "
              + ADMIN_KEY.encode() + b"\r\n\r\n")
    conn = svc.connection(timeout=30)
    long = "x" * 500
    total = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for _ in range(200):
            conn.request("POST", "/v1/commands",
                         body=json.dumps({"actor": "system", "command": {"type": "register_person", "name": long,
                                                                         "address": long}}),
                         headers={"X-Api-Key": ADMIN_KEY, "Content-Type": "application/json"})
            r = conn.getresponse()
            r.read()
            assert r.status == 201
            total += 1
        metrics = svc.get("/metrics").body.decode()
        if "doithoaid_event_streams 0" in metrics:
            break
    assert "doithoaid_event_streams 0" in metrics, total
    assert "doithoaid_timeouts_total 0" not in metrics
    conn.close()
    s.close()
    assert svc.alive()


def test_the_example_config_of_the_docs_starts(make_service, tmp_path):
    # tools/doithoaid/doithoaid.example.json (README, docs/service.md), on a fresh store and a
    # free port; its key is "demo-key".
    from conftest import ROOT, Service
    config = json.loads((ROOT / "tools" / "doithoaid" / "doithoaid.example.json").read_text())
    config["listen"] = "127.0.0.1:0"
    config["engine"]["store"] = str(tmp_path / "example.db")
    workdir = tmp_path / "example"
    workdir.mkdir()
    svc = Service(config, workdir)
    try:
        assert svc.get("/readyz").status == 200
        assert svc.get("/v1/events", key="demo-key").status == 200
        assert svc.get("/v1/events", key="other").status == 401
    finally:
        assert svc.stop() == 0


def test_expect_100_continue(service):
    body = json.dumps({"actor": "system", "command": {"type": "register_person", "name": "An"}}).encode()
    s = socket.create_connection((service.host, service.port), timeout=5)
    s.sendall(b"POST /v1/commands HTTP/1.1\r\nHost: a\r\nX-Api-Key: " + ADMIN_KEY.encode() +
              b"\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nConnection: close\r\n"
              b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
    assert s.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
    s.sendall(body)
    reply = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        reply += chunk
    s.close()
    assert reply.startswith(b"HTTP/1.1 201")


def test_several_io_threads_many_clients_and_a_log_file(make_service, tmp_path):
    log_path = tmp_path / "access.log"
    svc = make_service(io_threads=2, worker_threads=3, access_log=str(log_path))
    register(svc)
    failures = []

    def client():
        conn = svc.connection()
        for i in range(40):
            path = "/healthz" if i % 2 else "/v1/events?from=1"
            conn.request("GET", path, headers={"X-Api-Key": ADMIN_KEY})
            r = conn.getresponse()
            body = r.read()
            if r.status != 200 or (i % 2 == 0 and json.loads(body)["next"] != 2):
                failures.append((path, r.status, body[:100]))
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not failures
    assert svc.stop() == 0
    lines = [json.loads(line) for line in log_path.read_text().splitlines()]
    assert len(lines) == 1 + 8 * 40
    assert {line["route"] for line in lines} == {"/v1/commands", "/healthz", "/v1/events"}


# ---- keyed reads on the I/O thread (docs/service.md, "Reads on the I/O thread") ----

@pytest.mark.parametrize("inline", [True, False])
def test_keyed_reads_during_durable_commands_answer_the_same_on_either_thread(make_service, tmp_path, inline):
    """Reads by id while durable commands commit (SQLite, sync full): every answer is a 200
    with the person asked for, whether the I/O thread answered it or gave way to a worker;
    the metrics count the inline ones, and inline_reads (off by default) turns them on."""
    svc = make_service(engine={"store": str(tmp_path / "s.db"), "sqlite": {"sync": "full"}}, access_log="-",
                       **({"inline_reads": True} if inline else {}))  # off by default
    register(svc, "Nguyen Van An")
    first = svc.get("/v1/units/1", key=ADMIN_KEY)  # no such unit yet: 404 on either thread
    assert first.status == 404 and first.json()["error"]["code"] == "not_found"
    unit = svc.post("/v1/commands", key=ADMIN_KEY, json={"actor": "system", "command": {
        "type": "create_unit", "name": "Phường Bồ Đề", "level": "xa"}})
    assert unit.status == 201
    unit_id = unit.json()["id"]
    failures = []
    stop = threading.Event()

    def writer():
        k = 0
        while not stop.is_set() and k < 200:
            k += 1
            r = svc.post("/v1/commands", key=ADMIN_KEY, json={"actor": "system", "command": {
                "type": "register_person", "name": "Người %d" % k}})
            if r.status != 201:
                failures.append(("write", r.status))

    def reader():
        conn = svc.connection()
        for _ in range(150):
            conn.request("GET", "/v1/units/%d" % unit_id, headers={"X-Api-Key": ADMIN_KEY})
            r = conn.getresponse()
            body = r.read()
            if r.status != 200 or json.loads(body)["name"] != "Phường Bồ Đề":
                failures.append(("read", r.status, body[:200]))
        conn.close()

    writers = [threading.Thread(target=writer) for _ in range(2)]
    readers = [threading.Thread(target=reader) for _ in range(4)]
    for t in writers + readers:
        t.start()
    for t in readers:
        t.join(60)
    stop.set()
    for t in writers:
        t.join(60)
    assert not failures, failures[:5]
    metrics = svc.get("/metrics").body.decode()
    answered_inline = int(next(line.split()[1] for line in metrics.splitlines()
                               if line.startswith("doithoaid_inline_reads_total ")))
    if inline:
        assert answered_inline > 0
    else:
        assert answered_inline == 0
    assert 'doithoaid_requests_total{route="/v1/units/{id}",method="GET",status="2xx"} 600' in metrics
    assert svc.stop() == 0
    routes = [line["route"] for line in svc.access_log()]
    assert routes.count("/v1/units/{id}") == 601
