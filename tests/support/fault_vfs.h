// Test support (tests/support, the static library doithoai_fault_vfs; never in the production
// library, which the ctest library_has_no_test_code checks): a SQLite VFS that wraps the default one and fails
// chosen calls, in the manner of SQLite's own I/O error tests. Register it once, open a
// store with SqliteOptions::vfs = kFaultVfsName, then arm faults.
#pragma once

namespace doithoai::testing {

inline constexpr const char* kFaultVfsName = "doithoai-fault";

enum class FaultPoint { open, read, write, sync };

// Registers the VFS (idempotent).
void register_fault_vfs();
// The nth call (1 = the next one) at that point from now on fails, and so do the
// `times - 1` calls after it (times < 0: every call until cleared).
void arm_fault(FaultPoint point, int nth, int times = 1);
void clear_faults();
// How many calls failed since the last clear_faults().
int faults_fired();

}  // namespace doithoai::testing
