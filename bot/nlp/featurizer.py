"""PlaceFeaturizer: tells DIET which tokens are a country, a continent or a place.

"har ni något samarbete med uppsala" and "har ni samarbete med nån kommun i
danmark" differ in whether the word after "med" names a place: a feature
that says so lets the classifier generalise to places training never saw.
Three sparse columns (country, continent, place) per token, and their
maximum for the sentence, from the same dictionary as PlaceEntityExtractor.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import rasa.shared.utils.io
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

import bot.nlp.pipeline  # noqa: F401  (registers the lemmatizer that SpacyNLP's saved pipeline names)
from bot.nlp.gazetteer import LABELS, PlaceDictionary

FILE_NAME = "places.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class PlaceFeaturizer(SparseFeaturizer, GraphComponent):
    """Sparse features: is this token (part of) a country, continent or place name."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 execution_context: ExecutionContext, places: PlaceDictionary | None = None) -> None:
        super().__init__(execution_context.node_name, config)
        self._storage, self._resource = model_storage, resource
        self.places = places or PlaceDictionary()

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Nothing to configure."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> PlaceFeaturizer:
        return cls(config, model_storage, resource, execution_context)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> PlaceFeaturizer:
        with model_storage.read_from(resource) as path:
            names = rasa.shared.utils.io.read_json_file(path / FILE_NAME)
        return cls(config, model_storage, resource, execution_context, PlaceDictionary(names))

    def train(self, training_data: TrainingData) -> Resource:
        self.places = PlaceDictionary.from_training_data(training_data)
        with self._storage.write_to(self._resource) as path:
            rasa.shared.utils.io.dump_obj_as_json_to_file(path / FILE_NAME, self.places.names)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            tokens = message.get(TOKENS_NAMES[TEXT], [])
            if not message.get(TEXT) or not tokens:
                continue
            sequence = np.zeros((len(tokens), len(LABELS)))
            for span in self.places.find(message.get(TEXT)):
                column = LABELS.index(span.label)
                for row, token in enumerate(tokens):
                    if token.start < span.end and span.start < token.end:
                        sequence[row, column] = 1.0
            self.add_features_to_message(scipy.sparse.coo_matrix(sequence),
                                         scipy.sparse.coo_matrix(sequence.max(axis=0, keepdims=True)),
                                         TEXT, message)
        return messages
