"""SSML escaping in respond.py: text and attribute values can never break out of their tag."""

from __future__ import annotations

from backcoach.skill.alexa.respond import escape, quoteattr, to_ssml


def test_text_escapes_the_three_markup_characters():
    assert escape('Tom & "Jerry" <b>') == 'Tom &amp; "Jerry" &lt;b&gt;'


def test_an_attribute_is_double_quoted_with_its_quotes_and_breaks_escaped():
    assert quoteattr('https://x/a.mp3?x=1&y="2"') == '"https://x/a.mp3?x=1&amp;y=&quot;2&quot;"'
    assert quoteattr("a\nb\tc") == '"a&#10;b&#9;c"'


def test_sentences_are_escaped_in_ssml():
    assert to_ssml(("Rest & breathe.", "Then <go>.")) == "Rest &amp; breathe. Then &lt;go&gt;."
