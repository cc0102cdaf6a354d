"""The team's default dispositions and sentiments (Salesloft's defaults, seed 000).

Each default has a stable key so seeding is idempotent and so the auto-suggestion
rule can tell whether the team still uses the unedited defaults.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DefaultOption:
    key: str
    name: str


DEFAULT_DISPOSITIONS: tuple[DefaultOption, ...] = (
    DefaultOption("connected", "Connected"),
    DefaultOption("no_answer", "No Answer"),
    DefaultOption("busy", "Busy"),
    DefaultOption("left_voicemail", "Left Voicemail"),
    DefaultOption("bad_number", "Bad Number"),
    DefaultOption("gatekeeper", "Gatekeeper"),
    DefaultOption("not_in_service", "Not In Service"),
    DefaultOption("wrong_number", "Wrong Number"),
)

DEFAULT_SENTIMENTS: tuple[DefaultOption, ...] = (
    DefaultOption("demo_scheduled", "Demo Scheduled"),
    DefaultOption("interested", "Interested"),
    DefaultOption("not_interested", "Not Interested"),
    DefaultOption("company_bad_fit", "Company - Bad Fit"),
    DefaultOption("follow_up_later", "Follow Up Later"),
    DefaultOption("timing_not_right", "Timing Not Right"),
    DefaultOption("referred_elsewhere", "Referred to Someone Else"),
)
