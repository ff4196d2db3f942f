"""The skill package the ASK CLI deploys: skill.json and the interaction model."""

from __future__ import annotations

import json
from pathlib import Path

from backcoach.skill.config import Config
from backcoach.skill.devtools.nlu import MODELS_DIR

PLACEHOLDER_URL = "https://YOUR-PUBLIC-HOST"


def manifest(config: Config, locales: list[str]) -> dict:
    """skill.json for an HTTPS-hosted custom skill with AudioPlayer."""
    base = config.public_url or PLACEHOLDER_URL
    privacy = {"privacyPolicyUrl": config.privacy_url} if config.privacy_url else {}
    endpoint = {"uri": f"{base}/alexa", "sslCertificateType": "Trusted"}
    info = {
        "name": "Back Coach",
        "summary": "A spoken coach for five back-strengthening exercises, hands free.",
        "description": (
            "Back Coach talks you through five exercises that strengthen your back: pelvic "
            "extension, plank, butt lifter, lifting lunge and steamroller. It reads each "
            "exercise's steps, then counts every hold and rep for you, so you can stay on the "
            "floor. Say this hurts at any time and it stops. Not a substitute for medical "
            "advice: after a significant injury, or if you use a back brace, consult your "
            "physician first."
        ),
        "examplePhrases": [
            "Alexa, ask back coach to start my back routine",
            "Alexa, ask back coach how do I do the plank",
            "Alexa, ask back coach to play my back routine",
        ],
        "keywords": ["back", "exercise", "workout", "plank", "posture", "core", "fitness"],
    }
    return {
        "manifest": {
            "manifestVersion": "1.0",
            "publishingInformation": {
                "locales": {locale: info for locale in locales},
                "isAvailableWorldwide": False,
                "distributionCountries": ["US"],
                "category": "HEALTH_AND_FITNESS",
                "testingInstructions": "Say: Alexa, ask back coach to start my back routine.",
            },
            "privacyAndCompliance": {
                "allowsPurchases": False,
                # Progress is kept per Alexa user id (README, "Privacy"): stated, with a policy.
                "usesPersonalInfo": True,
                "isChildDirected": False,
                "isExportCompliant": True,
                "containsAds": False,
                "locales": {locale: privacy for locale in locales},
            },
            "apis": {
                "custom": {
                    "endpoint": endpoint,
                    "interfaces": [{"type": "AUDIO_PLAYER"}],
                }
            },
            "events": {
                "endpoint": endpoint,
                "subscriptions": [{"eventName": "SKILL_DISABLED"}],
            },
        }
    }


def export_skill_package(directory: Path, config: Config) -> list[Path]:
    """Write skill.json and interactionModels/custom/<locale>.json; return the paths."""
    names = (p.name for p in MODELS_DIR.iterdir())
    locales = sorted(name.removesuffix(".json") for name in names if name.endswith(".json"))
    if not locales:
        raise FileNotFoundError(f"no interaction model (*.json) in {MODELS_DIR}")
    directory.mkdir(parents=True, exist_ok=True)
    written = [directory / "skill.json"]
    written[0].write_text(json.dumps(manifest(config, locales), indent=2) + "\n")
    models = directory / "interactionModels" / "custom"
    models.mkdir(parents=True, exist_ok=True)
    for locale in locales:
        target = models / f"{locale}.json"
        target.write_text((MODELS_DIR / f"{locale}.json").read_text())
        written.append(target)
    return written
