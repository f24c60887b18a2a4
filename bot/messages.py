"""System messages to residents that must work even when the content store is down."""

MAX_MESSAGE_CHARS = 1000

TECHNICAL_ERROR = (
    "Jag kan tyvärr inte svara just nu på grund av ett tekniskt fel. "
    "Försök igen om en stund."
)
EMPTY_MESSAGE = "Skriv gärna en fråga om Vänersborgs kommuns internationella arbete."
TOO_LONG = (
    "Ditt meddelande är för långt för mig. Skriv gärna en kortare fråga, "
    f"högst {MAX_MESSAGE_CHARS} tecken."
)
# Sent by nginx (production profile) when one client sends too many messages too fast.
RATE_LIMITED = (
    "Du skickar många meddelanden just nu. Vänta en liten stund och försök sedan igen."
)
