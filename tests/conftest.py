"""Shared fixtures: the real routine, phrases, coach and skill."""

from __future__ import annotations

import random

import pytest

from skill.coach import Coach
from skill.factory import build_skill
from skill.routine import load_routine
from skill.speech import load_phrases
from tests.helpers import Conversation, in_process


@pytest.fixture(scope="session")
def routine():
    return load_routine()


@pytest.fixture(scope="session")
def phrases():
    return load_phrases("en-US")


@pytest.fixture
def coach(routine, phrases):
    return Coach(routine, phrases, rng=random.Random(7))


@pytest.fixture(scope="session")
def skill(routine, phrases):
    return build_skill(routine, phrases)


@pytest.fixture
def conv(skill):
    return Conversation(in_process(skill))
