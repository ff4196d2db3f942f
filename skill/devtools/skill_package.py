"""The skill package `ask deploy` takes: ask-resources.json, skill.json, models and icons."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import AfterValidator, ConfigDict, TypeAdapter, ValidationError

from backcoach.skill.alexa.screen_directives import VIEWPORTS, Viewport
from backcoach.skill.config import SETTINGS
from backcoach.skill.devtools.icons import ASSETS, ICON_SIZES, icon_file
from backcoach.skill.devtools.nlu import MODELS_DIR
from backcoach.skill.domain.validation import Loc, dotted, one_line, unreadable

PLACEHOLDER_URL = "https://YOUR-PUBLIC-HOST"
"""The endpoint a --draft package points at when no public URL is set."""
ENDPOINT_PATH = "/alexa"
"""Where the endpoint takes Alexa's requests (the route in skill/web/app.py)."""
SETTINGS_FILE = "skill-package.yaml"
"""The optional settings file, looked for in the current directory."""
PACKAGE_DIR = "skill-package"
"""The folder ask-resources.json points the ASK CLI at."""
ASK_RESOURCES_VERSION = "2020-03-31"
"""The ask-resources.json schema the ASK CLI v2 reads."""
SslCertificateType = Literal["Trusted", "Wildcard", "SelfSigned"]
LAMBDA_ARN = re.compile(
    r"arn:aws:lambda:(?P<region>[a-z]{2}(?:-[a-z]+)+-\d):\d{12}:function:[A-Za-z0-9_-]{1,64}"
    r"(?::(?:\$LATEST|[A-Za-z0-9_-]{1,128}))?"
)
"""A Lambda function's ARN, with an optional version or alias: what Alexa invokes."""
ALEXA_LAMBDA_REGIONS = ("us-east-1", "eu-west-1", "us-west-2", "ap-northeast-1")
"""The AWS regions where the Alexa Skills Kit can trigger a Lambda function."""

ENV = {
    "public_url": SETTINGS["public_url"],
    "privacy_url": SETTINGS["privacy_url"],
    "terms_url": "BACKCOACH_TERMS_URL",
    "ssl_cert_type": "BACKCOACH_SSL_CERT_TYPE",
    "lambda_arn": "BACKCOACH_LAMBDA_ARN",
}
"""The environment variable of each package setting (they override the settings file)."""


class PackageError(ValueError):
    """The package cannot be written as asked; the message names the setting or file."""


def _web_url(url: str | None) -> str | None:
    """An http(s) URL with a host, without a trailing slash (https is demanded at export)."""
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"must be an https:// URL, got {url!r}")
    return url.rstrip("/")


def _endpoint_url(url: str | None) -> str | None:
    """public_url: a web URL; an ARN is named for what it is, since it has its own setting."""
    if url is not None and url.startswith("arn:"):
        raise ValueError(f"must be an https:// URL (a Lambda ARN goes in {ENV['lambda_arn']})")
    return _web_url(url)


def _lambda_arn(arn: str | None) -> str | None:
    """A Lambda function's ARN in a region Alexa calls."""
    if arn is None:
        return None
    found = LAMBDA_ARN.fullmatch(arn)
    if not found:
        raise ValueError(
            f"must be a Lambda function ARN, arn:aws:lambda:REGION:ACCOUNT:function:NAME[:ALIAS],"
            f" got {arn!r}"
        )
    if found["region"] not in ALEXA_LAMBDA_REGIONS:
        raise ValueError(
            f"Alexa invokes Lambda only in {', '.join(ALEXA_LAMBDA_REGIONS)}, got {found['region']}"
        )
    return arn


WebUrl = Annotated[str | None, AfterValidator(_web_url)]
EndpointUrl = Annotated[str | None, AfterValidator(_endpoint_url)]
LambdaArn = Annotated[str | None, AfterValidator(_lambda_arn)]


