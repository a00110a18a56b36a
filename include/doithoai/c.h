/* doithoai/c.h: the C ABI of doithoai (library libdoithoai_c, CMake target doithoai::c).
 *
 * A small, stable surface for C and for every language with a C FFI (Java, PHP, Go, ...):
 * two opaque handles (dt_engine, dt_subscription), one error object (dt_error), and JSON
 * text in and out. Commands go through dt_execute in the request form of docs/json.md;
 * queries, reports, exports, imports and maintenance go through dt_call(engine, method,
 * args_json), whose methods and JSON forms docs/c-abi.md lists. A new command or query
 * reaches every language without a new symbol. Compiles as C99 and as C++.
 *
 * Status: every function that can fail returns an int status: DT_OK (0) or one of the
 * codes below, equal to doithoai::ErrorCode's stable values (1..8), plus DT_OUT_OF_MEMORY
 * and DT_INTERNAL, which only this ABI uses, and DT_WOULD_BLOCK (dt_try_call only). No C++
 * exception ever leaves a dt_ function.
 *
 * Errors: a function that takes `dt_error** err` sets *err to NULL on entry; on failure it
 * stores a new error object there (code and UTF-8 message) that the caller frees with
 * dt_error_free. Pass err = NULL when the status alone is enough.
 *
 * Ownership: every `char**` out-parameter receives a NUL-terminated UTF-8 buffer allocated
 * by the library, owned by the caller, freed with dt_free (and nothing else). On failure it
 * is set to NULL. Strings passed in are borrowed for the duration of the call. A
 * `const char*` returned by dt_version, dt_error_message or dt_status_name is owned by the
 * library (static, or by the error object until dt_error_free).
 *
 * NULL arguments: a NULL handle, request or required out-parameter returns
 * DT_INVALID_ARGUMENT (and fills *err when err is not NULL). dt_free, dt_error_free,
 * dt_engine_close and dt_unsubscribe accept NULL and do nothing.
 *
 * Threads: a dt_engine has the guarantees of doithoai::Engine: any number of threads may
 * call dt_execute and dt_call on one engine at once (queries run concurrently, commands
 * are serialized). dt_engine_close must not run concurrently with other calls on the same
 * engine. Subscriber callbacks run on the engine's delivery thread (see dt_subscribe).
 */
#ifndef DOITHOAI_C_H
#define DOITHOAI_C_H

#include <stddef.h>

#if defined(_WIN32)
#  if defined(DOITHOAI_C_BUILDING)
#    define DT_API __declspec(dllexport)
#  else
#    define DT_API __declspec(dllimport)
#  endif
#else
#  define DT_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this ABI: raised when a function's signature or meaning changes
 * (new dt_call methods and new JSON fields do not change it). */
#define DT_ABI_VERSION 1

/* Status codes. 1..8 equal doithoai::ErrorCode (persistent: never renumbered). */
#define DT_OK 0
#define DT_NOT_FOUND 1          /* an id or code that names nothing */
#define DT_PERMISSION_DENIED 2  /* the actor does not hold the role the action needs */
#define DT_INVALID_TRANSITION 3 /* not allowed in the entity's current state */
#define DT_INVALID_ARGUMENT 4   /* malformed input: bad JSON, bad UTF-8, unknown field or method, NULL */
#define DT_CONFLICT 5           /* concurrent writer or reused idempotency key */
#define DT_STORAGE 6            /* the store failed (I/O, full disk, lost connection) */
#define DT_CORRUPTION 7         /* stored data fails verification */
#define DT_UNSUPPORTED 8        /* a valid request this build or store cannot serve */
#define DT_OUT_OF_MEMORY 64     /* allocation failed (std::bad_alloc); nothing was changed */
#define DT_INTERNAL 65          /* any other failure inside the library (a bug: please report) */
#define DT_WOULD_BLOCK 66       /* dt_try_call only: answering would wait; nothing was done */

typedef struct dt_engine dt_engine;
typedef struct dt_subscription dt_subscription;
typedef struct dt_error dt_error;

/* library: "0.1.0"; abi: DT_ABI_VERSION of the library loaded (compare with the header's);
 * event_schema: the schema version of the events it writes (docs/json.md). Any pointer may
 * be NULL. Always DT_OK. */
DT_API int dt_version(const char** library, int* abi, int* event_schema);

/* The snake_case name of a status ("ok", "not_found", ..., "out_of_memory", "internal",
 * "unknown"): static, never freed. */
DT_API const char* dt_status_name(int status);

/* The error's status code (DT_INVALID_ARGUMENT for NULL). */
DT_API int dt_error_code(const dt_error* err);
/* The error's message, valid UTF-8, owned by err ("" for NULL). */
DT_API const char* dt_error_message(const dt_error* err);
/* Frees an error object (NULL: nothing). */
DT_API void dt_error_free(dt_error* err);

/* Frees a buffer the library returned through a char** out-parameter (NULL: nothing). */
DT_API void dt_free(void* buffer);

