"""The model as written (interaction_models/en-US/*.yaml) and its expansion to Alexa's JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backcoach.skill import cli
from backcoach.skill.devtools import coverage, model_source
from backcoach.skill.devtools.model_source import ModelSourceError, build
from backcoach.skill.devtools.nlu import Nlu
from backcoach.skill.devtools.sentences import TemplateError, expand

REPO_MODELS = Path(__file__).resolve().parents[2] / "interaction_models"

EXPANSIONS = [
    ("ready", ["ready"]),
    ("(go|start) now", ["go now", "start now"]),
    ("i'm [really] ready", ["i'm really ready", "i'm ready"]),
    ("my {body_part} (hurts|aches)", ["my {body_part} hurts", "my {body_part} aches"]),
    ("(a|[very] b) c", ["a c", "very b c", "b c"]),
    ("<please> stop", ["please stop", "stop"]),
    ("[a|a]", ["a"]),
]


@pytest.mark.parametrize(("template", "samples"), EXPANSIONS)
def test_templates_expand_to_their_samples(template, samples):
    assert expand(template, {"please": "[please]"}) == samples


@pytest.mark.parametrize(
    ("template", "rules", "problem"),
    [
        ("(go|stop", {}, "never closed"),
        ("go)", {}, "unbalanced"),
        ("<nowhere> now", {}, "no such rule"),
        ("<loop>", {"loop": "a <loop>"}, "refers to itself"),
        ("<ten> <ten> <ten> <ten>", {"ten": "(a|b|c|d|e|f|g|h|i|j)"}, "stands for 10000"),
    ],
)
def test_a_bad_template_is_named_with_its_problem(template, rules, problem):
    with pytest.raises(TemplateError, match=problem):
        expand(template, rules)


def _write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "00_model.yaml").write_text(text, encoding="utf-8")
    return folder


MINIMAL = """\
invocation: back coach
intents:
  ReadyIntent:
    sentences: ["(ready|go) [now]"]
"""


def test_a_folder_builds_to_alexas_shape(tmp_path):
    model = build(_write(tmp_path / "src", MINIMAL))
    language = model["interactionModel"]["languageModel"]
    assert language["invocationName"] == "back coach"
    assert language["intents"] == [
        {"name": "ReadyIntent", "slots": [], "samples": ["ready now", "ready", "go now", "go"]}
    ]


WRAPPED = """\
invocation: back coach
intents:
  WaitIntent:
    wrapped: ["hang on"]
types:
  WORDS_BEFORE:
    - {id: filler, value: okay, synonyms: [right]}
  WORDS_AFTER:
    - {id: address, value: mate}
  BODY_PART:
    forms: "[my|the] <value>"
    values:
      - {id: back, value: back, synonyms: [lower back]}
