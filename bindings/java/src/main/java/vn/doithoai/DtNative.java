package vn.doithoai;

import com.sun.jna.Callback;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The C ABI (include/doithoai/c.h) through JNA direct mapping. Package-private: nothing here
 * is API. Handles and buffers travel as {@code long} addresses (the binding requires 64-bit
 * pointers), out-parameters as one-element {@code long[]}, strings as NUL-terminated UTF-8
 * {@code byte[]} built by {@link #cstr}, which refuses what C cannot carry.
 *
 * <p>The library is found, in order: the system property {@code doithoai.library.path}, the
 * environment variable {@code DOITHOAI_LIBRARY_PATH} (either a path to libdoithoai_c.so or a
 * directory holding it), else JNA's usual search for "doithoai_c" ({@code jna.library.path},
 * {@code java.library.path}, the system's loader paths).
 */
final class DtNative {
  private DtNative() {}

  /** dt_event_callback. */
  interface EventCallback extends Callback {
    void invoke(Pointer user, Pointer eventJson, long length);
  }

  static native int dt_version(long[] library, int[] abi, int[] eventSchema);

  static native Pointer dt_status_name(int status);

  static native int dt_error_code(long err);

  static native Pointer dt_error_message(long err);

  static native void dt_error_free(long err);

  static native void dt_free(long buffer);

  static native int dt_engine_open(byte[] optionsJson, long[] engine, long[] err);

  static native int dt_engine_close(long engine);

  static native int dt_execute(long engine, byte[] requestJson, long[] resultJson, long[] err);

  static native int dt_call(long engine, byte[] method, byte[] argsJson, long[] resultJson, long[] err);

  static native int dt_subscribe(long engine, EventCallback callback, Pointer user, long[] subscription, long[] err);

  static native int dt_unsubscribe(long subscription);

  static native int dt_attachment_put(long engine, byte[] data, long length, long[] sha256, long[] err);

  static native int dt_public_attachment(long engine, byte[] sha256, long[] data, long[] length, long[] err);

  /** The ABI version this binding speaks (DT_ABI_VERSION of c.h). */
  static final int ABI_VERSION = 1;

  private static volatile boolean loaded;
  private static DoithoaiException loadError;

  /** Loads and registers the library once; throws the same UnsupportedException every time it cannot. */
  static void ensureLoaded() {
    if (loaded) return;
    synchronized (DtNative.class) {
      if (loaded) return;
      if (loadError != null) throw loadError;
      String where = "JNA's search path for doithoai_c";
      try {
        if (Native.POINTER_SIZE != 8) throw new UnsupportedException("the doithoai Java binding needs a 64-bit JVM");
        String path = System.getProperty("doithoai.library.path");
        if (path == null || path.isEmpty()) path = System.getenv("DOITHOAI_LIBRARY_PATH");
        NativeLibrary lib;
        if (path != null && !path.isEmpty()) {
          File f = new File(path);
          if (f.isDirectory()) f = new File(f, System.mapLibraryName("doithoai_c"));
          where = f.getAbsolutePath();
          if (!f.isFile()) throw new UnsupportedException("libdoithoai_c not found at " + where);
          lib = NativeLibrary.getInstance(f.getAbsolutePath());
        } else {
          lib = NativeLibrary.getInstance("doithoai_c");
        }
        Native.register(DtNative.class, lib);
        int[] abi = new int[1];
        dt_version(null, abi, null);
        if (abi[0] != ABI_VERSION)
          throw new UnsupportedException("libdoithoai_c at " + where + " has ABI version " + abi[0]
              + "; this binding speaks version " + ABI_VERSION);
        loaded = true;
      } catch (DoithoaiException e) {
        loadError = e;
        throw e;
      } catch (Throwable t) {
        loadError = new UnsupportedException("cannot load libdoithoai_c (" + where + "): " + t
            + "; set the system property doithoai.library.path or DOITHOAI_LIBRARY_PATH");
        throw loadError;
      }
    }
  }

  /**
   * The NUL-terminated UTF-8 bytes of s. Refuses, with an InvalidArgumentException naming
   * what: null, a NUL character (C would cut the text there) and lone surrogates (not Unicode).
   */
  static byte[] cstr(String s, String what) {
    if (s == null) throw new InvalidArgumentException(what + " is null");
    final int n = s.length();
    for (int k = 0; k < n; ++k) {
      char c = s.charAt(k);
      if (c == 0) throw new InvalidArgumentException(what + " holds a NUL character at index " + k);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && k + 1 < n && Character.isLowSurrogate(s.charAt(k + 1))) {
          ++k;
        } else {
          throw new InvalidArgumentException(what + " holds a lone surrogate at index " + k + " (not valid Unicode)");
        }
      }
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[utf8.length + 1];
    System.arraycopy(utf8, 0, out, 0, utf8.length);
    return out;
  }

  /** NUL-terminated UTF-8 of text already known to hold no NUL and no lone surrogate (JSON Json wrote). */
  static byte[] utf8z(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    return Arrays.copyOf(utf8, utf8.length + 1);
  }

  /** The UTF-8 text at a library-owned C string (null for a NULL pointer). */
  static String text(Pointer p) {
    return p == null ? null : p.getString(0, "UTF-8");
  }

  /** Reads and frees a buffer the library returned (dt_free). */
  static String take(long buffer) {
    if (buffer == 0) throw new InternalException("the library returned success without a result");
    try {
      return new Pointer(buffer).getString(0, "UTF-8");
    } finally {
      dt_free(buffer);
    }
  }

  /** The exception of a failed call; frees the error object. */
  static DoithoaiException error(int status, long err) {
    String message;
    if (err != 0) {
      try {
        message = text(dt_error_message(err));
      } finally {
        dt_error_free(err);
      }
    } else {
      message = text(dt_status_name(status));
    }
    return DoithoaiException.of(status, message);
  }
}
