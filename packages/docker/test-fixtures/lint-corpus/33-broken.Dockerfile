FROM alpine:3.20
COPPY . /app
USER 1000
