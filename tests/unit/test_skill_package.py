"""The exported skill package is what `ask deploy` and certification take, by Amazon's models."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import get_args

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_smapi_model.v1.skill.interaction_model.interaction_model_data import (
    InteractionModelData,
)
from ask_smapi_model.v1.skill.manifest.alexa_presentation_apl_interface import (
    AlexaPresentationAplInterface,
)
from ask_smapi_model.v1.skill.manifest.interface import Interface
from ask_smapi_model.v1.skill.manifest.interface_type import InterfaceType
from ask_smapi_model.v1.skill.manifest.skill_manifest_envelope import SkillManifestEnvelope
from ask_smapi_model.v1.skill.manifest.ssl_certificate_type import SSLCertificateType
from ask_smapi_model.v1.skill.manifest.viewport_mode import ViewportMode
from ask_smapi_model.v1.skill.manifest.viewport_shape import ViewportShape

import backcoach.skill as skill_code
from backcoach.skill.alexa.screen_directives import VIEWPORTS
from backcoach.skill.alexa.skill_builder import build_skill
from backcoach.skill.devtools.icons import ASSETS, ICON_SIZES, draw_icon, icon_file, png_size
from backcoach.skill.devtools.nlu import MODELS_DIR
from backcoach.skill.devtools.simulator import SessionState, Simulator, in_process
from backcoach.skill.devtools.skill_package import (
    PLACEHOLDER_URL,
    PackageError,
    PackageSettings,
    SslCertificateType,
    export_skill_package,
    load_settings,
)

HOST = "https://coach.example.com"
READY = PackageSettings(public_url=HOST, privacy_url=f"{HOST}/privacy", terms_url=f"{HOST}/terms")
ARN = "arn:aws:lambda:eu-west-1:123456789012:function:backcoach"
serializer = DefaultSerializer()
INTERFACE_OF = {"AudioPlayer": "AUDIO_PLAYER", "Alexa.Presentation.APL": "ALEXA_PRESENTATION_APL"}
"""The manifest interface each directive namespace the skill sends needs."""
PERMISSION_USE = re.compile(r"alexa::[a-z_:.]+|Connections\.SendRequest|AskFor|consent_token")
"""How code would ask for a permission: a scope, a Connections request, the consent token."""


def _without_enum_only_interfaces(raw: dict) -> dict:
    """The manifest less the interfaces Amazon's model knows only as a type name (checked
    here against its `InterfaceType` enum, which lists CAN_FULFILL_INTENT_REQUEST, while its
    `Interface` class map has no class for it, so its deserializer cannot read one)."""
    known = {t.value for t in InterfaceType}
    classes = Interface.discriminator_value_class_map
    apis = raw.get("manifest", {}).get("apis", {}).get("custom", {})
    kept = []
    for interface in apis.get("interfaces", []):
        if interface["type"] in classes:
            kept.append(interface)
        else:
            assert interface["type"] in known and set(interface) == {"type"}, interface
    if "interfaces" in apis:
        apis["interfaces"] = kept
    return raw


def amazon_model(path: Path, kind: type):
    """The file read with Amazon's own model class; every key must survive the round trip,
    so a key Amazon's model does not know (a misspelling, a wrong level) fails here."""
    raw = _without_enum_only_interfaces(json.loads(path.read_text()))
    parsed = serializer.deserialize(json.dumps(raw), kind)
    assert serializer.serialize(parsed) == raw, f"{path.name}: keys Amazon's model drops"
    return parsed


@pytest.fixture
def exported(tmp_path) -> Path:
    export_skill_package(tmp_path, READY)
    return tmp_path


def test_ask_resources_points_the_cli_at_the_package(exported):
    resources = json.loads((exported / "ask-resources.json").read_text())
    assert resources["askcliResourcesVersion"] == "2020-03-31"
    src = resources["profiles"]["default"]["skillMetadata"]["src"]
    assert (exported / src / "skill.json").is_file()


