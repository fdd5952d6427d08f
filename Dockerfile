FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir . \
    && for dir in locale communes/locale targets/locale reports/locale; do \
         [ -d "$dir" ] && pybabel compile -d "$dir" -D django; done
EXPOSE 8000
