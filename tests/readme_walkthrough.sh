#!/usr/bin/env bash
# The README's walk-through, run as written (issue 17: its fixed dates stopped
# working): the first two `sh` blocks of "## Try it", in a scratch directory
# laid out like the repository (build/bin, data/dev-admin.key), against a
# fresh server on SQLite on a free loopback port, and the third (the API as
# HTTP/JSON with curl) against its web listener. Every command must succeed.
#   tests/readme_walkthrough.sh README.md BUILD_BIN_DIR
set -euo pipefail
readme=$1
bin=$(cd "$2" && pwd)
work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2> /dev/null || true; wait "$server_pid" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/build" "$work/data"
ln -s "$bin" "$work/build/bin"
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port=$(free_port)
web_port=$(free_port)
(umask 077 && "$bin/kokemus-server" --database "$work/data/kokemus.db" \
  --issue_admin_key "walk-through" > "$work/data/dev-admin.key")
"$bin/kokemus-server" --database "$work/data/kokemus.db" --plaintext \
  --listen "127.0.0.1:$port" --web_listen "127.0.0.1:$web_port" 2> "$work/server.log" &
server_pid=$!
for _ in $(seq 1 100); do
  if KOKEMUS_PLAINTEXT=true "$bin/kokemusctl" --server "127.0.0.1:$port" health check > /dev/null 2>&1; then
    break
  fi
  sleep 0.1
done
# The blocks as the README has them, the server's address put in.
awk '/^## Try it/ { on = 1 } on && /^```sh$/ { inside = 1; blocks++; next }
     inside && /^```$/ { inside = 0; if (blocks == 3) exit; next }
     inside { print }' "$readme" |
  sed "s/localhost:50051/127.0.0.1:$port/; s/127.0.0.1:8080/127.0.0.1:$web_port/" > "$work/walkthrough.sh"
lines=$(wc -l < "$work/walkthrough.sh")
if [ "$lines" -lt 40 ]; then
  echo "the walk-through was not found in $readme ($lines lines)" >&2
  exit 1
fi
cd "$work"
if ! bash -euo pipefail -x walkthrough.sh > walkthrough.out 2> walkthrough.err; then
  echo "the walk-through failed:" >&2
  tail -20 walkthrough.err >&2
  exit 1
fi
# What it made: the reports and an order assigned to kaisa.
for f in vuosiraportti-*.pdf assignments-*.csv payroll-*.csv palkat-*.csv kela-selvitys.pdf \
  kysely.pdf kysely-qr.svg; do
  [ -s "$f" ] || { echo "missing $f" >&2; exit 1; }
done
grep -q 'lyseo-dec' walkthrough.out || { echo "no order listed" >&2; exit 1; }
# The visit's survey: its short link on the web listener.
grep -Eq "url: +http://127.0.0.1:$web_port/k/[a-z2-9]{10}" walkthrough.out ||
  { echo "no survey link" >&2; exit 1; }
# Over HTTP/JSON: the expert active again, the 404's status, the OpenAPI document.
grep -q '"state":"STATE_ACTIVE","etag":"\\"4\\""' walkthrough.out || { echo "no PATCH answer" >&2; exit 1; }
grep -q '{"code":5,"message":"exchanges/ph/experts/nobody not found"}' walkthrough.out ||
  { echo "no NOT_FOUND status" >&2; exit 1; }
grep -q '"openapi": "3.0.3"' openapi.json || { echo "no OpenAPI document" >&2; exit 1; }
echo "README walk-through: $lines lines ran"
