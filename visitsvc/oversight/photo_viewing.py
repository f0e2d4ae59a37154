"""A visit's photos shown back to the supervisor checking it (the phone uploads them: field.visit_photos).

Supervisors and admins only, through the person's scope: a visit of someone outside it, or a photo of such a
visit, is not found (404) like a missing one. Every view of a photo's bytes is audited (`visit.photo_view`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from visitsvc.access.scoping import Caller, require_supervisor
from visitsvc.accounts import audit
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import NotFound
from visitsvc.model import Elder


@dataclass(frozen=True, slots=True)
class PhotoEntry:
    id: int
    visit_id: int
    content_type: str
    size: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PhotoFile:
    id: int
    content_type: str  # as stored: sniffed from the bytes when uploaded
    data: bytes


def list_photos(uow: UnitOfWork, *, caller: Caller, visit_id: int) -> list[PhotoEntry]:
    """The visit's photos without their bytes: what a page lists before anyone opens one."""
    require_supervisor(caller)
    with uow:
        _visited_person(uow, caller, visit_id)
        return [
            PhotoEntry(p.id, p.visit_id, p.content_type, p.size, p.created_at)
            for p in uow.visits.photos_of(visit_id)
        ]


def view_photo(uow: UnitOfWork, *, caller: Caller, photo_id: int) -> PhotoFile:
    require_supervisor(caller)
    with uow:
        photo = uow.deliveries.photo(photo_id)
        if photo is None:
            raise NotFound("照片不存在")
        try:
            elder = _visited_person(uow, caller, photo.visit_id)
        except NotFound:
            raise NotFound("照片不存在") from None
        audit.record(
            uow, caller, action="visit.photo_view", record_type="visit_photo", record_id=photo.id,
            area_path=elder.grid.path, details={"visit_id": photo.visit_id, "elder_id": elder.id},
        )  # fmt: skip
        uow.commit()
        return PhotoFile(photo.id, photo.content_type, photo.data)


def _visited_person(uow: UnitOfWork, caller: Caller, visit_id: int) -> Elder:
    record = uow.visits.get(visit_id)
    if record is None:
        raise NotFound("探访记录不存在")
    try:
        return uow.elders.get(caller.scope, record.elder_id)
    except NotFound:
        raise NotFound("探访记录不存在") from None
