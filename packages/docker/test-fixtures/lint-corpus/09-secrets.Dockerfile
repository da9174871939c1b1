FROM node:20-bookworm-slim
ARG NPM_TOKEN
ENV AWS_SECRET_ACCESS_KEY=changeme
COPY .npmrc .env ./
RUN npm ci
USER node
CMD ["node", "index.js"]
