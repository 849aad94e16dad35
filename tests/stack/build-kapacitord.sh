#!/usr/bin/env bash
# Build kapacitord from Kapacitor's Go module (through the Go module proxy) at a pinned
# version, the way release builds link it (-X main.version=...), and cache the binary.
# Prints the path of the binary on stdout; logs go to stderr.
#
# Kapacitor 1.8 links libflux (Rust) through InfluxData's pkg-config wrapper. flux pins
# Rust 1.63 and denies warnings; with the machine's newer rustc we build with the stable
# toolchain and drop flux's `deny(warnings)` attribute in the wrapper's writable copy.
set -euo pipefail

VERSION="${KAPACITOR_VERSION:-1.8.3}"
CACHE_DIR="${TICK_KAPACITOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tick-kapacitor}"
BIN="$CACHE_DIR/kapacitord-$VERSION"

log() { printf '[build-kapacitord] %s\n' "$*" >&2; }

if [ -x "$BIN" ] && "$BIN" version 2>/dev/null | grep -q "Kapacitor OSS version $VERSION "; then
  log "cached: $BIN"
  printf '%s\n' "$BIN"
  exit 0
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
start=$(date +%s)
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

log "building kapacitord $VERSION (the first build compiles libflux: several minutes)"
go build \
  -ldflags "-X main.version=$VERSION -X main.branch=v$VERSION -X main.commit=unknown -X main.platform=OSS" \
  -o "$WORK/bin/kapacitord" ./cmd/kapacitord
"$WORK/bin/kapacitord" version >&2
install -m 0755 "$WORK/bin/kapacitord" "$BIN.tmp"
mv "$BIN.tmp" "$BIN"
log "built in $(($(date +%s) - start)) s: $BIN"
printf '%s\n' "$BIN"
