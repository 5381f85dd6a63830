"""Requests to the authorities in the pages: the person agrees on the consent page (plain forms), a named
caseworker prepares, downloads, records sending and the answer on the case page; refusals say why."""

from __future__ import annotations

from sqlalchemy import func, select

from safeconduct.returns.models import AuthorityRequest
from tests.conftest import Installation, client_for
from tests.flows import bearer, contact_page_login, csrf_of, staff_token, start_contact

NAME = "Idriss Benyamina-Kouassi"


def _requests(inst: Installation) -> int:
    with inst.runtime.db() as db:
        return db.scalar(select(func.count()).select_from(AuthorityRequest)) or 0


def test_agreement_letter_sending_and_answer_in_the_pages(sqlite_installation: Installation) -> None:
    inst = sqlite_installation
    amal, karim = inst.add_staff("amal"), inst.add_staff("karim")
    with client_for(inst) as client:
        codename, contact = start_contact(client, first_message="I am ready to give my name.")
        client.put("/api/v1/contact/identity", json={"fields": {"full_name": NAME, "date_of_birth": "1998-04-05"}},
                   headers=bearer(contact))
        amal_token, karim_token = staff_token(client, amal), staff_token(client, karim)
        case_id = client.get("/api/v1/staff/cases", headers=bearer(amal_token)).json()[0]["id"]
        base = f"/api/v1/staff/cases/{case_id}"
        client.post(f"{base}/transitions", json={"to": "vetting"}, headers=bearer(amal_token))
        proposal = client.post(f"{base}/transitions", json={"to": "advising", "reason": "consistent"},
                               headers=bearer(amal_token)).json()["proposal"]["id"]
        client.post(f"{base}/transitions/{proposal}/confirm", headers=bearer(karim_token))
        client.put(f"{base}/assignee", json={"username": "amal"}, headers=bearer(amal_token))
        client.put(f"{base}/identity/readers", json={"staff_ids": [amal.staff_id]}, headers=bearer(amal_token))

        # the person agrees on their consent page, with JavaScript off: a plain form
        client.cookies.clear()
        contact_page_login(client, codename)
        page = client.get("/contact/consent").text
        assert 'id="authority-request"' in page and 'name="authority_request"' in page
        r = client.post("/contact/consent/authority-request",
                        data={"csrf_token": csrf_of(page), "authority_request": "1"}, follow_redirects=False)
        assert r.status_code == 303
        assert 'name="authority_request" value="1" checked' in client.get("/contact/consent").text

        client.cookies.clear()
        r = client.post("/staff/login", data={"csrf_token": csrf_of(client.get("/staff/login").text),
                                               "username": "amal", "password": amal.password,
                                               "totp": amal.next_code()})
        assert r.status_code == 303, r.text
        page = client.get(f"/staff/cases/{case_id}/work?tab=pathway").text
        assert 'id="authority"' in page and "Prepare and sign the letter" in page and NAME not in page
        csrf = csrf_of(page)
        # a template's required field left out: the page says which, nothing is written
        r = client.post(f"/staff/cases/{case_id}/authority-requests",
                        data={"csrf_token": csrf, "template": "travel-document.fr", "authority": "Consulat",
                              "field": ["full_name"]})
        assert r.status_code == 422 and "needs date_of_birth" in r.text
        assert _requests(inst) == 0
        r = client.post(f"/staff/cases/{case_id}/authority-requests",
                        data={"csrf_token": csrf, "template": "travel-document.fr",
                              "authority": "Consulat général à Erbil", "field": ["full_name", "date_of_birth"]},
                        follow_redirects=False)
        assert r.status_code == 303, r.text
        page = client.get(r.headers["location"]).text
        assert "The letter was prepared and signed." in page and "Consulat général à Erbil" in page
        assert _requests(inst) == 1 and NAME not in page
        request_id = client.get(f"{base}/authority-requests", headers=bearer(amal_token)).json()[0]["id"]
        r = client.post(f"/staff/cases/{case_id}/authority-requests/{request_id}/pdf", data={"csrf_token": csrf})
        assert r.status_code == 200 and r.content.startswith(b"%PDF-")
        assert r.headers["cache-control"] == "no-store"
        r = client.post(f"/staff/cases/{case_id}/authority-requests/{request_id}/pdf", data={})
        assert r.status_code == 403 and not r.content.startswith(b"%PDF-")
        r = client.post(f"/staff/cases/{case_id}/authority-requests/{request_id}/sent",
                        data={"csrf_token": csrf, "means": "post", "note": "registered"}, follow_redirects=False)
        assert r.status_code == 303
        page = client.get(r.headers["location"]).text
        assert "Recorded as sent." in page and "sent, no answer yet" in page
        r = client.post(f"/staff/cases/{case_id}/authority-requests/{request_id}/answers",
                        data={"csrf_token": csrf, "outcome": "refused", "text": ""})
        assert r.status_code == 422 and "Say what the authority answered." in r.text
        r = client.post(f"/staff/cases/{case_id}/authority-requests/{request_id}/answers",
                        data={"csrf_token": csrf, "outcome": "granted", "text": "pass ready on Monday"},
                        follow_redirects=False)
        page = client.get(r.headers["location"]).text
        assert "travel document granted" in page and "pass ready on Monday" in page
        assert client.get(f"{base}/workflow", headers=bearer(amal_token)).json()["state"] == "return_organised"
