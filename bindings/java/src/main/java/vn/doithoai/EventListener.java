package vn.doithoai;

/**
 * Receives committed events (see {@link Engine#subscribe}). Called on the engine's delivery
 * thread, once per event, in sequence order. It may query and execute on the engine (its own
 * commands are delivered later) but not close it. An exception it throws is caught, counted
 * ({@link Subscription#listenerErrors()}) and logged once; it never reaches the library.
 */
@FunctionalInterface
public interface EventListener {
  void onEvent(Event event);
}
