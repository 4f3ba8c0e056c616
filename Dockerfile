# jobclub: a slim image that runs `jobclub run` as a non-root user.
# Build:  docker build -t jobclub .       Run: see deploy/README.md (compose, Kubernetes).

# -- build: install jobclub and its runtime dependencies into a virtual environment ------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/jobclub
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
RUN /opt/jobclub/bin/pip install . && /opt/jobclub/bin/pip uninstall --yes pip

# -- runtime: the environment, the advice library, and nothing else ----------------------
FROM python:3.11-slim
ENV PATH=/opt/jobclub/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    JOBCLUB_CONTENT_DIR=/app/content \
    JOBCLUB_LOG_FILE=/app/data/jobclub.log \
    JOBCLUB_HTTP_PORT=8080
RUN groupadd --system --gid 10001 jobclub \
    && useradd --system --uid 10001 --gid jobclub --home-dir /app --shell /usr/sbin/nologin jobclub
WORKDIR /app
COPY --from=build /opt/jobclub /opt/jobclub
COPY content ./content
RUN mkdir -p /app/data && chown jobclub:jobclub /app/data
USER 10001:10001
VOLUME ["/app/data"]
# 3000: Slack HTTP mode (/slack/events); 8080: /healthz /readyz /metrics
EXPOSE 3000 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["jobclub", "health"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["jobclub", "run"]
