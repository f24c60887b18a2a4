# Vänersborg's assistant for international work.
# `make run` sets up, trains if needed and starts everything; `make test` runs every test.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
MODEL := models/bot.tar.gz
SPACY_MODEL := var/spacy_sv/meta.json
TRAINING_INPUTS := config.yml domain.yml $(shell find data/nlu data/stories data/rules -name '*.yml' 2>/dev/null)
# NLU data generated from the content store's partners and the place packages (bot/nlp/build.py).
NLU_BUILT := var/nlu/.built
NLU_SOURCES := data/templates/nlu.yml data/templates/nlu_en.yml $(wildcard data/content/*.yml) bot/nlp/build.py bot/nlp/places.py
# The custom pipeline components that config.yml names (a change means a new model).
NLU_COMPONENTS := bot/nlp/gazetteer.py bot/nlp/featurizer.py bot/nlp/extractor.py
# What training reads: `python -m bot train --data $(TRAINING_DATA)`.
TRAINING_DATA := data/nlu data/stories data/rules var/nlu

export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONPATH := $(CURDIR)
export ACTION_ENDPOINT_URL ?= http://127.0.0.1:5055/webhook
export TRACKER_DB ?= $(CURDIR)/var/tracker.db
export LOCK_DB ?= $(CURDIR)/var/locks.db
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false

AUDIT_VENV := .venv-audit

.PHONY: help setup train run run-prod test audit shell bench eval lock lock-audit clean chromium nginx

help:
	@echo "make run    set up, train if needed, start the bot (REST :5005, actions :5055)"
	@echo "make test   set up, train if needed, run every test"
	@echo "make train  train the Rasa model (only when data or config changed)"
	@echo "make shell  talk to the bot in the terminal"
	@echo "make bench  measure latency, throughput, training time and memory (both profiles)"
	@echo "make eval   the frozen evaluation (tests/eval/) against the real stack: pass rate per group"
	@echo "make run-prod  production profile: 2 Rasa replicas on PostgreSQL + Redis behind nginx (:8000)"
	@echo "make audit  known vulnerabilities in the pinned dependencies (pip-audit + audit-allowlist.txt)"

$(VENV)/.installed: requirements.txt scripts/find-python.sh
	@python=$$(scripts/find-python.sh) || exit 1; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then \
		echo "… creating $(VENV) with $$python"; rm -rf $(VENV); "$$python" -m venv $(VENV) || exit 1; \
	fi
	@echo "… installing pinned dependencies (first time: a few minutes)"
	@$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(SPACY_MODEL): $(VENV)/.installed bot/nlp/pipeline.py bot/nlp/lemmas.py
	@echo "… building the Swedish spaCy pipeline"
	@$(PY) -c 'from bot.nlp.pipeline import save_pipeline; save_pipeline()'

setup: $(VENV)/.installed $(SPACY_MODEL)
	@$(PY) -m bot setup

$(NLU_BUILT): $(VENV)/.installed $(NLU_SOURCES)
	@echo "… generating NLU data from the content store and the place packages"
	@$(PY) -m bot.nlp build

$(MODEL): $(VENV)/.installed $(SPACY_MODEL) $(TRAINING_INPUTS) $(NLU_BUILT) $(NLU_COMPONENTS)
	@$(PY) -m bot train --data $(TRAINING_DATA)

train: $(MODEL)

run: setup $(MODEL)
	@$(PY) -m bot run

# nginx from Debian, for the production profile and its tests; run as a child
# process with a config rendered from deploy/nginx.conf.j2 (bot/stack/prod.py).
nginx:
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || (echo "… installing Debian's nginx"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nginx-light)

# Settings from the environment or .env (see .env.example); PostgreSQL and Redis must run.
run-prod: $(VENV)/.installed $(SPACY_MODEL) $(MODEL) nginx
	@$(PY) -m bot.stack.prod

# Browser tests: Debian's Chromium (never `playwright install`) and axe-core from npm.
chromium:
	@command -v /usr/bin/chromium >/dev/null || (echo "… installing Debian's Chromium"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

node_modules/.installed: package.json package-lock.json
	@echo "… installing the JavaScript test tools (npm ci)"
	@npm ci --no-audit --no-fund && touch $@

test: audit setup $(MODEL) chromium node_modules/.installed nginx
	@$(PY) -m pytest

# pip-audit lives in a venv of its own: no release of it installs beside Rasa 3.6's
# pins (packaging<21, CacheControl<0.13). See requirements-audit.in.
$(AUDIT_VENV)/.installed: requirements-audit.txt scripts/find-python.sh
	@python=$$(scripts/find-python.sh) || exit 1; \
	[ -x $(AUDIT_VENV)/bin/python ] || "$$python" -m venv $(AUDIT_VENV) || exit 1
	@$(AUDIT_VENV)/bin/python -m pip install --quiet -r requirements-audit.txt
	@touch $@

audit: $(AUDIT_VENV)/.installed
	@$(AUDIT_VENV)/bin/python scripts/audit.py

shell: setup $(MODEL)
	@echo "… starting the action server in the background"
	@SANIC_HOST=127.0.0.1 $(PY) -m rasa_sdk --actions actions --port 5055 > var/log-actions-shell.log 2>&1 & \
	trap "kill $$!" EXIT; sed '/^models:/,$$d' endpoints.yml > var/endpoints-shell.yml; \
	$(RASA) shell --model $(MODEL) --endpoints var/endpoints-shell.yml

bench: setup $(MODEL) nginx
	@$(PY) -m bench

# The frozen evaluation over REST; results/eval.json has every failed turn.
eval: setup $(MODEL)
	@$(PY) -m bot.evaluation --language $${EVAL_LANGUAGE:-sv}

lock: $(VENV)/.installed
	$(PY) -m pip install -r requirements.in
	$(PY) -m pip freeze --exclude-editable > requirements.txt

lock-audit: $(AUDIT_VENV)/.installed
	$(AUDIT_VENV)/bin/python -m pip install -r requirements-audit.in
	{ echo "# Generated by \`make lock-audit\` from requirements-audit.in: pip-audit and what it needs,"; \
	  echo "# in .venv-audit (apart from the project's venv; see requirements-audit.in)."; \
	  $(AUDIT_VENV)/bin/python -m pip freeze --exclude-editable; } > requirements-audit.txt

clean:
	rm -rf models results var
