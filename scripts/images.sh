#!/usr/bin/env bash
# Builds one OCI image per service (and the dev infrastructure images) without a Docker engine:
#   1. a Debian root file system (debootstrap minbase, pinned suite) per base: runtime, media, redis, rabbitmq, postgres,
#      with the packages listed in deploy/images/<base>.packages, package caches and docs removed;
#   2. each base committed once as an image (buildah from scratch), the services' bases with the .NET shared runtime of
#      the SDK that builds them (deploy/images/dotnet-runtime.sh), so services share its layers;
#   3. each service published framework-dependent for linux-x64 and added as one layer on its base (non-root user
#      1654, OCI labels, a health check).
# Usage: bash scripts/images.sh [--bases] [--no-build] [service|infra-image ...]   (default: all)
#   --bases     only the root file systems and base images (scripts/test.sh makes them while the solution builds)
#   --no-build  publish from the Release build already made (dotnet build -c Release) instead of building again
# Env:   MINISTUDIO_IMAGE_TAG (default: git short revision), MINISTUDIO_IMAGE_CACHE (default: .images, gitignored),
#        MINISTUDIO_REGISTRY (default: ministudio; images are <registry>/<name>:<tag> in the local podman store).
# Root is needed (debootstrap, chroot, buildah). Rerunning reuses the cached root file systems (keyed by package list).
# deploy/images/Dockerfile is the same recipe for Docker users; ImageRecipeTests keeps both in step.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD

suite=bookworm
tag=${MINISTUDIO_IMAGE_TAG:-$(git rev-parse --short=12 HEAD 2>/dev/null || echo dev)}
cache=${MINISTUDIO_IMAGE_CACHE:-$repo/.images}
registry=${MINISTUDIO_REGISTRY:-ministudio}
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1); version=${version:-0.1.0}
source_url=${MINISTUDIO_SOURCE_URL:-https://github.com/ministudio/ministudio}
app_uid=1654
# Environment of the service images and of the infrastructure images (deploy/images/Dockerfile sets the same).
app_env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TZ=UTC HOME=/tmp ASPNETCORE_HTTP_PORTS=8080 DOTNET_RUNNING_IN_CONTAINER=true DOTNET_gcServer=0
         Artifacts__Root=/artifacts DOTNET_EnableDiagnostics=0 DOTNET_ROOT=/usr/share/dotnet)
# The services' target framework: its newest runtime of the SDK's installation goes into their bases.
dotnet_major=$(sed -n 's:.*<TargetFramework>net\([0-9]*\)\..*</TargetFramework>.*:\1:p' Directory.Build.props | head -1)
infra_env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TZ=UTC HOME=/tmp)

# service -> base image and project; infrastructure images have no project.
declare -A base_of=([gateway]=runtime [mcp]=runtime [prompt]=runtime [dispatch]=media [render]=media [compose]=media
                    [redis]=redis [rabbitmq]=rabbitmq [postgres]=postgres)
declare -A project_of=([gateway]=Ministudio.Gateway [mcp]=Ministudio.Mcp [prompt]=Ministudio.Prompt [dispatch]=Ministudio.Dispatch
                       [render]=Ministudio.Render [compose]=Ministudio.Compose)
all=(gateway mcp prompt dispatch render compose redis rabbitmq postgres)

