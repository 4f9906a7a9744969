/*
 * LD_PRELOAD shim that shifts the wall clock of one tool to SIGNET_FAKETIME_AT
 * (Unix seconds), for validators with no option to set the validation time
 * (BIND 9.18's dnssec-verify). The clock keeps running from that instant.
 *
 * Why not libfaketime: BIND links jemalloc, whose initialisation calls
 * clock_gettime() while libfaketime is still resolving symbols with dlsym();
 * the recursion makes dnssec-verify hang. This shim needs no dlsym and no
 * allocation: it asks the kernel directly with syscall(2).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long long offset_seconds;
static int offset_ready;

static int real_clock(clockid_t id, struct timespec *tp) {
  return (int)syscall(SYS_clock_gettime, id, tp);
}

/* Computed once, on first use, so the faked clock advances with the real one. */
static long long offset(void) {
  if (!offset_ready) {
    const char *at = getenv("SIGNET_FAKETIME_AT");
    struct timespec now;
    if (at != NULL && real_clock(CLOCK_REALTIME, &now) == 0) {
      offset_seconds = strtoll(at, NULL, 10) - (long long)now.tv_sec;
    }
    offset_ready = 1;
  }
  return offset_seconds;
}

int clock_gettime(clockid_t id, struct timespec *tp) {
  int rc = real_clock(id, tp);
  /* Only wall-clock readings move; monotonic clocks keep timers sane. */
  if (rc == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE)) {
    tp->tv_sec += offset();
  }
  return rc;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz) {
  (void)tz;
  struct timespec ts;
  int rc = clock_gettime(CLOCK_REALTIME, &ts);
  if (rc == 0 && tv != NULL) {
    tv->tv_sec = ts.tv_sec;
    tv->tv_usec = ts.tv_nsec / 1000;
  }
  return rc;
}

time_t time(time_t *out) {
  struct timespec ts;
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return (time_t)-1;
  if (out != NULL) *out = ts.tv_sec;
  return ts.tv_sec;
}
