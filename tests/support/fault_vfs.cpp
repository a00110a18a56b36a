#include "fault_vfs.h"

#include <sqlite3.h>

#include <atomic>
#include <cstring>
#include <mutex>

namespace doithoai::testing {
namespace {

struct Counter {
  std::atomic<int> countdown{0};  // 0: disarmed
  std::atomic<int> remaining{0};  // failures left once fired (<0: unlimited)
  bool fire() {
    int c = countdown.load();
    if (c == 0) return false;
    if (c > 1) {
      countdown.fetch_sub(1);
      return false;
    }
    // c == 1: the armed call and those after it fail while `remaining` lasts.
    int r = remaining.load();
    if (r == 0) {
      countdown.store(0);
      return false;
    }
    if (r > 0) remaining.fetch_sub(1);
    return true;
  }
};
Counter counters[4];
std::atomic<int> fired{0};

bool should_fail(FaultPoint p) {
  if (counters[static_cast<int>(p)].fire()) {
    fired.fetch_add(1);
    return true;
  }
  return false;
}

sqlite3_vfs* real_vfs = nullptr;
sqlite3_vfs fault_vfs;

struct FFile {
  sqlite3_file base;
  sqlite3_file* real;
};
inline sqlite3_file* R(sqlite3_file* f) { return reinterpret_cast<FFile*>(f)->real; }

int xClose(sqlite3_file* f) { return R(f)->pMethods ? R(f)->pMethods->xClose(R(f)) : SQLITE_OK; }
int xRead(sqlite3_file* f, void* b, int n, sqlite3_int64 o) {
  if (should_fail(FaultPoint::read)) return SQLITE_IOERR_READ;
  return R(f)->pMethods->xRead(R(f), b, n, o);
}
int xWrite(sqlite3_file* f, const void* b, int n, sqlite3_int64 o) {
  if (should_fail(FaultPoint::write)) return SQLITE_IOERR_WRITE;
  return R(f)->pMethods->xWrite(R(f), b, n, o);
}
int xTruncate(sqlite3_file* f, sqlite3_int64 s) { return R(f)->pMethods->xTruncate(R(f), s); }
int xSync(sqlite3_file* f, int flags) {
  if (should_fail(FaultPoint::sync)) return SQLITE_IOERR_FSYNC;
  return R(f)->pMethods->xSync(R(f), flags);
}
int xFileSize(sqlite3_file* f, sqlite3_int64* s) { return R(f)->pMethods->xFileSize(R(f), s); }
int xLock(sqlite3_file* f, int l) { return R(f)->pMethods->xLock(R(f), l); }
int xUnlock(sqlite3_file* f, int l) { return R(f)->pMethods->xUnlock(R(f), l); }
int xCheckReservedLock(sqlite3_file* f, int* r) { return R(f)->pMethods->xCheckReservedLock(R(f), r); }
int xFileControl(sqlite3_file* f, int op, void* a) { return R(f)->pMethods->xFileControl(R(f), op, a); }
int xSectorSize(sqlite3_file* f) { return R(f)->pMethods->xSectorSize(R(f)); }
int xDeviceCharacteristics(sqlite3_file* f) { return R(f)->pMethods->xDeviceCharacteristics(R(f)); }
int xShmMap(sqlite3_file* f, int i, int sz, int ext, void volatile** p) {
  return R(f)->pMethods->xShmMap(R(f), i, sz, ext, p);
}
int xShmLock(sqlite3_file* f, int o, int n, int fl) { return R(f)->pMethods->xShmLock(R(f), o, n, fl); }
void xShmBarrier(sqlite3_file* f) { R(f)->pMethods->xShmBarrier(R(f)); }
int xShmUnmap(sqlite3_file* f, int d) { return R(f)->pMethods->xShmUnmap(R(f), d); }
// No memory-mapped I/O through the shim: every access goes through xRead/xWrite.
int xFetch(sqlite3_file*, sqlite3_int64, int, void** pp) {
  *pp = nullptr;
  return SQLITE_OK;
}
int xUnfetch(sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; }

const sqlite3_io_methods methods = {3,       xClose,   xRead,     xWrite,     xTruncate,
                                    xSync,   xFileSize, xLock,    xUnlock,    xCheckReservedLock,
                                    xFileControl, xSectorSize, xDeviceCharacteristics,
                                    xShmMap, xShmLock, xShmBarrier, xShmUnmap, xFetch, xUnfetch};

int xOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out) {
  auto* ff = reinterpret_cast<FFile*>(f);
  ff->real = reinterpret_cast<sqlite3_file*>(ff + 1);
  std::memset(ff->real, 0, real_vfs->szOsFile);
  f->pMethods = nullptr;
  if (should_fail(FaultPoint::open)) return SQLITE_CANTOPEN;
  const int rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out);
  if (ff->real->pMethods) f->pMethods = &methods;
  return rc;
}
int xDelete(sqlite3_vfs*, const char* n, int s) { return real_vfs->xDelete(real_vfs, n, s); }
int xAccess(sqlite3_vfs*, const char* n, int fl, int* r) { return real_vfs->xAccess(real_vfs, n, fl, r); }
int xFullPathname(sqlite3_vfs*, const char* n, int sz, char* out) {
  return real_vfs->xFullPathname(real_vfs, n, sz, out);
}
void* xDlOpen(sqlite3_vfs*, const char* n) { return real_vfs->xDlOpen(real_vfs, n); }
void xDlError(sqlite3_vfs*, int n, char* m) { real_vfs->xDlError(real_vfs, n, m); }
void (*xDlSym(sqlite3_vfs*, void* h, const char* s))(void) { return real_vfs->xDlSym(real_vfs, h, s); }
void xDlClose(sqlite3_vfs*, void* h) { real_vfs->xDlClose(real_vfs, h); }
int xRandomness(sqlite3_vfs*, int n, char* o) { return real_vfs->xRandomness(real_vfs, n, o); }
int xSleep(sqlite3_vfs*, int us) { return real_vfs->xSleep(real_vfs, us); }
int xCurrentTime(sqlite3_vfs*, double* t) { return real_vfs->xCurrentTime(real_vfs, t); }
int xGetLastError(sqlite3_vfs*, int n, char* b) { return real_vfs->xGetLastError(real_vfs, n, b); }
int xCurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* t) { return real_vfs->xCurrentTimeInt64(real_vfs, t); }

}  // namespace

