// Internal (tests and benchmarks): a SQLite VFS that wraps the default one and fails
// chosen calls, in the manner of SQLite's own I/O error tests. Register it once, open a
// store with SqliteOptions::vfs = kFaultVfsName, then arm faults.
#pragma once

#include "doithoai/export.h"

namespace doithoai::testing {

inline constexpr const char* kFaultVfsName = "doithoai-fault";

enum class FaultPoint { open, read, write, sync };

// Registers the VFS (idempotent).
DOITHOAI_API void register_fault_vfs();
// The nth call (1 = the next one) at that point from now on fails, and so do the
// `times - 1` calls after it (times < 0: every call until cleared).
DOITHOAI_API void arm_fault(FaultPoint point, int nth, int times = 1);
DOITHOAI_API void clear_faults();
// How many calls failed since the last clear_faults().
DOITHOAI_API int faults_fired();

}  // namespace doithoai::testing
