FROM debian:bookworm-slim
RUN <<EOF
set -e
apt-get update
apt-get install -y --no-install-recommends curl
rm -rf /var/lib/apt/lists/*
EOF
COPY <<EOT /etc/motd
Welcome | enjoy
EOT
USER 1000
CMD ["bash"]