@dataclass(frozen=True)
class PackageSettings:
    """What a person must tell the package: where the skill is served and its policies."""

    __pydantic_config__ = ConfigDict(extra="forbid")

    public_url: EndpointUrl = None
    """https base URL of the endpoint; the package points Alexa at <public_url>/alexa."""
    privacy_url: WebUrl = None
    """The privacy policy page (required for certification)."""
    terms_url: WebUrl = None
    """The terms of use page (required for certification)."""
    ssl_cert_type: SslCertificateType = "Trusted"
    """The endpoint's certificate: Trusted (a CA's), Wildcard or SelfSigned (uploaded)."""
    lambda_arn: LambdaArn = None
    """The Lambda function Alexa invokes instead; then public_url is not the endpoint (on
    Lambda it names only the audio's host, so it may well be set too)."""

    @property
    def endpoint(self) -> str:
        """The endpoint's URI: the Lambda function, else <public_url>/alexa."""
        if self.lambda_arn:
            return self.lambda_arn
        return f"{self.public_url or PLACEHOLDER_URL}{ENDPOINT_PATH}"

    def manifest_endpoint(self) -> dict[str, str]:
        """The manifest's endpoint object; a certificate type only for https (Amazon's rule)."""
        if self.lambda_arn:
            return {"uri": self.lambda_arn}
        return {"uri": self.endpoint, "sslCertificateType": self.ssl_cert_type}

    def problems(self) -> list[str]:
        """What keeps this package from certification (a --draft ignores them)."""
        out = [] if self.lambda_arn else self._url_problems()  # an ARN is checked when read
        for name, page in (("privacy_url", "privacy policy"), ("terms_url", "terms of use")):
            url = getattr(self, name)
            if not url:
                out.append(f"no {page}: set {ENV[name]} or {name} in {SETTINGS_FILE}")
            elif not url.startswith("https://"):
                out.append(f"{name} must be https, got {url}")
        return out

    def _url_problems(self) -> list[str]:
        """What is wrong with public_url as the endpoint, when no Lambda function is."""
        if not self.public_url or self.public_url == PLACEHOLDER_URL:
            return [
                f"no endpoint: set {ENV['public_url']} or public_url in {SETTINGS_FILE}"
                f" ({ENV['lambda_arn']} or lambda_arn for a Lambda function)"
            ]
        if not self.public_url.startswith("https://"):
            return [f"public_url must be https (Alexa calls only https), got {self.public_url}"]
        return []


_SETTINGS = TypeAdapter(PackageSettings)


def load_settings(path: Path | None, env: Mapping[str, str]) -> PackageSettings:
    """The settings file's values (when there is one), overridden by the environment."""
    values: dict[str, Any] = {}
    if path is not None:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise PackageError(unreadable(str(path), exc)) from exc
        if data is not None and not isinstance(data, dict):
            raise PackageError(f"{path}: must be a mapping of settings")
        values.update(data or {})
    from_env = {name for name, variable in ENV.items() if env.get(variable, "").strip()}
    values.update({name: env[ENV[name]].strip() for name in from_env})

    def where(loc: Loc) -> str:
        """The environment variable a bad value came from, or the file and its field."""
        name = str(loc[0]) if loc else ""
        return ENV[name] if name in from_env else f"{path}: {dotted(loc)}"

    try:
        return _SETTINGS.validate_python(values)
    except ValidationError as exc:
        raise PackageError(one_line(exc, "", where)) from None


STORE_TEXT = {
    "en-US": {
        "name": "Back Coach",
        # Written for routing as much as for people: Alexa+ matches requests ("a plank timer",
        # "back exercises") against the summary, description and keywords.
        "summary": (
            "Back exercises, coached by voice: a back routine of five core-strengthening "
            "exercises, every hold and rep counted, hands free."
        ),
        "description": (
            "Back Coach is a spoken coach for back exercises and core strengthening. It talks "
            "you through a back routine of five exercises: pelvic extension, plank, butt "
            "lifter, lifting lunge and steamroller. It reads each exercise's steps, then times "
            "every hold and counts every rep for you, like a plank timer that also coaches, so "
            "you can stay on the floor. Physio-style coaching: it starts gently, goes up as "
            "you get stronger, and asks how your back feels. Say this hurts at any time and it "
            "stops. Not a substitute for medical advice: after a significant injury, or if you "
            "use a back brace, consult your physician first."
        ),
        "examplePhrases": [
            "Alexa, open back coach",
            "Alexa, ask back coach to start my back routine",
            "Alexa, ask back coach to play my back routine",
        ],
        "keywords": [
            "back exercises",
            "back routine",
            "core strengthening",
            "plank timer",
            "physio",
            "back strength",
            "posture",
            "core",
            "workout",
            "exercise coach",
        ],
    }
}
"""The store listing of each locale the skill is published in."""

ENGLISH = {"en-GB": "GB", "en-CA": "CA", "en-AU": "AU", "en-IN": "IN"}
"""The other English-speaking Alexa markets (with their country): the same coaching, the
same audio and one interaction model (its sentences cover their words too: "physio", "GP",
"mum", "bum"), published from the en-US model and listing."""
COUNTRY = {"en-US": "US", **ENGLISH}


def icon_uri(locale: str, role: str) -> str:
    """The package-relative URI the ASK CLI uploads an icon from (`file://assets/...`)."""
    return f"file://assets/images/{locale}_{role}IconUri.png"


def viewport_spec(viewport: Viewport) -> dict:
    """One supportedViewports entry: the profile's mode, shape and size range."""
    return {
        "mode": viewport.mode,
        "shape": "RECTANGLE",
        "minWidth": viewport.min_width,
        "maxWidth": viewport.max_width,
        "minHeight": viewport.min_height,
        "maxHeight": viewport.max_height,
    }


