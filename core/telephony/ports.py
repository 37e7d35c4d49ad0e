"""Ports of the telephony feature: the call log's storage and the PBX's REST API."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from core.changes import CallChange, NewCall, PbxAccountChange
from core.telephony.events import Call, CallEvent, PbxAccount, PbxCredentials


class CallRepository(Protocol):
    """The PBX account of each organization, the call log and the events it was built from."""

    async def account(self, org_id: int) -> PbxAccount | None: ...
    async def account_by_key(self, org_key: str) -> PbxAccount | None: ...
    async def save_account(
        self, org_id: int, now: datetime, change: PbxAccountChange
    ) -> PbxAccount:
        """Create (with `org_key` in `change`) or change the organization's account."""
        ...

    async def credentials(self, org_id: int) -> PbxCredentials | None:
        """The organization's own API key and secret, when it has them."""
        ...

    async def record_event(self, org_id: int, event: CallEvent, now: datetime) -> bool:
        """Keep the event; False when its dedup key is already kept (a redelivery)."""
        ...

    async def ensure(self, org_id: int, pbx_call_id: str, now: datetime, new: NewCall) -> Call:
        """The call with this PBX id, created as `new` when it is new."""
        ...

    async def get(self, org_id: int, call_id: int) -> Call | None: ...
    async def update(
        self, org_id: int, call_id: int, now: datetime, change: CallChange
    ) -> Call: ...
    async def claim_callback(self, org_id: int, call_id: int, user_id: int) -> bool:
        """Take the call-back on oneself; False when someone already has."""
        ...

    async def listing(
        self, org_id: int, start: datetime, end: datetime, missed: bool, unknown: bool, limit: int
    ) -> list[Call]: ...
    async def for_phones(self, org_id: int, phones: Sequence[str], limit: int) -> list[Call]: ...


class PbxApi(Protocol):
    """The PBX's REST API, with one organization's credentials."""

    async def recording_link(self, call_id_with_rec: str) -> str:
        """A temporary download link; raises ExternalServiceError on failure."""
        ...

    async def download(self, url: str) -> bytes: ...


PbxApiFactory = Callable[[PbxCredentials], PbxApi]
