import re

import django_filters

from api.params import ID_MAX, int_parse
from contest.errors import error
from contest.models import Challenge, Contest, Entry, Team

PLAIN_DECIMAL = re.compile(r"\A[0-9]{1,15}(?:\.[0-9]{1,6})?\Z", re.ASCII)


class StrictFilterSet(django_filters.FilterSet):
    """Ids and numbers in ASCII digits within range, before django-filter's own parsing (which
    takes "٥" for 5 and passes 2**63 on to the database): the `query_param_invalid` 400 of
    `api.params`, the same for every list."""

    def is_valid(self):
        for name, spec in self.filters.items():
            raw = self.data.get(name)
            if raw in (None, ""):
                continue
            if isinstance(spec, django_filters.ModelChoiceFilter):
                int_parse(raw, name)
            elif isinstance(spec, django_filters.NumberFilter) and not PLAIN_DECIMAL.match(raw):
                raise error(
                    "query_param_invalid",
                    name=name,
                    minimum=0,
                    maximum=ID_MAX,
                    fields={name: ["query_param_invalid"]},
                )
        return super().is_valid()


class ContestFilter(StrictFilterSet):
    organised = django_filters.BooleanFilter(
        method="filter_organised", label="Only contests I organise"
    )

    class Meta:
        model = Contest
        fields = ["kind", "status", "parent", "year"]

    def filter_organised(self, queryset, name, value):
        from contest.selectors import organiser_contest_ids

        user = self.request.user
        if value and user.is_authenticated and not user.is_superuser:
            return queryset.filter(pk__in=organiser_contest_ids(user))
        return queryset


class ChallengeFilter(StrictFilterSet):
    prize_min = django_filters.NumberFilter(field_name="prize_amount", lookup_expr="gte")
    prize_max = django_filters.NumberFilter(field_name="prize_amount", lookup_expr="lte")

    class Meta:
        model = Challenge
        fields = ["contest", "track", "status", "publisher", "prize_negotiable"]


class TeamFilter(StrictFilterSet):
    mine = django_filters.BooleanFilter(method="filter_mine", label="Only teams I am on")

    class Meta:
        model = Team
        fields = ["contest", "track", "group", "challenge"]

    def filter_mine(self, queryset, name, value):
        if value:
            from contest.models import TeamMember

            return queryset.filter(
                pk__in=TeamMember.objects.filter(user=self.request.user).values("team_id")
            )
        return queryset


class EntryFilter(StrictFilterSet):
    contest = django_filters.NumberFilter(field_name="team__contest")

    class Meta:
        model = Entry
        fields = ["team", "stage", "status"]
