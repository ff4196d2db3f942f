"""Sentence templates to the sample utterances they stand for (hassil's template syntax).

A template is words, `(a|b|c)` alternatives, `[optional words]`, `<rule>` references to a
shared expansion rule, and `{slot}` references kept as they are for Alexa. Alternatives and
optional parts nest. "my {body_part} [really] (hurts|aches)" stands for four samples.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

_TOKEN = re.compile(r"\(|\)|\[|\]|\||<[\w-]+>|\{\w+\}|[^\s()\[\]|<>{}]+|\s+")


MAX_EXPANSION = 5_000
"""The most samples one template may stand for: past that, a template has grown by accident
(one more optional word doubles it) and would spend Alexa's model size on one sentence."""


class TemplateError(ValueError):
    """A template that cannot be read; the message quotes it and names the problem."""


@dataclass(frozen=True)
class _Words:
    words: tuple[str, ...]


@dataclass(frozen=True)
class _Choice:
    options: tuple[_Seq, ...]


@dataclass(frozen=True)
class _Rule:
    name: str


@dataclass(frozen=True)
class _Seq:
    items: tuple[_Words | _Choice | _Rule, ...]


def _parse(template: str) -> _Seq:
    """The template as a tree of sequences, choices and rule references."""
    tokens = [t for t in _TOKEN.findall(template) if not t.isspace()]
    if "".join(tokens) != "".join(template.split()):
        raise TemplateError(f"{template!r}: characters a template cannot hold")
    seq, rest = _sequence(template, tokens, 0, closer=None)
    if rest != len(tokens):
        raise TemplateError(f"{template!r}: unbalanced {tokens[rest]!r}")
    return seq


def _sequence(template: str, tokens: list[str], i: int, closer: str | None) -> tuple[_Seq, int]:
    """Items up to a `|` or the closing bracket (not consumed)."""
    items: list[_Words | _Choice | _Rule] = []
    while i < len(tokens) and tokens[i] not in ("|", ")", "]"):
        token = tokens[i]
        if token in ("(", "["):
            end = ")" if token == "(" else "]"
            options, i = _options(template, tokens, i + 1, end)
            if end == "]":
                options = (*options, _Seq(()))
            items.append(_Choice(options))
        elif token.startswith("<"):
            items.append(_Rule(token[1:-1]))
            i += 1
        else:
            items.append(_Words((token,)))
            i += 1
    if closer is None and i < len(tokens) and tokens[i] == "|":
        raise TemplateError(f"{template!r}: '|' outside brackets")
    return _Seq(tuple(items)), i


def _options(template: str, tokens: list[str], i: int, end: str) -> tuple[tuple[_Seq, ...], int]:
    """The alternatives of a bracket, and the index after its closer."""
    options = []
    while True:
        seq, i = _sequence(template, tokens, i, closer=end)
        options.append(seq)
        if i >= len(tokens):
            raise TemplateError(f"{template!r}: a bracket is never closed")
        if tokens[i] == "|":
            i += 1
            continue
        if tokens[i] != end:
            raise TemplateError(f"{template!r}: {tokens[i]!r} closes a {end!r} bracket")
        return tuple(options), i + 1


def _expand(node: _Seq, rules: Mapping[str, _Seq], seen: tuple[str, ...]) -> Iterator[str]:
    parts: list[list[str]] = []
    for item in node.items:
        if isinstance(item, _Words):
            parts.append([" ".join(item.words)])
        elif isinstance(item, _Rule):
            if item.name not in rules:
                raise TemplateError(f"<{item.name}>: no such expansion rule")
            if item.name in seen:
                raise TemplateError(f"<{item.name}>: refers to itself")
            parts.append(list(_expand(rules[item.name], rules, (*seen, item.name))))
        else:
            parts.append([s for option in item.options for s in _expand(option, rules, seen)])
    for combination in itertools.product(*parts):
        yield _joined(" ".join(" ".join(combination).split()))


_AFTER_SLOT = re.compile(r"(\}) 's\b")


def _joined(sentence: str) -> str:
    """A contraction written as its own alternative joins the word before it: "(it|that)
    ('s|is)" stands for "it's"; after a slot it is spelled out ("{body_part} is")."""
    return _AFTER_SLOT.sub(r"\1 is", sentence).replace(" '", "'")


def _count(node: _Seq, rules: Mapping[str, _Seq], seen: tuple[str, ...]) -> int:
    """How many sentences (with repeats) a parsed template stands for."""
    total = 1
    for item in node.items:
        if isinstance(item, _Rule):
            if item.name not in rules:
                raise TemplateError(f"<{item.name}>: no such rule")
            if item.name in seen:
                raise TemplateError(f"<{item.name}>: refers to itself")
            total *= _count(rules[item.name], rules, (*seen, item.name))
        elif isinstance(item, _Choice):
            total *= sum(_count(option, rules, seen) for option in item.options)
    return total


def expand(template: str, rules: Mapping[str, str] | None = None) -> list[str]:
    """Every sentence a template stands for, in order, without repeats or empty ones."""
    parsed = {name: _parse(text) for name, text in (rules or {}).items()}
    tree = _parse(template)
    if (count := _count(tree, parsed, ())) > MAX_EXPANSION:
        raise TemplateError(f"{template!r}: stands for {count} samples (at most {MAX_EXPANSION})")
    out = dict.fromkeys(s for s in _expand(tree, parsed, ()) if s)
    return list(out)
