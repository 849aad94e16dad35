#!/usr/bin/env bash
# Build Kapacitor's two programs from its Go module (through the Go module proxy) at a pinned
# version, the way release builds link them (-X main.version=...), and cache the binaries:
#
#   build-kapacitord.sh              the server, kapacitord (./cmd/kapacitord)
#   build-kapacitord.sh kapacitor    Kapacitor's own CLI, kapacitor (./cmd/kapacitor), which
#                                    users script with; the integration targets compare with it
#
# Prints the path of the binary asked for on stdout; logs go to stderr. Building kapacitord also
# builds the CLI when it is not cached (they share the module and libflux), so the first
# `stack.py up` on a fresh machine builds both in one run and later runs find them cached.
#
# Both link libflux (Rust), kapacitord directly and the CLI through its client package
# (client/v1 -> influxdb/query -> flux), so neither builds with CGO_ENABLED=0: both go through
# InfluxData's pkg-config wrapper. flux pins Rust 1.63 and denies warnings; with the machine's
# newer rustc we build with the stable toolchain and drop flux's `deny(warnings)` attribute in
# the wrapper's writable copy. libflux is compiled once and reused from Go's cache.
set -euo pipefail

VERSION="${KAPACITOR_VERSION:-1.8.3}"
CACHE_DIR="${TICK_KAPACITOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tick-kapacitor}"
WANT="${1:-kapacitord}"
case "$WANT" in
  kapacitord | kapacitor) ;;
  *) printf 'usage: %s [kapacitord|kapacitor]\n' "$0" >&2; exit 2 ;;
esac

log() { printf '[build-kapacitord] %s\n' "$*" >&2; }

# Where each program is cached, and what its `version` prints when it is the right one.
bin_of() {
  case "$1" in
    kapacitord) printf '%s\n' "$CACHE_DIR/kapacitord-$VERSION" ;;
    kapacitor) printf '%s\n' "$CACHE_DIR/kapacitor-$VERSION" ;;
  esac
}
cached() {
  local bin banner
  bin="$(bin_of "$1")"
  case "$1" in
    kapacitord) banner="Kapacitor OSS version $VERSION " ;;
    kapacitor) banner="Kapacitor OSS $VERSION " ;;
  esac
  [ -x "$bin" ] && "$bin" version 2>/dev/null | grep -q "$banner"
}

if cached "$WANT"; then
  log "cached: $(bin_of "$WANT")"
  bin_of "$WANT"
  exit 0
fi
# kapacitord's build brings the CLI along (seconds, once libflux is built); the CLI alone (say
# with $KAPACITORD pointing at a kapacitord of one's own) builds only the CLI.
PROGRAMS=("$WANT")
if [ "$WANT" = kapacitord ] && ! cached kapacitor; then
  PROGRAMS+=(kapacitor)
fi

command -v go >/dev/null || { log "go is required"; exit 1; }
if ! command -v pkg-config >/dev/null; then
  log "installing pkg-config (cgo needs a real one behind InfluxData's wrapper)"
  if command -v apt-get >/dev/null; then
    (apt-get update -qq && apt-get install -y -qq pkg-config) >&2
  else
    log "pkg-config is required"; exit 1
  fi
fi
mkdir -p "$CACHE_DIR"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kapacitord-build.XXXXXX")
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/bin"

log "downloading github.com/influxdata/kapacitor@v$VERSION from the Go module proxy"
SRC=$(go mod download -json "github.com/influxdata/kapacitor@v$VERSION" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
cp -r "$SRC" "$WORK/kapacitor"
chmod -R u+w "$WORK/kapacitor"
cd "$WORK/kapacitor"

if go list -m github.com/influxdata/flux >/dev/null 2>&1; then
  go build -o "$WORK/bin/pkg-config" github.com/influxdata/pkg-config
  export PKG_CONFIG="$WORK/bin/pkg-config"
  go mod download github.com/influxdata/flux
  FLUX_SRC=$(go list -m -f '{{.Dir}}' github.com/influxdata/flux)
  FLUX_VER=$(go list -m -f '{{.Version}}' github.com/influxdata/flux)
  FLUX_DST="$(go env GOCACHE)/pkgconfig/github.com/influxdata/flux@$FLUX_VER"
  if [ ! -d "$FLUX_DST" ]; then
    mkdir -p "$(dirname "$FLUX_DST")"
    cp -r "$FLUX_SRC" "$FLUX_DST"
    chmod -R u+w "$FLUX_DST"
  fi
  sed -i '/deny(warnings, missing_docs)/d' \
    "$FLUX_DST/libflux/flux-core/src/lib.rs" "$FLUX_DST/libflux/flux/src/lib.rs"
  rm -f "$FLUX_DST/rust-toolchain.toml"
  export RUSTUP_TOOLCHAIN="${RUSTUP_TOOLCHAIN:-stable}"
  # Newer rustc adds warn-by-default lints; cap them for every crate, host builds included.
  cat >"$WORK/bin/rustc-cap-lints" <<'WRAP'
#!/bin/sh
rustc="$1"; shift
case " $* " in *" --cap-lints "*) exec "$rustc" "$@";; esac
exec "$rustc" "$@" --cap-lints=warn
WRAP
  chmod +x "$WORK/bin/rustc-cap-lints"
  export RUSTC_WRAPPER="$WORK/bin/rustc-cap-lints"
  export CGO_ENABLED=1
fi

log "building ${PROGRAMS[*]} $VERSION (the first build on a machine compiles libflux: several minutes)"
for program in "${PROGRAMS[@]}"; do
  start=$(date +%s)
  log "building $program"
  go build \
    -ldflags "-X main.version=$VERSION -X main.branch=v$VERSION -X main.commit=unknown -X main.platform=OSS" \
    -o "$WORK/bin/$program" "./cmd/$program"
  "$WORK/bin/$program" version >&2
  bin="$(bin_of "$program")"
  # A name of its own per run: two stacks may build at the same time.
  install -m 0755 "$WORK/bin/$program" "$bin.tmp.$$"
  mv "$bin.tmp.$$" "$bin"
  log "built $program in $(($(date +%s) - start)) s: $bin"
done
bin_of "$WANT"
