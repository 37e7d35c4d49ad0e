"""First contact: language, age (16+) and privacy consent, then an organization or an invite."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from core.billing.plans import PlanGuard
from core.changes import UserChange
from core.dialogs.data import NewOrgData, OnboardingData
from core.dialogs.engine import DialogData, DialogInput, Flow, Step, choice_of, required
from core.dialogs.service import Spec
from core.domain import LANGUAGES, Actor, ConsentKind, Role
from core.errors import DomainError
from core.outcomes import (
    Declined,
    InviteFailed,
    OrganizationCreated,
    Outcome,
    Prompt,
    Welcome,
)
from core.ports import Clock, UnitOfWork
from core.regional import COMMON_CURRENCIES, COMMON_RU_ZONES, parse_currency, parse_timezone
from core.team.invites import join_with_token
from core.team.users import load_actor
from core.text import clean_name

ONBOARDING = OnboardingData.flow
NEW_ORG = NewOrgData.flow

LANGUAGE_LABELS: Mapping[str, str] = {"en": "English", "ru": "Русский"}
YES_NO: Mapping[str, str] = {"yes": "yes", "no": "no"}
ACCEPT_DECLINE: Mapping[str, str] = {"accept": "accept", "decline": "decline"}


def _timezone(given: DialogInput, _data: DialogData) -> str:
    if given.choice is not None:
        return parse_timezone(given.choice)
    return parse_timezone(given.text)


def _currency(given: DialogInput, _data: DialogData) -> str:
    return parse_currency(given.choice if given.choice is not None else given.text)


def _org_name(given: DialogInput, _data: DialogData) -> str:
    return clean_name(given.text)


ONBOARDING_FLOW = Flow(
    OnboardingData,
    (
        Step("language", choice_of(LANGUAGE_LABELS)),
        Step("age", choice_of(YES_NO)),
        Step("consent", choice_of(ACCEPT_DECLINE), skip=lambda d: d.age != "yes"),
    ),
)

NEW_ORG_FLOW = Flow(
    NewOrgData,
    (
        Step("name", _org_name),
        Step("timezone", _timezone),
        Step("currency", _currency),
    ),
)

TIMEZONE_CHOICES = COMMON_RU_ZONES
CURRENCY_CHOICES = COMMON_CURRENCIES


class OnboardingSpec(Spec[OnboardingData]):
    """Completes first contact: records the answers and routes to an invite or a new org."""

    flow = ONBOARDING_FLOW

    def __init__(self, clock: Clock, policy_version: str, plans: PlanGuard | None = None) -> None:
        self._clock = clock
        self._policy_version = policy_version
        self._plans = plans or PlanGuard(enforced=False)

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: OnboardingData
    ) -> Outcome:
        now = self._clock.now()
        user_id = actor.user.id
        # The version shown is the one in force (a published one, read with the arrival),
        # else the deployment's base version.
        version = (actor.policy.in_force if actor.policy else None) or self._policy_version
        age_ok = data.age == "yes"
        consent_ok = data.consent == "accept"
        await uow.consents.add(user_id, ConsentKind.AGE_16, version, age_ok, now)
        if age_ok:
            await uow.consents.add(user_id, ConsentKind.PRIVACY_POLICY, version, consent_ok, now)
        language = data.language if data.language in LANGUAGES else None
        if not (age_ok and consent_ok):
            await uow.users.update(user_id, UserChange(language=language))
            return Declined("age" if not age_ok else "consent")
        agreed = UserChange(
            language=language,
            age_confirmed_at=now,
            consent_at=now,
            consent_version=version,
        )
        user = await uow.users.update(user_id, agreed)
        token = data.invite
        if token:
            try:
                return await join_with_token(uow, user, token, now, self._plans)
            except DomainError as error:
                return InviteFailed(error)
        refreshed = await load_actor(uow, user)
        if refreshed.membership is not None:
            return Welcome(refreshed.organization, refreshed.role, first=True)
        state = NEW_ORG_FLOW.start()
        await uow.dialogs.save(chat_id, user_id, state, now)
        return Prompt(state)


class NewOrganizationSpec(Spec[NewOrgData]):
    """Completes organization creation: the creator becomes its owner."""

    flow = NEW_ORG_FLOW

    def __init__(
        self, clock: Clock, default_categories: Callable[[str], Sequence[str]], country: str
    ) -> None:
        self._clock = clock
        self._categories = default_categories
        self._country = country

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: NewOrgData
    ) -> Outcome:
        now = self._clock.now()
        language = actor.user.language or "en"
        name, zone, currency = required(data.name), required(data.timezone), data.currency
        org = await uow.orgs.add(name, zone, required(currency), language, self._country, now)
        await uow.members.add(org.id, actor.user.id, Role.OWNER, now)
        categories = tuple(self._categories(language))
        await uow.categories.add_many(org.id, categories)
        await uow.users.update(actor.user.id, UserChange(active_org_id=org.id))
        return OrganizationCreated(org, categories)
