FROM debian:bookworm-slim
ADD https://example.com/tool.tar.gz /opt/
ADD config/ /etc/app/
ADD vendor.tar.gz /opt/vendor/
USER 10001
CMD ["/opt/tool"]
