from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    """Cursor pages (stable while rows are added); the next page is also in a `Link` header,
    which is how a CSV page says where the rest is."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = "pk"

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        links = [f'<{url}>; rel="{rel}"' for rel, url in
                 (("next", self.get_next_link()), ("prev", self.get_previous_link())) if url]
        if links:
            response["Link"] = ", ".join(links)
        return response
