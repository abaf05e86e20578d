# syntax=docker/dockerfile:1
# SLA Bot's image: the Python of .python-version on Debian slim, exactly the pins of
# requirements.txt, run as an unprivileged user. README.md ("Deploy") says how to run it;
# docker-compose.yml runs it beside PostgreSQL.
#
#   docker build -t sla-bot .

ARG PYTHON_IMAGE=python:3.11-slim-trixie

# --- build: a virtual environment holding the pins and the bot; only /opt/venv moves on ------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
WORKDIR /src
# The pins in a layer of their own, so a change to the code does not reinstall them. Every
# runtime dependency ships a manylinux wheel (psycopg-binary bundles libpq), so no compiler.
COPY requirements.txt ./
RUN grep -v '^\.$' requirements.txt > /tmp/pins.txt \
 && /opt/venv/bin/pip install -r /tmp/pins.txt
COPY . .
# --no-deps: every dependency comes from the pins; pip check fails the build if they no
# longer satisfy the bot (a pyproject.toml change without `make lock`).
RUN /opt/venv/bin/pip install --no-deps . \
 && /opt/venv/bin/pip check

# --- runtime --------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}
# A fixed UID and GID, so mounted files and volumes can be given to the same numbers.
RUN groupadd --system --gid 10001 sla \
 && useradd --system --uid 10001 --gid sla --create-home --home-dir /home/sla \
      --shell /usr/sbin/nologin sla \
 && mkdir /data \
 && chown sla:sla /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# The example agreements, to start from and to try: sla-bot check examples/agreement.en.yaml.
# The real agreement is mounted at /app/sla.yaml (SLA_CONFIG) when the container runs.
COPY examples/ ./examples/
# DATABASE_URL defaults to SQLite on the /data volume; docker-compose.yml sets PostgreSQL.
# MPLCONFIGDIR: matplotlib keeps its font list where the bot's user may write.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MPLCONFIGDIR=/home/sla/.cache/matplotlib \
    PORT=3000 \
    DATABASE_URL=sqlite:////data/sla.db \
    SLA_CONFIG=/app/sla.yaml
USER 10001:10001
# The burn-up chart is drawn in DejaVu Sans (regular and bold), which matplotlib's wheel ships:
# the slim image has no other fonts and needs none. Build matplotlib's font list now, as the
# bot's user (the first chart is not slowed down), and fail the build if the chart's font would
# fall back to another or lacks a letter of Spanish text.
RUN python -c "from matplotlib import font_manager as fm, ft2font; \
paths = [fm.findfont(fm.FontProperties(family='sans-serif', weight=w), fallback_to_default=False) for w in ('normal', 'bold')]; \
assert [p.rsplit('/', 1)[-1] for p in paths] == ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'], paths; \
missing = {p: [c for c in 'ÁÉÍÓÚÜÑáéíóúüñ¿¡«»€–—…' if ord(c) not in ft2font.FT2Font(p).get_charmap()] for p in paths}; \
assert not any(missing.values()), missing; print('chart fonts:', *paths)"
VOLUME ["/data"]
EXPOSE 3000
# Healthy while /healthz answers 200 (the database answers); urlopen raises on a 503.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '3000') + '/healthz', timeout=4)"]
# Exec form: sla-bot is PID 1 and gets the SIGTERM of `docker stop`, which it handles.
CMD ["sla-bot", "run"]
