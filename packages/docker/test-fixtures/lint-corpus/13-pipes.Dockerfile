FROM debian:bookworm-slim
RUN curl -fsSL https://example.com/install.sh | sh
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/other.sh | bash
USER 10001
CMD ["true"]
