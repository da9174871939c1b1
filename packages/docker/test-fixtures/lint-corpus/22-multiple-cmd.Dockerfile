FROM busybox:1.36
CMD ["echo", "one"]
CMD ["echo", "two"]
ENTRYPOINT ["sh", "-c"]
ENTRYPOINT ["sh"]
HEALTHCHECK CMD ["true"]
HEALTHCHECK NONE
USER 1000
