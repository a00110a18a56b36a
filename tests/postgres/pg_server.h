// A throwaway PostgreSQL server for tests and benchmarks: initdb into a temp dir (as the
// `postgres` user when run as root, since initdb refuses root), pg_ctl start listening
// only on a Unix socket in that dir, one database per createdb(), stopped and removed by
// the destructor. Throws std::runtime_error when the binaries are missing: callers must
// fail, not skip (CI installs them with scripts/setup.sh).
#pragma once

#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace pgtest {

inline std::string find_bindir() {
  if (const char* env = std::getenv("DOITHOAI_PG_BINDIR")) return env;
  namespace fs = std::filesystem;
  std::string best;
  std::error_code ec;
  for (const auto& d : fs::directory_iterator("/usr/lib/postgresql", ec))
    if (fs::exists(d.path() / "bin" / "initdb") && d.path().string() > best) best = d.path().string();
  if (best.empty())
    throw std::runtime_error("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb); "
                             "run scripts/setup.sh or set DOITHOAI_PG_BINDIR");
  return best + "/bin";
}

class Server {
 public:
  explicit Server(const std::string& extra_options = "") {
    bindir_ = find_bindir();
    char tmpl[] = "/tmp/doithoai-pg-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    as_root_ = geteuid() == 0;
    if (as_root_) {
      if (!getpwnam("postgres")) throw std::runtime_error("running as root but there is no postgres user");
      sh("chown -R postgres: " + dir_);
    }
    sh(as_pg(bindir_ + "/initdb -D " + dir_ + "/data -A trust -U postgres -E UTF8 --no-sync") + " >" + dir_ +
       "/initdb.log 2>&1");
    started_ = true;
    sh(as_pg(bindir_ + "/pg_ctl -D " + dir_ + "/data -l " + dir_ + "/server.log -w -o \"-k " + dir_ +
             " -c listen_addresses='' " + extra_options + "\" start") +
       " >/dev/null");
  }
  ~Server() {
    if (started_) std::system((as_pg(bindir_ + "/pg_ctl -D " + dir_ + "/data -m fast -w stop") + " >/dev/null 2>&1").c_str());
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::string createdb(const std::string& name) {
    sh(as_pg(bindir_ + "/createdb -h " + dir_ + " -U postgres " + name));
    return conninfo(name);
  }
  std::string conninfo(const std::string& db) const { return "host=" + dir_ + " user=postgres dbname=" + db; }
  const std::string& dir() const { return dir_; }

 private:
  std::string as_pg(const std::string& cmd) const {
    return as_root_ ? "runuser -u postgres -- " + cmd : cmd;
  }
  void sh(const std::string& cmd) const {
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("command failed: " + cmd);
  }
  std::string bindir_, dir_;
  bool as_root_ = false;
  bool started_ = false;
};

}  // namespace pgtest
