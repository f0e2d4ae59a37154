"""Photos of a visit, uploaded after the record (often much later, when the phone finds Wi-Fi).

An upload of the same bytes again is answered with the photo already stored: phones retry uploads.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from visitsvc.access.scoping import Caller, require_people_reader
from visitsvc.field.photo_files import sniff
from visitsvc.field.thresholds import FieldRules
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import Forbidden, Invalid, NotFound, TooLarge
from visitsvc.model import VisitPhoto

DEFAULT_RULES = FieldRules()


@dataclass(frozen=True, slots=True)
class PhotoRead:
    id: int
    visit_id: int
    content_type: str
    size: int
    sha256: str
    created_at: datetime


def add_photo(
    uow: UnitOfWork, *, caller: Caller, visit_id: int, data: bytes, rules: FieldRules = DEFAULT_RULES
) -> tuple[PhotoRead, bool]:
    """(photo, created). Only the worker who recorded the visit adds its photos."""
    require_people_reader(caller)
    if caller.worker_id is None:
        raise Forbidden("只有工作人员可以上传照片")
    if len(data) > rules.max_photo_bytes:
        raise TooLarge("照片过大", errors={"file": [f"每张不超过 {rules.max_photo_bytes // 1024} KB"]})
    content_type = sniff(data)
    if content_type is None:
        raise Invalid("输入有误", errors={"file": ["仅支持 JPEG、PNG 或 WebP 图片"]})
    digest = hashlib.sha256(data).hexdigest()
    with uow:
        record = uow.visits.get(visit_id)
        if record is None or record.worker_id != caller.worker_id:
            raise NotFound("探访记录不存在")
        stored = uow.visits.photos_of(record.id)
        same = next((p for p in stored if p.sha256 == digest), None)
        if same is not None:
            return _read(same), False
        if len(stored) >= rules.max_photos_per_visit:
            raise Invalid("输入有误", errors={"file": [f"每次探访最多 {rules.max_photos_per_visit} 张照片"]})
    # Written in a transaction that starts with its INSERT (ADR 0006); two uploads of the same bytes at the
    # same instant may both be kept.
    with uow:
        photo = VisitPhoto(
            visit_id=visit_id,
            content_type=content_type,
            size=len(data),
            sha256=digest,
            data=data,
            created_at=uow.clock.now(),
        )
        uow.visits.add_all([photo])
        uow.flush()
        uow.commit()
        return _read(photo), True


def _read(photo: VisitPhoto) -> PhotoRead:
    return PhotoRead(photo.id, photo.visit_id, photo.content_type, photo.size, photo.sha256, photo.created_at)
