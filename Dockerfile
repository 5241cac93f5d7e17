# Production image: gunicorn for the web, the same image runs the Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# gettext: compilemessages needs msgfmt. pango and the CJK fonts: WeasyPrint's PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
       libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml ./
RUN pip install .

COPY . .
# Build output only: catalogues and hashed static files (whitenoise serves them).
RUN python manage.py compilemessages --ignore=.venv >/dev/null \
    && DEBUG=0 STATIC_HASHED=1 SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput >/dev/null

RUN useradd --system --uid 1000 --home /app zhujing \
    && mkdir -p /var/lib/zhujing/media /var/lib/zhujing/beat \
    && chown -R zhujing /var/lib/zhujing /app/var
USER zhujing

ENV DEBUG=0 HTTPS=1 MEDIA_ROOT=/var/lib/zhujing/media
EXPOSE 8000
# Sync workers, 2 x cores + 1 (zhujing/gunicorn_conf.py says why).
CMD ["gunicorn", "-c", "python:zhujing.gunicorn_conf", "zhujing.wsgi:application"]
