"""Every threshold of the geofence tracker (``shared.geofence``), named, with its reason.

A phone's ``accuracy`` is the radius of a circle holding the true position with about 68 %
probability (Android's documented meaning; iOS's horizontalAccuracy is used the same way). For a
circular Gaussian error that radius is 1.51 standard deviations per axis, so one axis's standard
deviation is ``ACCURACY_TO_SIGMA`` × accuracy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

ACCURACY_TO_SIGMA = 1 / math.sqrt(-2 * math.log(1 - 0.68))  # ≈ 0.662


@dataclass(frozen=True, slots=True)
class GeofenceSettings:
    """Thresholds of the enter/exit decisions; times in seconds, distances in metres, speeds in m/s.

    Entry: the smoothed position has been in the lot since ``entry_dwell_s`` ago without the phone
    driving, and the accuracy-weighted mean of the fixes of that time (at least ``entry_min_fixes``)
    lies inside the lot by ``entry_confidence_sigmas`` standard errors of that mean.

    Exit: the smoothed position is outside the lot by more than the fix's accuracy plus
    ``exit_margin_m``, and has not come back into it for ``exit_dwell_s``.
    """

    max_accuracy_m: float = 50.0
    """Fixes less accurate than this are ignored: they neither count towards nor against a lot."""

    accuracy_floor_m: float = 3.0
    """Accuracy assumed for fixes claiming better: no phone GPS knows the car's place to a metre,
    and a fix claiming 0 m would otherwise outweigh all others in an average."""

    entry_dwell_s: float = 60.0
    """How long the phone must have been at the lot, not driving, before an entry is decided (a red
    light or a drop-off beside a lot is shorter)."""

    entry_min_fixes: int = 3
    """Usable fixes needed within the entry dwell, so an app sampling slowly still has evidence."""

    entry_confidence_sigmas: float = 2.0
    """How far inside the lot the dwell's mean position must lie, in standard errors of that mean:
    a car parked on the street beside a lot must not enter it on noise. After a minute of 50 m fixes
    that is ~12 m deep (lots narrower than ~25 m cannot be entered at that accuracy); of 5 m fixes ~1.2 m."""

    max_averaged_fixes: int = 30
    """Averaging n fixes is credited with at most this many independent ones: GPS errors drift
    together over tens of seconds, so the error of a mean shrinks less than 1/sqrt(n) claims."""

    smoothing_target_m: float = 5.0
    """The phone's current (smoothed) position is the accuracy-weighted mean of its newest fixes,
    as many as it takes to be accurate to this: one good fix is enough, poor ones are averaged so a
    single noisy fix never decides anything. Fixes from before the phone last drove never count."""

    smoothing_window_s: float = 20.0
    """The smoothed position averages fixes of at most this many seconds back (the lag it allows)."""

    exit_margin_m: float = 15.0
    """The position must be outside the lot by the fix's accuracy plus this before leaving starts."""

    exit_dwell_s: float = 45.0
    """How long the position must stay out of the lot (never back inside) before the exit is decided."""

    driving_speed_mps: float = 4.0
    """At or above this speed (the fix's own speed, else the speed derived from recent fixes) the
    phone is driving: no entry, and the entry dwell restarts when it stops."""

    speed_baseline_s: float = 10.0
    """Without a speed from the phone, speed is derived from the fix about this many seconds back."""

    speed_noise_sigmas: float = 4.5
    """Of a derived move, only what lies beyond this many standard deviations of the two fixes'
    combined error counts, so a parked phone's noise looks like driving about once in 25,000 fixes
    (a single driving fix restarts the entry dwell). With 5 m fixes driving shows from ~8 m/s;
    at 50 m from the positions alone it hardly shows, and the dwell's mean position has to do."""

    max_jump_speed_mps: float = 60.0
    """A fix implying a faster move from the last accepted one (beyond both accuracies) is a GPS jump
    and ignored."""

    jump_confirm_fixes: int = 5
    """After this many consecutive jumped fixes that agree with each other the phone really is there
    (out of a tunnel, say): they are accepted, and dwell timers restart as after a gap."""

    gap_reset_s: float = 120.0
    """A silence longer than this between usable fixes restarts dwell timers: a lot entered stays
    entered, but a new entry needs a full entry dwell and an exit a full exit dwell after the gap.
    An app sampling slowly to save battery must send a fix at least this often."""

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if field.type == "int":
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    raise ValueError(f"GeofenceSettings.{field.name} must be an integer >= 1, got {value!r}")
            elif (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value < 0
            ):
                raise ValueError(f"GeofenceSettings.{field.name} must be a finite number >= 0, got {value!r}")
        positive = ("max_accuracy_m", "accuracy_floor_m", "smoothing_target_m", "max_jump_speed_mps")
        for name in positive:
            if getattr(self, name) <= 0:
                raise ValueError(f"GeofenceSettings.{name} must be > 0, got {getattr(self, name)!r}")
