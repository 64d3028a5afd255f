"""Hostile or odd input gets a 4xx or a per-change rejection with a reason, never a 500."""

from __future__ import annotations

import json

import pytest

from .registry_helpers import enrol_site, learner_payload, post_batch


@pytest.mark.parametrize(
    "overrides",
    [
        {"first_name": "Ana\x00Maria"},
        {"date_of_birth": "1990-02-30"},
        {"learner_id": "not-a-uuid"},
        {"learner_number": "x" * 1000},
        {"last_name": ["a", "list"]},
    ],
)
def test_odd_payload_is_rejected_per_change(client, app, overrides):
    site = enrol_site(client, app, "HX01")
    change = site.change("learner.registered", learner_payload(**overrides))
    response = post_batch(client, site, [change])
    assert response.status_code in (200, 422), response.text
    if response.status_code == 200:
        [result] = response.json()["results"]
        assert result["result"] == "rejected"
        assert result["reason"]


def test_lone_surrogate_is_rejected(client, app):
    site = enrol_site(client, app, "HX06")
    change = site.change("learner.registered", learner_payload(last_name="SURROGATE"))
    body = json.dumps({"changes": [change]}).replace("SURROGATE", "\\ud800")
    response = client.post(
        "/api/v1/changes", content=body.encode(), headers={**site.headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text
    [result] = response.json()["results"]
    assert result["result"] == "rejected"
    assert "not valid Unicode" in result["reason"]


@pytest.mark.parametrize("seq", [2**31, 2**63, -1, 0])
def test_out_of_range_seq_is_handled(client, app, seq):
    site = enrol_site(client, app, "HX02")
    change = {**site.change("learner.registered", learner_payload()), "seq": seq}
    response = post_batch(client, site, [change])
    assert response.status_code in (200, 422), response.text


@pytest.mark.parametrize("since", ["-1", str(2**63), "abc"])
def test_out_of_range_pull_cursor(client, app, since):
    site = enrol_site(client, app, "HX03")
    response = client.get("/api/v1/pull", params={"since": since}, headers=site.headers)
    assert response.status_code == 422


def test_odd_verification_requests(client, app):
    enrol_site(client, app, "HX04")
    for params in ({"d": "AAAA", "s": "AAAA"}, {"d": "", "s": ""}, {"d": "bnVsbA", "s": "x"}):
        response = client.get("/verify/HX04-1", params={**params, "format": "json"})
        assert response.status_code < 500, response.text
    assert client.get("/verify/" + "9" * 500, params={"format": "json"}).status_code == 404


def test_odd_learner_look_up(client, app):
    site = enrol_site(client, app, "HX05")
    response = client.get("/api/v1/learners", params={"external_id": "a\x00b"}, headers=site.headers)
    assert response.status_code < 500, response.text