def test_manifest_has_every_field_certification_needs(exported):
    package = exported / "skill-package"
    manifest = amazon_model(package / "skill.json", SkillManifestEnvelope).manifest
    publishing = manifest.publishing_information
    models = sorted(p.stem for p in (package / "interactionModels" / "custom").glob("*.json"))
    # Every English-speaking Alexa market, from the one English model.
    assert sorted(publishing.locales) == models == ["en-AU", "en-CA", "en-GB", "en-IN", "en-US"]
    for locale, listing in publishing.locales.items():
        assert listing.name and listing.summary and listing.description
        assert 1 <= len(listing.example_phrases) <= 3
        assert all(p.startswith("Alexa, ") for p in listing.example_phrases)
        assert listing.keywords
        for role, size in ICON_SIZES.items():
            uri = getattr(listing, f"{role}_icon_uri")
            assert uri.startswith("file://assets/")
            icon = package / uri.removeprefix("file://")
            assert png_size(icon.read_bytes()) == (size, size)
        policies = manifest.privacy_and_compliance.locales[locale]
        assert policies.privacy_policy_url == f"{HOST}/privacy"
        assert policies.terms_of_use_url == f"{HOST}/terms"
    assert publishing.category == "HEALTH_AND_FITNESS"
    assert sorted(c.value for c in publishing.distribution_countries) == [
        "AU",
        "CA",
        "GB",
        "IN",
        "US",
    ]
    assert publishing.testing_instructions
    # Personalisation, as Amazon's own model names it: personId for recognised voices; and
    # reminders, asked for by voice (issue 24).
    assert [p.name.value for p in manifest.permissions] == [
        "alexa::person_id:read",
        "alexa::alerts:reminders:skill:readwrite",
    ]
    for endpoint in (manifest.apis.custom.endpoint, manifest.events.endpoint):
        assert endpoint.uri == f"{HOST}/alexa"
        assert endpoint.ssl_certificate_type.value == "Trusted"
    types = [i.object_type for i in manifest.apis.custom.interfaces]
    assert types == ["AUDIO_PLAYER", "ALEXA_PRESENTATION_APL"]


def test_apl_is_declared_with_the_viewports_the_document_is_checked_on(exported):
    package = exported / "skill-package"
    manifest = amazon_model(package / "skill.json", SkillManifestEnvelope).manifest
    interfaces = manifest.apis.custom.interfaces
    (apl,) = [i for i in interfaces if isinstance(i, AlexaPresentationAplInterface)]
    declared = [
        (v.mode, v.shape, v.min_width, v.max_width, v.min_height, v.max_height)
        for v in apl.supported_viewports
    ]
    assert declared == [
        (ViewportMode(v.mode), ViewportShape.RECTANGLE, *sizes(v)) for v in VIEWPORTS
    ]
    for _, _, min_w, max_w, min_h, max_h in declared:
        assert 0 < min_w <= max_w and 0 < min_h <= max_h


def sizes(viewport) -> tuple[int, int, int, int]:
    return viewport.min_width, viewport.max_width, viewport.min_height, viewport.max_height


def test_every_directive_namespace_the_skill_sends_is_a_declared_interface(exported):
    """A session on an Echo Show, spoken and hands-free: each directive's interface is in the
    manifest (an undeclared one is never offered by the device)."""
    from backcoach.skill.domain.phrases import load_phrases
    from backcoach.skill.domain.routine import load_routine

    skill = build_skill(
        load_routine(),
        load_phrases("en-US"),
        clip_url=lambda handler_input: lambda clip_id: f"{HOST}/audio/{clip_id}.mp3",
        track_length_s=lambda exercise_id, level: 60.0,
    )
    sim = Simulator(in_process(skill), state=SessionState(), apl=True, length_s=lambda u: 60.0)
    turns = [sim.say("open back coach"), sim.say("hands free")]
    sent = {d["type"].rsplit(".", 1)[0] for turn in turns for d in turn.directives}
    assert sent == set(INTERFACE_OF)  # the session really used both
    manifest = json.loads((exported / "skill-package" / "skill.json").read_text())["manifest"]
    declared = {i["type"] for i in manifest["apis"]["custom"]["interfaces"]}
    assert {INTERFACE_OF[namespace] for namespace in sent} <= declared


