FROM rust:1.80 AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
RUN --mount=type=cache,target=/usr/local/cargo/registry cargo fetch
COPY src ./src
RUN --mount=type=cache,target=/usr/local/cargo/registry cargo build --release
FROM debian:bookworm-slim@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
COPY --from=build /src/target/release/app /usr/local/bin/app
USER 10001:10001
ENTRYPOINT ["app"]
