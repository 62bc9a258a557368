#!/usr/bin/env bash
# Proves the container image's runtime contents without a Docker engine:
# builds the runtime stage's root file system from Debian packages with
# debootstrap (minbase + scripts/runtime-packages.txt, the same list the
# Dockerfile installs), copies the binaries in, and inside it with chroot, as
# the image's non-root user: starts kokemus-server, checks health, creates
# and lists an exchange with kokemusctl, stops the server with SIGTERM.
#   runtime-rootfs-test.sh BIN_DIR
set -euo pipefail
bin=${1:?directory with kokemus-server and kokemusctl}
here=$(cd "$(dirname "$0")" && pwd)
[[ $(id -u) == 0 ]] || { echo "runtime-rootfs-test: needs root (debootstrap, chroot)" >&2; exit 1; }

root=$(mktemp -d /tmp/kokemus-rootfs.XXXXXX)
chmod 0755 "$root"  # it becomes "/" for the non-root user
cleanup() {
  [[ -n ${server_pid:-} ]] && kill -9 "$server_pid" 2>/dev/null || true
  mountpoint -q "$root/proc" && umount "$root/proc"
  mountpoint -q "$root/dev" && umount "$root/dev"
  rm -rf "$root"
}
trap cleanup EXIT

mirror=http://deb.debian.org/debian
if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
fi
echo "debootstrap bookworm from $mirror"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 ||
  { tail -20 "$root.log" >&2; exit 1; }
rm -f "$root.log"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
cp /etc/resolv.conf "$root/etc/resolv.conf"
grep -v '^#' "$here/runtime-packages.txt" > "$root/tmp/packages"
chroot "$root" /bin/sh -c 'apt-get update -qq && xargs apt-get install -y -qq --no-install-recommends < /tmp/packages >/dev/null && apt-get clean && rm -rf /var/lib/apt/lists/*'
chroot "$root" useradd --uid 10001 --user-group --no-create-home \
  --home-dir /nonexistent --shell /usr/sbin/nologin kokemus
install -m 0755 "$bin/kokemus-server" "$bin/kokemusctl" "$root/usr/local/bin/"
install -d -o 10001 -g 10001 "$root/data"

# Like the image: no compiler or build tool in the runtime file system.
for tool in gcc g++ cc c++ cmake ninja make; do
  if chroot "$root" /bin/sh -c "command -v $tool" >/dev/null; then
    echo "runtime-rootfs-test: $tool is in the runtime file system" >&2; exit 1
  fi
done
echo "root file system: $(du -smx "$root" | cut -f1) MB"

port=$((20000 + RANDOM % 40000))
# The operator's first key (libsodium), then the server in plaintext on loopback.
admin_key=$(chroot --userspec=10001:10001 "$root" /usr/local/bin/kokemus-server \
  --database /data/kokemus.db --issue_admin_key "image test")
chroot --userspec=10001:10001 "$root" /usr/local/bin/kokemus-server --plaintext \
  --listen "127.0.0.1:$port" --metrics_listen "127.0.0.1:0" --database /data/kokemus.db \
  >"$root/tmp/server.log" 2>&1 &
server_pid=$!
export KOKEMUS_PLAINTEXT=true KOKEMUS_API_KEY=$admin_key
ctl() { chroot --userspec=10001:10001 "$root" /usr/local/bin/kokemusctl --server "127.0.0.1:$port" "$@"; }
health=
for _ in $(seq 1 100); do
  health=$(ctl --timeout 2s health check 2>&1) && [[ $health == SERVING ]] && break
  sleep 0.1
done
if [[ $health != SERVING ]]; then
  echo "runtime-rootfs-test: the server is not serving; the last health check said: $health" >&2
  echo "its log:" >&2
  cat "$root/tmp/server.log" >&2
  exit 1
fi
ctl exchange create ph --display-name "Päijät-Häme" --wellbeing-region PH \
  --contact-email pankki@example.fi --postal-address "Vesijärvenkatu 11, 15140 Lahti" >/dev/null
ctl exchange list | grep -q "^ph "
KOKEMUS_API_KEY=$(ctl key create --exchange ph --role coordinator --display-name "image test" 2>/dev/null)
[[ $(ctl key whoami) == *"role:"*coordinator* ]]
# Documents need Pango, Cairo and the fonts in the image: render one.
ctl exchange privacy-notice ph --language fi > "$root/tmp/notice.pdf"
[[ $(head -c 5 "$root/tmp/notice.pdf") == "%PDF-" ]]
[[ $(stat -c %s "$root/tmp/notice.pdf") -gt 10000 ]]
# The annual report's charts need PLplot's Cairo driver, loaded at run time.
ctl report annual --exchange ph --year 2025 > "$root/tmp/annual.pdf"
[[ $(head -c 5 "$root/tmp/annual.pdf") == "%PDF-" ]]
[[ $(stat -c %s "$root/tmp/annual.pdf") -gt 10000 ]]
kill -TERM "$server_pid"
wait "$server_pid"; code=$?
server_pid=
[[ $code == 0 ]] || { echo "runtime-rootfs-test: server exit code $code" >&2; exit 1; }
grep -q '"event":"stopped"' "$root/tmp/server.log"
[[ $(stat -c %u "$root/data/kokemus.db") == 10001 ]]
echo "runtime root file system: server ran as uid 10001, health SERVING, CLI worked, clean stop"