def test_the_permissions_declared_are_the_ones_the_code_uses(exported):
    """Permissions come from the code: the package declares personalisation (Alexa then
    sends personId) and reminders; no other scope is named anywhere, only the reminders'
    AskFor asks for one (the simulator plays Alexa's part), and no consent token is used."""
    root = Path(skill_code.__file__).parent
    asked = {
        (path.relative_to(root).as_posix(), use)
        for path in root.rglob("*.py")
        for use in PERMISSION_USE.findall(path.read_text(encoding="utf-8"))
    }
    scopes = {use for _, use in asked if use.startswith("alexa::")}
    manifest = json.loads((exported / "skill-package" / "skill.json").read_text())["manifest"]
    assert scopes == {p["name"] for p in manifest["permissions"]}
    assert scopes == {"alexa::person_id:read", "alexa::alerts:reminders:skill:readwrite"}
    assert "consent_token" not in {use for _, use in asked}
    asking = {path for path, use in asked if use in ("Connections.SendRequest", "AskFor")}
    skill = {"alexa/respond.py", "alexa/reminders.py", "alexa/handlers.py", "domain/reply.py"}
    assert asking <= skill | {"devtools/simulator.py", "devtools/envelopes.py"}


# -- a Lambda function as the endpoint -----------------------------------------------------------


def manifest_of(directory: Path) -> dict:
    """The exported manifest, read through Amazon's model (keys it does not know fail)."""
    path = directory / "skill-package" / "skill.json"
    amazon_model(path, SkillManifestEnvelope)
    return json.loads(path.read_text())["manifest"]


@pytest.mark.parametrize(
    "arn",
    [
        ARN,
        "arn:aws:lambda:us-east-1:123456789012:function:back-coach_2:live",
        "arn:aws:lambda:us-west-2:123456789012:function:backcoach:7",
        "arn:aws:lambda:ap-northeast-1:123456789012:function:backcoach:$LATEST",
    ],
)
def test_a_lambda_arn_is_the_endpoint_without_a_certificate_type(tmp_path, arn):
    # BACKCOACH_PUBLIC_URL stays set: on Lambda it names the audio's host, not the endpoint.
    settings = load_settings(None, env_for(READY, BACKCOACH_LAMBDA_ARN=arn))
    assert settings.public_url == HOST and settings.endpoint == arn
    export_skill_package(tmp_path, settings)
    manifest = manifest_of(tmp_path)
    for endpoint in (manifest["apis"]["custom"]["endpoint"], manifest["events"]["endpoint"]):
        assert endpoint == {"uri": arn}  # sslCertificateType is for https endpoints only


def test_a_lambda_arn_alone_is_enough_to_export(tmp_path):
    path = tmp_path / "skill-package.yaml"
    path.write_text(f"lambda_arn: {ARN}\nprivacy_url: {HOST}/p\nterms_url: {HOST}/t\n")
    settings = load_settings(path, {})
    assert settings.public_url is None and settings.problems() == []
    export_skill_package(tmp_path / "out", settings)
    assert manifest_of(tmp_path / "out")["apis"]["custom"]["endpoint"] == {"uri": ARN}


@pytest.mark.parametrize(
    "value,message",
    [
        ("https://coach.example.com/alexa", "must be a Lambda function ARN"),
        ("arn:aws:s3:::my-backcoach-media", "must be a Lambda function ARN"),
        ("arn:aws:lambda:eu-west-1:1234:function:backcoach", "must be a Lambda function ARN"),
        ("arn:aws:lambda:eu-west-1:123456789012:layer:backcoach", "must be a Lambda function ARN"),
        (f"{ARN}:live:extra", "must be a Lambda function ARN"),
        (f"{ARN}!", "must be a Lambda function ARN"),
        ("arn:aws:lambda:ap-south-1:123456789012:function:backcoach", "Alexa invokes Lambda only"),
    ],
)
def test_a_bad_lambda_arn_is_refused_in_one_line(value, message):
    with pytest.raises(PackageError) as caught:
        load_settings(None, {"BACKCOACH_LAMBDA_ARN": value})
    said = str(caught.value)
    assert said.startswith("BACKCOACH_LAMBDA_ARN: ") and message in said and "\n" not in said


