FROM nginx:1.27
EXPOSE 80/tcp 443/TCP
EXPOSE 8080:80
USER nginx
HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]
