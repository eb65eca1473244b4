#!/usr/bin/env bash
# The production shape on one machine, as the deployment test runs it and as you can try it by hand:
#
#   browser ──https──▶ nginx (deploy/nginx.conf, a throw-away CA) ──▶ 2 × introducer serve ─┐
#                                                     2 × introducer worker ───────────────┼─▶ PostgreSQL
#   Google and Microsoft stand-ins over HTTPS (Gmail API, Google sign-in, Entra ID, Graph) ◀┘
#
# usage: deploy/stack.sh DIR
# Runs in the foreground until SIGTERM or Ctrl-C, then stops every process (SIGTERM) and drops its database.
# Each process is started with the ExecStart of its systemd unit in deploy/systemd/, with the settings of
# DIR/introducer.env (the shape of deploy/introducer.env.example). When everything answers through the
# proxy it writes DIR/stack.env (URL, CA, database, process ids) and prints "stack ready".
# Needs nginx (Debian package), the project's .venv, and PostgreSQL: STACK_POSTGRES_URL, else
# INTRODUCER_TEST_POSTGRES_URL, else postgresql+psycopg://postgres@127.0.0.1:5432/test (a fresh database
# is created next to it for each run). All ports are picked free at start.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
mkdir -p "$1"
DIR=$(cd "$1" && pwd)
PY=$ROOT/.venv/bin/python
BIN=$ROOT/.venv/bin
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "error: nginx is not installed (apt-get install nginx-light)" >&2; exit 2; }
START=$(date +%s.%N)
ADMIN_URL=${STACK_POSTGRES_URL:-${INTRODUCER_TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}}
DB_NAME=introducer_stack_$(date +%s)_$$
: > "$DIR/pids"

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
database() {  # database create|drop NAME
  "$PY" - "$ADMIN_URL" "$1" "$2" <<'PY'
import sys
from sqlalchemy import create_engine, text
admin, action, name = sys.argv[1:]
engine = create_engine(admin, isolation_level="AUTOCOMMIT")
with engine.connect() as conn:
    if action == "create":
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    else:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
PY
}
stop_all() {  # SIGTERM to each process, newest first (the proxy before the web processes); DIR/exits says how each ended
  trap - EXIT INT TERM
  local name pid code
  : > "$DIR/exits"
  while read -r name pid; do
    kill -TERM "$pid" 2>/dev/null || true
    code=0
    wait "$pid" 2>/dev/null || code=$?
    echo "$name $code" >> "$DIR/exits"
  done < <(tac "$DIR/pids")
  database drop "$DB_NAME" 2>/dev/null || true
  echo "stack stopped"
}
trap stop_all EXIT
trap 'exit 0' INT TERM
started() {  # started NAME PID: remember a process so the test can find it and the script can stop it
  echo "$1 $2" >> "$DIR/pids"
}
wait_for() {  # wait_for WHAT COMMAND...: up to 60 s
  for _ in $(seq 1 300); do
    if "${@:2}" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "error: $1 did not come up; logs in $DIR" >&2
  exit 1
}
unit_command() {  # the ExecStart of a unit, with this checkout's venv and the given instance
  sed -n 's/^ExecStart=//p' "$ROOT/deploy/systemd/$1" | sed "s#/opt/introducer/.venv/bin#$BIN#; s#%i#$2#g"
}
run_unit() {  # run_unit NAME UNIT INSTANCE [VAR=value...]
  local name=$1 unit=$2 instance=$3
  shift 3
  # shellcheck disable=SC2046
  (set -a; . "$DIR/introducer.env"; set +a; exec env "$@" $(unit_command "$unit" "$instance")) \
    > "$DIR/$name.log" 2>&1 &
  started "$name" $!
}

# 1. The stand-ins, which also make the CA and the loopback certificate nginx serves.
PROXY_PORT=$(free_port)
URL=https://127.0.0.1:$PROXY_PORT
rm -f "$DIR/standins.ready"
"$PY" -m introducer.mail.sandbox.standins "$DIR" "$URL" > "$DIR/standins.log" 2>&1 &
started standins $!
wait_for "the stand-ins" test -f "$DIR/standins.ready"

