/*
 * fl_ctx.h - the Frontline context: GEOS and PROJ handles, last error,
 * progress and cancel hooks; status codes.
 *
 * One fl_ctx per thread (GEOS and PROJ contexts are single-threaded).
 * Every fallible call returns an fl_status and leaves one sentence in the
 * context, read with fl_ctx_errmsg().
 */
#ifndef FRONTLINE_FL_CTX_H
#define FRONTLINE_FL_CTX_H

#include <stddef.h>

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
#include <proj.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define FL_API __declspec(dllexport)
#else
#define FL_API __attribute__((visibility("default")))
#endif

/* Status table: name and default text. Expands to enum fl_status. */
#define FL_STATUS_MAP(X)                                      \
  X(OK, 0, "success")                                         \
  X(E_NOMEM, 1, "out of memory")                              \
  X(E_ARG, 2, "invalid argument")                             \
  X(E_SRID, 3, "missing, unknown or mixed SRID")              \
  X(E_LAYER, 4, "layer not found or unreadable")              \
  X(E_FIELD, 5, "field not found")                            \
  X(E_GEOM, 6, "invalid or empty geometry")                   \
  X(E_GEOS, 7, "geometry engine error")                       \
  X(E_PROJ, 8, "coordinate transformation error")             \
  X(E_IO, 9, "read or write failed")                          \
  X(E_EXISTS, 10, "output exists")                            \
  X(E_CANCEL, 11, "cancelled")

typedef enum fl_status {
#define FL__STATUS_ENUM(name, value, text) FL_##name = value,
  FL_STATUS_MAP(FL__STATUS_ENUM)
#undef FL__STATUS_ENUM
} fl_status;

typedef struct fl_ctx fl_ctx;

/**
 * Progress callback: fraction in [0, 1]. Return nonzero to ask for cancel.
 * Called at most about every 1 % of the work.
 */
typedef int (*fl_progress_fn)(double fraction, void *user);

/**
 * Create a context with its own GEOS handle, PROJ context and WGS84 geodesic.
 * @return owned by caller, free with fl_ctx_destroy(); NULL when out of
 *         memory or when GEOS/PROJ cannot initialise.
 * @since 0.1
 */
FL_API fl_ctx *fl_ctx_create(void);

/** Free a context; NULL is a no-op. @since 0.1 */
FL_API void fl_ctx_destroy(fl_ctx *ctx);

/** The GEOS handle every fl_* geometry lives on. Valid while ctx lives. @since 0.1 */
FL_API GEOSContextHandle_t fl_ctx_geos(fl_ctx *ctx);

/** The PROJ context. Valid while ctx lives. @since 0.1 */
FL_API PJ_CONTEXT *fl_ctx_proj(fl_ctx *ctx);

/** Status of the last failed call (FL_OK after fl_ctx_clear_error()). @since 0.1 */
FL_API fl_status fl_ctx_status(const fl_ctx *ctx);

/**
 * Message of the last failed call: one sentence naming layer, feature, field
 * and what to do. Borrowed: valid until the next call on ctx. Never NULL.
 * @since 0.1
 */
FL_API const char *fl_ctx_errmsg(const fl_ctx *ctx);

/**
 * The same message with parameter names still as tokens "@{name}" (see
 * fl_msg_spell), for hosts that spell parameters their own way. Borrowed:
 * valid until the next call on ctx. Never NULL. @since 0.2
 */
FL_API const char *fl_ctx_errmsg_raw(const fl_ctx *ctx);

/** Longest parameter name a message token may carry, with its NUL. @since 0.2 */
#define FL_PARAM_NAME_MAX 64

/**
 * A host's spelling of parameter `param` (e.g. "--side-field" for
 * "side_field"), written into out (cap bytes, NUL-terminated). Return its
 * length, or 0 to keep the bare name. @since 0.2
 */
typedef size_t (*fl_spell_fn)(const char *param, char *out, size_t cap, void *user);

/**
 * Copy message `raw` into out (cap bytes, always NUL-terminated when cap > 0),
 * replacing each token "@{name}" with spell(name); spell NULL gives the bare
 * name. Core messages, warnings and the plugin ABI's error and summary texts
 * name parameters this way. Returns the length the full text needs (as
 * snprintf does). @since 0.2
 */
FL_API size_t fl_msg_spell(const char *raw, fl_spell_fn spell, void *user, char *out, size_t cap);

/**
 * Bound the time of the calls that follow: a long GEOS operation (buffer,
 * union) done through ctx after seconds from now stops, and the call fails
 * with FL_E_ARG and a sentence naming the bound. For hosts that must bound
 * a call even when nobody interrupts it (the SQL face: SQLite calls no
 * progress handler while a function runs). seconds <= 0 removes the bound.
 * @since 0.2
 */
FL_API void fl_ctx_set_time_limit(fl_ctx *ctx, double seconds);

/** A host's answer to "stop now?": nonzero to stop. @since 0.2 */
typedef int (*fl_poll_fn)(void *user);

