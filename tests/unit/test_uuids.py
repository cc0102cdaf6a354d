from __future__ import annotations

import time
import uuid

from dialer_app.db.models import new_uuid, new_uuids


def test_uuids_are_version_7_unique_and_in_creation_order() -> None:
    first = new_uuids(2000)
    time.sleep(0.002)
    later = new_uuid()
    assert len(set(first)) == 2000
    for text in (*first, later):
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122)
        assert str(parsed) == text
    assert max(u[:13] for u in first) < later[:13]  # the millisecond prefix only grows
    assert abs(int(later[:8] + later[9:13], 16) - time.time_ns() // 1_000_000) < 5000
