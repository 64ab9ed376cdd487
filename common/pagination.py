"""Every list of the API in pages: `?page=` (from 1; a page past the end answers 404) and `?page_size=`
(50 by default; more than 200 gives 200), answered as {"count", "next", "previous", "results"}."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class Pages(PageNumberPagination):
    """DRF's page numbers with the portal's sizes. A page size above the largest is read as the largest,
    as DRF does, rather than refused: a client asking for "everything" gets the most it may."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_query_description = "Số trang, từ 1; trang quá số trang trả về 404."
    page_size_query_description = f"Số dòng mỗi trang: {DEFAULT_PAGE_SIZE} nếu không gửi, tối đa {MAX_PAGE_SIZE}."

    def page_of(self, rows: Sequence[Any], request: Request, *, url: str | None = None) -> dict[str, Any]:
        """One page of rows built outside a queryset (a published table), as the list views answer it.
        The links are made from `url` when given (the request's address with only the parameters that
        matter, for an answer kept in a cache), else from the request's own address."""
        page = self.paginate_queryset(rows, request)
        found = self.page
        # A page size is always set, so there is always a page.
        assert page is not None
        assert found is not None
        base = url or request.build_absolute_uri()
        return {
            "count": found.paginator.count,
            "next": _link(base, found.next_page_number()) if found.has_next() else None,
            "previous": _link(base, found.previous_page_number()) if found.has_previous() else None,
            "results": page,
        }

    def requested_size(self, request: Request) -> int:
        """The page size this request gets (what `?page_size=` gives, else the default)."""
        size = self.get_page_size(request)
        assert size is not None  # the default is set
        return size


def _link(url: str, number: int) -> str:
    # As DRF's own links: the first page is the address without `page`.
    return remove_query_param(url, "page") if number == 1 else replace_query_param(url, "page", number)
