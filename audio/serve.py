"""Flask blueprint serving the built clips: manifest files only, cacheable, with Range."""

from __future__ import annotations

from flask import Blueprint, abort, send_file

from backcoach.audio.catalog import AudioCatalog

MAX_AGE_S = 31_536_000
"""One year: a clip's name changes whenever its content does."""


def audio_blueprint(catalog: AudioCatalog) -> Blueprint:
    """`GET /audio/<name>` for the files the catalog lists; 404 for anything else."""
    bp = Blueprint("audio", __name__)

    @bp.get("/audio/<name>")
    def audio_file(name: str):
        path = catalog.path_for(name)
        if path is None:
            abort(404)
        try:
            response = send_file(
                path,
                mimetype="audio/mpeg",
                conditional=True,
                etag=path.stem.rsplit("-", 1)[-1],
                max_age=MAX_AGE_S,
            )
        except FileNotFoundError:
            abort(404)
        response.cache_control.public = True
        response.cache_control.immutable = True
        return response

    return bp
