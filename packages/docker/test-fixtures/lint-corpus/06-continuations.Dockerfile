FROM ubuntu:22.04
RUN apt-get update \
 && apt-get install -y \
      curl \
      git \
 && rm -rf /var/lib/apt/lists/*
USER 10001
ENTRYPOINT ["/usr/bin/git"]
