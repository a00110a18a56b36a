"""A throwaway PostgreSQL server for the service tests, as tests/postgres/pg_server.h does in C++:
initdb into a temporary directory (as the `postgres` user when run as root, since initdb refuses
root), pg_ctl start listening only on a Unix socket in that directory, one database per
createdb(), stopped and removed by stop(). Raises when the binaries are missing: tests fail,
they do not skip (scripts/setup.sh installs postgresql).
"""
import glob
import os
import pwd
import shutil
import subprocess
import tempfile


def bindir():
    if os.environ.get("DOITHOAI_PG_BINDIR"):
        return os.environ["DOITHOAI_PG_BINDIR"]
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb); "
                           "run scripts/setup.sh or set DOITHOAI_PG_BINDIR")
    return os.path.dirname(found[-1])


class PgServer:
    def __init__(self):
        self.bin = bindir()
        self.dir = tempfile.mkdtemp(prefix="doithoai-pg-")
        self.as_root = os.geteuid() == 0
        self.started = False
        if self.as_root:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        self._run([self.bin + "/initdb", "-D", self.dir + "/data", "-A", "trust", "-U", "postgres", "-E", "UTF8",
                   "--no-sync"])
        self.started = True
        self._run([self.bin + "/pg_ctl", "-D", self.dir + "/data", "-l", self.dir + "/server.log", "-w", "-o",
                   "-k %s -c listen_addresses='' -c fsync=off" % self.dir, "start"])

    def _run(self, cmd):
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            raise RuntimeError("command failed: %s\n%s" % (" ".join(cmd), r.stdout.decode(errors="replace")))

    def createdb(self, name):
        self._run([self.bin + "/createdb", "-h", self.dir, "-U", "postgres", name])
        return self.uri(name)

    def uri(self, name):
        return "postgresql://postgres@/%s?host=%s" % (name, self.dir)

    def stop(self):
        if self.started:
            try:
                self._run([self.bin + "/pg_ctl", "-D", self.dir + "/data", "-m", "fast", "-w", "stop"])
            finally:
                self.started = False
        shutil.rmtree(self.dir, ignore_errors=True)
