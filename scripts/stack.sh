#!/usr/bin/env bash
# The real stack on 127.0.0.1 with production settings (DEBUG off, manifest static files): PostgreSQL,
# Redis, nginx in front (deploy/nginx-site.conf: the cache of the published answers, gzip, static
# files), gunicorn (10 sync workers) behind it, a Celery worker and beat. `scripts/stack.sh start|stop|status`, and
# `scripts/stack.sh manage <command>` to run a management command against the stack's database.
# Its own database (dti_stack) and state under var/stack/; plain HTTP on the loopback, so the
# cookies' Secure flag and the HTTPS redirect are off — everything else is as in production.
set -euo pipefail
cd "$(dirname "$0")/.."

STACK=var/stack
PORT=${STACK_PORT:-8800}
# gunicorn listens beside nginx, which takes $PORT.
UPSTREAM_PORT=$((PORT + 1))
PY=.venv/bin/python
mkdir -p "$STACK/run" "$STACK/log" "$STACK/media" "$STACK/static"

environment() {
  if [[ ! -s $STACK/secret ]]; then
    $PY -c 'import secrets; print(secrets.token_urlsafe(64))' > "$STACK/secret"
  fi
  export DJANGO_SETTINGS_MODULE=dti_portal.settings.production
  export SECRET_KEY; SECRET_KEY=$(cat "$STACK/secret")
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/dti_stack"
  export CELERY_BROKER_URL="redis://127.0.0.1:6379/5"
  # The published pages and API answers, shared by the gunicorn workers as in production.
  export CACHE_URL="redis://127.0.0.1:6379/6"
  export ALLOWED_HOSTS="127.0.0.1,localhost"
  # nginx in front adds one hop to X-Forwarded-For.
  export TRUSTED_PROXY_COUNT=1
  export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false SECURE_HSTS_SECONDS=0
  export STATIC_ROOT="$PWD/$STACK/static" MEDIA_ROOT="$PWD/$STACK/media"
  export DTI_LOAD_TEST=1 LOG_LEVEL=WARNING
  # The load test's many public API clients all come from 127.0.0.1; in production each has its own address.
  export API_THROTTLE_ANON=100000/minute
}

services() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  if ! psql -h 127.0.0.1 -U postgres -Atc "SELECT 1 FROM pg_database WHERE datname = 'dti_stack'" | grep -q 1; then
    createdb -h 127.0.0.1 -U postgres dti_stack
  fi
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
    for _ in $(seq 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
  fi
}

proxy() {
  # nginx from Debian (nginx-light holds the proxy cache and gzip), as production would put in front.
  if ! command -v nginx >/dev/null; then
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx-light
  fi
  mkdir -p "$STACK/nginx/cache" "$STACK/nginx/temp"
  sed -e "s|@UPSTREAM@|127.0.0.1:$UPSTREAM_PORT|" -e "s|@LISTEN@|127.0.0.1:$PORT|" \
      -e "s|@CACHE@|$PWD/$STACK/nginx/cache|" -e "s|@STATIC@|$PWD/$STACK/static|" \
      deploy/nginx-site.conf > "$STACK/nginx/site.conf"
  cat > "$STACK/nginx/nginx.conf" <<CONF
user root;
worker_processes 1;
pid $PWD/$STACK/run/nginx.pid;
error_log $PWD/$STACK/log/nginx-error.log warn;
events { worker_connections 4096; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    keepalive_requests 100000;
    client_body_temp_path $PWD/$STACK/nginx/temp/body;
    proxy_temp_path $PWD/$STACK/nginx/temp/proxy;
    include $PWD/$STACK/nginx/site.conf;
}
CONF
  if running nginx; then
    nginx -c "$PWD/$STACK/nginx/nginx.conf" -s reload
  else
    nginx -c "$PWD/$STACK/nginx/nginx.conf"
  fi
}

pid_of() { cat "$STACK/run/$1.pid" 2>/dev/null || true; }
running() { local pid; pid=$(pid_of "$1"); [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; }

start() {
  environment
  services
  $PY manage.py migrate --noinput -v 0
  $PY manage.py collectstatic --noinput -v 0
  $PY manage.py load_reference_data -v 0
  for level in province ministry; do
    $PY manage.py import_results "fixtures/results/dti-2021-$level.csv" --year 2021 --level $level --published-on 08/08/2022 > /dev/null
  done
  $PY manage.py prepare_load --accounts "$STACK/accounts.json"
  # Ten single-threaded (sync) workers, as the production image runs sync workers. A sync worker
  # takes a connection only when it is free, so requests wait in the one queue all workers share
  # (threaded workers took them, kept-alive ones too, into each process's own queue, where a save
  # waited behind that process's page renders while another process sat idle). Five times the
  # cores: the kernel shares the cores among processes, so a save runs beside a slow page render
  # rather than waiting for a worker to come free. The access log ends with the server's time in ms.
  running gunicorn || .venv/bin/gunicorn dti_portal.wsgi:application --bind "127.0.0.1:$UPSTREAM_PORT" --workers 10 \
    --worker-class sync --timeout 60 --daemon --pid "$STACK/run/gunicorn.pid" \
    --access-logfile "$STACK/log/access.log" --error-logfile "$STACK/log/gunicorn.log" --capture-output \
    --access-logformat '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)s'
  running worker || .venv/bin/celery -A dti_portal worker --concurrency 2 --detach -n "stack@%h" \
    --pidfile "$STACK/run/worker.pid" --logfile "$STACK/log/worker.log" --loglevel WARNING
  running beat || .venv/bin/celery -A dti_portal beat --detach --pidfile "$STACK/run/beat.pid" \
    --logfile "$STACK/log/beat.log" --schedule "$STACK/run/beat-schedule" --loglevel WARNING
  proxy
  for _ in $(seq 60); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 1; done
  curl -fs "http://127.0.0.1:$PORT/healthz"; echo
  echo "stack up: http://127.0.0.1:$PORT (scripts/stack.sh stop to end it)"
}

stop() {
  for name in nginx beat worker gunicorn; do
    local pid; pid=$(pid_of "$name")
    if [[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null; then
      for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    fi
    rm -f "$STACK/run/$name.pid"
  done
  echo "stack stopped"
}

status() {
  for name in nginx gunicorn worker beat; do
    if running "$name"; then echo "$name: running (pid $(pid_of "$name"))"; else echo "$name: stopped"; fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  manage) shift; environment; $PY manage.py "$@" ;;
  *) echo "usage: $0 start|stop|status|manage <command>"; exit 2 ;;
esac
