# haled's image: a builder stage that compiles it, and a runtime stage made
# FROM scratch holding only the binary, exactly the shared libraries ldd
# lists for it, the dynamic loader, CA certificates (https webhooks) and
# passwd/group entries for its user. No shell, no package manager, no
# compiler: the HEALTHCHECK is haled itself (--probe).
#
#   docker build -t hale \
#     --build-arg VERSION=0.1.0 --build-arg REVISION="$(git rev-parse --short=12 HEAD)" \
#     --build-arg CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)" .
#
# BUILDER_IMAGE is any Debian 12 image; bootstrap.sh apt-get installs the
# build packages it lacks (none, in one made with debootstrap --include, so
# the build then needs no network: docker build --network none).

ARG BUILDER_IMAGE=debian:bookworm-slim

FROM ${BUILDER_IMAGE} AS builder
ARG REVISION=unknown
WORKDIR /src
COPY . .
# config.site: installed paths (/usr/sbin, /etc/hale/hale.json) for
# bootstrap.sh's plain configure. Without .git the revision comes from
# .tarball-revision, as in a release tarball.
RUN printf 'prefix=/usr\nsysconfdir=/etc\nlocalstatedir=/var\n' >/tmp/config.site \
 && printf '%s\n' "$REVISION" >.tarball-revision \
 && CONFIG_SITE=/tmp/config.site ./bootstrap.sh \
 && ./build/src/haled --version
RUN set -eu; r=/rootfs; \
    mkdir -p "$r/usr/sbin" "$r/etc/ssl/certs" "$r/etc/hale"; \
    install -m 0755 -s build/src/haled "$r/usr/sbin/haled"; \
    for f in $(ldd build/src/haled | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do \
        cp --parents -L "$f" "$r"; \
    done; \
    cp /etc/ssl/certs/ca-certificates.crt "$r/etc/ssl/certs/"; \
    printf 'root:x:0:0:root:/:/nonexistent\nhale:x:65532:65532:hale:/nonexistent:/nonexistent\n' \
        >"$r/etc/passwd"; \
    printf 'root:x:0:\nhale:x:65532:\n' >"$r/etc/group"; \
    chroot "$r" /usr/sbin/haled --version

FROM scratch
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=unknown
# SPDX; the tree names no licence.
ARG LICENSES=NOASSERTION
LABEL org.opencontainers.image.title="hale" \
      org.opencontainers.image.description="haled: container health and resource monitor (cAdvisor-compatible metrics, health checks, remediation)" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="${LICENSES}"
COPY --from=builder /rootfs/ /
# Numeric, so the runtime needs no passwd lookup; the Docker socket's group
# comes with `docker run --group-add GID`.
USER 65532:65532
EXPOSE 4253
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/usr/sbin/haled", "--probe", "http://127.0.0.1:4253/healthz"]
ENTRYPOINT ["/usr/sbin/haled"]
