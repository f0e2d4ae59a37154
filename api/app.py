"""The Flask application: flask-smorest's create_app pattern, one Api, one error shape."""

from __future__ import annotations

import logging

import swagger_ui_bundle
from flask import Flask, send_from_directory
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.middleware.proxy_fix import ProxyFix

from api import compression, console, errors, limits, mobile, openapi
from api.ids import IdConverter
from api.runtime import Runtime
from api.views import (
    absences,
    appointments,
    areas,
    audit,
    auth,
    contracts,
    elders,
    field,
    health,
    jobs,
    me,
    notifications,
    organisations,
    oversight,
    pairings,
    photos,
    plans,
    replan,
    review,
    statements,
    workers,
)
from visitsvc.accounts import auth as auth_service
from visitsvc.config import ConfigError, Settings, load_settings
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory
from visitsvc.kernel import crypto
from visitsvc.kernel.clock import Clock, SystemClock

SWAGGER_UI_URL = "/swagger-ui/"


def create_app(
    settings: Settings | None = None,
    *,
    sessions: sessionmaker[Session] | None = None,
    clock: Clock | None = None,
) -> Flask:
    settings = settings or load_settings()
    settings.validate()
    if settings.data_keys:  # else the keyring the process installed (docs/adr/0013)
        crypto.install(settings.keyring())
    app = Flask("visitsvc")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        API_TITLE="visitsvc",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        # Served by the app itself: nothing is fetched from a CDN.
        OPENAPI_SWAGGER_UI_URL=SWAGGER_UI_URL,
        API_SPEC_OPTIONS={
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
            "info": {"description": "特殊困难老年人探访：台账、月度探访计划、外勤记录与覆盖率。"},
        },
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    if sessions is None:
        sessions = session_factory(make_engine(settings.database_url))
    if settings.is_production and auth_service.count_demo_passwords(UnitOfWork(sessions)):
        raise ConfigError(
            "accounts still have the seed's demo password: give them their own "
            "(`visitsvc set-password ACCOUNT`) or remove them before serving in production"
        )
    app.extensions["visitsvc"] = Runtime(settings, sessions, clock or SystemClock())
    limits.init_app(app, settings)  # first of the before_request hooks: the limit is set before any read
    if settings.trusted_proxies:
        # Only the hops we run are believed: X-Forwarded-For's last n entries, added by our n proxies.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)  # type: ignore[method-assign]

    app.url_map.converters["id"] = IdConverter  # before any route uses <id:...>
    plugins = [errors.PasswordChangeRequired(), openapi.CommonResponses()]
    api = errors.VisitApi(app, spec_kwargs={"extra_plugins": plugins})
    for module in (
        health,
        auth,
        areas,
        workers,
        absences,
        appointments,
        elders,
        plans,
        replan,
        jobs,
        audit,
        me,
        field,
        oversight,
        review,
        notifications,
        statements,
        photos,
        organisations,
        contracts,
        pairings,
    ):
        api.register_blueprint(module.blp)
    errors.register(app)
    console.init_app(app, settings)
    mobile.init_app(app)

    @app.get(f"{SWAGGER_UI_URL}<path:filename>")
    def swagger_ui_files(filename: str) -> ResponseReturnValue:
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)

    @app.after_request
    def _no_sniff(response):  # type: ignore[no-untyped-def]
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # Whatever carries personal data (JSON, exports, reports, pages, errors) is never stored by a cache;
        # static files (Swagger UI, the console's CSS/JS) come with their own no-cache from send_file.
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    compression.gzip_json(app)
    logging.getLogger("visitsvc").setLevel(logging.INFO)
    return app
