# Rasa replicas, the portal and the one-shot jobs of deploy/docker-compose.yml.
# Not built here (no Docker engine on the development machine); see the compose file.
# Needs models/bot.tar.gz (`make train`) and var/spacy_sv (`make setup`) in the context.
FROM rasa/rasa:3.6.21-full

USER root
WORKDIR /app
# Rasa and its own pins come with the image; add this project's libraries at the
# versions of requirements.txt (the lock), nothing newer.
COPY requirements.txt /tmp/requirements.txt
RUN grep -iE '^(spacy-lookups-data|alembic|Mako|rapidfuzz|aiohttp-jinja2|aiohttp-session|argon2-cffi|argon2-cffi-bindings|markdown-it-py|mdurl|nh3|rank-bm25|python-stdnum|psycopg2-binary|zxcvbn)==' \
        /tmp/requirements.txt > /tmp/project.txt \
    && pip install --no-cache-dir -r /tmp/project.txt \
    && rm /tmp/requirements.txt /tmp/project.txt

COPY bot/ bot/
COPY data/content/ data/content/
COPY credentials.yml endpoints.prod.yml ./
COPY deploy/logging.yml deploy/nginx.conf.j2 deploy/
COPY models/bot.tar.gz models/bot.tar.gz
COPY var/spacy_sv/ var/spacy_sv/

# the model store's volume (docker-compose.yml) takes this folder's owner
RUN mkdir -p var/model-store && chown 1001 var/model-store
ENV PYTHONPATH=/app
# no anonymous usage reports from Rasa, whatever starts it in this image
ENV RASA_TELEMETRY_ENABLED=false
USER 1001
