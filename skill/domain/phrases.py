"""Spoken strings per locale, loaded from data files."""

from __future__ import annotations

import random
from dataclasses import dataclass

from backcoach.skill.domain.package_data import package_dir
from backcoach.skill.domain.plan import CueWords
from backcoach.skill.domain.validation import load_data

LOCALE_DIR = package_dir("backcoach.skill") / "locale"
"""The phrase tables shipped inside the package, one YAML file per locale (and its JSON twin
in a Lambda package: `backcoach package lambda` writes it, and it is read instead)."""


class PhraseError(KeyError):
    """A phrase key is missing from the locale file."""


@dataclass(frozen=True)
class Phrases:
    """The strings of one locale; `say(key, **values)` formats one of them."""

    locale: str
    table: dict

    def raw(self, key: str):
        """The entry at a dotted key (a string, or a list of variants)."""
        node = self.table
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise PhraseError(f"{self.locale}: no phrase '{key}'")
            node = node[part]
        return node

    def say(self, key: str, rng: random.Random | None = None, **values) -> str:
        """The phrase at `key` (a random variant if it has several), formatted with `values`."""
        entry = self.raw(key)
        if isinstance(entry, list):
            entry = (rng or random).choice(entry)
        return " ".join(str(entry).split()).format(**values)

    @property
    def cue_words(self) -> CueWords:
        """Words spoken inside timed clips (their placeholders are the plan's to fill)."""
        fields = CueWords.__dataclass_fields__
        return CueWords(**{k: " ".join(str(self.raw(f"cues.{k}")).split()) for k in fields})


def load_phrases(locale: str = "en-US") -> Phrases:
    """Load the phrase table for a locale."""
    path = LOCALE_DIR / f"{locale}.json"
    if not path.is_file():
        path = LOCALE_DIR / f"{locale}.yaml"
    if not path.is_file():
        have = sorted(
            p.name.removesuffix(".yaml") for p in LOCALE_DIR.iterdir() if p.name.endswith(".yaml")
        )
        raise PhraseError(f"BACKCOACH_LOCALE: no phrases for {locale!r} (have: {', '.join(have)})")
    try:
        table = load_data(path.read_text(encoding="utf-8"), path.name)
    except (OSError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
        raise PhraseError(f"{path.name}: cannot be read: {' '.join(str(exc).split())}") from exc
    if not isinstance(table, dict):
        raise PhraseError(f"{path.name}: must be a mapping of phrase keys")
    return Phrases(locale, table)
