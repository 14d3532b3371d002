#!/usr/bin/env bash
# Stop the dockerd that start-docker.sh started, and only that one (by its pid file).
set -u

PID_FILE="${MACRO_DOCKERD_PID_FILE:-/tmp/macro-dockerd.pid}"
say() { printf 'stop-docker: %s\n' "$*" >&2; }

if [ ! -f "$PID_FILE" ]; then
  say "no pid file ($PID_FILE): this script started no dockerd; nothing to stop"
  exit 0
fi
pid="$(cat "$PID_FILE")"
if ! kill -0 "$pid" 2>/dev/null; then
  say "dockerd pid $pid is not running; removing stale pid file"
  rm -f "$PID_FILE"
  exit 0
fi
# Guard against pid reuse: only signal the pid if it still is a dockerd.
if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != "dockerd" ]; then
  say "pid $pid is no longer dockerd; not signalling it; removing stale pid file"
  rm -f "$PID_FILE"
  exit 0
fi
kill -TERM "$pid"
for _ in $(seq 1 30); do
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$PID_FILE"
    say "stopped dockerd pid $pid"
    exit 0
  fi
  sleep 1
done
say "ERROR: dockerd pid $pid did not stop within 30s"
exit 1
