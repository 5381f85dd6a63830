"""The contact's identity page with JavaScript off: give, see, change, withdraw; refusals keep what was typed."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Installation, client_for
from tests.flows import csrf_of

NAME = "Mariam Haddad-Leclercq"


def _contact_page_session(client: TestClient) -> str:
    page = client.get("/?lang=en").text
    r = client.post("/contact/start", data={"csrf_token": csrf_of(page), "start_token":
                                            page.split('name="start_token" value="')[1].split('"')[0]})
    assert r.status_code == 200, r.text
    page = client.get("/contact/identity").text
    assert 'id="identity-form"' in page
    return csrf_of(page)


def test_a_contact_gives_changes_and_withdraws_their_identity(sqlite_installation: Installation) -> None:
    with client_for(sqlite_installation) as client:
        csrf = _contact_page_session(client)
        assert 'href="/contact/identity"' in client.get("/contact/conversation").text
        r = client.post("/contact/identity", data={"csrf_token": csrf, "full_name": NAME, "date_of_birth": "2001"},
                        follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/contact/identity?saved=1"
        page = client.get("/contact/identity?saved=1").text
        assert f'value="{NAME}"' in page and "Your identity was saved." in page
        assert "Withdraw my identity" in page
        r = client.post("/contact/identity/withdraw", data={"csrf_token": csrf}, follow_redirects=False)
        assert r.status_code == 303
        page = client.get("/contact/identity?withdrawn=1").text
        assert NAME not in page and "nothing of it is kept" in page


def test_a_refusal_shows_the_page_again_with_what_was_typed(sqlite_installation: Installation) -> None:
    with client_for(sqlite_installation) as client:
        csrf = _contact_page_session(client)
        long_place = "x" * 201
        r = client.post("/contact/identity", data={"csrf_token": csrf, "full_name": NAME,
                                                   "place_of_birth": long_place})
        assert r.status_code == 422
        assert "longer than 200 characters" in r.text and f'value="{NAME}"' in r.text
        r = client.post("/contact/identity", data={"full_name": NAME})  # no CSRF token: nothing stored
        assert r.status_code == 403
        assert NAME not in client.get("/contact/identity").text


def test_the_page_speaks_arabic(sqlite_installation: Installation) -> None:
    with client_for(sqlite_installation) as client:
        _contact_page_session(client)
        page = client.get("/contact/identity?lang=ar").text
        assert 'dir="rtl"' in page and "هويتك، من أجل عودتك" in page
