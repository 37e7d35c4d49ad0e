"""The button of the "new sign-in" message (issue 25, item 12): "Not you? Sign out
everywhere". It names nothing: whoever taps it ends their own sessions, so forged data can
do nothing else."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.callbacks.codec import Action


@dataclass(frozen=True)
class SignOutEverywhere(Action, template="wso"):
    """End every web session of the person who taps."""
