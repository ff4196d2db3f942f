"""The exported skill package is what `ask deploy` and certification take, by Amazon's models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_smapi_model.v1.skill.interaction_model.interaction_model_data import (
    InteractionModelData,
)
from ask_smapi_model.v1.skill.manifest.skill_manifest_envelope import SkillManifestEnvelope
from ask_smapi_model.v1.skill.manifest.ssl_certificate_type import SSLCertificateType

from backcoach.skill.devtools.icons import ASSETS, ICON_SIZES, draw_icon, icon_file, png_size
from backcoach.skill.devtools.nlu import MODELS_DIR
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
serializer = DefaultSerializer()


def amazon_model(path: Path, kind: type):
    """The file read with Amazon's own model class; every key must survive the round trip,
    so a key Amazon's model does not know (a misspelling, a wrong level) fails here."""
    raw = json.loads(path.read_text())
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
    assert sorted(publishing.locales) == models == ["en-US"]
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
    assert [c.value for c in publishing.distribution_countries] == ["US"]
    assert publishing.testing_instructions
    assert manifest.permissions == []
    for endpoint in (manifest.apis.custom.endpoint, manifest.events.endpoint):
        assert endpoint.uri == f"{HOST}/alexa"
        assert endpoint.ssl_certificate_type.value == "Trusted"
    assert [i.object_type for i in manifest.apis.custom.interfaces] == ["AUDIO_PLAYER"]


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
        "ssl_cert_type: Wildcard\n"
    )
    settings = load_settings(path, {})
    assert settings == PackageSettings(HOST, f"{HOST}/p", f"{HOST}/t", "Wildcard")
    assert settings.endpoint == f"{HOST}/alexa"


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
