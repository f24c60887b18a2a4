"""PlaceEntityExtractor: country, continent and place entities, fast.

The entity's value is the canonical name (see bot.nlp.gazetteer); start and
end mark the resident's own spelling, so a reply can repeat it ("Hamburg",
not "hamburg"). Country and continent entities that DIET found where this
component found one are dropped, so each place is reported once.
"""
from __future__ import annotations

from typing import Any

import rasa.shared.utils.io
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.gazetteer import LABELS, PlaceDictionary

FILE_NAME = "places.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class PlaceEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Tags country, continent and place entities from the lookup tables."""

    def __init__(self, model_storage: ModelStorage, resource: Resource,
                 places: PlaceDictionary | None = None) -> None:
        self._storage, self._resource = model_storage, resource
        self.places = places or PlaceDictionary()

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> PlaceEntityExtractor:
        return cls(model_storage, resource)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> PlaceEntityExtractor:
        with model_storage.read_from(resource) as path:
            names = rasa.shared.utils.io.read_json_file(path / FILE_NAME)
        return cls(model_storage, resource, PlaceDictionary(names))

    def train(self, training_data: TrainingData) -> Resource:
        self.places = PlaceDictionary.from_training_data(training_data)
        with self._storage.write_to(self._resource) as path:
            rasa.shared.utils.io.dump_obj_as_json_to_file(path / FILE_NAME, self.places.names)
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            found = [{"entity": s.label, "value": s.value, "start": s.start, "end": s.end,
                      "confidence_entity": 1.0} for s in self.places.find(message.get(TEXT) or "")]
            if not found:
                continue
            kept = [e for e in message.get(ENTITIES, []) if not (
                e.get("entity") in LABELS
                and any(e["start"] < p["end"] and p["start"] < e["end"] for p in found))]
            message.set(ENTITIES, kept + self.add_extractor_name(found), add_to_output=True)
        return messages
