#!/bin/sh
# bootstrap.sh [--test]: install what is missing (Debian 12, as root), then
# configure and build hale into ./build. With --test, also install what the
# test suite needs (a Docker engine, busybox, Prometheus' promtool,
# valgrind...). Safe to run again: it only installs and rebuilds what is
# missing or out of date.
set -eu

BUILD_PKGS="build-essential autoconf automake pkg-config git ca-certificates
	libev-dev libmicrohttpd-dev libcurl4-gnutls-dev libcjson-dev
	libcmocka-dev uthash-dev zlib1g-dev libisal-dev libpcre2-dev nettle-dev help2man
	libyaml-dev libgnutls28-dev"
TEST_PKGS="curl docker.io docker-compose busybox-static prometheus prometheus-alertmanager python3 python3-yaml
	python3-prometheus-client valgrind iproute2 util-linux procps
	shellcheck debootstrap systemd man-db bsdextrautils clang libclang-rt-14-dev
	haproxy openssl chromium"

top=$(cd "$(dirname "$0")" && pwd)
pkgs=$BUILD_PKGS
[ "${1:-}" = "--test" ] && pkgs="$pkgs $TEST_PKGS"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "bootstrap: missing packages:$missing (run as root to install them)" >&2
		exit 1
	fi
	echo "bootstrap: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086 # one word per package
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

cd "$top"
[ -x configure ] && [ configure -nt configure.ac ] && [ Makefile.in -nt Makefile.am ] ||
	autoreconf -fi
mkdir -p build
cd build
[ -f Makefile ] || ../configure -q
make -j"$(nproc)" >/dev/null
echo "bootstrap: built $top/build/src/haled"