# 2. A fresh database, the shared secrets, the settings every process reads.
database create "$DB_NAME"
DATABASE_URL="${ADMIN_URL%/*}/$DB_NAME"
{
  echo "DATABASE_URL=$DATABASE_URL"
  echo "INTRODUCER_DATA_DIR=$DIR/data"
  echo "INTRODUCER_SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(32))')"
  echo "INTRODUCER_TOKEN_KEYS=$("$PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
  echo "INTRODUCER_PROXY_HOPS=1"
  # No INTRODUCER_PUBLIC_URL: every URL the app hands out (OAuth redirects included) comes from what the
  # proxy forwards, which is what this stack checks. The workers poll the mailboxes instead of webhooks.
  echo "INTRODUCER_POLL_SECONDS=1"
  echo "INTRODUCER_SYNC_SECONDS=1"
  echo "INTRODUCER_DISPATCH_SECONDS=1"
  # a killed worker's claimed work is taken over after 20 s (sync requests and due nudges: 50 s), not minutes
  echo "INTRODUCER_LEASE_SECONDS=20"
  echo "INTRODUCER_SEND_WINDOW='00:00-23:59 Mon-Sun'"  # nudges may go out whenever the test runs
  cat "$DIR/standins.env"
} > "$DIR/introducer.env"
chmod 600 "$DIR/introducer.env"
(set -a; . "$DIR/introducer.env"; set +a; "$BIN/introducer" db upgrade) > "$DIR/migrate.log" 2>&1

# 3. Two web processes and two workers, as their units start them.
UPSTREAMS=""
for n in 1 2; do
  run_unit "web$n" introducer-web@.service 0
  wait_for "web$n" grep -q "listening on" "$DIR/web$n.log"
  port=$(sed -n 's#.*listening on http://127.0.0.1:\([0-9]*\)/.*#\1#p' "$DIR/web$n.log")
  UPSTREAMS="$UPSTREAMS server 127.0.0.1:$port;"
done
for n in 1 2; do
  run_unit "worker$n" introducer-worker@.service "$n" "INTRODUCER_WORKER_ID=stack:worker-$n"
done

# 4. nginx with deploy/nginx.conf as shipped.
mkdir -p "$DIR/nginx"
sed -e "s#@UPSTREAMS@#$UPSTREAMS#" -e "s#@LISTEN@#127.0.0.1:$PROXY_PORT#" -e "s#@CERT@#$DIR/server.pem#" \
    -e "s#@KEY@#$DIR/server.key#" -e "s#@RUN@#$DIR/nginx#g" "$ROOT/deploy/nginx.conf" > "$DIR/nginx/nginx.conf"
# As root, nginx's workers would run as nobody, who cannot write its temporary files into DIR: keep them ours.
GLOBALS="daemon off;"
[ "$(id -u)" = 0 ] && GLOBALS="$GLOBALS user root;"
"$NGINX" -e "$DIR/nginx/startup-error.log" -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf" -g "$GLOBALS" \
  > "$DIR/nginx.log" 2>&1 &
started nginx $!
wait_for "nginx" curl -sf --cacert "$DIR/ca.pem" "$URL/healthz"
for n in 1 2; do wait_for "worker$n" grep -q "worker running" "$DIR/worker$n.log"; done

SECONDS_TO_START=$("$PY" -c "import time; print(f'{time.time() - $START:.1f}')")
{
  echo "STACK_URL=$URL"
  echo "STACK_CA=$DIR/ca.pem"
  echo "STACK_START_SECONDS=$SECONDS_TO_START"
  grep -E '^(DATABASE_URL|STACK_CONTROL_URL|STACK_WORLD_DB)=' "$DIR/introducer.env"
} > "$DIR/stack.env.tmp"
mv "$DIR/stack.env.tmp" "$DIR/stack.env"
echo "stack ready in ${SECONDS_TO_START}s at $URL (CA: $DIR/ca.pem, logs: $DIR)"
wait
