"""One error shape in every JSON API of the admin app (issue 25, item 14): RFC 9457 problem
details with `code` (and `errors` for fields), `application/problem+json`, for each kind of
refusal a route gives (a domain rule, a field, a body that is not JSON, no credentials, an
unknown address, a method the path does not take, a body too large, too many attempts, an
unexpected error), in the signed-in person's language or else Accept-Language's; the
OpenAPI document lists them with one shared schema."""

from __future__ import annotations

import httpx

from bot.admin import api
from tests.admin.test_admin_http import signed_in
from tests.support import owner_with_org

PROBLEM = "application/problem+json"
SESSION_EN = "Your session has ended. Send /admin to the bot to sign in again."
SESSION_RU = "Сеанс завершён. Отправьте боту /admin, чтобы войти снова."


def problem(status, code, title, detail, instance, **extra):
    body = {
        "type": f"urn:astracrm:problem:{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        "code": code,
    }
    return {**body, **extra}


def assert_problem(answer: httpx.Response, expected: dict) -> None:
    assert answer.headers["content-type"] == PROBLEM, answer.text
    assert (answer.status_code, answer.json()) == (expected["status"], expected)


async def _bearer(container) -> dict[str, str]:
    owner = await owner_with_org(container.services)  # speaks Russian
    token = (await container.services.admin.create_token(owner, "t")).token
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


async def test_strangers_get_problems_in_the_language_they_ask(client, container):
    english = await client.get("/api/me", headers={"Accept-Language": "en-GB,en;q=0.9"})
    expected = problem(401, "session_invalid", "Not authenticated", SESSION_EN, "/api/me")
    assert_problem(english, expected)
    assert english.headers["www-authenticate"] == "Bearer"
    russian = await client.get("/api/me", headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    expected = problem(401, "session_invalid", "Вход не выполнен", SESSION_RU, "/api/me")
    assert_problem(russian, expected)
    nowhere = await client.get("/api/nothing-here", headers={"Accept-Language": "fr, ru"})
    detail = "По этому адресу ничего нет."
    assert_problem(nowhere, problem(404, "not_found", "Не найдено", detail, "/api/nothing-here"))
    broken = await client.patch(  # credentials are looked at before the body
        "/api/settings/profile", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert broken.status_code == 401 and broken.json()["code"] == "session_invalid"
    methods = await client.options("/api/api-keys")
    detail = "This address does not take that method."
    expected = problem(405, "method_not_allowed", "Method not allowed", detail, "/api/api-keys")
    assert_problem(methods, expected)
    assert methods.headers["allow"] == "GET, HEAD, POST"


async def test_a_signed_in_owner_reads_refusals_in_their_own_language(client, container):
    bearer = await _bearer(container)
    path = "/api/settings/profile"
    broken = await client.patch(
        path, content=b"{not json", headers={**bearer, "content-type": "application/json"}
    )
    # the body is read before the token is looked up: Accept-Language's words
    detail = "The body is not valid JSON."
    assert_problem(broken, problem(400, "json_invalid", "Bad request", detail, path))
    typed = await client.patch(
        "/api/settings/preferences", json={"reminder_minutes": "soon"}, headers=bearer
    )
    fields = [{"field": "body.reminder_minutes", "message": "Нужно целое число."}]
    detail = "Некоторые поля заполнены неверно."
    expected = problem(
        422, "invalid_request", "Запрос нельзя выполнить", detail, "/api/settings/preferences"
    )
    assert_problem(typed, {**expected, "errors": fields})
    zone = await client.patch(path, json={"timezone": "Mars/Base"}, headers=bearer)
    detail = (
        "Я не знаю часовой пояс «Mars/Base». Нажмите одну из кнопок или введите название, "
        "например Europe/Moscow или Asia/Yekaterinburg."
    )
    assert_problem(zone, problem(422, "timezone_invalid", "Запрос нельзя выполнить", detail, path))
    gone = await client.delete("/api/tokens/999999", headers=bearer)
    expected = problem(404, "not_found", "Не найдено", "Этого больше нет.", "/api/tokens/999999")
    assert_problem(gone, expected)
    big = await client.put("/api/settings/categories", content=b"x" * 70_000, headers=bearer)
    detail = "The request body is larger than 64 KiB."  # refused before anyone is known
    expected = problem(
        413, "body_too_large", "Request body too large", detail, "/api/settings/categories"
    )
    assert_problem(big, expected)
    russian = await client.put(
        "/api/settings/categories", content=b"x" * 70_000, headers={"Accept-Language": "ru"}
    )
    assert russian.json()["title"] == "Слишком большое тело запроса"
    assert russian.json()["detail"] == "Тело запроса больше 64 КиБ."


async def test_too_many_attempts_and_an_unexpected_error(client, container, monkeypatch):
    wrong = {"Authorization": "Bearer ak_wrong", "Accept-Language": "en"}
    codes = [(await client.get("/api/me", headers=wrong)).status_code for _ in range(31)]
    assert codes[:30] == [401] * 30
    limited = await client.get("/api/me", headers=wrong)
    detail = "Too many requests; retry in 60 s."
    assert_problem(limited, problem(429, "rate_limited", "Too many requests", detail, "/api/me"))
    assert limited.headers["retry-after"] == "60"
    bearer = await _bearer(container)
    app = client._transport.app  # type: ignore[attr-defined]
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=("10.9.9.9", 1))
    monkeypatch.setattr(api.m, "settings_out", _broken)
    async with httpx.AsyncClient(transport=transport, base_url="http://admin.test") as web:
        failed = await web.get("/api/settings", headers={**bearer, "Accept-Language": "ru"})
    detail = "У нас что-то пошло не так; попробуйте позже."
    expected = problem(500, "internal_error", "Внутренняя ошибка сервера", detail, "/api/settings")
    assert_problem(failed, expected)
    assert "boom" not in failed.text


def _broken(_view):
    raise RuntimeError("boom")


async def test_the_page_api_and_a_session_with_csrf(client, container):
    _, csrf = await signed_in(client, container.services)
    forged = await client.patch("/api/settings/profile", json={"currency": "EUR"})
    detail = "Форма устарела. Обновите страницу и попробуйте ещё раз."
    expected = problem(403, "csrf_invalid", "Доступ запрещён", detail, "/api/settings/profile")
    assert_problem(forged, expected)
    headers = {"X-CSRF-Token": csrf}
    ok = await client.patch("/api/settings/profile", json={"currency": "EUR"}, headers=headers)
    assert ok.status_code == 200 and ok.headers["content-type"] == "application/json"


async def test_the_document_lists_every_error_with_one_schema(client):
    document = (await client.get("/openapi.json")).json()
    schema = document["components"]["schemas"]["ProblemDetails"]
    assert set(schema["required"]) == {"type", "title", "status", "detail", "instance", "code"}
    assert "HTTPValidationError" not in document["components"]["schemas"]
    ref = {"$ref": "#/components/schemas/ProblemDetails"}
    checked = 0
    for route, operations in document["paths"].items():
        for method, operation in operations.items():
            answers = operation["responses"]
            assert "500" in answers, (method, route)
            if "requestBody" in operation:
                assert {"400", "413"} <= set(answers), (method, route)
            for status, answer in answers.items():
                if int(status) >= 400:
                    assert answer["content"] == {PROBLEM: {"schema": ref}}, (status, route)
                    checked += 1
    assert checked > 300
    assert "404" in document["paths"]["/api/tokens/{token_id}"]["delete"]["responses"]
    checkout = document["paths"]["/api/billing/checkout"]["post"]["responses"]
    assert {"402", "409", "502"} <= set(checkout)
