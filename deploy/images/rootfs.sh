#!/bin/sh
# Makes a Debian root file system Ministudio's base <base>: its user (deploy/images/users.tsv), its packages
# (deploy/images/<base>.packages), no daemons started, no package caches, lists, docs or logs (the dpkg database stays
# for image scanners). Run as root inside that root file system, next to users.tsv and the package list: by
# scripts/images.sh in a chroot, by deploy/images/Dockerfile in a RUN. Running it again on its own result adds packages.
#   sh rootfs.sh media
set -eu
base=$1
here=$(dirname "$0")
line=$(grep "^$base	" "$here/users.tsv") || { echo "rootfs.sh: unknown base '$base'" >&2; exit 2; }
user=$(echo "$line" | cut -f2); uid=$(echo "$line" | cut -f3); home=$(echo "$line" | cut -f4)

getent group "$user" >/dev/null || groupadd --system --gid "$uid" "$user"
id -u "$user" >/dev/null 2>&1 || useradd --system --uid "$uid" --gid "$uid" --home-dir "$home" --no-create-home --shell /usr/sbin/nologin "$user"
# Packages must not start daemons while the image is built.
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 0755 /usr/sbin/policy-rc.d
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2046
apt-get install -y -qq --no-install-recommends $(grep -v '^\s*#' "$here/$base.packages" | grep -v '^\s*$')
apt-get clean
rm -f /usr/sbin/policy-rc.d
# postgresql-common makes a "main" cluster at install: the image's data lives in a volume instead.
rm -rf /var/lib/postgresql/[0-9]* /etc/postgresql/[0-9]*
rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/cache/debconf/*-old /var/log/* \
       /usr/share/doc/* /usr/share/man/* /usr/share/info/* /tmp/*
mkdir -p /app /artifacts "$home"; chown "$uid:$uid" "$home" /artifacts