/* Opens an engine. options_json (NULL or "" means {}):
 *   {"store": ":memory:" (default) | "PATH.db" | "sqlite:PATH" | "postgresql://...",
 *    "profile": "hanoi-2200" (default) | {a profile document, docs/profiles.md},
 *    "clock": null (system clock) | "2022-09-30T08:00:00+07:00" (a manual clock starting
 *             there, moved with the dt_call method "set_clock"),
 *    "snapshot_every": 0, "max_conflict_retries": 16, "past_states_cached": 2,
 *    "sqlite": {"sync": "full" | "normal", "read_only": false, "create": true,
 *               "open_check": "since_snapshot" | "full", "busy_timeout_ms": 10000},
 *    "import_jsonl": "log.jsonl" (first append a JSON Lines log, docs/store.md, to the
 *                    store, which must be durable and hold exactly a prefix of it),
 *    "attachments": "DIR" | {"directory": "DIR", "max_bytes": N} | "postgresql://..."
 *                   (evidence bytes, issue 14: a content-addressed directory, or a table in
 *                   that database when built with PostgreSQL; default none)}
 * On success *engine is a new handle the caller closes with dt_engine_close. */
DT_API int dt_engine_open(const char* options_json, dt_engine** engine, dt_error** err);

/* Closes the engine: delivers what was committed to subscribers, stops, frees the handle.
 * Subscriptions may outlive it (they get no further events). NULL: nothing. DT_OK. */
DT_API int dt_engine_close(dt_engine* engine);

/* Executes one command: request_json is
 *   {"actor": 12 | "system", "idempotency_key": "..."?, "command": {"type": "assign", ...}}
 * and *result_json receives {"first_seq", "last_seq", "id", "items", "replayed"}
 * (docs/json.md). A failing command changes nothing. */
DT_API int dt_execute(dt_engine* engine, const char* request_json, char** result_json, dt_error** err);

/* Runs one named method (queries, reports, exports, imports, maintenance) with its
 * arguments as a JSON object (NULL or "" means {}); *result_json receives the answer as
 * JSON. docs/c-abi.md lists every method with its arguments and answer; an unknown method
 * or argument is DT_INVALID_ARGUMENT. */
DT_API int dt_call(dt_engine* engine, const char* method, const char* args_json, char** result_json,
                   dt_error** err);

/* dt_call for event loops: never waits. Runs the method only if it can answer at once: a
 * read answered from memory (the methods docs/c-abi.md marks "try": entities, lists, items,
 * standings, accounting, reports, exports, public feed; a past as_of only when that day's
 * state is cached) while no command holds or waits for the engine's lock. Otherwise returns
 * DT_WOULD_BLOCK having done nothing, and the caller runs dt_call where it may wait (a
 * worker thread). Commands, imports, history, events, verify and the other maintenance
 * methods always answer DT_WOULD_BLOCK. Other failures as dt_call's. */
DT_API int dt_try_call(dt_engine* engine, const char* method, const char* args_json, char** result_json,
                       dt_error** err);

/* Receives one committed event as JSON ({"seq", "at", "actor", "type", "v", "data"}; the
 * buffer is length bytes plus a NUL, owned by the library, valid only during the call). */
typedef void (*dt_event_callback)(void* user, const char* event_json, size_t length);

/* Calls callback(user, event) for every event committed after this call, exactly once, in
 * sequence order, on the engine's delivery thread (one per engine), never while holding an
 * engine lock: commands never wait for a callback. A callback may call dt_call, dt_execute
 * (its events are delivered later) and dt_subscribe/dt_unsubscribe; it must not call
 * dt_engine_close on its engine. The dt_call method "flush_subscribers" waits until every
 * event committed before it was delivered. *subscription receives a handle the caller
 * frees with dt_unsubscribe. */
DT_API int dt_subscribe(dt_engine* engine, dt_event_callback callback, void* user,
                        dt_subscription** subscription, dt_error** err);

/* Stops and frees a subscription. When it returns the callback is not running and is never
 * called again, so it waits for a call in progress; called from inside the callback it
 * does not wait. NULL: nothing. DT_OK. */
DT_API int dt_unsubscribe(dt_subscription* subscription);

/* Evidence attachments (issue 14; docs/c-abi.md). Stores length bytes (at least one) in the
 * engine's attachment store (dt_engine_open "attachments") and sets *sha256 to their SHA-256
 * as 64 lowercase hex digits plus a NUL (free with dt_free). Putting existing content is a
 * no-op. DT_UNSUPPORTED when the engine has no attachment store. */
DT_API int dt_attachment_put(dt_engine* engine, const void* data, size_t length, char** sha256, dt_error** err);

/* R13: the bytes of a public attachment (marked publishable, its reply published) into
 * *data (length bytes in *length, plus a NUL not counted; free with dt_free). Anything
 * else, stored or not, is DT_NOT_FOUND; a malformed hash DT_INVALID_ARGUMENT. */
DT_API int dt_public_attachment(dt_engine* engine, const char* sha256, char** data, size_t* length, dt_error** err);

#ifdef __cplusplus
}
#endif

#endif /* DOITHOAI_C_H */
