#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests:
#   pg-throwaway.sh start DIR   initdb in a fresh temporary directory, start it
#                               on a free loopback port, write the server URL
#                               to DIR/url (and the data location to DIR/pgtmp)
#   pg-throwaway.sh stop DIR    stop it and remove its data
#   pg-throwaway.sh pause DIR   crash it (immediate shutdown), keeping its data
#   pg-throwaway.sh resume DIR  start it again on the same port (crash recovery)
# As root the server runs as the postgres user (initdb refuses root).
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?directory}
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_postgres() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

case "$cmd" in
  start)
    "$0" stop "$dir"
    mkdir -p "$dir"
    pgtmp=$(mktemp -d /tmp/kokemus-pg.XXXXXX)
    echo "$pgtmp" > "$dir/pgtmp"
    [[ $(id -u) == 0 ]] && chown postgres:postgres "$pgtmp"
    chmod 700 "$pgtmp"
    as_postgres "$pgbin/initdb" -D "$pgtmp/data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
    for attempt in 1 2 3 4 5 6 7 8; do
      port=$((20000 + RANDOM % 40000))
      port_in_use "$port" && continue
      opts="-c listen_addresses=127.0.0.1 -p $port -k $pgtmp -c fsync=off -c max_connections=300"
      if as_postgres "$pgbin/pg_ctl" -D "$pgtmp/data" -l "$pgtmp/log" -w -t 30 -o "$opts" \
          start >/dev/null; then
        echo "$opts" > "$dir/opts"
        echo "postgresql://postgres@127.0.0.1:$port" > "$dir/url"
        echo "PostgreSQL up at $(cat "$dir/url")"
        exit 0
      fi
    done
    echo "pg-throwaway: could not start PostgreSQL; log:" >&2
    cat "$pgtmp/log" >&2 || true
    exit 1
    ;;
  stop)
    if [[ -f "$dir/pgtmp" ]]; then
      pgtmp=$(cat "$dir/pgtmp")
      if [[ -d "$pgtmp/data" ]]; then
        as_postgres "$pgbin/pg_ctl" -D "$pgtmp/data" -m fast -w stop >/dev/null 2>&1 || true
      fi
      rm -rf "$pgtmp"
    fi
    rm -rf "$dir"
    ;;
  pause)
    as_postgres "$pgbin/pg_ctl" -D "$(cat "$dir/pgtmp")/data" -m immediate -w stop >/dev/null
    ;;
  resume)
    pgtmp=$(cat "$dir/pgtmp")
    as_postgres "$pgbin/pg_ctl" -D "$pgtmp/data" -l "$pgtmp/log" -w -t 60 -o "$(cat "$dir/opts")" \
      start >/dev/null
    ;;
  *) echo "usage: $0 start|stop|pause|resume DIR" >&2; exit 2 ;;
esac
