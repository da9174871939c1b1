FROM python:3.12-slim
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
USER 10001
CMD ["python", "app.py"]
