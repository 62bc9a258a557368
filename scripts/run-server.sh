#!/usr/bin/env bash
# README command 1: install what is missing, build, and run the server on the
# embedded default database (SQLite in data/, created on first run), in
# plaintext on loopback for local development. On first run it makes a
# national administrator's development key in data/dev-admin.key (readable
# by you only) and prints how to use it.
# The web listener (pages, survey links, HTTP/JSON) is on 127.0.0.1:8080.
# Extra arguments go to kokemus-server (for example --listen 0.0.0.0:50051
# together with --tls_cert_file/--tls_key_file instead of plaintext).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
mkdir -p data
if [ ! -s data/dev-admin.key ]; then
  (umask 077 && build/bin/kokemus-server --database data/kokemus.db \
      --issue_admin_key "local development" > data/dev-admin.key)
fi
tls=--plaintext
# The self-service pages, the audience's survey links and the API as
# HTTP/JSON on loopback port 8080, unless another --web_listen is given.
web=--web_listen=127.0.0.1:8080
for arg in "$@"; do
  case "$arg" in
    --tls_cert_file*) tls= ;;
    --web_listen*) web= ;;
  esac
done
echo "Development key (national administrator), for kokemusctl in another shell:" >&2
echo "  export KOKEMUS_PLAINTEXT=true KOKEMUS_API_KEY=\$(cat $PWD/data/dev-admin.key)" >&2
exec build/bin/kokemus-server --database data/kokemus.db ${tls} ${web} "$@"
