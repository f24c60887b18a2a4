"""Custom actions: thin adapters from Rasa turns to the content store's answers."""
from actions.fallback import ActionOutOfScope, ActionRephrase
from actions.focus_areas import ActionFocusAreas
from actions.lists import ActionSelectItem
from actions.partners import ActionPartner, ActionPartners
from actions.topics import ActionAnswerTopic

__all__ = [
    "ActionAnswerTopic",
    "ActionFocusAreas",
    "ActionOutOfScope",
    "ActionPartner",
    "ActionPartners",
    "ActionRephrase",
    "ActionSelectItem",
]
