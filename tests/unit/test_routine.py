"""The routine content: faithful to the seed, validated at load."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from backcoach.skill.domain.routine import DEFAULT_ROUTINE, ContentError, load_routine
from tests.helpers import DELETE, changed

IDS = ["pelvic_extension", "plank", "butt_lifter", "lifting_lunge", "steamroller"]

# What the seed says that must survive, per exercise (as written for the ear).
SEED_PHRASES = {
    "pelvic_extension": [
        "flat surface",
        "about hip-width apart",
        "Squeeze your glutes",
        "your back, your stomach and your buttocks",
        "straight line from your knees to your shoulders",
        "a few seconds",
        "lower your back slowly",
        "That is one rep",
        "twelve to fifteen",
    ],
    "plank": [
        "face down",
        "palms flat on the floor",
        "Bend your arms at the elbows",
        "flex your toes",
        "Keep your back straight and pull your stomach in",
        "forearms and your toes",
        "pelvis pulled up and your abdomen tight",
        "sag toward the ground",
        "buttocks don't stick up too high",
        "straight line from your neck to your ankles",
        "up to thirty seconds, depending on your ability",
        "three to five reps",
        "works so many muscles at the same time",
    ],
    "butt_lifter": [
        "all fours",
        "hands flat and shoulder-width apart",
        "knees hip-width apart",
        "pull your stomach and pelvis in",
        "throughout the exercise",
        "straight back and tight abdomen",
        "right knee, bent, in toward your chest",
        "parallel with the floor",
        "five to fifteen times",
        "switch legs",
        "left and right sides",
    ],
    "lifting_lunge": [
        "Stand up straight",
        "pull in your abs gently",
        "hands on your hips",
        "step forward with your right leg",
        "firmly and flat on the ground",
        "knee does not extend out further than your ankle",
        "ninety-degree angle",
        "Immediately push back up",
        "abdominal muscles to help pull your leg off the ground",
        "knee toward your chest",
        "Hug it, and place it back on the ground",
        "Switch legs and repeat",
        "ten to twelve",
    ],
    "steamroller": [
        "no arch or sag in your back",
        "palms on the back of your head",
        "lying in bed",
        "lace your fingers",
        "right knee to try to meet your left elbow",
        "standing completely upright",
        "Switch, and repeat",
        "knees higher and closer to your elbows",
        "very quickly",
        "thirty to fifty on each side",
        "strengthens your abdomen and the range of motion in your hips",
    ],
}


def _all_text(exercise) -> str:
    return " ".join(
        [exercise.start, *exercise.steps, exercise.target, exercise.why, exercise.variation]
    ).lower()


def test_five_exercises_floor_first(routine):
    assert [ex.id for ex in routine.exercises] == IDS
    assert [ex.name for ex in routine.exercises][:2] == ["pelvic extension", "plank"]


@pytest.mark.parametrize(
    "exercise_id,phrase",
    [(ex_id, phrase) for ex_id, phrases in SEED_PHRASES.items() for phrase in phrases],
)
def test_nothing_the_seed_says_is_lost(routine, exercise_id, phrase):
    assert phrase.lower() in _all_text(routine.get(exercise_id))


def test_safety_text_from_the_seed(routine):
    s = routine.safety
    assert "not intended to supplement or replace advice from a medical professional" in (
        s.disclaimer
    )
    assert "significant injury" in s.disclaimer and "back brace" in s.disclaimer
    assert "consult your physician" in s.disclaimer
    assert "Stop" in s.pain and "physician" in s.pain
    assert "back braces" in s.outcome
    assert "80" in routine.intro or "eighty percent" in routine.intro
    assert any("lean body mass" in f for f in routine.fundamentals)


# The seed's targets are the top levels; the beginner dose is at or below the low end.
TARGETS = {
    "pelvic_extension": {"reps": 15, "sets": 1},
    "plank": {"sets": 5, "hold_s": 30},
    "butt_lifter": {"reps": 15, "sets": 1},
    "lifting_lunge": {"reps": 12, "sets": 1},
    "steamroller": {"reps": 50, "sets": 1},
}


@pytest.mark.parametrize("exercise_id", IDS)
def test_levels_build_up_to_the_seed_target(routine, exercise_id):
    dose = routine.get(exercise_id).dose
    top = dose.levels[-1]
    for field, value in TARGETS[exercise_id].items():
        assert getattr(top, field) == value
    beginner = dose.levels[0]
    assert beginner.reps * beginner.sets <= top.reps * top.sets
    assert len(dose.levels) >= 4


def test_sides(routine):
    assert routine.get("butt_lifter").dose.sides == "each"
    assert routine.get("lifting_lunge").dose.sides == "each"
    assert routine.get("steamroller").dose.sides == "alternating"
    assert routine.get("plank").dose.pattern == "holds"


def _raw():
    return yaml.safe_load(DEFAULT_ROUTINE.read_text())


BROKEN = [
    (("exercises", 1, "steps"), [], "exercise 'plank': steps: must be a non-empty list"),
    (("exercises", 1, "name"), DELETE, "exercise 'plank': name: is missing"),
    (
        ("exercises", 0, "dose", "pattern"),
        "jumps",
        "exercise 'pelvic_extension': dose.pattern: must be 'reps' or 'holds', got 'jumps'",
    ),
    (
        ("exercises", 1, "dose", "levels", 2, "hold_s"),
        -3,
        "exercise 'plank': dose.levels[2].hold_s: must be >= 0, got -3",
    ),
    (
        ("exercises", 2, "dose", "levels", 1, "reps"),
        "eight",
        "exercise 'butt_lifter': dose.levels[1].reps: must be a whole number, got 'eight'",
    ),
    (
        ("exercises", 3, "dose", "tempo", 0, "seconds"),
        0,
        "exercise 'lifting_lunge': dose.tempo[0].seconds: must be > 0 for a movement that is not",
    ),
    (
        ("exercises", 0, "dose", "tempo", 1, "counted"),
        "yes",
        "exercise 'pelvic_extension': dose.tempo[1].counted: must be true or false, got 'yes'",
    ),
    (
        ("exercises", 1, "dose", "levels", 2, "hold_s"),
        0,
        "exercise 'plank': dose.levels[2].hold_s: must be at least 1 second for a counted hold",
    ),
    (
        ("exercises", 4, "dose", "levels", 3),
        {"reps": 1},
        "exercise 'steamroller': dose.levels[3]: each level must be harder",
    ),
    (
        ("exercises", 4, "dose", "sides"),
        "both",
        "exercise 'steamroller': dose.sides: must be 'none', 'each' or 'alternating'",
    ),
    (
        ("exercises", 0, "id"),
        "pelvic extension",
        "exercises[0].id: must be an identifier like 'plank'",
    ),
    (("exercises", 1), "plank", "exercises[1]: must be a mapping, got 'plank'"),
    (("safety", "disclaimer"), "", "safety.disclaimer: must be non-empty text"),
]


@pytest.mark.parametrize("path,value,where", BROKEN, ids=[b[2] for b in BROKEN])
def test_malformed_content_names_file_exercise_and_field(tmp_path, path, value, where):
    broken = tmp_path / "broken_routine.yaml"
    broken.write_text(yaml.safe_dump(changed(_raw(), path, value)))
    with pytest.raises(ContentError) as info:
        load_routine(broken)
    assert str(info.value).startswith(f"broken_routine.yaml: {where}")
    assert "\n" not in str(info.value)


def test_duplicate_ids_are_refused(tmp_path):
    data = _raw()
    data["exercises"].append(copy.deepcopy(data["exercises"][0]))
    path = tmp_path / "dup.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(
        ContentError, match="^dup.yaml: exercise 'pelvic_extension': id: is used twice$"
    ):
        load_routine(path)


def test_every_problem_is_counted_on_the_one_line(tmp_path):
    path = tmp_path / "two.yaml"
    path.write_text(yaml.safe_dump(changed(changed(_raw(), ("name",), 3), ("intro",), "")))
    with pytest.raises(ContentError, match=r"^two.yaml: name: must be text, got 3 \(and 1 more"):
        load_routine(path)


def test_unreadable_yaml(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("exercises: [unclosed")
    with pytest.raises(ContentError, match="bad.yaml: cannot be read"):
        load_routine(path)


def test_a_json_routine_is_the_same_routine(tmp_path):
    """A Lambda package carries the routine as JSON (no YAML parser at a cold start)."""
    path = tmp_path / "routine.json"
    path.write_text(json.dumps(_raw()))
    assert load_routine(path) == load_routine()
    bad = tmp_path / "bad.json"
    bad.write_text('{"exercises": [')
    with pytest.raises(ContentError, match="^bad.json: cannot be read: Expecting value"):
        load_routine(bad)


def test_phrases_read_their_json_twin_first(tmp_path, monkeypatch):
    from backcoach.skill.domain import phrases

    (tmp_path / "en-US.json").write_text(json.dumps({"hello": "from JSON"}))
    (tmp_path / "en-US.yaml").write_text("hello: from YAML\n")
    monkeypatch.setattr(phrases, "LOCALE_DIR", tmp_path)
    assert phrases.load_phrases("en-US").raw("hello") == "from JSON"
