FROM debian:bookworm-slim
RUN echo a \

    && echo b
USER 10001
