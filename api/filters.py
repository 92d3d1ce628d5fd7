import django_filters

from contest.models import Challenge, Contest, Entry, Team


class ContestFilter(django_filters.FilterSet):
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


class ChallengeFilter(django_filters.FilterSet):
    prize_min = django_filters.NumberFilter(field_name="prize_amount", lookup_expr="gte")
    prize_max = django_filters.NumberFilter(field_name="prize_amount", lookup_expr="lte")

    class Meta:
        model = Challenge
        fields = ["contest", "track", "status", "publisher", "prize_negotiable"]


class TeamFilter(django_filters.FilterSet):
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


class EntryFilter(django_filters.FilterSet):
    contest = django_filters.NumberFilter(field_name="team__contest")

    class Meta:
        model = Entry
        fields = ["team", "stage", "status"]
