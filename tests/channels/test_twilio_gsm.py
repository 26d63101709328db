"""GSM-7 normalisation, segment counting as Twilio bills it, and the 3-segment cap."""

from __future__ import annotations

import pytest

from channels.twilio import gsm


def test_typographic_characters_become_gsm() -> None:
    text = "“Yes” — it’s ready… 2–3 pm\u00a0today • call us"
    assert gsm.normalise(text) == '"Yes" - it\'s ready... 2-3 pm today - call us'
    assert gsm.is_gsm(gsm.normalise(text))
    assert not gsm.is_gsm(text)


def test_characters_without_a_gsm_form_are_kept() -> None:
    assert gsm.normalise("see you 🚗") == "see you 🚗"
    assert gsm.segments("see you 🚗") == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("a" * 459, 3),
        ("a" * 460, 4),
        ("€" * 80, 1),  # extension characters cost two septets
        ("€" * 81, 2),
        ("a" * 152 + "€", 1),
        ("a" * 159 + "€", 2),  # 161 septets
        ("a" * 152 + "€" + "a" * 10, 2),  # the escape pair is not split: part 1 holds 152
        ("é" * 160, 1),  # é is in the basic alphabet
        ("ć" * 70, 1),  # ć is not: UCS-2
        ("ć" * 71, 2),
        ("ć" * 134, 2),
        ("ć" * 135, 3),
        ("🚗" * 35, 1),  # a surrogate pair is two UCS-2 units
        ("🚗" * 36, 2),
    ],
)
def test_segments(text: str, expected: int) -> None:
    assert gsm.segments(text) == expected


def test_curly_quote_would_cost_segments_and_fit_saves_them() -> None:
    text = "It’s " + "a" * 150
    assert gsm.segments(text) == 3  # UCS-2 because of one apostrophe
    assert gsm.fit(text) == "It's " + "a" * 150
    assert gsm.segments(gsm.fit(text)) == 1


def test_short_text_is_only_normalised() -> None:
    assert gsm.fit("  Open till 9 — see you!  ") == "Open till 9 - see you!"


def test_long_text_is_cut_at_a_sentence_boundary() -> None:
    sentence = "The 2024 Civic Sport is on the lot today and ready for a drive. "
    text = sentence * 12  # 768 characters, 6 segments
    fitted = gsm.fit(text)
    assert gsm.segments(fitted) == 3
    assert fitted.endswith("drive.")
    assert text.startswith(fitted)
    assert len(fitted) > 300  # keeps as much as fits, not just the first sentence


def test_text_without_sentences_is_cut_at_a_word_with_an_ellipsis() -> None:
    text = " ".join(["word"] * 200)
    fitted = gsm.fit(text)
    assert gsm.segments(fitted) <= 3
    assert fitted.endswith("word...")
    assert len(fitted) > 440


def test_ucs2_text_is_capped_at_three_ucs2_segments() -> None:
    text = " ".join(["Łódź"] * 100)
    fitted = gsm.fit(text, max_segments=3)
    assert gsm.segments(fitted) == 3
    assert fitted.endswith("...") and len(fitted) <= 201


def test_a_decimal_point_is_not_a_sentence_end() -> None:
    text = "a" * 440 + " costs $3.5" + "9 more" * 20
    fitted = gsm.fit(text)
    assert not fitted.endswith("$3.")
    assert gsm.segments(fitted) <= 3


def test_fit_rejects_a_zero_cap() -> None:
    with pytest.raises(ValueError, match="max_segments"):
        gsm.fit("hi", max_segments=0)
