# Kokemus container image: the server and the CLI on Debian 12, nothing else.
# The runtime stage installs the same packages (scripts/runtime-packages.txt)
# that scripts/runtime-rootfs-test.sh puts into a debootstrap root file
# system and runs the server in, since no Docker engine runs where it is built.

FROM debian:12 AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
 && bash scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF \
 && cmake --build /build --target kokemus-server kokemusctl \
 && strip /build/bin/kokemus-server /build/bin/kokemusctl

FROM debian:12-slim AS runtime
COPY scripts/runtime-packages.txt /tmp/
RUN apt-get update \
 && grep -v '^#' /tmp/runtime-packages.txt | xargs apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages.txt \
 && useradd --uid 10001 --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin kokemus
COPY --from=build /build/bin/kokemus-server /build/bin/kokemusctl /usr/local/bin/
USER 10001:10001
# gRPC and metrics. The database is a PostgreSQL URL (KOKEMUS_DATABASE) in a
# cluster; the SQLite default needs a writable volume at /data. The server
# needs TLS (--tls_cert_file/--tls_key_file) or an explicit --plaintext; the
# first API key: `docker exec CONTAINER kokemus-server --issue_admin_key NAME`.
EXPOSE 50051 9090
ENV KOKEMUS_SERVER=localhost:50051
ENTRYPOINT ["kokemus-server", "--listen", "0.0.0.0:50051", "--metrics_listen", "0.0.0.0:9090"]
CMD ["--database", "/data/kokemus.db"]
