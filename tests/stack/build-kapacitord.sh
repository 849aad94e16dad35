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
# the wrapper's writable copy. libflux is compiled once per flux version and reused from Go's
# cache (1.6.5 and 1.7.6 pin the same flux, v0.171.0; 1.8.3 pins v0.191.0).
#
# The older servers the compatibility tests run (KAPACITOR_VERSION=1.5.9, 1.6.5, 1.7.6; the
# Go module proxy serves these, not 1.6.6 or 1.7.7), each in the build copy only:
#   1.7.x  as 1.8.3.
#   1.6.x  its golang.org/x/net uses a //go:linkname that Go 1.23+ refuses at link time
#          ("invalid reference to syscall.recvmsg"): linked with -checklinkname=0.
#   1.5.x  no flux: pure Go (CGO_ENABLED=0). Its 2017 github.com/ugorji/go/codec builds a
#          base64 alphabet ending in "__" that Go now refuses at init ("encoding alphabet
#          includes duplicate symbols"), so the binary panics at start; newer ugorji breaks
#          k8s client-go's generated code. The pinned ugorji module is copied from the module
#          proxy into the build copy, that alphabet's last character changed (it only names
#          variables in generated code), given a one-line go.mod, and kapacitor's go.mod gets a
#          `replace` to it. Kapacitor's CLI is only built for 1.8 (the tests use 1.8.3's).
# Each build prints its time; a cached binary prints "cached" and 0 s.
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
  log "cached: $(bin_of "$WANT") (build time 0 s)"
  bin_of "$WANT"
  exit 0
fi
BUILD_START=$(date +%s)
# kapacitord's build brings the CLI along (seconds, once libflux is built); the CLI alone (say
# with $KAPACITORD pointing at a kapacitord of one's own) builds only the CLI. Only 1.8's CLI
# is used (the integration targets compare with it), so older kapacitord builds bring none.
PROGRAMS=("$WANT")
if [ "$WANT" = kapacitord ] && [ "${VERSION%.*}" = 1.8 ] && ! cached kapacitor; then
  PROGRAMS+=(kapacitor)
fi
LDFLAGS="-X main.version=$VERSION -X main.branch=v$VERSION -X main.commit=unknown -X main.platform=OSS"
case "$VERSION" in
  1.6.*) LDFLAGS="-checklinkname=0 $LDFLAGS" ;;
esac

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

case "$VERSION" in
  1.5.*)
    # Pure Go; the pinned 2017 ugorji codec patched in a copy of its own (see the top).
    UGORJI_VER=$(awk '$1 == "github.com/ugorji/go" { print $2; exit }' go.mod)
    [ -n "$UGORJI_VER" ] || { log "go.mod pins no github.com/ugorji/go"; exit 1; }
    UGORJI_SRC=$(go mod download -json "github.com/ugorji/go@$UGORJI_VER" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
    cp -r "$UGORJI_SRC" ugorji-go
    chmod -R u+w ugorji-go
    grep -q 'NewEncoding("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789__")' \
      ugorji-go/codec/gen.go || { log "ugorji $UGORJI_VER: codec/gen.go's alphabet not found"; exit 1; }
    sed -i 's/NewEncoding("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789__")/NewEncoding("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.")/' \
      ugorji-go/codec/gen.go
    echo 'module github.com/ugorji/go' >ugorji-go/go.mod
    printf '\nreplace github.com/ugorji/go => ./ugorji-go\n' >>go.mod
    log "ugorji $UGORJI_VER copied to the build copy, its codec alphabet patched, go.mod replaced"
    export CGO_ENABLED=0
    ;;
esac

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
  # Only when the attribute is still there: sed -i rewrites the file even when nothing matches,
  # and a new modification time makes cargo compile libflux again (minutes) on every build.
  for lib in "$FLUX_DST/libflux/flux-core/src/lib.rs" "$FLUX_DST/libflux/flux/src/lib.rs"; do
    if grep -q 'deny(warnings, missing_docs)' "$lib"; then
      sed -i '/deny(warnings, missing_docs)/d' "$lib"
    fi
  done
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

log "building ${PROGRAMS[*]} $VERSION${FLUX_VER:+ (the first build with flux $FLUX_VER compiles its libflux: several minutes)}"
for program in "${PROGRAMS[@]}"; do
  start=$(date +%s)
  log "building $program"
  go build -ldflags "$LDFLAGS" -o "$WORK/bin/$program" "./cmd/$program"
  "$WORK/bin/$program" version >&2
  bin="$(bin_of "$program")"
  # A name of its own per run: two stacks may build at the same time.
  install -m 0755 "$WORK/bin/$program" "$bin.tmp.$$"
  mv "$bin.tmp.$$" "$bin"
  log "built $program in $(($(date +%s) - start)) s: $bin"
done
log "Kapacitor $VERSION (${PROGRAMS[*]}): build time $(($(date +%s) - BUILD_START)) s (download included)"
bin_of "$WANT"
