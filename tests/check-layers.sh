#!/usr/bin/env bash
# Proves the layering in the linked binaries (ldd): the domain's unit tests,
# which link kokemus_domain alone, load no transport, SQL, renderer or solver
# library, and the CLI none of the server's storage, renderer or solver.
# Usage: check-layers.sh DOMAIN_TEST... KOKEMUSCTL
set -euo pipefail
domain_forbidden='libgrpc|libprotobuf|libsoci|libpq\.|libsqlite3|libpango|libcairo|libplplot|libCbc|libsodium|libmicrohttpd|libical'
cli_forbidden='libsoci|libpq\.|libsqlite3|libpango|libcairo|libplplot|libCbc|libsodium|libmicrohttpd|libical'
failed=0
check() {  # binary, forbidden pattern, what it is
  local found
  found=$(ldd "$1" | awk '{print $1}' | grep -E "$2" || true)
  if [[ -n "$found" ]]; then
    echo "FAIL: $3 $(basename "$1") links:" $found
    failed=1
  else
    echo "ok: $3 $(basename "$1") links none of: $2"
  fi
}
args=("$@")
cli=${args[-1]}
unset 'args[-1]'
for t in "${args[@]}"; do check "$t" "$domain_forbidden" "domain test"; done
check "$cli" "$cli_forbidden" "CLI"
# The CLI does load gRPC and protobuf: the check above must not pass vacuously.
[[ $(ldd "$cli") == *libgrpc++* ]] || { echo "FAIL: the CLI does not load libgrpc++?"; failed=1; }
exit $failed