void register_fault_vfs() {
  static std::once_flag once;
  std::call_once(once, [] {
    real_vfs = sqlite3_vfs_find(nullptr);
    std::memset(&fault_vfs, 0, sizeof fault_vfs);
    fault_vfs.iVersion = 2;
    fault_vfs.szOsFile = static_cast<int>(sizeof(FFile)) + real_vfs->szOsFile;
    fault_vfs.mxPathname = real_vfs->mxPathname;
    fault_vfs.zName = kFaultVfsName;
    fault_vfs.xOpen = xOpen;
    fault_vfs.xDelete = xDelete;
    fault_vfs.xAccess = xAccess;
    fault_vfs.xFullPathname = xFullPathname;
    fault_vfs.xDlOpen = xDlOpen;
    fault_vfs.xDlError = xDlError;
    fault_vfs.xDlSym = xDlSym;
    fault_vfs.xDlClose = xDlClose;
    fault_vfs.xRandomness = xRandomness;
    fault_vfs.xSleep = xSleep;
    fault_vfs.xCurrentTime = xCurrentTime;
    fault_vfs.xGetLastError = xGetLastError;
    fault_vfs.xCurrentTimeInt64 = xCurrentTimeInt64;
    sqlite3_vfs_register(&fault_vfs, 0);
  });
}

void arm_fault(FaultPoint point, int nth, int times) {
  Counter& c = counters[static_cast<int>(point)];
  c.remaining.store(times);
  c.countdown.store(nth < 1 ? 1 : nth);
}

void clear_faults() {
  for (auto& c : counters) {
    c.countdown.store(0);
    c.remaining.store(0);
  }
  fired.store(0);
}

int faults_fired() { return fired.load(); }

}  // namespace doithoai::testing
