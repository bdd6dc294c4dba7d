/* The watcher of `vpcsim run`: one thread beside the runs that draws the progress line on a
 * terminal (at most 4 times a second, after the first second) and takes SIGINT, SIGTERM and
 * SIGHUP alike: the first stops new runs from starting, the second quits at once (exit 128 + the
 * signal) after a last clean-up. */
#ifndef VPCSIM_PROGRESS_H
#define VPCSIM_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

/* What the runs have done so far. */
typedef struct watch_status {
    size_t done, running, total; /* runs */
    double sim_s, sim_end_s;     /* simulated seconds of the running runs (their mean), and the
                                    end of their calls' creation (warm-up + duration: the work;
                                    the drain after it is quick) */
    double events_per_s;         /* engine speed of the finished runs, or 0: none yet */
    double fraction;             /* of the whole work, in [0, 1] */
} watch_status;

typedef struct watch_cfg {
    bool progress;      /* draw the line on stderr */
    bool catch_signals; /* SIGINT, SIGTERM and SIGHUP are blocked in every thread
                           (watch_block_signals) and taken here */
    void (*status)(void *ctx, watch_status *out); /* called on the watcher's thread */
    void (*interrupt)(void *ctx, int sig);        /* the first signal (SIGINT, SIGTERM, SIGHUP) */
    void (*quit)(void *ctx);                      /* the second, just before _exit(128 + it) */
    void *ctx;
} watch_cfg;

typedef struct watch watch;

/* Blocks SIGINT, SIGTERM and SIGHUP in the calling thread and the threads it starts from now on
 * (call it before any other thread exists). Returns 0 or -1. */
int watch_block_signals(void);
/* Starts the watcher (nothing to do: returns a handle that does nothing). Returns it, or NULL
 * (out of resources: run without it). */
watch *watch_start(const watch_cfg *cfg);
/* Stops it and clears the progress line. NULL is a no-op. */
void watch_stop(watch *w);
/* Whether one of the signals came. */
bool watch_interrupted(const watch *w);

/* The line for status s after elapsed seconds, cut to width columns (for tests). */
void watch_format(const watch_status *s, double elapsed_s, char *buf, size_t n, size_t width);

#endif
