# Saiwu 赛务: one image for web (gunicorn), worker and beat (Celery). See docker-compose.yml.

# --- 1. The SPA: frontend/ builds on its own (all JS tooling stays inside frontend/) -------------
FROM node:20 AS frontend
WORKDIR /frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# --- 2. Python dependencies from uv.lock, exactly (no dev group) ---------------------------------
FROM python:3.11-slim AS python-deps
# The same uv as the Makefile pins.
RUN pip install --no-cache-dir uv==0.13.9
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_NO_CACHE=1 \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

# --- 3. The runtime image ----------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/app/.venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings \
    MEDIA_ROOT=/data/media
RUN groupadd --system saiwu && useradd --system --gid saiwu --home-dir /app saiwu \
    && mkdir -p /data/media && chown saiwu:saiwu /data/media
WORKDIR /app
COPY --from=python-deps /app/.venv /app/.venv
COPY . .
COPY --from=frontend /frontend/dist /app/frontend/dist
# Static files (Django admin, DRF, the SPA's assets) are collected into the image; whitenoise
# serves them. The key is a throwaway: collectstatic needs settings to load, nothing more.
RUN DJANGO_SECRET_KEY=collectstatic-build-only CERTIFICATE_SIGNING_KEY=collectstatic-build-only DJANGO_DEBUG=0 \
    python manage.py collectstatic --noinput -v 0 \
    && chown -R saiwu:saiwu /app/staticfiles
USER saiwu
# gunicorn from the committed config (bind 0.0.0.0:8000, WEB_CONCURRENCY workers), meant to sit
# behind nginx (deploy/nginx/saiwu.conf) as docker-compose sets it up; never published directly.
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"]
