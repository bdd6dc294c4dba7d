/* The watcher (see progress.h): a thread that sleeps in poll() on a wake-up pipe and a signalfd
 * for SIGINT, SIGTERM and SIGHUP, waking every 250 ms only when it draws the progress line. Nothing
 * here runs per event: the runs publish their state and this thread reads it. */
#include "cli/progress.h"
#include "engine/clock.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

enum { TICK_MS = 250 };

struct watch {
    watch_cfg cfg;
    pthread_t thread;
    bool started;
    int wake[2];     /* written by watch_stop */
    int sigfd;       /* the signals, or -1 */
    int signals;     /* taken so far */
    atomic_bool hit; /* one came */
    double t0, last; /* start, last drawing (monotonic seconds) */
    bool drawn;      /* a line is on the terminal */
};

/* SIGTERM (kill, systemd, a batch system's time limit) and SIGHUP (the terminal went away) are
 * taken as SIGINT is: left to their default they would leave the temporary file behind. */
static const int caught[] = {SIGINT, SIGTERM, SIGHUP};

static void caught_set(sigset_t *set)
{
    sigemptyset(set);
    for (size_t i = 0; i < sizeof caught / sizeof caught[0]; i++) sigaddset(set, caught[i]);
}

int watch_block_signals(void)
{
    sigset_t set;
    caught_set(&set);
    return pthread_sigmask(SIG_BLOCK, &set, NULL) == 0 ? 0 : -1;
}

/* ---- the line -------------------------------------------------------------------------------- */

static void fmt_eta(double s, char *buf, size_t n)
{
    long t = (long)(s + 0.5);
    if (t < 60)
        snprintf(buf, n, "%ld s", t);
    else if (t < 3600)
        snprintf(buf, n, "%ld min %02ld s", t / 60, t % 60);
    else
        snprintf(buf, n, "%ld h %02ld min", t / 3600, t / 60 % 60);
}

void watch_format(const watch_status *s, double elapsed_s, char *buf, size_t n, size_t width)
{
    char eta[32] = "-", speed[48] = "", at[64] = "";
    if (s->fraction > 0.001 && s->fraction <= 1)
        fmt_eta(elapsed_s * (1 - s->fraction) / s->fraction, eta, sizeof eta);
    if (s->events_per_s > 0)
        snprintf(speed, sizeof speed, ", %.2gM events/s", s->events_per_s / 1e6);
    if (s->running)
        snprintf(at, sizeof at, ", %zu at %.1f/%.1f s", s->running, s->sim_s, s->sim_end_s);
    snprintf(buf, n, "vpcsim run: %zu/%zu runs done%s%s, ETA %s", s->done, s->total, at, speed,
             eta);
    if (width > 1 && strlen(buf) >= width) buf[width - 1] = 0; /* one line: no wrap */
}

static size_t columns(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    return 80;
}

static void draw(watch *w)
{
    watch_status s = {0};
    char line[256];
    double t = clock_mono_s();
    if (t - w->t0 < 1.0 || t - w->last < 0.2) return; /* short runs show nothing */
    w->cfg.status(w->cfg.ctx, &s);
    watch_format(&s, t - w->t0, line, sizeof line, columns());
    fprintf(stderr, "\r%s\033[K", line);
    fflush(stderr);
    w->drawn = true;
    w->last = t;
}

static void clear(watch *w)
{
    if (!w->drawn) return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    w->drawn = false;
}

/* ---- the thread ------------------------------------------------------------------------------ */

static void on_signal(watch *w)
{
    struct signalfd_siginfo si;
    if (read(w->sigfd, &si, sizeof si) != (ssize_t)sizeof si) return;
    int sig = (int)si.ssi_signo;
    const char *name = sig == SIGINT ? "interrupted" : sig == SIGTERM ? "SIGTERM" : "SIGHUP";
    clear(w);
    if (++w->signals == 1) {
        atomic_store(&w->hit, true);
        fprintf(stderr,
                "vpcsim run: %s: no new runs start; the runs in progress finish "
                "(Ctrl-C or the signal again to quit at once, keeping nothing)\n",
                name);
        if (w->cfg.interrupt) w->cfg.interrupt(w->cfg.ctx, sig);
        return;
    }
    if (w->cfg.quit) w->cfg.quit(w->cfg.ctx);
    fprintf(stderr, "vpcsim run: %s again: quitting; nothing written\n", name);
    fflush(stderr);
    _exit(128 + sig);
}

static void *watch_loop(void *arg)
{
    watch *w = arg;
    struct pollfd fds[2] = {{.fd = w->wake[0], .events = POLLIN},
                            {.fd = w->sigfd, .events = POLLIN}};
    for (;;) {
        int r = poll(fds, w->sigfd >= 0 ? 2 : 1, w->cfg.progress ? TICK_MS : -1);
        if (r < 0 && errno != EINTR) break;
        if (r > 0 && fds[0].revents) break;
        if (r > 0 && w->sigfd >= 0 && fds[1].revents) on_signal(w);
        if (w->cfg.progress) draw(w);
    }
    clear(w);
    return NULL;
}

watch *watch_start(const watch_cfg *cfg)
{
    watch *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->cfg = *cfg;
    w->sigfd = -1;
    w->wake[0] = w->wake[1] = -1;
    atomic_init(&w->hit, false);
    w->t0 = clock_mono_s();
    if (!cfg->progress && !cfg->catch_signals) return w;
    if (pipe(w->wake) != 0) goto fail;
    if (cfg->catch_signals) {
        sigset_t set;
        caught_set(&set);
        if ((w->sigfd = signalfd(-1, &set, SFD_CLOEXEC)) < 0) goto fail;
    }
    if (pthread_create(&w->thread, NULL, watch_loop, w) != 0) goto fail;
    w->started = true;
    return w;
fail:
    watch_stop(w);
    return NULL;
}

void watch_stop(watch *w)
{
    if (!w) return;
    if (w->started) {
        ssize_t n = write(w->wake[1], "x", 1);
        (void)n;
        pthread_join(w->thread, NULL);
    }
    if (w->wake[0] >= 0) close(w->wake[0]), close(w->wake[1]);
    if (w->sigfd >= 0) close(w->sigfd);
    free(w);
}

bool watch_interrupted(const watch *w)
{
    return w && atomic_load(&w->hit);
}
