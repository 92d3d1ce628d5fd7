from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class SlimPageMixin:
    """Paginate over primary keys first, then load the page's rows with their joins.

    The COUNT and the ORDER BY … LIMIT/OFFSET run on the bare table (the index serves the order),
    so the joins and prefetches touch only the rows of the page, however deep the page is.
    """

    def paginate_queryset(self, queryset):
        ids = super().paginate_queryset(queryset.values_list("pk", flat=True))
        if ids is None:
            return None
        rows = {row.pk: row for row in queryset.order_by().filter(pk__in=list(ids))}
        return [rows[pk] for pk in ids if pk in rows]
