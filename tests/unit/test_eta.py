"""The ETA of a worker on the way (core/client_loop/eta.py): great-circle distances, the
straight-line estimate with the detour factor and speed, the rounding (never 0 min), the
150 m arrival threshold, the routing service preferred when it answers."""

from __future__ import annotations

import math

import pytest

from core.client_loop.eta import (
    ARRIVED_WITHIN_M,
    Point,
    arrived,
    checked_eta,
    distance_m,
    eta_minutes,
    rounded_minutes,
    straight_seconds,
)
from core.errors import DomainError

RED_SQUARE = Point(55.753930, 37.620795)
# One degree of latitude is 111.195 km on the mean-radius sphere.
DEGREE_M = 2 * math.pi * 6_371_008.8 / 360


def north(of: Point, metres: float) -> Point:
    return Point(of.latitude + metres / DEGREE_M, of.longitude)


def test_distance_of_known_points():
    assert distance_m(RED_SQUARE, RED_SQUARE) == 0
    assert distance_m(RED_SQUARE, north(RED_SQUARE, 1000)) == pytest.approx(1000, abs=0.01)
    # Moscow (Red Square) to Saint Petersburg (Palace Square): about 634 km as the crow flies
    palace = Point(59.939095, 30.315868)
    assert distance_m(RED_SQUARE, palace) == pytest.approx(634_000, rel=0.005)
    assert distance_m(palace, RED_SQUARE) == pytest.approx(distance_m(RED_SQUARE, palace))
    # across the antimeridian: a short hop, not half the planet
    assert distance_m(Point(0, 179.99), Point(0, -179.99)) == pytest.approx(2224, rel=0.01)


def test_straight_line_estimate_uses_detour_and_speed():
    ten_km = north(RED_SQUARE, 10_000)
    # 10 km x 1.4 = 14 km at 25 km/h = 0.56 h = 2016 s
    assert straight_seconds(RED_SQUARE, ten_km, 1.4, 25) == pytest.approx(2016, rel=1e-6)
    assert straight_seconds(RED_SQUARE, ten_km, 1.0, 50) == pytest.approx(720, rel=1e-6)


@pytest.mark.parametrize(
    ("seconds", "minutes"),
    [
        (0, 1),
        (-5, 1),
        (1, 1),
        (60, 1),
        (61, 2),
        (599, 10),
        (600, 10),
        (601, 15),  # 11 min -> 15
        (1500, 25),
        (1501, 30),
        (3600, 60),
        (3601, 70),  # 61 min -> 70
        (2016, 35),  # 33.6 min -> 35
        (5 * 3600 + 1, 310),
    ],
)
def test_rounding_is_what_a_person_says_and_never_zero(seconds, minutes):
    assert rounded_minutes(seconds) == minutes


def test_arrived_within_150_metres():
    assert ARRIVED_WITHIN_M == 150
    assert arrived(north(RED_SQUARE, 149), RED_SQUARE)
    assert arrived(north(RED_SQUARE, 149.9), RED_SQUARE)
    assert not arrived(north(RED_SQUARE, 151), RED_SQUARE)
    assert not arrived(north(RED_SQUARE, 2000), RED_SQUARE)


class Answering:
    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.asked: list[tuple[Point, Point]] = []

    async def drive_seconds(self, origin: Point, destination: Point) -> float | None:
        self.asked.append((origin, destination))
        return self.seconds


async def test_routing_answer_wins_and_its_failure_falls_back():
    far = north(RED_SQUARE, 10_000)
    routed = Answering(1260.0)  # 21 min -> 25
    assert await eta_minutes(far, RED_SQUARE, 1.4, 25, routed) == 25
    assert routed.asked == [(far, RED_SQUARE)]
    assert await eta_minutes(far, RED_SQUARE, 1.4, 25, Answering(None)) == 35
    assert await eta_minutes(far, RED_SQUARE, 1.4, 25, None) == 35
    assert await eta_minutes(far, RED_SQUARE, 2.0, 50, None) == 25  # 24 min -> 25


@pytest.mark.parametrize(
    ("detour", "speed", "code"),
    [
        (0.9, 25, "eta_detour_range"),
        (3.5, 25, "eta_detour_range"),
        (float("nan"), 25, "eta_detour_range"),
        (True, 25, "eta_detour_range"),
        (1.4, 4, "eta_speed_range"),
        (1.4, 91, "eta_speed_range"),
        (1.4, 25.5, "eta_speed_range"),
    ],
)
def test_settings_out_of_range_are_refused(detour, speed, code):
    with pytest.raises(DomainError) as refused:
        checked_eta(detour, speed)
    assert refused.value.code == code


def test_settings_in_range_pass():
    checked_eta(1.4, 25)
    checked_eta(1, 5)
    checked_eta(3.0, 90)
