# Production-like image: one image runs the web server (gunicorn), the Celery worker and beat.
# See docker-compose.yml. Front-end assets come from npm, as in `make assets`.

FROM node:22-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error \
 && mkdir -p vendor/uswds \
 && cp -r node_modules/@uswds/uswds/dist/css node_modules/@uswds/uswds/dist/js \
          node_modules/@uswds/uswds/dist/fonts node_modules/@uswds/uswds/dist/img vendor/uswds/

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint needs Pango and HarfBuzz (and fonts) to lay out certificates; gettext compiles
# the translations.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
      libffi8 shared-mime-info fonts-dejavu-core fonts-liberation gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .
COPY --from=assets /build/vendor static/vendor
# Settings refuse to load without a real SECRET_KEY when DEBUG is off; these two build steps
# need no secret and no database.
RUN DEBUG=true python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0 \
 && DEBUG=true python manage.py collectstatic --noinput -v 0

RUN useradd --system --uid 1000 --home-dir /app app \
 && mkdir -p var/media var/mail \
 && chown -R app:app var
USER app

ENV DEBUG=false
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
