package vn.doithoai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Finding the native library: the system property doithoai.library.path (a file or a
 * directory), the environment variable DOITHOAI_LIBRARY_PATH, and a clear UnsupportedException
 * (twice the same, never an UnsatisfiedLinkError) when it is not there. Each case in a fresh JVM.
 */
class LibraryLoadTest {
  static List<String> probe(String property, String env) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java));
    if (property != null) cmd.add("-Ddoithoai.library.path=" + property);
    cmd.addAll(List.of("-cp", System.getProperty("doithoai.test.classpath"), LoadProbe.class.getName()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("DOITHOAI_LIBRARY_PATH");
    if (env != null) pb.environment().put("DOITHOAI_LIBRARY_PATH", env);
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    return out.strip().lines().toList();
  }

  @Test
  void findsTheLibraryOrSaysWhereItLooked() throws Exception {
    String lib = System.getProperty("doithoai.library.path");
    assertTrue(lib != null && new File(lib).isFile(), "run-tests.sh sets doithoai.library.path to the library");
    String opened = "opened " + Engine.libraryVersion();
    assertEquals(List.of(opened, opened), probe(lib, null));
    assertEquals(opened, probe(new File(lib).getParent(), null).get(0));  // a directory
    assertEquals(opened, probe(null, lib).get(0));  // the environment variable
    List<String> missing = probe("/nonexistent/libdoithoai_c.so", null);
    assertEquals(2, missing.size(), missing.toString());
    for (String line : missing) {
      assertTrue(line.startsWith("UnsupportedException UNSUPPORTED libdoithoai_c not found at /nonexistent"), line);
    }
  }
}
