"""What /start means for this person right now: onboarding, an invite, a new org or a welcome."""

from __future__ import annotations

from core.billing.plans import PlanGuard
from core.dialogs.data import OnboardingData
from core.domain import Actor
from core.outcomes import Joined, Outcome, Prompt, Welcome
from core.ports import Clock, UowFactory
from core.team.invites import join_with_token
from core.team.onboarding import NEW_ORG_FLOW, ONBOARDING_FLOW


class StartService:
    def __init__(self, uow: UowFactory, clock: Clock, plans: PlanGuard | None = None) -> None:
        self._uow = uow
        self._clock = clock
        self._plans = plans or PlanGuard(enforced=False)

    async def begin(self, actor: Actor, chat_id: int, payload: str | None) -> Outcome:
        now = self._clock.now()
        async with self._uow() as uow:
            if not actor.user.onboarded:
                state = ONBOARDING_FLOW.start(OnboardingData(invite=payload or None))
            elif payload:
                joined: Joined = await join_with_token(uow, actor.user, payload, now, self._plans)
                await uow.dialogs.clear(chat_id, actor.user.id)
                await uow.commit()
                return joined
            elif actor.membership is not None:
                return Welcome(actor.organization, actor.role)
            else:
                state = NEW_ORG_FLOW.start()
            await uow.dialogs.save(chat_id, actor.user.id, state, now)
            await uow.commit()
            return Prompt(state)