def test_an_arn_given_as_the_public_url_says_where_it_goes(tmp_path):
    path = tmp_path / "skill-package.yaml"
    path.write_text(f"public_url: {ARN}\n")
    with pytest.raises(PackageError, match=r"public_url: must be an https:// URL \(a Lambda ARN"):
        load_settings(path, {})


def test_interaction_model_reads_as_amazons_model(exported):
    for path in (exported / "skill-package" / "interactionModels" / "custom").glob("*.json"):
        model = amazon_model(path, InteractionModelData).interaction_model
        assert model.language_model.invocation_name == "back coach"
        assert model.language_model.intents


@pytest.mark.parametrize("kind", ["Trusted", "Wildcard", "SelfSigned"])
def test_certificate_type_is_settable(tmp_path, kind):
    settings = load_settings(None, env_for(READY, BACKCOACH_SSL_CERT_TYPE=kind))
    export_skill_package(tmp_path, settings)
    manifest = json.loads((tmp_path / "skill-package" / "skill.json").read_text())["manifest"]
    for endpoint in (manifest["apis"]["custom"]["endpoint"], manifest["events"]["endpoint"]):
        assert endpoint == {"uri": f"{HOST}/alexa", "sslCertificateType": kind}


def test_certificate_types_are_amazons():
    assert set(get_args(SslCertificateType)) == {t.value for t in SSLCertificateType}


def env_for(settings: PackageSettings, **extra: str) -> dict[str, str]:
    return {
        "BACKCOACH_PUBLIC_URL": settings.public_url or "",
        "BACKCOACH_PRIVACY_URL": settings.privacy_url or "",
        "BACKCOACH_TERMS_URL": settings.terms_url or "",
        **extra,
    }


def test_settings_file_gives_every_setting(tmp_path):
    path = tmp_path / "skill-package.yaml"
    path.write_text(
        f"public_url: {HOST}/\nprivacy_url: {HOST}/p\nterms_url: {HOST}/t\n"
        f"ssl_cert_type: Wildcard\nlambda_arn: {ARN}\n"
    )
    settings = load_settings(path, {})
    assert settings == PackageSettings(HOST, f"{HOST}/p", f"{HOST}/t", "Wildcard", ARN)
    assert settings.endpoint == ARN
    assert PackageSettings(HOST).endpoint == f"{HOST}/alexa"


def test_the_environment_overrides_the_file(tmp_path):
    path = tmp_path / "skill-package.yaml"
    path.write_text("public_url: https://old.example.com\nssl_cert_type: SelfSigned\n")
    settings = load_settings(path, {"BACKCOACH_PUBLIC_URL": HOST})
    assert (settings.public_url, settings.ssl_cert_type) == (HOST, "SelfSigned")


@pytest.mark.parametrize(
    "text,message",
    [
        ("ssl_cert_type: Wild\n", "skill-package.yaml: ssl_cert_type: must be 'Trusted'"),
        ("public_url: ftp://x\n", "skill-package.yaml: public_url: must be an https:// URL"),
        ("privacy: https://x\n", "skill-package.yaml: privacy: "),
        ("- a list\n", "skill-package.yaml: must be a mapping"),
        ("public_url: [unclosed\n", "skill-package.yaml: cannot be read"),
    ],
)
def test_a_bad_settings_file_is_named_with_its_field(tmp_path, text, message):
    path = tmp_path / "skill-package.yaml"
    path.write_text(text)
    with pytest.raises(PackageError) as caught:
        load_settings(path, {})
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_a_bad_environment_variable_is_named():
    with pytest.raises(PackageError, match=r"^BACKCOACH_SSL_CERT_TYPE: must be 'Trusted'"):
        load_settings(None, {"BACKCOACH_SSL_CERT_TYPE": "trusted"})