log() { printf '[images %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { echo "images.sh: $*" >&2; exit 1; }

images_install() {
  local need=()
  command -v debootstrap >/dev/null || need+=(debootstrap)
  command -v buildah >/dev/null || need+=(buildah)
  command -v podman >/dev/null || need+=(podman)
  command -v runc >/dev/null || need+=(runc)
  command -v fuse-overlayfs >/dev/null || need+=(fuse-overlayfs)
  # podman kube play builds its pod's pause image around catatonit (only a Recommends of podman, left out below).
  command -v catatonit >/dev/null || [ -x /usr/libexec/podman/catatonit ] || need+=(catatonit)
  [ ${#need[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "missing: ${need[*]} (install with: sudo apt-get install -y ${need[*]})"
  log "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

# The Debian mirror apt already uses (first URIs/deb line), so a machine without Internet but with a mirror works.
debian_mirror() {
  local m
  m=$(sed -n 's/^URIs: *\([^ ]*\/debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
  [ -n "$m" ] || m=$(sed -n 's/^deb \[*[^]]*\]* *\(http[^ ]*\/debian\) .*/\1/p;s/^deb \(http[^ ]*\/debian\) .*/\1/p' /etc/apt/sources.list 2>/dev/null | head -1)
  echo "${m:-http://deb.debian.org/debian}"
}

packages_of() { grep -v '^\s*#' "deploy/images/$1.packages" | grep -v '^\s*$' | tr '\n' ' '; }

# The user of a base image, "user:uid:home" (deploy/images/users.tsv, which deploy/images/rootfs.sh reads too).
users_of() { awk -F'\t' -v b="$1" '$1 == b { print $2 ":" $3 ":" $4 }' deploy/images/users.tsv; }

# Removes a root file system, never through a proc or /dev mount left by an interrupted build.
remove_root() {
  local root=$1 m
  for m in "$root/proc" "$root/dev"; do
    if mountpoint -q "$m" 2>/dev/null; then umount -l "$m" || die "$m is still mounted; unmount it, then rerun"; fi
  done
  rm -rf --one-file-system "$root"
}

chroot_run() { local root=$1; shift; chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }

# debootstrap once per machine (cached under $cache/rootfs).
ensure_minbase() {
  local minbase=$cache/rootfs/minbase-$suite
  [ -f "$minbase/.complete" ] && return 0
  local started=$SECONDS
  log "debootstrap $suite (minbase) from $(debian_mirror)"
  remove_root "$minbase"; mkdir -p "$cache/rootfs"
  debootstrap --variant=minbase "$suite" "$minbase" "$(debian_mirror)" >"$cache/debootstrap.log" 2>&1 \
    || { tail -20 "$cache/debootstrap.log" >&2; die "debootstrap failed"; }
  touch "$minbase/.complete"
  log "debootstrap done in $((SECONDS - started)) s"
}

# One copy of minbase per base with its packages installed in a chroot.
build_rootfs() {
  local base=$1 key root minbase started=$SECONDS
  key=$(cat "deploy/images/$base.packages" <(users_of "$base") deploy/images/rootfs.sh <(echo "$suite") | sha256sum | cut -c1-12)
  root=$cache/rootfs/$base-$key
  if [ -f "$root/.complete" ]; then echo "$root"; return; fi
  minbase=$cache/rootfs/minbase-$suite
  [ -f "$minbase/.complete" ] || die "no minbase root file system (ensure_minbase first)"
  log "root file system '$base': $(packages_of "$base")" >&2
  remove_root "$root"; cp -a "$minbase" "$root"; rm -f "$root/.complete"
  # apt sources and resolver of the host (its mirror, -updates and -security); removed again below.
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
    rm -f "$root/etc/apt/sources.list"; cp /etc/apt/sources.list.d/*.sources "$root/etc/apt/sources.list.d/"
  else cp /etc/apt/sources.list "$root/etc/apt/sources.list"; fi
  mount -t proc proc "$root/proc"; mount --bind /dev "$root/dev"
  trap "umount '$root/proc' '$root/dev' 2>/dev/null || true" RETURN
  # The same step as the Dockerfile's: deploy/images/rootfs.sh inside the root file system.
  mkdir -p "$root/tmp/images"; cp deploy/images/rootfs.sh deploy/images/users.tsv "deploy/images/$base.packages" "$root/tmp/images/"
  chroot_run "$root" sh /tmp/images/rootfs.sh "$base" >"$cache/apt-$base.log" 2>&1 \
    || { tail -20 "$cache/apt-$base.log" >&2; umount "$root/proc" "$root/dev"; die "deploy/images/rootfs.sh $base failed"; }
  umount "$root/proc" "$root/dev"; trap - RETURN
  rm -f "$root"/etc/apt/sources.list.d/*.sources   # the host's
  printf 'nameserver 127.0.0.1\n' >"$root/etc/resolv.conf"   # replaced by the runtime's
  echo "$base: $(packages_of "$base")| debian $(cat "$root/etc/debian_version")" >"$root/.complete"
  log "root file system '$base': $(du -sm --exclude=./proc "$root" | cut -f1) MB in $((SECONDS - started)) s" >&2
  echo "$root"
}

# Whether a base carries services (and so the .NET runtime): some image of it has a project.
has_services() { local n; for n in "${!project_of[@]}"; do [ "${base_of[$n]}" = "$1" ] && return 0; done; return 1; }

# The .NET installation that builds the services (its shared runtime goes into their bases).
dotnet_root() { [ -n "${DOTNET_ROOT:-}" ] && [ -x "$DOTNET_ROOT/dotnet" ] && echo "$DOTNET_ROOT" || dirname "$(readlink -f "$(command -v dotnet)")"; }

dotnet_version() { ls "$(dotnet_root)/shared/Microsoft.NETCore.App" | grep "^$dotnet_major\." | sort -V | tail -1; }

# The base image of one root file system (plus the .NET runtime for services' bases), committed once per content key.
build_base_image() {
  local base=$1 root name ctr key started
  root=$(build_rootfs "$base")
  started=$SECONDS
  key=$(basename "$root" | sed "s/^$base-//")
  has_services "$base" && key=$key-dotnet$(dotnet_version)
  name=localhost/$registry/base-$base:$key
  if podman image exists "$name"; then echo "$name"; return; fi
  log "base image $name" >&2
  ctr=$(buildah from --quiet scratch)
  local mnt; mnt=$(buildah mount "$ctr")
  tar -C "$root" --exclude=./.complete -cf - . | tar -C "$mnt" -xf -
  local description="debian $suite minbase + $(packages_of "$base")"
  if has_services "$base"; then
    sh deploy/images/dotnet-runtime.sh "$(dotnet_root)" "$mnt" "$dotnet_major" >/dev/null
    description="$description + .NET $(dotnet_version)"
  fi
  buildah umount "$ctr" >/dev/null
  buildah config --label "org.opencontainers.image.base.name=debian:$suite" \
                 --label "org.opencontainers.image.description=Ministudio $base base: $description" "$ctr"
  buildah commit --quiet --rm "$ctr" "$name" >/dev/null
  log "base image $name committed in $((SECONDS - started)) s" >&2
  echo "$name"
}

publish_service() {
  local name=$1 project=${project_of[$1]} out=$cache/publish/$1
  rm -rf "$out"
  if [ "$no_build" = 1 ]; then
    log "dotnet publish $project (framework-dependent, from the Release build)" >&2
    sh deploy/images/publish.sh "$project" "$out" --no-build -v q -clp:ErrorsOnly >&2
  else
    log "dotnet publish $project (framework-dependent, built in $cache/dotnet)" >&2
    # Its own artifacts path: a build as root must not leave root-owned files in the checkout's bin/ and obj/.
    sh deploy/images/publish.sh "$project" "$out" --artifacts-path "$cache/dotnet" -v q -clp:ErrorsOnly >&2
  fi
  echo "$out"
}

# The argument of deploy/images/healthcheck.sh for an image.
healthcheck_of() { case $1 in redis|rabbitmq|postgres) echo "$1" ;; *) echo http ;; esac; }

build_image() {
  local name=$1 base=${base_of[$1]} base_image ctr mnt started=$SECONDS
  base_image=$(build_base_image "$base")
  local app=""
  [ -n "${project_of[$name]:-}" ] && app=$(publish_service "$name")
  local image=localhost/$registry/$name:$tag
  local built_at=$SECONDS
  ctr=$(buildah from --quiet --pull-never "$base_image")
  mnt=$(buildah mount "$ctr")
  local -a cfg=(--label "org.opencontainers.image.title=ministudio-$name"
                --label "org.opencontainers.image.source=$source_url"
                --label "org.opencontainers.image.revision=$revision"
                --label "org.opencontainers.image.version=$version"
                --label "org.opencontainers.image.created=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
                --label "org.opencontainers.image.licenses=MIT")
  if [ -n "$app" ]; then
    cp -a "$app/." "$mnt/app/"
    chown -R 0:0 "$mnt/app"; chmod -R go-w "$mnt/app"   # the app cannot modify itself
    cfg+=(--user "$app_uid:$app_uid" --workingdir /app --entrypoint "[\"/app/${project_of[$name]}\"]" --port 8080)
    local e; for e in "${app_env[@]}"; do cfg+=(--env "$e"); done
  else
    install -m 0755 "deploy/images/entrypoints/$name.sh" "$mnt/usr/local/bin/entrypoint.sh"
    cfg+=(--user 999:999 --workingdir / --entrypoint '["/usr/local/bin/entrypoint.sh"]')
    local e; for e in "${infra_env[@]}"; do cfg+=(--env "$e"); done
  fi
  install -m 0755 deploy/images/healthcheck.sh "$mnt/usr/local/bin/healthcheck"
  buildah umount "$ctr" >/dev/null
  buildah config "${cfg[@]}" --healthcheck "CMD /usr/local/bin/healthcheck $(healthcheck_of "$name")" --healthcheck-interval 10s \
    --healthcheck-timeout 3s --healthcheck-start-period 30s --healthcheck-retries 3 "$ctr"
  buildah commit --quiet --rm --format docker "$ctr" "$image" >/dev/null
  podman tag "$image" "localhost/$registry/$name:latest"
  local size; size=$(podman image inspect "$image" --format '{{.Size}}')
  log "built $image: $((size / 1000000)) MB, $((SECONDS - built_at)) s to assemble, $((SECONDS - started)) s in all"
  echo "$name $image $size $((SECONDS - started))" >>"$cache/built.txt"
}

# Sourced (ImageRecipeTests reads the recipe's tables and functions): define, do not build.
[[ "${BASH_SOURCE[0]}" == "$0" ]] || return 0

[ "$(id -u)" = 0 ] || die "run as root (debootstrap, chroot and buildah need it)"
images_install
mkdir -p "$cache"; : >"$cache/built.txt"
export STORAGE_DRIVER=${STORAGE_DRIVER:-overlay} BUILDAH_FORMAT=docker   # docker format: HEALTHCHECK is kept
bases_only=0 no_build=0 wanted=()
for arg in "$@"; do
  case $arg in
    --bases) bases_only=1 ;;
    --no-build) no_build=1 ;;
    -*) die "unknown option $arg" ;;
    *) wanted+=("$arg") ;;
  esac
done
[ ${#wanted[@]} -gt 0 ] || wanted=("${all[@]}")
declare -A bases=()
for name in "${wanted[@]}"; do
  [ -n "${base_of[$name]:-}" ] || die "unknown image '$name' (one of: ${all[*]})"
  bases[${base_of[$name]}]=1
done
# The root file systems install and their base images commit in parallel (mostly downloads, unpacking and copying),
# then images are assembled one by one.
ensure_minbase
declare -A jobs=()
for base in "${!bases[@]}"; do build_base_image "$base" >/dev/null & jobs[$base]=$!; done
for base in "${!jobs[@]}"; do wait "${jobs[$base]}" || die "base '$base' failed (logs in $cache)"; done
[ "$bases_only" = 0 ] || { log "done: base images of ${!bases[*]}"; exit 0; }
for name in "${wanted[@]}"; do build_image "$name"; done
log "done: $(wc -l <"$cache/built.txt") images tagged $tag (list in $cache/built.txt)"
