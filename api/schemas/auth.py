from __future__ import annotations

from marshmallow import Schema, fields

from api.schemas.common import StrictSchema, text
from api.schemas.register import enum
from visitsvc.model import Role, VisitorKind


class LoginSchema(StrictSchema):
    username = text(required=True, min_length=1, max_length=50)
    password = text(required=True, min_length=1, max_length=200)


class RefreshSchema(StrictSchema):
    refresh_token = text(required=True, min_length=1, max_length=200)


class PasswordChangeSchema(StrictSchema):
    current_password = text(required=True, min_length=1, max_length=200)
    new_password = text(required=True, min_length=1, max_length=200)


class TokenSchema(StrictSchema):
    access_token = fields.String()
    token_type = fields.String(dump_default="Bearer")
    expires_in = fields.Integer()
    refresh_token = fields.String()
    refresh_expires_in = fields.Integer()
    role = fields.String()
    # True after an admin set the password: every call but /me/password, /auth/refresh and /auth/logout
    # answers 403 password_change_required until the owner chooses their own.
    password_change_required = fields.Boolean()


class AccountAreaSchema(Schema):
    code = fields.String()
    name = fields.String()


class ProfileSchema(Schema):
    username = fields.String()
    name = fields.String()
    role = enum(Role)
    worker_id = fields.Integer(metadata={"description": "手机应用据此把离线待发送的记录绑定到本账号"})
    area = fields.Nested(AccountAreaSchema, allow_none=True, metadata={"description": "督导、管理员所辖区域"})
    grids = fields.List(fields.Nested(AccountAreaSchema), metadata={"description": "网格员的网格"})
    kind = enum(
        VisitorKind, allow_none=True, metadata={"description": "探访人员类别（网格员、社工、志愿者等）"}
    )
    organisation = fields.String(allow_none=True, metadata={"description": "所属机构名称（社工站等）"})
