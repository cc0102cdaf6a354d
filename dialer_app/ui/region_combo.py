"""The region picker for national numbers (Settings and the import wizard)."""

from __future__ import annotations

import phonenumbers
from PySide6.QtWidgets import QComboBox


def region_combo(selected: str, object_name: str = "regionCombo") -> QComboBox:
    """Every region phonenumbers knows, as ``GB  (+44)``; the item data is the ISO code."""
    combo = QComboBox()
    combo.setObjectName(object_name)
    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    for region in regions:
        code = phonenumbers.country_code_for_region(region)
        combo.addItem(f"{region}  (+{code})", region)
    if selected in regions:
        combo.setCurrentIndex(regions.index(selected))
    return combo
