FROM node:22-bookworm-slim
WORKDIR /app
COPY ["package.json", "package-lock.json", "./"]
RUN ["npm", "ci", "--omit=dev"]
COPY ["src", "./src"]
USER node
ENTRYPOINT ["node"]
CMD ["src/index.js"]
