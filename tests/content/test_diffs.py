"""Word-level diffs: a one-word edit shows as that word, not as two paragraphs."""
from bot.content.diffs import word_diff


def test_a_one_word_change_in_a_paragraph_shows_only_that_word():
    old = "Vänersborgs kommun har kontakter med Herning i Danmark. Herning nämns som ett exempel."
    new = "Vänersborgs kommun har kontakter med Herning i Danmark. Herning nämns som ett bra exempel."
    changed = [(op, text) for op, text in word_diff(old, new) if op != "="]
    assert changed == [("+", "bra ")]


def test_a_replaced_sentence_is_removed_then_added():
    segments = word_diff("Hej. Gamla meningen.", "Hej. Nya meningen.")
    assert segments == [("=", "Hej. "), ("-", "Gamla "), ("+", "Nya "), ("=", "meningen.")]


def test_long_unchanged_text_is_shortened_around_the_change():
    words = " ".join(f"ord{i}" for i in range(60))
    segments = word_diff(words + " slut.", words + " slutet.")
    same = segments[0][1]
    assert same.startswith("… ") and same.endswith("ord59 ") and "ord10 " not in same


def test_list_fields_compare_item_by_item():
    assert word_diff(["Chobe", "Chobe District"], ["Chobe"]) == [("=", "Chobe"), ("-", "\nChobe District")]
