"""``--bundle``: a client's whole folder (site and packs) as ``<client>.zip``, for keeping.

The zip holds the folder's contents at its root, so it opens from its own
``index.html`` once unpacked (unpacking tools put it in a folder named after
the zip). Entries are sorted and dated with the build's ``today``, with fixed
permissions, so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path


def zip_folder(folder: Path, today: dt.date) -> bytes:
    """Every file under ``folder`` (dot-files left out), deterministically."""
    stamp = (max(today.year, 1980), today.month, today.day, 0, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(folder.rglob("*"), key=lambda p: p.relative_to(folder).as_posix()):
            relative = path.relative_to(folder)
            if (
                not path.is_file()
                or path.is_symlink()
                or any(p.startswith(".") for p in relative.parts)
            ):
                continue
            info = zipfile.ZipInfo(relative.as_posix(), date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, so the permissions above are read
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()
