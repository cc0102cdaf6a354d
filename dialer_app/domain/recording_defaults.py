"""The rule set a new team starts with: a starting point, not legal advice.

Admins edit it (the settings live in the team settings table); these are only the values a
team has before anyone changes them. Ask your own counsel what applies to your calls.

Why **One-Sided Recording** for the all-party-consent states rather than Do Not Record:
those laws are about recording the *other* party without their consent; recording only the
rep's own voice keeps the coaching value (how the rep pitched, handled objections) without
capturing the person called. A team that wants to be stricter switches a state to Do Not
Record in one click; the reverse (silently recording both sides) is the mistake to avoid.

Why Do Not Record for Germany and Switzerland: recording the spoken word of another person
without consent is a criminal offence there (StGB section 201; StGB art. 179ter), and
a rep's own side still captures the call's content; they are examples of a country rule.
"""

from __future__ import annotations

from dialer_app.domain.recording_rules import GovernanceSettings, RecordingMode, RecordingRule

ALL_PARTY = "all-party consent"

# All-party ("two-party") consent states for recorded phone calls, from general knowledge as
# of 2024, to be checked by counsel. Less certain entries, kept on the safe side:
# - Connecticut: criminal law is one-party, but a civil statute requires every party's
#   consent for recorded *telephone* calls (so it is listed, though the brief's list omits it).
# - Delaware: the wiretap statute reads one-party, a privacy statute all-party; courts differ.
# - Michigan: the eavesdropping statute is all-party, but courts have let a participant record.
# - Oregon: all-party for in-person talk, one-party for telephone calls.
# - Nevada: all-party for telephone calls (the state supreme court), one-party in person.
# Hawaii (all-party only for hidden devices in private places) and Vermont are not listed.
ALL_PARTY_CONSENT_STATES: tuple[str, ...] = (
    "US-CA",  # California
    "US-CT",  # Connecticut (civil, telephone calls)
    "US-DE",  # Delaware (uncertain)
    "US-FL",  # Florida
    "US-IL",  # Illinois
    "US-MD",  # Maryland
    "US-MA",  # Massachusetts
    "US-MI",  # Michigan (uncertain)
    "US-MT",  # Montana
    "US-NV",  # Nevada
    "US-NH",  # New Hampshire
    "US-OR",  # Oregon (uncertain for telephone calls)
    "US-PA",  # Pennsylvania
    "US-WA",  # Washington
)

DEFAULT_RULES: tuple[RecordingRule, ...] = (
    *(RecordingRule(s, RecordingMode.ONE_SIDED, ALL_PARTY) for s in ALL_PARTY_CONSENT_STATES),
    RecordingRule("DE", RecordingMode.DO_NOT_RECORD, "consent of every party required"),
    RecordingRule("CH", RecordingMode.DO_NOT_RECORD, "consent of every party required"),
)

DEFAULT_GOVERNANCE = GovernanceSettings(record_by_default=False, rules=DEFAULT_RULES)
"""Recording starts off: a team turns it on deliberately, after reading the rules above."""
