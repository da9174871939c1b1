FROM --platform=$BUILDPLATFORM golang:1.22 AS build
ARG TARGETOS TARGETARCH
RUN --mount=type=cache,target=/go/pkg/mod GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app ./...
FROM alpine:3.20
COPY --from=build /out/app /usr/local/bin/app
USER 10001
ENTRYPOINT ["app"]
