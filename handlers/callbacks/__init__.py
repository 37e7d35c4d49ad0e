"""The callback-data codec: typed actions (`actions`), encoded and decoded in one place
(`codec`), routed by type (`routes`). Handlers write `cb.OpenOrder(order_id)` and receive
the decoded action as their third argument."""

from handlers.callbacks.actions import *  # noqa: F403
from handlers.callbacks.codec import LIMIT as LIMIT
from handlers.callbacks.codec import Action as Action
from handlers.callbacks.codec import decode as decode
from handlers.callbacks.codec import encode as encode
from handlers.callbacks.codec import kinds as kinds
