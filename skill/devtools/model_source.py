"""The interaction model as written: sentence templates per intent, to the JSON Alexa takes.

`interaction_models/<locale>/*.yaml` hold the model by families of meaning: each file has
`intents` (name: `slots` and `sentences`, templates in hassil's syntax, sentences.py),
optional `rules` (shared `<name>` expansions) and `types` (custom slot types: values with
an id and synonyms). `build` expands them into `interaction_models/<locale>.json`, the file
the ASK CLI deploys and the simulator reads; a test keeps the two the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from backcoach.skill.devtools.sentences import TemplateError, expand
from backcoach.skill.domain.alexa_limits import MAX_SAMPLE_CHARS

SAMPLE_CHARS = re.compile(r"^[a-z' .]*(?:\{\w+\}[a-z' .]*)*$")
"""What a sample may hold: lowercase letters, apostrophes, periods (in abbreviations) and
spaces, and {slot} references (Alexa refuses digits and other symbols in samples)."""
SLOT_REF = re.compile(r"\{(\w+)\}")


class ModelSourceError(ValueError):
    """The sources cannot make a valid model; the message names the file and the problem."""


@dataclass(frozen=True)
class Conflict:
    """One sample two intents both claim (Alexa cannot tell them apart)."""

    sample: str
    intents: tuple[str, str]


def _load(path: Traversable) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ModelSourceError(
            f"{path.name}: cannot be read: {' '.join(str(exc).split())}"
        ) from exc
    if not isinstance(data, dict) or set(data) - {"invocation", "intents", "rules", "types"}:
        raise ModelSourceError(f"{path.name}: keys must be invocation, intents, rules, types")
    return data


def sources(folder: Traversable | Path) -> list[Traversable]:
    """The source files of one locale, in order (their order is the model's)."""
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)
    if not files:
        raise ModelSourceError(f"{folder}: no *.yaml sentence files")
    return files


def build(folder: Traversable | Path) -> dict[str, Any]:
    """The interaction model JSON for one locale's sentence files."""
    invocation, rules, intents, types = "", {}, {}, {}
    for path in sources(folder):
        data = _load(path)
        invocation = data.get("invocation", invocation)
        for name, template in (data.get("rules") or {}).items():
            if name in rules:
                raise ModelSourceError(f"{path.name}: rule <{name}> defined twice")
            rules[name] = str(template)
        for name, values in (data.get("types") or {}).items():
            types[name] = _slot_type(path.name, name, values)
        for name, spec in (data.get("intents") or {}).items():
            if name in intents:
                raise ModelSourceError(f"{path.name}: intent {name} defined twice")
            intents[name] = (path.name, spec or {})
    if not invocation:
        raise ModelSourceError(f"{folder}: no invocation name in any sentence file")
    built = [_intent(file, name, spec, rules, types) for name, (file, spec) in intents.items()]
    conflicts = find_conflicts(built)
    if conflicts:
        c = conflicts[0]
        raise ModelSourceError(f"sample {c.sample!r} is in both {c.intents[0]} and {c.intents[1]}")
    language = {"invocationName": invocation, "intents": built, "types": list(types.values())}
    return {"interactionModel": {"languageModel": language}}


def _intent(
    file: str, name: str, spec: dict, rules: dict[str, str], types: dict[str, dict]
) -> dict[str, Any]:
    """One intent of the JSON: its slots and every sample its sentences stand for."""
    slots = spec.get("slots") or {}
    for slot, kind in slots.items():
        if not (kind.startswith("AMAZON.") or kind in types):
            raise ModelSourceError(f"{file}: {name}.{slot}: no slot type {kind}")
    samples: list[str] = []
    for template in spec.get("sentences") or []:
        try:
            expanded = expand(str(template), rules)
        except TemplateError as exc:
            raise ModelSourceError(f"{file}: {name}: {exc}") from exc
        for sample in expanded:
            _check_sample(file, name, sample, slots)
        samples += expanded
    samples = list(dict.fromkeys(samples))
    out: dict[str, Any] = {"name": name}
    if slots or not name.startswith("AMAZON."):  # built-ins without slots are written bare
        out["slots"] = [{"name": slot, "type": kind} for slot, kind in slots.items()]
    return {**out, "samples": samples}


def _check_sample(file: str, intent: str, sample: str, slots: dict[str, str]) -> None:
    if not SAMPLE_CHARS.match(sample):
        raise ModelSourceError(f"{file}: {intent}: {sample!r}: only lowercase letters, ' and .")
    for slot in SLOT_REF.findall(sample):
        if slot not in slots:
            raise ModelSourceError(f"{file}: {intent}: {sample!r}: no slot {{{slot}}} declared")
    if len(sample) > MAX_SAMPLE_CHARS:
        raise ModelSourceError(f"{file}: {intent}: {sample!r}: over {MAX_SAMPLE_CHARS} chars")


def _slot_type(file: str, name: str, values: Iterable[dict]) -> dict[str, Any]:
    """A custom slot type: each value's id, name and synonyms."""
    out = []
    for value in values:
        if not isinstance(value, dict) or "id" not in value or "value" not in value:
            raise ModelSourceError(f"{file}: {name}: each value needs an id and a value")
        synonyms = [str(s) for s in value.get("synonyms") or []]
        out.append(
            {"id": str(value["id"]), "name": {"value": str(value["value"]), "synonyms": synonyms}}
        )
    return {"name": name, "values": out}


def slot_shape(sample: str, slots: dict[str, str]) -> str:
    """A sample with each slot reference replaced by its type: two intents with the same
    shape claim the same sentences."""
    return SLOT_REF.sub(lambda m: "{" + slots.get(m.group(1), m.group(1)) + "}", sample)


def find_conflicts(intents: list[dict[str, Any]]) -> list[Conflict]:
    """Samples (slots compared by type) that more than one intent claims."""
    owner: dict[str, str] = {}
    conflicts = []
    for intent in intents:
        slots = {s["name"]: s["type"] for s in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            shape = slot_shape(sample, slots)
            first = owner.setdefault(shape, intent["name"])
            if first != intent["name"]:
                conflicts.append(Conflict(sample, (first, intent["name"])))
    return conflicts


def write(model: dict[str, Any], path: Path) -> bool:
    """Write the model JSON as the repository keeps it; whether the file changed.

    Compact: Alexa limits the model's size (alexa_limits.MAX_MODEL_BYTES) and indentation
    would spend a third of it on spaces; the readable form is the YAML it is built from."""
    text = json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n"
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True
