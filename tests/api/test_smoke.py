from __future__ import annotations

from flask.testing import FlaskClient

from tests.api.conftest import Headers
from tests.factories import District


def test_health_answers_without_login(client: FlaskClient) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_a_supervisor_lists_the_elders_of_their_street(
    client: FlaskClient, district: District, login
) -> None:
    headers: Headers = login("sup_a")
    response = client.get("/api/v1/elders", headers=headers)
    assert response.status_code == 200, response.json
    ids = {item["id"] for item in response.json["items"]}
    assert ids == {district.elders["elder_a1"], district.elders["elder_a2"]}
