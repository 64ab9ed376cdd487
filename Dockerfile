# Image for the web, worker and beat processes of docker-compose.yml.
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends libmagic1 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core tesseract-ocr tesseract-ocr-vie \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /srv/dti/app
COPY pyproject.toml README.md ./
COPY dti_portal dti_portal
COPY common common
COPY accounts accounts
COPY indicators indicators
COPY submissions submissions
COPY scoring scoring
COPY rankings rankings
COPY webhooks webhooks
RUN pip install --no-cache-dir .
COPY . .

RUN useradd --system --home /srv/dti dti && mkdir -p /srv/dti/evidence /srv/dti/static && chown -R dti /srv/dti
USER dti
ENV PYTHONUNBUFFERED=1
EXPOSE 8000
