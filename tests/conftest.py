"""Shared fixtures: the real routine, phrases, coach, audio build and skill."""

from __future__ import annotations

import random

import pytest

from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.phrases import load_phrases
from backcoach.skill.domain.routine import load_routine

PUBLIC_URL = "https://coach.example.com"


@pytest.fixture(scope="session")
def routine():
    return load_routine()


@pytest.fixture(scope="session")
def phrases():
    return load_phrases("en-US")


@pytest.fixture
def coach(routine, phrases):
    return Coach(routine, phrases, rng=random.Random(7))
