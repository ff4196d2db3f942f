"""Flask blueprint serving the built clips (manifest files only, cacheable, with Range) and
the images shipped for hands-free tracks."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from flask import Blueprint, Response, abort, request, send_file

from backcoach.audio.artwork import image_path
from backcoach.audio.catalog import AudioCatalog

MAX_AGE_S = 31_536_000
"""One year: a clip's name changes whenever its content does."""
IMAGE_MAX_AGE_S = 86_400
"""A day: an image keeps its name when it is redrawn."""


def _send_range_as_file(response: Response, path: Path) -> None:
    """Give a 206 the server's file wrapper, opened at the range's start, if it has one.

    Werkzeug answers a Range with a generator over the file, which a worker thread must read
    and copy into the server's buffers. With a PEP 3333 `wsgi.file_wrapper` (waitress's) the
    server sends the bytes from the file itself, stopping at the Content-Length werkzeug set
    to the range's length; a server without one keeps werkzeug's generator.
    """
    file_wrapper = request.environ.get("wsgi.file_wrapper")
    content_range = response.content_range
    if file_wrapper is None or content_range.start is None:
        return
    clip = path.open("rb")
    clip.seek(content_range.start)
    ranged = response.response
    response.response = file_wrapper(clip)
    if hasattr(ranged, "close"):  # werkzeug's range wrapper holds send_file's open file
        ranged.close()


def audio_blueprint(catalog: AudioCatalog) -> Blueprint:
    """`GET /audio/<name>` for the files the catalog lists; 404 for anything else.

    Whole clips go to the server as a `wsgi.file_wrapper` (Flask's send_file does that), so
    under waitress a slow listener is fed by its event loop and holds no worker thread.
    """
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
        if response.status_code == 206:
            _send_range_as_file(response, path)
        response.cache_control.public = True
        response.cache_control.immutable = True
        return response

    @bp.get("/images/<name>")
    def image_file(name: str):
        """A shipped image (track art, background); 404 for any other name."""
        image = image_path(name)
        if image is None:
            abort(404)
        response = send_file(
            BytesIO(image.read_bytes()), mimetype="image/png", max_age=IMAGE_MAX_AGE_S
        )
        response.cache_control.public = True
        return response

    return bp
