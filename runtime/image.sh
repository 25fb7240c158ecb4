#!/usr/bin/env bash
# Builds the cloudcron runtime image with buildah from a build's binaries
# and their shared-library closure, on `scratch` (no base image to pull),
# and pushes it: the channels' image (print, e-mail, SMS). What
# runtime/Dockerfile describes for a Docker engine and the Lambda base image
# (which also ships cloudcron-reconcile and cloudcron-dispatch), made from
# this machine's build instead.
#
#   runtime/image.sh BUILD_DIR DEST [--tag-only]
#
#   BUILD_DIR  a build tree (scripts/build.sh build): BUILD_DIR/bin holds
#              cloudcron-bootstrap, cloudcron-print, -email and -sms
#   DEST       where to push: docker://REGISTRY/REPO:TAG (any transport
#              `buildah push` takes); the pushed manifest's digest is
#              printed on stdout as sha256:...
#
# The image (one layer, Docker v2 schema 2 manifest, a single platform: the
# build's own, linux/amd64 or linux/arm64, as Lambda takes it):
#   /var/runtime/bootstrap        cloudcron-bootstrap: the entry point; the
#                                 function's command ("print",
#                                 "cloudcron-email", ...) names the handler
#   /opt/cloudcron/bin/cloudcron-{print,email,sms}
#   the dynamic loader and every shared library the handlers link, and the
#   ones they open at run time (libcurl.so.4 and libcrypto.so.3, dl.h),
#   with theirs; /etc/ssl/certs/ca-certificates.crt for https; /tmp
#   CMD ["print"]; LAMBDA_TASK_ROOT=/var/task, LAMBDA_RUNTIME_DIR=/var/runtime
#
# Binaries and libraries are stripped of debug sections in the copy. Only
# the build's own architecture: there is no cross toolchain here, and the
# libraries come from this machine. Environment: buildah's own
# (CONTAINERS_STORAGE_CONF, BUILDAH_ISOLATION, ...); SSL_CERT_FILE or
# CLOUDCRON_CERT_DIR (passed as --cert-dir) to trust a private registry.
set -euo pipefail

usage() { sed -n '7,13p' "$0" >&2; exit 2; }
[ $# -eq 2 ] || usage
build=$1 dest=$2
bin=$build/bin
for h in bootstrap print email sms; do
  [ -x "$bin/cloudcron-$h" ] || { echo "image.sh: $bin/cloudcron-$h is missing: build first" >&2; exit 1; }
done
for tool in buildah ldd strip; do
  command -v "$tool" >/dev/null || { echo "image.sh: $tool is not installed" >&2; exit 1; }
done

case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64) arch=arm64 ;;
  *) echo "image.sh: Lambda runs x86_64 and arm64 only, not $(uname -m)" >&2; exit 1 ;;
esac

root=$(mktemp -d)
ctr=
cleanup() {
  [ -n "$ctr" ] && buildah rm "$ctr" >/dev/null 2>&1 || true
  rm -rf "$root"
}
trap cleanup EXIT

# put FILE AT: copies FILE (symlinks followed) to AT inside the image.
put() {
  mkdir -p "$root$(dirname "$2")"
  cp -L "$1" "$root$2"
}

# The handlers, and the libraries they open with dlopen, found as the
# dynamic linker finds them.
mkdir -p "$root/opt/cloudcron/bin" "$root/var/runtime" "$root/var/task" "$root/tmp"
chmod 1777 "$root/tmp"
for h in print email sms; do put "$bin/cloudcron-$h" "/opt/cloudcron/bin/cloudcron-$h"; done
put "$bin/cloudcron-bootstrap" /var/runtime/bootstrap
objects=("$bin/cloudcron-bootstrap" "$bin/cloudcron-print" "$bin/cloudcron-email" "$bin/cloudcron-sms")
for soname in libcurl.so.4 libcrypto.so.3 libssl.so.3; do
  path=$(ldconfig -p | awk -v s="$soname" '$1 == s && !found { print $NF; found = 1 }')
  [ -n "$path" ] || { echo "image.sh: $soname is not installed" >&2; exit 1; }
  put "$path" "$path"
  objects+=("$path")
done

# The closure: every library ldd resolves for each object, at the path it
# resolves to (so the loader's default paths find it), and the loader.
for o in "${objects[@]}"; do
  ldd "$o" | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }' | while read -r lib; do
    [ -e "$root$lib" ] || put "$lib" "$lib"
  done
done
find "$root" -type f \( -name '*.so*' -o -path '*/bin/*' -o -name bootstrap \) -exec strip --strip-debug {} + 2>/dev/null || true
ca=/etc/ssl/certs/ca-certificates.crt
[ -f "$ca" ] && put "$ca" "$ca"

ctr=$(buildah from scratch)
buildah copy --quiet "$ctr" "$root/" / >/dev/null
buildah config --os linux --arch "$arch" --workingdir /var/task \
  --env LAMBDA_TASK_ROOT=/var/task --env LAMBDA_RUNTIME_DIR=/var/runtime \
  --entrypoint '["/var/runtime/bootstrap"]' --cmd '["print"]' \
  --label org.opencontainers.image.title=cloudcron-runtime "$ctr"
image=$(buildah commit --quiet --format docker --rm "$ctr" "cloudcron-runtime-build:$$")
ctr=
push=(buildah push --quiet --format v2s2 --digestfile "$root/digest")
[ -n "${CLOUDCRON_CERT_DIR:-}" ] && push+=(--cert-dir "$CLOUDCRON_CERT_DIR")
"${push[@]}" "$image" "$dest" >&2
buildah rmi "$image" >/dev/null 2>&1 || true
cat "$root/digest"
echo
