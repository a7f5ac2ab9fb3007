# One image for every process of the AIOps agent: web (uvicorn), Celery worker, Celery beat and the
# one-shot migrate job. docker-compose.yml picks the process with `command:`; the default is web.
FROM python:3.11-slim

# PYTHONPATH: import the project from /app, not from the copy pip puts in site-packages: the
# settings derive BASE_DIR from their own path and need config/, templates/, scenarios/ beside them.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    AIOPS_VAR_DIR=/app/var \
    AIOPS_STATIC_ROOT=/app/static

RUN groupadd --system --gid 10001 aiops \
 && useradd --system --uid 10001 --gid aiops --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin aiops

WORKDIR /app

# Dependencies first, pinned by the lock file, so that a code change does not reinstall them. AIOPS_EXTRAS: optional
# dependencies to add, comma-separated; `tracing` for OpenTelemetry (aiops_project/tracing.py).
ARG AIOPS_EXTRAS=""
COPY pyproject.toml constraints.txt ./
RUN python -c "import os, tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
extras = [e.strip() for e in os.environ.get('AIOPS_EXTRAS', '').split(',') if e.strip()]; \
print('\n'.join(p['dependencies'] + [d for e in extras for d in p['optional-dependencies'][e]]))" \
        > /tmp/requirements.txt \
 && pip install -c constraints.txt -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# The code stays owned by root (read-only for the app user); only var/ is writable.
COPY . .
RUN pip install -c constraints.txt . \
 && rm -rf build ./*.egg-info \
 && mkdir -p /app/var \
 && chown aiops:aiops /app/var

ENV AIOPS_ENV=production

# Static files are collected at build time into /app/static (AIOPS_STATIC_ROOT), owned by root like the
# code: outside var/, which Kubernetes mounts as a writable volume over a read-only root file system.
# Production settings refuse to load without SECRET_KEY and ALLOWED_HOSTS: give collectstatic
# throwaway values for this RUN only (they are not kept in the image's environment).
RUN SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime-0123456789abcdef \
    ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
 && chown -R aiops:aiops /app/var

USER aiops

EXPOSE 8000

# /health is exempt from the HTTPS redirect (SECURE_REDIRECT_EXEMPT); 127.0.0.1 must stay in
# ALLOWED_HOSTS. urlopen raises on any 4xx/5xx or connection error, so the exit code is non-zero.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]

# uvicorn with uvloop + httptools, not daphne: same webhook throughput, ~40 MiB less per process without
# Twisted (bench/web_server.py). No lifespan: Django does not speak it (agent_server.py starts its own task).
CMD ["uvicorn", "--host", "0.0.0.0", "--port", "8000", "--loop", "uvloop", "--http", "httptools", "--ws", "websockets", "--lifespan", "off", "--no-access-log", "aiops_project.asgi:application"]
