"""The buttons of /privacy and erasure: marketing consent, the retention period, restoring an
organization, the audit log's pages, the privacy policy's answer, and erasing a client, one's
own account or the organization (with its confirmation)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from handlers.callbacks.codec import Action, Small


@dataclass(frozen=True)
class Marketing(Action, template="pv:mk:{on}"):
    on: Literal[0, 1]


@dataclass(frozen=True)
class RetentionAsk(Action, template="pv:rt:{days}"):
    days: Small  # 0: until deleted


@dataclass(frozen=True)
class RetentionSet(Action, template="pv:rc:{days}"):
    days: Small


@dataclass(frozen=True)
class RetentionKeep(Action, template="pv:rx:0"):
    pass


@dataclass(frozen=True)
class RestoreOrg(Action, template="pv:ro:{organization_id}"):
    organization_id: int


@dataclass(frozen=True)
class AuditPage(Action, template="pv:au:{page}"):
    page: Small


@dataclass(frozen=True)
class PolicyAnswer(Action, template="pv:pa:{accepted}"):
    """Accept (1) or decline (0) the privacy policy's version in force."""

    accepted: Literal[0, 1]


@dataclass(frozen=True)
class EraseAsk(Action, template="er:fc:{client_id}"):
    client_id: int


@dataclass(frozen=True)
class EraseClient(Action, template="er:fcy:{client_id}"):
    client_id: int


@dataclass(frozen=True)
class EraseConfirm(Action, template="er:{what}"):
    """What /deleteme, /deleteorg or /deactivate asked (`no` cancels)."""

    what: Literal["me", "org", "off", "no"]
