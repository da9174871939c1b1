FROM golang:1.22 AS build
COPY . /src
RUN cd /src && go build -o /app .
FROM scratch
COPY --from=build /app /app
USER 65534
ENTRYPOINT ["/app"]
