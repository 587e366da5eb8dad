"""An upload handler that keeps at most QYZMET_UPLOAD_MAX_BYTES + 1 bytes of each uploaded file.

Django streams a multipart body through its upload handlers chunk by chunk; the ones after this
one (memory, then temporary file) keep what they are given. This one passes each file's first
`limit + 1` bytes on and drops the rest, so an oversized file is never written out whole: the
view still sees a file one byte over the limit and refuses it with its usual message
(portal.services.attachment_check). The limit is read per request, so tests can change it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler


class TruncatingUploadHandler(FileUploadHandler):
    """Pass on at most `limit + 1` bytes of each file to the next handlers; drop the rest."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.kept = 0
        self.keep = int(settings.QYZMET_UPLOAD_MAX_BYTES) + 1

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        room = self.keep - self.kept
        if room <= 0:
            return None  # nothing more reaches the handlers that store the file
        chunk = raw_data[:room]
        self.kept += len(chunk)
        return chunk

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler makes the file, of the bytes it was given
