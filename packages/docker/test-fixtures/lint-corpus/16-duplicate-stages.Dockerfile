FROM node:20 AS build
RUN echo one
FROM node:20 AS build
RUN echo two
FROM nginx:1.27
COPY --from=build /x /usr/share/nginx/html
USER nginx