def interfaces() -> list[dict]:
    """Every interface the skill's responses use: AudioPlayer, APL for the Echo Show screen
    (a device offers Alexa.Presentation.APL only to skills that declare it), and
    CanFulfillIntentRequest, which Alexa sends only to skills that declare it."""
    return [
        {"type": "AUDIO_PLAYER"},
        {"type": "CAN_FULFILL_INTENT_REQUEST"},
        {
            "type": "ALEXA_PRESENTATION_APL",
            "supportedViewports": [viewport_spec(v) for v in VIEWPORTS],
        },
    ]


def manifest(settings: PackageSettings, locales: list[str]) -> dict:
    """skill.json for a custom skill (an https endpoint or a Lambda function) with AudioPlayer
    and APL."""
    endpoint = settings.manifest_endpoint()
    policies = {
        key: url
        for key, url in (
            ("privacyPolicyUrl", settings.privacy_url),
            ("termsOfUseUrl", settings.terms_url),
        )
        if url
    }
    listing = {
        locale: {
            **STORE_TEXT[source_of(locale)],
            **{f"{role}IconUri": icon_uri(locale, role) for role in ICON_SIZES},
        }
        for locale in locales
    }
    return {
        "manifest": {
            "manifestVersion": "1.0",
            "publishingInformation": {
                "locales": listing,
                "isAvailableWorldwide": False,
                "distributionCountries": [COUNTRY[locale] for locale in locales],
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
                "locales": {locale: policies for locale in locales},
            },
            # Personalisation only: Alexa then sends a recognised speaker's personId, so each
            # voice on a shared Echo keeps their own progress (README, "Privacy").
            "permissions": [
                {"name": "alexa::person_id:read"},
                {"name": "alexa::alerts:reminders:skill:readwrite"},
            ],
            "apis": {
                "custom": {
                    "endpoint": endpoint,
                    "interfaces": interfaces(),
                }
            },
            "events": {
                "endpoint": endpoint,
                "subscriptions": [{"eventName": "SKILL_DISABLED"}],
            },
        }
    }


def ask_resources() -> dict:
    """ask-resources.json: the ASK CLI v2 deploys the skill package folder beside it."""
    return {
        "askcliResourcesVersion": ASK_RESOURCES_VERSION,
        "profiles": {"default": {"skillMetadata": {"src": f"./{PACKAGE_DIR}"}}},
    }


def package_locales(models_dir: Traversable | Path, locale: str) -> list[str]:
    """The locales to publish: one per interaction model, each with a store listing."""
    names = (p.name for p in models_dir.iterdir())
    locales = sorted(name.removesuffix(".json") for name in names if name.endswith(".json"))
    if not locales:
        raise PackageError(f"no interaction model (*.json) in {models_dir}")
    if locale not in locales:
        raise PackageError(f"{locale}: no interaction model ({models_dir}/{locale}.json)")
    unlisted = [name for name in locales if name not in STORE_TEXT]
    if unlisted:
        raise PackageError(f"{unlisted[0]}: an interaction model but no store listing (STORE_TEXT)")
    # The en-US model and listing serve every English market without one of its own.
    english = [name for name in ENGLISH if name not in locales] if "en-US" in locales else []
    return sorted([*locales, *english])


def source_of(locale: str) -> str:
    """The locale whose model and listing a published locale uses (its own, or en-US)."""
    return "en-US" if locale in ENGLISH and locale not in STORE_TEXT else locale


def export_skill_package(
    directory: Path,
    settings: PackageSettings,
    *,
    locale: str = "en-US",
    draft: bool = False,
    models_dir: Traversable | Path = MODELS_DIR,
) -> list[Path]:
    """Write ask-resources.json and skill-package/ under `directory`; return the files."""
    problems = [] if draft else settings.problems()
    if problems:
        raise PackageError(f"{problems[0]} (--draft writes a package not for certification)")
    locales = package_locales(models_dir, locale)
    package = directory / PACKAGE_DIR
    models = package / "interactionModels" / "custom"
    images = package / "assets" / "images"
    for folder in (models, images):
        folder.mkdir(parents=True, exist_ok=True)
    written = [directory / "ask-resources.json", package / "skill.json"]
    written[0].write_text(json.dumps(ask_resources(), indent=2) + "\n")
    written[1].write_text(json.dumps(manifest(settings, locales), indent=2) + "\n")
    for name in locales:
        target = models / f"{name}.json"
        target.write_text((models_dir / f"{source_of(name)}.json").read_text())
        written.append(target)
        for role in ICON_SIZES:
            icon = package / icon_uri(name, role).removeprefix("file://")
            with (ASSETS / icon_file(role)).open("rb") as source, icon.open("wb") as out:
                shutil.copyfileobj(source, out)
            written.append(icon)
    return written
