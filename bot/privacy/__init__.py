"""Privacy by design: personal data in residents' messages is masked before
Rasa processes or stores anything (see masking.py and bot/channels/rest.py)."""
from bot.privacy.masking import PLACEHOLDERS, mask_text, mask_value

__all__ = ["PLACEHOLDERS", "mask_text", "mask_value"]
