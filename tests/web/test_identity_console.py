"""The sealed identity on the case page: the owner names readers; a named caseworker shows it with a POST
(recorded); the page never shows it otherwise."""

from __future__ import annotations

from sqlalchemy import func, select

from safeconduct.ledger.models import LedgerEntry
from tests.conftest import Installation, client_for
from tests.flows import bearer, csrf_of, staff_token, start_contact

NAME = "Idriss Benyamina-Kouassi"


def test_the_owner_names_a_reader_who_shows_the_identity(sqlite_installation: Installation) -> None:
    inst = sqlite_installation
    amal = inst.add_staff("amal")
    with client_for(inst) as client:
        _codename, contact = start_contact(client, first_message="I am ready to give my name.")
        client.put("/api/v1/contact/identity", json={"fields": {"full_name": NAME}}, headers=bearer(contact))
        token = staff_token(client, amal)
        case_id = client.get("/api/v1/staff/cases", headers=bearer(token)).json()[0]["id"]
        client.put(f"/api/v1/staff/cases/{case_id}/assignee", json={"username": "amal"}, headers=bearer(token))
        client.cookies.clear()
        login_csrf = csrf_of(client.get("/staff/login").text)
        r = client.post("/staff/login", data={"csrf_token": login_csrf, "username": "amal",
                                               "password": amal.password, "totp": amal.next_code()})
        assert r.status_code == 303, r.text
        page = client.get(f"/staff/cases/{case_id}/work?tab=pathway").text
        assert 'id="identity"' in page and "Given by the person." in page
        assert NAME not in page and "Show the identity" not in page  # not named yet, even as the owner
        csrf = csrf_of(page)
        r = client.post(f"/staff/cases/{case_id}/identity/show", data={"csrf_token": csrf})
        assert r.status_code == 403 and NAME not in r.text
        r = client.post(f"/staff/cases/{case_id}/identity/readers",
                        data={"csrf_token": csrf, "reader": str(amal.staff_id)}, follow_redirects=False)
        assert r.status_code == 303
        page = client.get(r.headers["location"]).text
        assert "The readers were saved." in page and "Show the identity" in page and NAME not in page
        with inst.runtime.db() as db:
            before = db.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.case_id == case_id))
        r = client.post(f"/staff/cases/{case_id}/identity/show", data={"csrf_token": csrf})
        assert r.status_code == 200 and NAME in r.text
        assert r.headers["cache-control"] == "no-store"
        with inst.runtime.db() as db:
            after = db.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.case_id == case_id))
        # the look is an identity event (plus the page's own custody event)
        assert after is not None and before is not None and after >= before + 2
        r = client.post(f"/staff/cases/{case_id}/identity/show", data={})  # no CSRF: nothing shown
        assert r.status_code == 403 and NAME not in r.text
