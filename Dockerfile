# syntax=docker/dockerfile:1
# Production image: gunicorn serving config.wsgi; the same image runs the Celery
# worker and beat (see docker-compose.yml).

# --- build: Python dependencies, front-end assets, translations, static files ---
FROM python:3.11-slim AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext make nodejs npm \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /venv
ENV PATH=/venv/bin:$PATH

WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install --require-hashes --no-deps -r requirements/base.txt

COPY . .
# The Makefile is the one recipe for the NL Design System assets (npm ci + copy).
RUN make assets && rm -rf node_modules
RUN if find . -name '*.po' -not -path './node_modules/*' | grep -q .; then \
        python manage.py compilemessages -v 0; \
    fi
RUN STATIC_MANIFEST=true VAR_DIR=/app/var python manage.py collectstatic --noinput -v 0

# --- runtime ---------------------------------------------------------------------
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings \
    VAR_DIR=/app/var \
    STATIC_MANIFEST=true \
    LOG_FORMAT=json

RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/app app

COPY --from=build /venv /venv
COPY --from=build /app /app
# Static files are read-only; only var/mail (file e-mail when no SMTP is set) is writable.
RUN mkdir -p /app/var/mail && chown app:app /app/var/mail

WORKDIR /app
USER app
EXPOSE 8000

# Workers: WEB_CONCURRENCY (gunicorn reads it), default 1; compose sets 3.
# No gunicorn access log: it would print full URLs, with the secret tokens of feed and
# consent links and query strings. Django logs each request as one redacted JSON line
# (config/request_log.py).
CMD ["gunicorn", "config.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--worker-tmp-dir", "/dev/shm", \
     "--timeout", "60"]
