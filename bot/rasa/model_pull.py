"""Rasa's model pulling, with the new model loaded beside the old one, one
server at a time.

Rasa 3.6 pulls the live model from the model server (`models:` in endpoints.yml)
and then loads it with `agent.load_model`, synchronously, on the server's event
loop: for as long as the load takes (4–11 s with bot/rasa/model_loading.py on two
busy cores, a minute or more without it) the server answers nobody, and every
message sent to it waits. Here the same pull loads the model in a worker thread:
the server keeps answering with the old model meanwhile, and the agent switches
to the new one in a single assignment once it is loaded.

Loading still takes a core and much of the process's interpreter lock, so the
servers that share the lock store (the replicas, through Redis; `make run`'s
workers, through SQLite) take turns: while one loads, the others answer at full
speed. At start, when nobody answers yet, every server loads at once. What is
pulled, when, and what happens when the pull or the load fails stay Rasa's own:
the old model stays loaded, and the next pull tries again.
"""
from __future__ import annotations

import asyncio
import logging
from contextlib import nullcontext

import aiohttp
import rasa.core.agent as rasa_agent
from rasa.core.agent import Agent
from rasa.nlu.utils import is_url
from rasa.utils.common import TempDirectoryPath, get_temp_dir_name
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

# The lock store's lock that the servers take turns on; a load that takes longer
# than its lifetime (or a server that died loading) holds the others back no more.
LOADING = "model-store:loading"
LOADING_LIFETIME = 600


async def update_model_from_server(model_server: EndpointConfig, agent: Agent) -> None:
    """Rasa's `_update_model_from_server`, loading off the event loop."""
    if not is_url(model_server.url):
        raise aiohttp.InvalidURL(model_server.url)
    with TempDirectoryPath(get_temp_dir_name()) as directory:
        try:
            fingerprint = await rasa_agent._pull_model_and_fingerprint(model_server, agent.fingerprint, directory)
            if fingerprint:
                switching = agent.is_ready()  # else this is the first load, at start
                async with agent.lock_store.lock(LOADING, LOADING_LIFETIME) if switching else nullcontext():
                    logger.info("Loading the live model (ETag %s) in the background", fingerprint)
                    await asyncio.get_running_loop().run_in_executor(None, agent.load_model, directory, fingerprint)
                logger.info("Answering with the live model (ETag %s) from now on", fingerprint)
        except Exception:  # Rasa's own policy: log it, keep the old model
            logger.exception("Failed to update model. The previous model will stay loaded instead.")


def install() -> None:
    rasa_agent._update_model_from_server = update_model_from_server
