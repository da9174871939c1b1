FROM alpine:3.20 AS first
COPY --from=second /x /x
FROM alpine:3.20 AS second
RUN touch /x
USER 1000