/**
 * Ask the host whether to stop, during the calls that follow: poll(user) is
 * called on the thread running ctx's work, between the short steps of a
 * long operation (GEOS calls of a buffer; every few dozen vertices of a
 * distance, route or depth) and from GEOS's own interrupt checks, at most
 * every 10 ms and not in the first 10 ms after it is set (a short call never
 * polls);
 * a nonzero answer stops the running call with FL_E_CANCEL ("interrupted").
 * For hosts whose stop request the library cannot see otherwise (the SQL
 * face asks SQLite whether sqlite3_interrupt() was called). poll NULL
 * removes it. user is borrowed until the poll is removed.
 * @since 0.2
 */
FL_API void fl_ctx_set_interrupt_poll(fl_ctx *ctx, fl_poll_fn poll, void *user);

/**
 * Named work limits: how much work one call may take before it is refused
 * at once (FL_E_ARG, one sentence naming the limit, its value and how to
 * raise it) instead of running for minutes. The names, defaults and what
 * each bounds: fl_limit_name(), fl_limit_default(), fl_limit_bounds() for
 * i = 0, 1, ... until NULL; docs/cli.md "Limits" gives the measured time of
 * each default. A new context has the defaults; worker threads' contexts
 * take their parent's values.
 *
 * Set limit `name` of ctx to value (a finite number > 0, at most 1e15).
 * An unknown name or a bad value fails with FL_E_ARG and a sentence naming
 * it and the limits there are; the limit keeps its value then. @since 0.3
 */
FL_API fl_status fl_ctx_set_limit(fl_ctx *ctx, const char *name, double value);

/** The value of limit `name` in ctx into *out; FL_E_ARG for an unknown name. @since 0.3 */
FL_API fl_status fl_ctx_limit(fl_ctx *ctx, const char *name, double *out);

/**
 * Set limits from text "NAME=N[,NAME=N...]" (spaces allowed around names and
 * values; N a decimal number such as 2000000 or 2e6: no sign, hex, inf or
 * nan), as the CLI's --limit and the plugin hosts' environment variable
 * FL_LIMITS give them. The whole text is checked before any limit is set: a
 * bad item fails with FL_E_ARG naming it, and no limit changes. NULL or ""
 * changes nothing. @since 0.3
 */
FL_API fl_status fl_ctx_set_limits(fl_ctx *ctx, const char *spec);

/** Name of the i-th limit (0-based), or NULL past the last. Static. @since 0.3 */
FL_API const char *fl_limit_name(size_t i);

/** Default value of the i-th limit (0 past the last). @since 0.3 */
FL_API double fl_limit_default(size_t i);

/** What the i-th limit bounds, one phrase, or NULL past the last. Static. @since 0.3 */
FL_API const char *fl_limit_bounds(size_t i);

/** Reset the last status to FL_OK and the message to "". @since 0.1 */
FL_API void fl_ctx_clear_error(fl_ctx *ctx);

/**
 * Progress and cancel hooks for the batch calls that follow. Both optional
 * (NULL). The cancel flag is borrowed and polled between features and inside
 * long GEOS operations (buffers, unions: through GEOS's interrupt callback);
 * a nonzero value makes the running call stop with FL_E_CANCEL and build no
 * output.
 * @since 0.1
 */
FL_API void fl_ctx_set_progress(fl_ctx *ctx, fl_progress_fn fn, void *user,
                                const volatile int *cancel_flag);

/**
 * Number of worker threads batch calls may use (each gets its own GEOS and
 * PROJ context). 0 = number of online CPUs (the default); 1 = no threads.
 * @since 0.1
 */
FL_API void fl_ctx_set_threads(fl_ctx *ctx, int n_threads);

/** Count of warnings (e.g. repaired polygons) since the context was made. @since 0.1 */
FL_API size_t fl_ctx_warning_count(const fl_ctx *ctx);

/**
 * The i-th warning (0-based), one sentence. Borrowed: valid until the
 * context is destroyed or fl_ctx_clear_warnings() is called; NULL past the end.
 * @since 0.1
 */
FL_API const char *fl_ctx_warning(const fl_ctx *ctx, size_t i);

/** The i-th warning with parameter tokens kept (see fl_ctx_errmsg_raw). @since 0.2 */
FL_API const char *fl_ctx_warning_raw(const fl_ctx *ctx, size_t i);

/** Forget all warnings. @since 0.1 */
FL_API void fl_ctx_clear_warnings(fl_ctx *ctx);

/** Symbolic name of a status, e.g. "E_SRID". Static. @since 0.1 */
FL_API const char *fl_status_name(fl_status st);

/** Default English text of a status. Static. @since 0.1 */
FL_API const char *fl_status_str(fl_status st);

/**
 * Free memory that a fl_* call returned with "free with fl_free()".
 * NULL is a no-op. @since 0.1
 */
FL_API void fl_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
