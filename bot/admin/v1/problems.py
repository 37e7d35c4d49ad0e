"""Errors of /api/v1: the admin app's one problem-details shape (bot/admin/problem.py), with
the statuses each kind of route lists in the document."""

from __future__ import annotations

from bot.admin.problem import Problem, responses

PREFIX = "/api/v1"
problems = responses
PROBLEMS = problems(401, 403, 404, 422, 429)
ON_POST = problems(409)  # a duplicate; the same Idempotency-Key in flight
ON_PATCH = problems(409, 412)

__all__ = ["ON_PATCH", "ON_POST", "PREFIX", "PROBLEMS", "Problem", "problems"]
