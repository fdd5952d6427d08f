# The partial plotly.js bundle, fetched at its pinned version and checked against its sha512.
FROM node:20-slim AS npm
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY . .
COPY --from=npm /app/node_modules ./node_modules
RUN pip install --no-cache-dir . \
    && for dir in locale communes/locale targets/locale reports/locale; do \
         [ -d "$dir" ] && pybabel compile -d "$dir" -D django; done
EXPOSE 8000
# Like `make serve`: static files collected at every start (a new image brings new files), then
# migrations, then gunicorn. Compose's worker and beat override this command.
CMD ["sh", "-c", "python manage.py collectstatic --noinput --verbosity 0 && python manage.py migrate --noinput && exec gunicorn dtmonitor.wsgi:application --bind 0.0.0.0:8000 --workers 3"]
