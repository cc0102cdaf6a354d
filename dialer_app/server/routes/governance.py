"""``/governance``: the team's recording governance with its schema spelled out.

It is the team setting ``recording_governance`` (the feed carries it as a ``team_setting``);
this route only gives it a typed body in the contract. Only admins change it.
"""

from __future__ import annotations

import json

from fastapi import APIRouter
from pydantic import BaseModel

from dialer_app.server.deps import AppServices, Caller
from dialer_app.server.resources import BY_NAME
from dialer_app.server.routes.records import ERRORS, raise_refusal, read_record, write_records
from dialer_app.server.schemas import (
    GOVERNANCE_KEY,
    Governance,
    TeamSetting,
    UtcTime,
    WriteResult,
)
from dialer_app.server.store import Write

router = APIRouter(tags=["team-settings"])
_SETTING = BY_NAME["team_setting"]


class GovernanceSetting(BaseModel):
    updated_at: UtcTime
    value: Governance


@router.get("/governance", response_model=GovernanceSetting, responses=ERRORS)
def get_governance(principal: Caller, services: AppServices) -> GovernanceSetting:
    """The team's governance; 404 until an admin sets it (the app then uses its defaults)."""
    record = read_record(services, principal, _SETTING, GOVERNANCE_KEY)
    assert record.body is not None
    stored = json.loads(record.body)
    return GovernanceSetting(updated_at=stored["updated_at"], value=stored["value"])


@router.put("/governance", response_model=WriteResult, responses=ERRORS)
def put_governance(
    setting: GovernanceSetting, principal: Caller, services: AppServices
) -> WriteResult:
    """Replace the governance (admins only; an older ``updated_at`` than the stored loses)."""
    record = TeamSetting(
        key=GOVERNANCE_KEY,
        updated_at=setting.updated_at,
        value=setting.value.model_dump(mode="json"),
    )
    [result] = write_records(services, principal, [Write.upsert(_SETTING, record)])
    return raise_refusal(result)
