#!/usr/bin/env bash
# Build the mock-server container image FROM scratch, with nothing pulled from a registry.
#
#   container/build.sh [--binary PATH] [--tag NAME] [--source URL]
#
# The tag defaults to mock-server:local; --source (default: git's remote.origin.url, when there is
# one) becomes the org.opencontainers.image.source label.
#
# 1. `cargo build --release -p mock-server` (skipped with --binary PATH, e.g. a debug build in tests);
# 2. stages a root filesystem as rootfs.tar: the binary, stripped, and the shared libraries `ldd`
#    lists (glibc's libc, libm, libgcc_s, the loader) at the paths it lists them, with their Debian
#    copyright files; /etc/passwd and /etc/group naming user 65532; /tmp;
# 3. `docker build` with container/Dockerfile. Needs a running Docker daemon (see tests/container/run.sh
#    for one started by hand), tar, and strip (binutils).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

binary=""
tag="mock-server:local"
source_url=""
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --tag) tag="$2"; shift 2 ;;
    --source) source_url="$2"; shift 2 ;;
    *) echo "container/build.sh: unknown argument $1 (usage: container/build.sh [--binary PATH] [--tag NAME] [--source URL])" >&2; exit 2 ;;
  esac
done

if [ -z "$binary" ]; then
  # The executable's path as cargo reports it (CARGO_TARGET_DIR and build.target-dir move it).
  binary="$(cd "$root" && cargo build --release --locked -p mock-server --bin mock-server \
    --message-format=json-render-diagnostics \
    | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)"
  [ -n "$binary" ] || { echo "container/build.sh: cargo build reported no mock-server executable" >&2; exit 1; }
fi
[ -x "$binary" ] || { echo "container/build.sh: $binary is not an executable" >&2; exit 1; }

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/root/etc" "$stage/root/tmp"
chmod 1777 "$stage/root/tmp"
chmod 0755 "$stage/root" "$stage/root/etc"
strip -o "$stage/root/mock-server" "$binary"
chmod 0755 "$stage/root/mock-server"

# The libraries the dynamic loader will look for, at the same paths. A static binary lists none.
libraries="$(ldd "$binary" 2>/dev/null | grep -o '/[^ ]*' || true)"
for library in $libraries; do
  mkdir -p "$stage/root$(dirname "$library")"
  cp -L "$library" "$stage/root$library"
  # The library's licence travels with it: Debian's copyright file of the package that ships it.
  package="$(dpkg -S "$library" 2>/dev/null | head -1 | cut -d: -f1 || true)"
  if [ -n "$package" ] && [ -f "/usr/share/doc/$package/copyright" ]; then
    mkdir -p "$stage/root/usr/share/doc/$package"
    cp "/usr/share/doc/$package/copyright" "$stage/root/usr/share/doc/$package/copyright"
  fi
done

printf 'root:x:0:0:root:/:/sbin/nologin\nmock:x:65532:65532:mock-server:/:/sbin/nologin\n' >"$stage/root/etc/passwd"
printf 'root:x:0:\nmock:x:65532:\n' >"$stage/root/etc/group"

# Same inputs, same tar: names sorted, times from the last commit.
mtime="@$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)"
tar --sort=name --mtime="$mtime" --numeric-owner --owner=0 --group=0 -cf "$stage/rootfs.tar" -C "$stage/root" .
cp "$root/container/Dockerfile" "$stage/Dockerfile"

version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/mock-server/Cargo.toml" | head -1)"
revision="$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)"
labels=()
[ -n "$source_url" ] || source_url="$(git -C "$root" config --get remote.origin.url 2>/dev/null || true)"
if [ -n "$source_url" ]; then
  labels=(--label "org.opencontainers.image.source=$source_url")
fi
docker build --quiet --tag "$tag" --build-arg "VERSION=$version" --build-arg "REVISION=$revision" \
  "${labels[@]}" -f "$stage/Dockerfile" "$stage/" >/dev/null
echo "container/build.sh: built $tag from $binary ($(docker image inspect --format '{{.Size}}' "$tag" | awk '{printf "%.1f MB", $1/1e6}'))"
