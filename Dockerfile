# Production image: slim, non-root, ASGI server (HTTP + WebSocket).
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=testgen.settings.production

RUN apt-get update \
    && apt-get install -y --no-install-recommends git openssh-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
RUN useradd --system --uid 10001 --home /app testgen \
    && mkdir -p /app/media /app/staticfiles \
    && SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime-000000000000 \
       TESTGEN_ENCRYPTION_KEYS=nFq1qkVgGj3x2m5o0W9sSg7m1XJQxq3qY8wWkq2p6sM= \
       DJANGO_SETTINGS_MODULE=testgen.settings.local python manage.py collectstatic --noinput \
    && chown -R testgen /app/media /app/staticfiles

USER testgen
EXPOSE 8000
# Web: several uvicorn processes; scale the worker service separately (see docker-compose.yml).
CMD ["sh", "-c", "python manage.py migrate --noinput && python -m uvicorn testgen.asgi:application --host 0.0.0.0 --port ${PORT:-8000} --workers ${WEB_CONCURRENCY:-2} --proxy-headers"]