"""


def test_a_wrapped_sentence_takes_words_before_and_after_it(tmp_path):
    language = build(_write(tmp_path / "src", WRAPPED))["interactionModel"]["languageModel"]
    (wait,) = language["intents"]
    assert wait["samples"] == ["{before} hang on {after}", "{before} hang on"] + [
        "hang on {after}",
        "hang on",
    ]
    assert wait["slots"] == [
        {"name": "before", "type": "WORDS_BEFORE"},
        {"name": "after", "type": "WORDS_AFTER"},
    ]


def test_a_sample_the_wrapped_sentence_says_with_a_listed_word_around_it_is_left_out(tmp_path):
    """ "okay hang on mate" is "{before} hang on {after}" with listed words: the slots hear
    it, so it costs no bytes of its own."""
    sentences = '\n    sentences: ["okay hang on [mate]"]'
    text = WRAPPED.replace('["hang on"]', '["hang on"]' + sentences)
    language = build(_write(tmp_path / "src", text))["interactionModel"]["languageModel"]
    (wait,) = language["intents"]
    assert not {"okay hang on", "okay hang on mate"} & set(wait["samples"])
    nlu = Nlu(build(_write(tmp_path / "src", text)))
    assert nlu.understand("okay hang on mate").intent == "WaitIntent"


def test_a_sample_said_with_unlisted_words_around_is_left_out_where_nothing_changes(tmp_path):
    """ "wait hang on" is "{before} hang on" with an unlisted word, which a custom slot takes:
    left out. A start with unplaced words is not understood (intents.meaning), so "please do
    start" keeps its sample; a negation is never a wrapper's word, so "don't hang on" keeps
    its own."""
    text = WRAPPED.replace(
        '["hang on"]', '["hang on"]\n    sentences: ["wait hang on [mate]", "don\'t hang on"]'
    ).replace(
        "types:",
        "  StartRoutineIntent:\n    wrapped: [start]\n    sentences: [please do start]\ntypes:",
    )
    model = build(_write(tmp_path / "src", text))
    wait, start = model["interactionModel"]["languageModel"]["intents"]
    assert not {"wait hang on", "wait hang on mate"} & set(wait["samples"])
    assert "don't hang on" in wait["samples"] and "please do start" in start["samples"]
    nlu = Nlu(model)
    assert nlu.understand("wait hang on mate").intent == "WaitIntent"
    assert coverage.answered_by(nlu.understand("please do start")) == "StartRoutineIntent"


def test_a_wrapped_builtin_keeps_its_sentences_and_a_companion_takes_the_words_around(tmp_path):
    """A built-in takes no custom slots: it keeps each wrapped sentence as said, and its
    companion custom intent takes those of two words or more with words around them (never
    bare, which two intents would claim; a word alone with any words around it would be
    nearly any sentence)."""
    text = WRAPPED.replace("WaitIntent", "AMAZON.PauseIntent").replace(
        '["hang on"]', '["(freeze|hang on)"]'
    )
    language = build(_write(tmp_path / "src", text))["interactionModel"]["languageModel"]
    pause, companion = language["intents"]
    assert pause == {"name": "AMAZON.PauseIntent", "samples": ["freeze", "hang on"]}
    assert companion["name"] == "PauseWrappedIntent"
    assert companion["samples"] == [
        "{before} hang on {after}",
        "{before} hang on",
        "hang on {after}",
    ]
    assert [s["type"] for s in companion["slots"]] == ["WORDS_BEFORE", "WORDS_AFTER"]


def test_a_builtins_leads_take_words_after_them_only(tmp_path):
    """ "pause, my manager is calling": a word that begins a sentence and means one thing."""
    text = WRAPPED.replace("WaitIntent", "AMAZON.PauseIntent").replace(
        '["hang on"]', '["hang on"]\n    leads: [pause]'
    )
    language = build(_write(tmp_path / "src", text))["interactionModel"]["languageModel"]
    _, companion = language["intents"]
    assert "pause {after}" in companion["samples"]
    assert not [s for s in companion["samples"] if s.endswith("pause")]
    custom = WRAPPED.replace('["hang on"]', '["hang on"]\n    leads: [pause]')
    with pytest.raises(ModelSourceError, match="leads are a wrapped built-in's"):
        build(_write(tmp_path / "custom", custom))


def test_a_types_forms_say_each_value_with_the_words_around_it(tmp_path):
    language = build(_write(tmp_path / "src", WRAPPED))["interactionModel"]["languageModel"]
    (body_part,) = [t for t in language["types"] if t["name"] == "BODY_PART"]
    assert body_part["values"] == [
        {
            "id": "back",
            "name": {
                "value": "back",
                "synonyms": ["my back", "the back", "my lower back", "the lower back"]
                + ["lower back"],
            },
        }
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            WRAPPED.replace("WaitIntent", "StopWrappedIntent"),
            "StopWrappedIntent: a name ending WrappedIntent is a built-in's",
        ),
        (WRAPPED.replace("    forms:", "    form:"), "BODY_PART: a type is a list, or has forms"),
        (WRAPPED.replace('"[my|the] <value>"', '"[my <value>"'), "BODY_PART: forms: "),
        (MINIMAL + "  GoIntent:\n    sentences: [go]\n", "in both ReadyIntent and GoIntent"),
        (MINIMAL.replace("(ready|go)", "Ready"), "only lowercase"),
        (MINIMAL.replace("(ready|go)", "{x}"), "no slot {x} declared"),
        (MINIMAL.replace("(ready|go)", "tell me when"), "begins with a launch word"),
        (
            MINIMAL
            + "  PainIntent:\n    slots: {feeling: FEELING}\n    sentences: ['i feel {feeling}']\n"
            + "types:\n  FEELING:\n    - {id: a, value: sore, synonyms: [off]}\n",
            "every synonym is text",
        ),
        ("intents: {}\n", "no invocation name"),
        # Alexa refuses a phrase slot without words of the sample's own
        # (MissingCarrierPhraseWithPhraseSlot); a second slot beside one is refused here.
        (
            MINIMAL + "  SayIntent:\n    slots: {what: AMAZON.SearchQuery}\n"
            "    sentences: ['{what}']\n",
            "AMAZON.SearchQuery slot needs words of its own",
        ),
        (
            MINIMAL + "  SayIntent:\n    slots: {what: AMAZON.SearchQuery, n: AMAZON.NUMBER}\n"
            "    sentences: ['say {n} {what}']\n",
            "AMAZON.SearchQuery slot needs words of its own, no other slot",
        ),
        (
            MINIMAL + "  SayIntent:\n    slots: {a: AMAZON.SearchQuery, b: AMAZON.SearchQuery}\n"
            "    sentences: ['say {a}']\n",
            "one AMAZON.SearchQuery slot an intent",
        ),
    ],
)
def test_a_bad_model_is_refused_naming_what(tmp_path, text, problem):
    with pytest.raises(ModelSourceError, match=problem):
        build(_write(tmp_path / "src", text))


@pytest.mark.parametrize(
    ("limit", "value", "problem"),
    [
        ("MAX_MODEL_BYTES", 100, "bytes: Alexa takes 100 .largest: ReadyIntent"),
        ("MAX_INTENTS", 0, "1 intents: Alexa takes 0"),
        ("MAX_SAMPLE_CHARS", 3, "over 3 chars"),
    ],
)
def test_alexas_limits_are_enforced(tmp_path, monkeypatch, limit, value, problem):
    monkeypatch.setattr(model_source, limit, value)
    with pytest.raises(ModelSourceError, match=problem):
        build(_write(tmp_path / "src", MINIMAL))


def test_the_shipped_model_is_what_its_sources_expand_to():
    assert cli.main(["model", "build", "--check"]) == 0


def test_a_missing_sources_folder_is_named(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    assert cli.main(["model", "build", "--check", "--sources", str(missing)]) == 2
    err = capsys.readouterr().err
    assert str(missing) in err and "Traceback" not in err


def test_a_stale_model_is_named(tmp_path, capsys):
    stale = tmp_path / "en-US.json"
    stale.write_text('{"interactionModel": {}}\n')
    assert cli.main(["model", "build", "--check", "--out", str(stale)]) == 2
    assert "not what" in capsys.readouterr().err


def test_the_build_writes_then_leaves_a_current_file(tmp_path, capsys):
    source = _write(tmp_path / "src", MINIMAL)
    out = tmp_path / "model.json"
    for said in ("written", "unchanged"):
        assert cli.main(["model", "build", "--sources", str(source), "--out", str(out)]) == 0
        assert said in capsys.readouterr().out
    assert json.loads(out.read_text()) == build(source)


# -- the coverage command ------------------------------------------------------------------------


def test_coverage_counts_a_file_of_ones_own_sentences(tmp_path, capsys):
    mine = tmp_path / "mine.tsv"
    mine.write_text(
        "# what I say\nready\tReadyIntent\nmy knee is killing me\tPainIntent\n"
        "put the kettle on\tWaitIntent\n",
        encoding="utf-8",
    )
    assert cli.main(["coverage", str(mine)]) == 0
    out = capsys.readouterr().out
    assert f"{mine}: 2 of 3 understood (66.7 %)" in out
    assert "line 4: 'put the kettle on' -> AMAZON.FallbackIntent, want WaitIntent" in out
    assert cli.main(["coverage", str(mine), "--strict"]) == 1


@pytest.mark.parametrize(
    ("text", "problem"),
    [("ready\n", "want 'utterance<TAB>intent'"), ("# nothing\n", "no rows")],
)
def test_coverage_names_the_line_of_a_bad_file(tmp_path, capsys, text, problem):
    bad = tmp_path / "bad.tsv"
    bad.write_text(text, encoding="utf-8")
    assert cli.main(["coverage", str(bad)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and problem in err and "Traceback" not in err


def test_triage_decides_what_a_complaint_is_heard_as():
    nlu = Nlu.load()
    heard = {
        text: coverage.answered_by(nlu.understand(text))
        for text in ("my knee is sore", "my legs are numb", "my leg is numb", "my chest is sore")
    }
    assert heard == {
        "my knee is sore": "PainIntent",
        "my legs are numb": "UrgentIntent",
        "my leg is numb": "RedFlagIntent",
        "my chest is sore": "UrgentIntent",
    }


def test_a_builtins_own_phrasings_are_left_to_alexa(tmp_path):
    text = MINIMAL + "  AMAZON.NextIntent:\n    sentences: ['[okay] (next|skip it)']\n"
    language = build(_write(tmp_path / "src", text))["interactionModel"]["languageModel"]
    assert language["intents"][1] == {
        "name": "AMAZON.NextIntent",
        "samples": ["okay next", "okay skip it", "skip it"],
    }


def test_a_type_name_in_angle_brackets_says_each_of_its_values(tmp_path):
    text = (
        "invocation: back coach\n"
        "types:\n  GO:\n    - {id: go, value: go, synonyms: [go ahead, begin]}\n"
        "intents:\n  ReadyIntent:\n    slots: {go: GO}\n"
        "    sentences: ['<GO>', 'okay {go}']\n"
    )
    language = build(_write(tmp_path / "src", text))["interactionModel"]["languageModel"]
    assert language["intents"][0]["samples"] == ["go", "go ahead", "begin", "okay {go}"]


def test_a_key_written_twice_is_refused_not_dropped(tmp_path):
    text = MINIMAL + "    sentences: ['go now']\n"
    with pytest.raises(ModelSourceError, match="00_model.yaml: .*'sentences' is written twice"):
        build(_write(tmp_path / "src", text))
