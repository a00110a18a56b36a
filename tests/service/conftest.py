"""Fixtures for the tests of doithoaid, the HTTP service (docs/service.md).

Every test file under tests/service/ uses these; keep the API stable.

Binary: the environment variable DOITHOAID names the doithoaid executable (ctest
`service_http_tests` sets it); default build/tools/doithoaid/doithoaid of the source tree.

Keys (plain text here; the written config holds only their SHA-256):
    ADMIN_KEY = "test-admin-key"  name "admin": all_units, system, events, may_assert_actor
    PLAIN_KEY = "test-plain-key"  name "plain": no units, no flags
  both with rate_per_second 1e6, burst 1e6 (tests of rate limits make their own keys).

Fixtures:
    service       a running doithoaid with the default config: engine {"store": ":memory:"},
                  listen 127.0.0.1:0, the two keys above; stopped with SIGTERM at teardown,
                  which must exit 0.
    make_service  factory: make_service(engine=None, limits=None, keys=(), default_keys=True,
                  tls=None, **top) -> Service. `keys` are config key objects with "key": the
                  plain text instead of "sha256"; `limits` is merged over the defaults; `tls` is
                  {"cert": path, "key": path}; other keyword arguments are top-level config
                  fields (worker_threads, io_threads, open311, access_log, ...). Every service
                  it started is stopped at teardown (SIGTERM, exit 0 required unless the test
                  stopped it itself).
    tls_files     (cert, key) paths of a self-signed certificate for 127.0.0.1 made with the
                  openssl command.

Service:
    .host, .port, .url, .proc, .config (dict written), .config_path, .stderr_path, .tls
    .request(method, path, body=None, headers=None, key=None, json=None, timeout=10)
        -> Reply(status, headers (dict, lower-case names), body (bytes)); Reply.json()
        key: sent as X-Api-Key; json: serialized as the body with Content-Type application/json.
    .get(path, **kw), .post(path, **kw), .put(path, **kw), .delete(path, **kw)
    .connection(timeout=10) -> a keep-alive http.client.HTTP(S)Connection to the service
    .raw(data: bytes, timeout=5) -> bytes: sends raw bytes on a new socket, reads until the
        server closes or the timeout passes (malformed-HTTP tests)
    .alive() -> bool
    .stop(sig=signal.SIGTERM, timeout=30) -> the exit status
    .access_log() -> the JSON access log lines written so far (access_log "-" = stderr)
    .stderr() -> the service's standard error as text
"""

import hashlib
import http.client
import json as jsonlib
import os
import pathlib
import signal
import socket
import ssl
import subprocess
import threading
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOITHOAID = os.environ.get("DOITHOAID", str(ROOT / "build" / "tools" / "doithoaid" / "doithoaid"))

ADMIN_KEY = "test-admin-key"
PLAIN_KEY = "test-plain-key"
DEFAULT_KEYS = [
    {"name": "admin", "key": ADMIN_KEY, "all_units": True, "system": True, "events": True,
     "may_assert_actor": True, "rate_per_second": 1e6, "burst": 1e6},
    {"name": "plain", "key": PLAIN_KEY, "rate_per_second": 1e6, "burst": 1e6},
]


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return jsonlib.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return f"Reply({self.status}, {self.body[:200]!r})"


class Service:
    def __init__(self, config, workdir):
        self.config = config
        self.workdir = pathlib.Path(workdir)
        self.config_path = self.workdir / "doithoaid.json"
        self.stderr_path = self.workdir / "doithoaid.stderr"
        self.config_path.write_text(jsonlib.dumps(config, indent=1))
        self.tls = "tls" in config
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen([DOITHOAID, "--config", str(self.config_path)],
                                     stdout=subprocess.PIPE, stderr=self._stderr)
        self.returncode = None
        line = self._first_line(timeout=30)
        prefix = "doithoaid listening on "
        if not line.startswith(prefix):
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError(f"doithoaid did not start: {line!r}; stderr: {self.stderr()}")
        self.url = line[len(prefix):].strip()
        hostport = self.url.split("://", 1)[1]
        self.host, port = hostport.rsplit(":", 1)
        self.host = self.host.strip("[]")
        self.port = int(port)

    def _first_line(self, timeout):
        out = []
        reader = threading.Thread(target=lambda: out.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        return out[0].decode() if out else ""

    def connection(self, timeout=10):
        if self.tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout, context=context)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, key=None, json=None, timeout=10):
        headers = dict(headers or {})
        if key is not None:
            headers["X-Api-Key"] = key
        if json is not None:
            body = jsonlib.dumps(json).encode()
            headers.setdefault("Content-Type", "application/json")
        if isinstance(body, str):
            body = body.encode()
        conn = self.connection(timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            data = r.read()
            return Reply(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
        finally:
            conn.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def raw(self, data, timeout=5):
        s = socket.create_connection((self.host, self.port), timeout=timeout)
        received = b""
        try:
            s.sendall(data)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                try:
                    chunk = s.recv(65536)
                except socket.timeout:
                    break
                except ConnectionResetError:
                    break
                if not chunk:
                    break
                received += chunk
        finally:
            s.close()
        return received

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("doithoaid did not exit within %s s of %s" % (timeout, sig))
        self.returncode = self.proc.returncode
        self._stderr.close()
        return self.returncode

    def stderr(self):
        return self.stderr_path.read_text(errors="replace")

    def access_log(self):
        lines = []
        for line in self.stderr().splitlines():
            if line.startswith("{"):
                lines.append(jsonlib.loads(line))
        return lines


def build_config(engine=None, limits=None, keys=(), default_keys=True, tls=None, **top):
    config = {"engine": engine if engine is not None else {"store": ":memory:"},
              "listen": "127.0.0.1:0", "worker_threads": 4}
    all_keys = (list(DEFAULT_KEYS) if default_keys else []) + list(keys)
    config["keys"] = []
    for k in all_keys:
        k = dict(k)
        k["sha256"] = sha256(k.pop("key"))
        config["keys"].append(k)
    if limits:
        config["limits"] = dict(limits)
    if tls:
        config["tls"] = tls
    config.update(top)
    return config


@pytest.fixture
def make_service(tmp_path):
    started = []

    def make(**kw):
        workdir = tmp_path / ("svc%d" % len(started))
        workdir.mkdir()
        svc = Service(build_config(**kw), workdir)
        started.append(svc)
        return svc

    yield make
    failures = []
    for svc in started:
        stopped_by_test = svc.returncode is not None or svc.proc.poll() is not None
        code = svc.stop()
        if not stopped_by_test and code != 0:
            failures.append("doithoaid exited %s on SIGTERM; stderr: %s" % (code, svc.stderr()[-2000:]))
    assert not failures, failures


@pytest.fixture
def service(make_service):
    return make_service()


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return str(cert), str(key)
