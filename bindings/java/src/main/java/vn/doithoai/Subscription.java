package vn.doithoai;

import com.sun.jna.CallbackThreadInitializer;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A listener registered with {@link Engine#subscribe}. {@link #close()} stops delivery: when it
 * returns the listener is not running and is never called again (called from inside the
 * listener itself it does not wait). Idempotent.
 *
 * <p>The JNA callback handed to the library is held here, and this object is held by its
 * engine until closed, so the garbage collector never frees a callback the library may still
 * call. A listener's exception (any Throwable) is caught before it can reach native code,
 * counted ({@link #listenerErrors()}), kept ({@link #lastListenerError()}) and logged once
 * through {@code System.Logger} "vn.doithoai".
 */
public final class Subscription implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("vn.doithoai");

  private final Engine engine;
  private final EventListener listener;
  private final Callback callback = new Callback();
  private final AtomicLong handle = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private volatile boolean active = true;
  private volatile Throwable lastError;

  private Subscription(Engine engine, EventListener listener) {
    this.engine = engine;
    this.listener = listener;
  }

  static Subscription open(Engine engine, long engineHandle, EventListener listener) {
    Subscription s = new Subscription(engine, listener);
    // The delivery thread stays attached to the JVM (as a daemon) instead of attaching and
    // detaching for every event.
    Native.setCallbackThreadInitializer(s.callback, new CallbackThreadInitializer(true, false, "doithoai-delivery"));
    long[] out = new long[1];
    long[] err = new long[1];
    engine.subscriptions.add(s);  // before dt_subscribe: the callback is reachable from then on
    int rc = DtNative.dt_subscribe(engineHandle, s.callback, null, out, err);
    if (rc != 0) {
      engine.subscriptions.remove(s);
      throw DtNative.error(rc, err[0]);
    }
    s.handle.set(out[0]);
    return s;
  }

  /** Stops delivery (see the class comment). Idempotent; also done by {@link Engine#close()}. */
  @Override
  public void close() {
    active = false;
    long h = handle.getAndSet(0);
    if (h != 0) DtNative.dt_unsubscribe(h);
    engine.subscriptions.remove(this);
  }

  /** Whether events may still be delivered (false once closed, or once its engine is closed). */
  public boolean isActive() {
    return active && handle.get() != 0;
  }

  /** Events handed to the listener so far. */
  public long delivered() {
    return delivered.get();
  }

  /** How many times the listener threw. */
  public long listenerErrors() {
    return errors.get();
  }

  /** The last exception the listener threw (null if none). */
  public Throwable lastListenerError() {
    return lastError;
  }

  private final class Callback implements DtNative.EventCallback {
    @Override
    public void invoke(Pointer user, Pointer eventJson, long length) {
      // Nothing may propagate into the library: catch everything, including Errors.
      Engine previous = Engine.DELIVERING.get();
      try {
        if (!active || eventJson == null) return;
        if (length < 0 || length > Integer.MAX_VALUE - 8) throw new InternalException("event of " + length + " bytes");
        String text = new String(eventJson.getByteArray(0, (int) length), StandardCharsets.UTF_8);
        Event event = Event.parse(text);
        delivered.incrementAndGet();
        Engine.DELIVERING.set(engine);
        listener.onEvent(event);
      } catch (Throwable t) {
        try {
          lastError = t;
          if (errors.incrementAndGet() == 1)
            LOG.log(System.Logger.Level.WARNING, "doithoai: an event listener threw (further errors are only counted)", t);
        } catch (Throwable ignored) {
          // logging itself failed: the count is what matters
        }
      } finally {
        if (previous == null) Engine.DELIVERING.remove();
        else Engine.DELIVERING.set(previous);
      }
    }
  }
}
