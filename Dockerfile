# Multi-stage: build a wheel-installed virtualenv, then run it as a non-root user.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY api ./api
COPY domain ./domain
COPY integrations ./integrations
COPY jobs ./jobs
COPY demo ./demo
COPY migrations ./migrations
RUN python -m venv /opt/puhui && /opt/puhui/bin/pip install .

FROM python:3.11-slim
ENV PATH=/opt/puhui/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PUHUI_ENV=production \
    PUHUI_HOST=0.0.0.0 \
    PUHUI_PORT=8000
RUN useradd --system --uid 10001 --home-dir /app --create-home puhui
COPY --from=build /opt/puhui /opt/puhui
WORKDIR /app
USER puhui
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2)"
# Migrations first (safe to repeat), then the server.
CMD ["sh", "-c", "puhui migrate && exec puhui serve"]