@pytest.mark.parametrize(
    "settings,message",
    [
        (PackageSettings(None, f"{HOST}/p", f"{HOST}/t"), "no endpoint: set BACKCOACH_PUBLIC_URL"),
        (PackageSettings(PLACEHOLDER_URL, f"{HOST}/p", f"{HOST}/t"), "no endpoint"),
        (PackageSettings("http://coach.example.com", f"{HOST}/p", f"{HOST}/t"), "must be https"),
        (PackageSettings(HOST, None, f"{HOST}/t"), "no privacy policy: set BACKCOACH_PRIVACY_URL"),
        (PackageSettings(HOST, f"{HOST}/p", None), "no terms of use: set BACKCOACH_TERMS_URL"),
        (PackageSettings(HOST, "http://coach.example.com/p", f"{HOST}/t"), "privacy_url must be"),
    ],
)
def test_an_uncertifiable_package_is_refused_unless_draft(tmp_path, settings, message):
    with pytest.raises(PackageError, match=message):
        export_skill_package(tmp_path / "final", settings)
    assert not (tmp_path / "final").exists()
    export_skill_package(tmp_path / "draft", settings, draft=True)
    manifest = json.loads((tmp_path / "draft" / "skill-package" / "skill.json").read_text())
    assert manifest["manifest"]["apis"]["custom"]["endpoint"]["uri"].endswith("/alexa")


def test_a_draft_without_an_endpoint_says_so_in_its_placeholder(tmp_path):
    export_skill_package(tmp_path, PackageSettings(), draft=True)
    manifest = json.loads((tmp_path / "skill-package" / "skill.json").read_text())["manifest"]
    assert manifest["apis"]["custom"]["endpoint"]["uri"] == f"{PLACEHOLDER_URL}/alexa"
    assert manifest["privacyAndCompliance"]["locales"]["en-US"] == {}


def test_a_locale_without_a_model_is_refused(tmp_path):
    with pytest.raises(PackageError, match=r"de-DE: no interaction model .*de-DE\.json"):
        export_skill_package(tmp_path, READY, locale="de-DE")


def test_no_models_at_all_is_refused(tmp_path):
    (tmp_path / "models").mkdir()
    with pytest.raises(PackageError, match="no interaction model"):
        export_skill_package(tmp_path / "out", READY, models_dir=tmp_path / "models")


def test_a_model_without_a_store_listing_is_refused(tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    english = (MODELS_DIR / "en-US.json").read_text()
    for locale in ("en-US", "en-GB"):
        (models / f"{locale}.json").write_text(english)
    with pytest.raises(PackageError, match="en-GB: an interaction model but no store listing"):
        export_skill_package(tmp_path / "out", READY, models_dir=models)


@pytest.mark.parametrize("role,size", ICON_SIZES.items())
def test_shipped_icons_are_the_drawn_ones(role, size):
    shipped = (ASSETS / icon_file(role)).read_bytes()
    assert shipped == draw_icon(size), "run: python -m backcoach.skill.devtools.icons"
    assert png_size(shipped) == (size, size)


def test_the_manifest_declares_can_fulfill_intent_request_which_the_skill_answers(exported):
    """Alexa sends CanFulfillIntentRequest only to skills that declare it."""
    manifest = json.loads((exported / "skill-package" / "skill.json").read_text())
    kinds = {i["type"] for i in manifest["manifest"]["apis"]["custom"]["interfaces"]}
    assert "CAN_FULFILL_INTENT_REQUEST" in kinds


def test_the_store_listing_fits_amazons_limits_and_leads_with_open(exported):
    """What Alexa+ routes on: within the console's limits, "Alexa, open Back Coach" first,
    and every example phrase understood by the exported model (certification requires it)."""
    from backcoach.skill.devtools.nlu import Nlu
    from backcoach.skill.domain import alexa_limits as limits

    manifest = json.loads((exported / "skill-package" / "skill.json").read_text())
    nlu = Nlu.load()
    for listing in manifest["manifest"]["publishingInformation"]["locales"].values():
        assert len(listing["name"]) <= limits.MAX_NAME_CHARS
        assert len(listing["summary"]) <= limits.MAX_SUMMARY_CHARS
        assert len(listing["description"]) <= limits.MAX_DESCRIPTION_CHARS
        assert len(listing["keywords"]) <= limits.MAX_KEYWORDS
        phrases = listing["examplePhrases"]
        assert len(phrases) <= limits.MAX_EXAMPLE_PHRASES
        assert phrases[0] == "Alexa, open back coach"
        for phrase in phrases:
            match = nlu.understand(phrase)
            assert match.launch or match.intent not in ("", "AMAZON.FallbackIntent"), phrase
