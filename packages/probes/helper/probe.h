/* Shared by syscall-probe.c and sweep.c. */
#ifndef MACRO_PROBE_H
#define MACRO_PROBE_H

typedef long (*call_fn)(const char *arg);

/* One JSON line on stdout: {"call":…,"ret":…,"errno":…[,"signal":…]}. */
void emit(const char *call, long ret, int err, int sig);
/* Runs fn in a forked child; the child reports its own result, the parent a death by signal. */
void in_child(const char *call, call_fn fn, const char *arg);

void sweep(const char *allowed);
void nsflags(void);
void families(const char *socket_allowed, const char *pair_allowed);
/* A comma-separated list of syscall names (or, numeric, of numbers) the helper will accept. */
int csv_ok(const char *list, int numeric);

#endif
