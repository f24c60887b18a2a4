"""Password rules for portal users, with Swedish explanations.

Length alone let `aaaaaaaaaaaa` through. zxcvbn (Dropbox's strength
estimator) scores how guessable a password is from common passwords, words,
names, keyboard rows, repeats, sequences and dates; a password must reach
score 3 ("safely unguessable"). zxcvbn's word lists are English, so the
user's own name and the obvious Swedish words of this service are added to
them for every check.
"""
from __future__ import annotations

from zxcvbn import zxcvbn

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200
MIN_SCORE = 3
SCORED_CHARS = 100  # zxcvbn's time grows fast with length; the first 100 characters decide

# Words anyone guessing a password for this portal would try first.
SWEDISH_GUESSES = (
    "lösenord", "losenord", "vänersborg", "vanersborg", "vänersborgs", "kommun", "kommunen",
    "admin", "administratör", "redaktör", "redaktor", "portal", "chattbot", "hemligt", "hemlis",
    "sverige", "hej", "hejsan", "välkommen", "sommar", "vinter", "hösten", "våren", "qwerty",
)

# What zxcvbn found, said in Swedish (by the kind of weak part it matched).
_REASONS = {
    "dictionary": "det bygger på ett vanligt lösenord, ett vanligt ord eller ett namn",
    "repeat": "det upprepar samma tecken eller samma del",
    "sequence": "det innehåller en följd som abc eller 1234",
    "spatial": "det följer tangenter som sitter bredvid varandra, som qwerty",
    "date": "det innehåller ett datum",
    "regex": "det innehåller ett årtal",
}


def weakness(password: str, user_inputs: tuple[str, ...] = ()) -> str:
    """A Swedish explanation when the password is too easy to guess, else ""."""
    result = zxcvbn(password[:SCORED_CHARS], user_inputs=[*SWEDISH_GUESSES, *user_inputs])
    if result["score"] >= MIN_SCORE:
        return ""
    found = []
    for match in result["sequence"]:
        if match.get("dictionary_name") == "user_inputs" and match.get("matched_word") in user_inputs:
            reason = "det innehåller ditt användarnamn"
        else:
            reason = _REASONS.get(match["pattern"], "")
        if reason and reason not in found:
            found.append(reason)
    why = f": {' och '.join(found)}" if found else ""
    return (
        f"Lösenordet är för lätt att gissa{why}. Välj en längre fras av flera ord som inte hör ihop, "
        "till exempel fyra ord med mellanslag mellan."
    )


def password_problem(password: str, repeated: str | None = None, username: str = "") -> str:
    """A Swedish message when the password cannot be used, else ""."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Lösenordet får ha högst {MAX_PASSWORD_LENGTH} tecken."
    if password.strip() != password:
        return "Lösenordet får inte börja eller sluta med mellanslag."
    if repeated is not None and repeated != password:
        return "Lösenorden är inte likadana. Skriv samma lösenord två gånger."
    return weakness(password, (username.strip().lower(),) if username.strip() else ())
