# Vänersborg's assistant for international work.
# `make run` sets up, trains if needed and starts everything; `make test` runs every test.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
MODEL := models/bot.tar.gz
SPACY_MODEL := var/spacy_sv/meta.json
TRAINING_INPUTS := config.yml domain.yml $(shell find data/nlu data/stories data/rules -name '*.yml' 2>/dev/null)

export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONPATH := $(CURDIR)
export ACTION_ENDPOINT_URL ?= http://127.0.0.1:5055/webhook
export TRACKER_DB ?= $(CURDIR)/var/tracker.db
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: help setup train run test shell bench lock clean chromium

help:
	@echo "make run    set up, train if needed, start the bot (REST :5005, actions :5055)"
	@echo "make test   set up, train if needed, run every test"
	@echo "make train  train the Rasa model (only when data or config changed)"
	@echo "make shell  talk to the bot in the terminal"
	@echo "make bench  measure latency, throughput, training time and memory"

$(VENV)/.installed: requirements.txt scripts/find-python.sh
	@python=$$(scripts/find-python.sh) || exit 1; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then \
		echo "… creating $(VENV) with $$python"; rm -rf $(VENV); "$$python" -m venv $(VENV) || exit 1; \
	fi
	@echo "… installing pinned dependencies (first time: a few minutes)"
	@$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(SPACY_MODEL): $(VENV)/.installed bot/nlp/pipeline.py
	@echo "… building the Swedish spaCy pipeline"
	@$(PY) -c 'from bot.nlp.pipeline import save_pipeline; save_pipeline()'

setup: $(VENV)/.installed $(SPACY_MODEL)
	@$(PY) -m bot setup

$(MODEL): $(VENV)/.installed $(SPACY_MODEL) $(TRAINING_INPUTS)
	@echo "… training the Rasa model (data or config changed)"
	@mkdir -p results
	@start=$$(date +%s); $(RASA) train --fixed-model-name bot --out models --quiet || exit 1; \
	echo $$(( $$(date +%s) - start )) > results/train_seconds.txt
	@echo "✓ model trained in $$(cat results/train_seconds.txt) s"

train: $(MODEL)

run: setup $(MODEL)
	@$(PY) -m bot run

# Browser tests: Debian's Chromium (never `playwright install`) and axe-core from npm.
chromium:
	@command -v /usr/bin/chromium >/dev/null || (echo "… installing Debian's Chromium"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

node_modules/.installed: package.json package-lock.json
	@echo "… installing the JavaScript test tools (npm ci)"
	@npm ci --no-audit --no-fund && touch $@

test: setup $(MODEL) chromium node_modules/.installed
	@$(PY) -m pytest

shell: setup $(MODEL)
	@echo "… starting the action server in the background"
	@$(PY) -m rasa_sdk --actions actions --port 5055 > var/log-actions-shell.log 2>&1 & \
	trap "kill $$!" EXIT; $(RASA) shell --model $(MODEL) --endpoints endpoints.yml

bench: setup $(MODEL)
	@$(PY) -m bench

lock: $(VENV)/.installed
	$(PY) -m pip install -r requirements.in
	$(PY) -m pip freeze --exclude-editable > requirements.txt

clean:
	rm -rf models results var
