"""What the conversation review refuses to do."""
from __future__ import annotations


class ReviewError(ValueError):
    """A request the review refuses; its text is the Swedish message the admin sees."""
