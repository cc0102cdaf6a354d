from __future__ import annotations

from typing import Any

from dialer_app.ui.paged_model import PAGE_SIZE, PagedTableModel


class _Numbers(PagedTableModel[int]):
    columns = ("n",)

    def __init__(self, rows: int, counted: int) -> None:
        super().__init__()
        self.rows, self.counted = rows, counted

    def count_rows(self) -> int:
        return self.counted

    def fetch_rows(self, offset: int, limit: int) -> list[int]:
        return list(range(offset, min(self.rows, offset + limit)))

    def cell(self, row: int, column: int, role: int) -> Any:
        return row


def test_a_capped_count_does_not_stop_scrolling(qapp: object) -> None:
    model = _Numbers(rows=PAGE_SIZE * 2 + 50, counted=10)  # the count stopped at a cap
    model.reset_rows()
    assert model.rowCount() == PAGE_SIZE
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == PAGE_SIZE * 2 + 50
    assert model.total == PAGE_SIZE * 2 + 50


def test_an_exact_page_ends_after_one_empty_fetch(qapp: object) -> None:
    model = _Numbers(rows=PAGE_SIZE, counted=PAGE_SIZE)
    model.reset_rows()
    assert model.canFetchMore()
    model.fetchMore()
    assert not model.canFetchMore()
    assert model.rowCount() == PAGE_SIZE
