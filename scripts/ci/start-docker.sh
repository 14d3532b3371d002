#!/usr/bin/env bash
# Make a container engine available for the sandbox tests and B4'.
# Idempotent: an engine that already answers is left alone. Only an engine this script
# starts is recorded in the pid file, so stop-docker.sh never stops someone else's daemon.
# Exit 0 = `docker info` answers; non-zero = no engine (the tests then skip with a reason).
set -u

PID_FILE="${MACRO_DOCKERD_PID_FILE:-/tmp/macro-dockerd.pid}"
DOCKERD_LOG="${MACRO_DOCKERD_LOG:-/tmp/macro-dockerd.log}"
APT_LOG="${MACRO_APT_LOG:-/tmp/macro-apt-docker.log}"
WAIT_SECONDS="${MACRO_DOCKERD_WAIT:-60}"
# Extra dockerd arguments, e.g. a private socket and data root to start a second, isolated
# daemon (set DOCKER_HOST to the same socket so `docker info` checks that one).
EXTRA_ARGS="${MACRO_DOCKERD_EXTRA_ARGS:-}"

say() { printf 'start-docker: %s\n' "$*" >&2; }

if docker info >/dev/null 2>&1; then
  say "engine already running ($(docker info --format '{{.ServerVersion}}' 2>/dev/null)); nothing to do"
  exit 0
fi

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"; else return 1; fi
}

if ! command -v dockerd >/dev/null 2>&1; then
  say "dockerd missing; installing docker.io (log: $APT_LOG)"
  if ! { as_root apt-get update -q && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q docker.io; } >"$APT_LOG" 2>&1; then
    say "ERROR: could not install docker.io (see $APT_LOG)"
    exit 1
  fi
fi

if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
  say "dockerd we started earlier (pid $(cat "$PID_FILE")) is still starting; waiting"
else
  # No bridge and no iptables: containers get no network unless a run asks for one,
  # and the daemon never rewrites the host's firewall.
  say "starting dockerd (log: $DOCKERD_LOG)"
  as_root sh -c "nohup dockerd --bridge=none --iptables=false --ip6tables=false $EXTRA_ARGS >'$DOCKERD_LOG' 2>&1 & echo \$! >'$PID_FILE'" || {
    say "ERROR: could not launch dockerd (need root or passwordless sudo)"
    exit 1
  }
fi

for _ in $(seq 1 "$WAIT_SECONDS"); do
  if docker info >/dev/null 2>&1; then
    say "engine ready ($(docker info --format '{{.ServerVersion}}' 2>/dev/null)), dockerd pid $(cat "$PID_FILE")"
    exit 0
  fi
  if ! kill -0 "$(cat "$PID_FILE" 2>/dev/null || echo 0)" 2>/dev/null; then
    say "ERROR: dockerd exited during start-up; last log lines:"
    tail -n 20 "$DOCKERD_LOG" >&2 || true
    rm -f "$PID_FILE"
    exit 1
  fi
  sleep 1
done

say "ERROR: dockerd did not answer within ${WAIT_SECONDS}s; last log lines:"
tail -n 20 "$DOCKERD_LOG" >&2 || true
exit 1
