ARG DENO_IMAGE=denoland/deno:2.5.6
FROM ${DENO_IMAGE}
WORKDIR /app
COPY deno.json deno.lock ./
RUN --mount=type=cache,target=/deno-dir deno install --frozen
COPY src/ ./src/
USER deno
EXPOSE 8000
HEALTHCHECK CMD ["deno", "eval", "await fetch('http://127.0.0.1:8000/health')"]
CMD ["deno", "run", "--allow-net", "src/main.ts"]
