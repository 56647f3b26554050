# The app image: `docker build -t copilot-usage .` then
#   docker run -p 8501:8501 --env-file app.env copilot-usage          # the Streamlit app
#   docker run --env-file collector.env copilot-usage python -m copilot_usage collect
# Only runtime requirements and the app's own files go in (.dockerignore lists them).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

COPY streamlit_app.py ./
COPY app_pages/ app_pages/
COPY copilot_usage/ copilot_usage/
COPY .streamlit/ .streamlit/

# A numeric, unprivileged user; /app/data is the default file:// store (mount a volume, or use S3).
RUN useradd --uid 10001 --create-home --shell /usr/sbin/nologin app \
    && mkdir -p /app/data && chown 10001:10001 /app/data
USER 10001

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() != b'ok')"]

# Headless, with the production settings of .streamlit/config.toml (no file watcher, no usage stats).
CMD ["python", "-m", "streamlit", "run", "streamlit_app.py", "--server.port=8501", "--server.address=0.0.0.0", "--server.headless=true"]
