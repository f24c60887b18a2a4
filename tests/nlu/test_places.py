"""Places the store does not know are recognised, in any case, fast."""
from __future__ import annotations

import time

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.extractor import PlaceEntityExtractor


@pytest.fixture(scope="module")
def extractor(generated_nlu, tmp_path_factory) -> PlaceEntityExtractor:
    """Trained on the generated lookup tables, then loaded as Rasa loads it."""
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    resource = Resource("places")
    PlaceEntityExtractor.create({}, storage, resource, None).train(
        load_data(str(generated_nlu / "places.yml")))
    return PlaceEntityExtractor.load({}, storage, resource, None)


def places(extractor: PlaceEntityExtractor, text: str) -> list[tuple[str, str, str]]:
    """(entity, value, the resident's own spelling) for each place found."""
    message = Message.build(text=text)
    extractor.process([message])
    return [(e["entity"], e["value"], text[e["start"]:e["end"]]) for e in message.get("entities", [])]


@pytest.mark.parametrize("text, expected", [
    ("Har ni något samarbete med Hamburg?", [("place", "Hamburg", "Hamburg")]),
    ("är uddevalla en vänort?", [("place", "Uddevalla", "uddevalla")]),
    ("vilket flyg går till köpenhamn", [("place", "Köpenhamn", "köpenhamn")]),
    ("har ni nåt ihop med goteborg", [("place", "Göteborg", "goteborg")]),
    ("vilka partner har ni i DENMARK", [("country", "Danmark", "DENMARK")]),
    ("och i asien?", [("continent", "Asien", "asien")]),
    ("förutom tyskland och sydafrika", [("country", "Tyskland", "tyskland"),
                                         ("country", "Sydafrika", "sydafrika")]),
    ("berätta om Italien-samarbetet", [("country", "Italien", "Italien")]),
    ("samarbetar ni med malung-sälen", [("place", "Malung-Sälen", "malung-sälen")]),
    ("är Vara en vänort", [("place", "Vara", "Vara")]),
])
def test_places_are_found_with_their_canonical_name_and_the_residents_spelling(extractor, text, expected):
    assert places(extractor, text) == expected


@pytest.mark.parametrize("text", [
    "vad ska det vara bra för",  # "vara" is a word, and Vara a municipality
    "vilka vänorter har vänersborg",  # the bot's own municipality is no unknown partner
    "vad gör ni för att främja jämställdhet",
    "sedan när har ni hållit på",
    "kan du namnge dem",  # "kan" is a stop word, whatever large city has it as an alternate name
])
def test_common_words_are_no_places(extractor, text):
    assert places(extractor, text) == []


def test_a_message_takes_well_under_a_millisecond(extractor):
    texts = ["jag undrar om ni har något samarbete med någon stad i norra tyskland, typ hamburg "
             "eller kiel, eller kanske med nån kommun i finland som åbo"] * 200
    messages = [Message.build(text=t) for t in texts]
    start = time.perf_counter()
    extractor.process(messages)
    per_message = (time.perf_counter() - start) / len(messages)
    assert per_message < 0.0005, f"{per_message * 1000:.3f} ms per message"
