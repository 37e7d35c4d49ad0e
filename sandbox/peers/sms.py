"""Local SMS.ru and SMSC.ru for the tests and the sandbox: real HTTP servers in the running
event loop that speak the providers' request and answer formats as docs/sms.md describes
them. Each checks credentials, counts segments and charges a balance, keeps every message it
accepted (`received()`, and `on_message` for a live view such as an SMS-only client persona),
refuses on demand and posts delivery reports to the handler URL like the real service.

    async with SmsRuPeer(api_id="key") as sms_ru:
        gateway = HttpSmsRu(client, "key", base_url=sms_ru.base_url)
        ...
        sms_ru.received("+79161234567")  # what that phone got
        await sms_ru.deliver(message_id)  # report "delivered" to the registered handlers

    async with SmscPeer(login="org", password="secret", callback_url=...) as smsc: ...

Misbehaving: `refuse = 201` (SMS.ru) or `refuse = 3` (SMSC.ru) answers that provider code to
the next sends; `fail_status = 500` (any HTTP status, plain body); `delay = 5.0` (beyond the
client's timeout; stopping the server cuts it short); `balance = Decimal(0)`; an invalid
number or an unapproved sender name is refused as the real service does.
"""

from sandbox.peers.sms_common import ReceivedSms, SmsPeer, segments
from sandbox.peers.sms_ru import SmsRuPeer
from sandbox.peers.smsc import SmscPeer

__all__ = ["ReceivedSms", "SmsPeer", "SmsRuPeer", "SmscPeer", "segments"]
